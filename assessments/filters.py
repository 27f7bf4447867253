import django_filters

from .models import Assessment


class AssessmentFilterSet(django_filters.FilterSet):
    rating = django_filters.ChoiceFilter(
        field_name="risk_rating", choices=[(r, r) for r in ("low", "medium", "high", "critical")],
    )

    class Meta:
        model = Assessment
        fields = ["vendor", "status", "lead_auditor", "kind", "checklist", "rating"]
