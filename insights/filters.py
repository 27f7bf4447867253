"""The filters of the lists behind the home page's cards (django-filter): each narrows the same
queryset the card shows the top of (insights/dashboards.py)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from assessments.choices import ACTION_FOLLOW_UP, FindingClass
from assessments.models import Assessment, CorrectiveAction
from config.labels import shown
from vendors.choices import InherentRisk
from vendors.models import Vendor

from .dashboards import OPEN_STATUSES
from .vocabulary import QUALIFIED

ROLE_CHOICES = [("lead", gettext_noop("Lead auditor")), ("team", gettext_noop("Team member"))]


def name_contains(queryset, field_name: str, value: str):
    """Rows whose `field_name` contains every word of `value` (as the vendor registry's search)."""
    for term in value.split():
        queryset = queryset.filter(**{f"{field_name}__icontains": term})
    return queryset


class MyAssessmentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=shown([(s.value, s.label) for s in OPEN_STATUSES]), label=gettext_lazy("Status")
    )
    role = django_filters.ChoiceFilter(
        choices=shown(ROLE_CHOICES), method="filter_role", label=gettext_lazy("Your role")
    )
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label=gettext_lazy("Vendor name"))

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
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label=gettext_lazy("Vendor name"))

    class Meta:
        model = Assessment
        fields = []

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "vendor__name", value)


class RequalificationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=shown([(s.value, s.label) for s in QUALIFIED]), label=gettext_lazy("Qualification status")
    )
    inherent_risk = django_filters.ChoiceFilter(
        choices=shown(InherentRisk.choices), label=gettext_lazy("Inherent risk")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("Overdue only"))

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
    status = django_filters.ChoiceFilter(
        choices=shown([(s.value, s.label) for s in ACTION_FOLLOW_UP]), label=gettext_lazy("Status")
    )
    classification = django_filters.ChoiceFilter(
        field_name="finding__classification", choices=shown(FindingClass.choices), label=gettext_lazy("Finding class")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("Overdue only"))
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label=gettext_lazy("Vendor name"))

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

    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label=gettext_lazy("Vendor name"))
    inherent_risk = django_filters.ChoiceFilter(
        choices=shown(InherentRisk.choices), label=gettext_lazy("Inherent risk")
    )

    class Meta:
        model = Vendor
        fields = ["inherent_risk"]

    def filter_vendor_name(self, queryset, name, value):
        return name_contains(queryset, "name", value)
