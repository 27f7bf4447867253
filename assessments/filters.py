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
            filter_ = self.filters[name]
            filter_.extra["empty_label"] = label
            # A form field built before (the API schema builds them on the class's filters) was
            # copied with the old label: build it again.
            filter_.__dict__.pop("_field", None)

    class Meta:
        model = Assessment
        fields = ["vendor", "status", "lead_auditor", "kind", "checklist", "rating"]
