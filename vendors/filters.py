"""One filter set for the vendor list page and GET /api/vendors/."""

import django_filters
from django.db.models import Q

from .choices import InherentRisk, QualificationStatus
from .countries import COUNTRY_CHOICES, Region
from .models import Modality, ServiceLine, Vendor


class VendorFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, method="filter_country", empty_label="Any country")
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label="Any region")
    service_line = django_filters.ModelChoiceFilter(
        field_name="service_lines",
        to_field_name="slug",
        queryset=ServiceLine.objects.all(),
        label="Service line",
        empty_label="Any service line",
    )
    modality = django_filters.ModelChoiceFilter(
        field_name="modalities",
        to_field_name="slug",
        queryset=Modality.objects.all(),
        empty_label="Any modality",
    )
    status = django_filters.ChoiceFilter(
        choices=QualificationStatus.choices, label="Qualification status", empty_label="Any status"
    )
    inherent_risk = django_filters.ChoiceFilter(choices=InherentRisk.choices, empty_label="Any inherent risk")
    requalification_due_before = django_filters.DateFilter(field_name="next_requalification_due", lookup_expr="lte")

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
