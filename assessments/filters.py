import django_filters

from vendors.choices import RiskRating

from .models import Assessment


class AssessmentFilterSet(django_filters.FilterSet):
    rating = django_filters.ChoiceFilter(
        field_name="risk_rating",
        choices=RiskRating.choices,
        empty_label="Any rating",
    )
    # Real placeholders instead of Django's "---------" (the fields of Meta.fields get theirs here).
    EMPTY_LABELS = {
        "vendor": "Any vendor",
        "status": "Any status",
        "lead_auditor": "Any lead auditor",
        "kind": "Any kind",
        "checklist": "Any checklist",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.EMPTY_LABELS.items():
            self.filters[name].extra["empty_label"] = label

    class Meta:
        model = Assessment
        fields = ["vendor", "status", "lead_auditor", "kind", "checklist", "rating"]
