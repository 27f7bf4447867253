"""One filter set for the vendor list page and GET /api/vendors/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from config.labels import shown

from .choices import InherentRisk, QualificationStatus
from .countries import COUNTRY_CHOICES, Region
from .models import Modality, ServiceLine, Vendor


class VendorFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=gettext_lazy("Search"))
    country = django_filters.ChoiceFilter(
        choices=COUNTRY_CHOICES,
        method="filter_country",
        label=gettext_lazy("Country"),
        empty_label=gettext_lazy("Any country"),
    )
    region = django_filters.ChoiceFilter(
        choices=shown(Region.choices), label=gettext_lazy("Region"), empty_label=gettext_lazy("Any region")
    )
    service_line = django_filters.ModelChoiceFilter(
        field_name="service_lines",
        to_field_name="slug",
        queryset=ServiceLine.objects.all(),
        label=gettext_lazy("Service line"),
        empty_label=gettext_lazy("Any service line"),
    )
    modality = django_filters.ModelChoiceFilter(
        field_name="modalities",
        to_field_name="slug",
        queryset=Modality.objects.all(),
        label=gettext_lazy("Modalities"),
        empty_label=gettext_lazy("Any modality"),
    )
    status = django_filters.ChoiceFilter(
        choices=shown(QualificationStatus.choices),
        label=gettext_lazy("Qualification status"),
        empty_label=gettext_lazy("Any status"),
    )
    inherent_risk = django_filters.ChoiceFilter(
        choices=shown(InherentRisk.choices),
        label=gettext_lazy("Inherent risk"),
        empty_label=gettext_lazy("Any inherent risk"),
    )
    requalification_due_before = django_filters.DateFilter(
        field_name="next_requalification_due",
        lookup_expr="lte",
        label=gettext_lazy("Next requalification due is less than or equal to"),
    )

    class Meta:
        model = Vendor
        fields = ["search", "country", "region", "service_line", "modality", "status", "inherent_risk"]

    def __init__(self, data=None, *args, **kwargs):
        # Country codes are case-insensitive for people typing URLs: ?country=de works.
        if data is not None and data.get("country"):
            data = data.copy()
            data["country"] = data["country"].upper()
        super().__init__(data, *args, **kwargs)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value)

    def filter_search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(legal_name__icontains=term) | Q(description__icontains=term)
            )
        return queryset
