"""The filters of the lists behind the home page's cards (django-filter): each narrows the same
queryset the card shows the top of (insights/dashboards.py)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from assessments.choices import ACTION_FOLLOW_UP, FindingClass
from assessments.models import Assessment, CorrectiveAction
from vendors.choices import InherentRisk
from vendors.models import Vendor

from .dashboards import OPEN_STATUSES
from .vocabulary import QUALIFIED

ROLE_CHOICES = [("lead", "Lead auditor"), ("team", "Team member")]


def name_contains(queryset, field_name: str, value: str):
    """Rows whose `field_name` contains every word of `value` (as the vendor registry's search)."""
    for term in value.split():
        queryset = queryset.filter(**{f"{field_name}__icontains": term})
    return queryset


class MyAssessmentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s.value, s.label) for s in OPEN_STATUSES])
    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES, method="filter_role", label="Your role")
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label="Vendor name")

    class Meta:
        model = Assessment
        fields = ["status"]

    def filter_role(self, queryset, name, value):
        user = self.request.user
        if value == "lead":
            return queryset.filter(lead_auditor=user)
        return queryset.exclude(lead_auditor=user)

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "vendor__name", value)


class ReviewQueueFilterSet(django_filters.FilterSet):
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label="Vendor name")

    class Meta:
        model = Assessment
        fields = []

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "vendor__name", value)


class RequalificationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s.value, s.label) for s in QUALIFIED], label="Qualification status")
    inherent_risk = django_filters.ChoiceFilter(choices=InherentRisk.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only")

    class Meta:
        model = Vendor
        fields = ["status", "inherent_risk"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return (
            queryset.filter(next_requalification_due__lt=today)
            if value
            else queryset.filter(next_requalification_due__gte=today)
        )


class OpenActionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s.value, s.label) for s in ACTION_FOLLOW_UP])
    classification = django_filters.ChoiceFilter(
        field_name="finding__classification", choices=FindingClass.choices, label="Finding class"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only")
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label="Vendor name")

    class Meta:
        model = CorrectiveAction
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "finding__assessment__vendor__name", value)


class DocumentFilterSet(django_filters.FilterSet):
    """Narrows the vendors whose expiring documents are listed (vendors/documents.py)."""

    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label="Vendor name")
    inherent_risk = django_filters.ChoiceFilter(choices=InherentRisk.choices)

    class Meta:
        model = Vendor
        fields = ["inherent_risk"]

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "name", value)
