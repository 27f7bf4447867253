import django_filters

from vendors.choices import RiskRating

from .models import Assessment


class AssessmentFilterSet(django_filters.FilterSet):
    rating = django_filters.ChoiceFilter(
        field_name="risk_rating",
        choices=RiskRating.choices,
    )

    class Meta:
        model = Assessment
        fields = ["vendor", "status", "lead_auditor", "kind", "checklist", "rating"]
