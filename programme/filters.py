"""The programme's filters (django-filter), one filter set for the page, the CSV, the calendar
feeds and the API. The vendor filters narrow the vendors the programme is worked out for; `from`,
`to`, `kind` and `status` narrow its items (programme.plan.items) and are read from the form's
cleaned data. A bad date, or `from` after `to`, makes the form invalid: a 400, never a 500."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy

from config.labels import shown
from vendors.choices import InherentRisk
from vendors.models import Vendor

from . import plan
from .choices import ItemKind, ItemStatus


def _items_only(queryset, name, value):
    """Item filters are applied to the programme's items, not to the vendors."""
    return queryset


class ProgrammeFilterSet(django_filters.FilterSet):
    vendor_name = django_filters.CharFilter(method="filter_vendor_name", label=gettext_lazy("Vendor name"))
    inherent_risk = django_filters.ChoiceFilter(
        choices=shown(InherentRisk.choices), label=gettext_lazy("Inherent risk")
    )
    kind = django_filters.ChoiceFilter(choices=shown(ItemKind.choices), method=_items_only, label=gettext_lazy("Kind"))
    status = django_filters.ChoiceFilter(
        choices=shown(ItemStatus.choices), method=_items_only, label=gettext_lazy("Status")
    )

    class Meta:
        model = Vendor
        fields = ["inherent_risk"]

    def filter_vendor_name(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(name__icontains=term)
        return queryset

    @property
    def item_filters(self) -> dict:
        """The keyword arguments of `plan.items` the query string asks for (the form is valid)."""
        data = self.form.cleaned_data
        return {
            "start": data.get("from"),
            "end": data.get("to"),
            "kind": data.get("kind") or None,
            "status": data.get("status") or None,
        }


# `from` is a Python keyword: the two date filters are added by name.
ProgrammeFilterSet.base_filters["from"] = django_filters.DateFilter(
    field_name="from",
    method=_items_only,
    label=gettext_lazy("Due from"),
    widget=forms.DateInput(attrs={"type": "date"}),
)
ProgrammeFilterSet.base_filters["to"] = django_filters.DateFilter(
    field_name="to", method=_items_only, label=gettext_lazy("Due to"), widget=forms.DateInput(attrs={"type": "date"})
)


def check_range(filterset: ProgrammeFilterSet) -> bool:
    """Whether the form is valid and its dates are in order (a `from` after `to` is an error)."""
    if not filterset.is_valid():
        return False
    data = filterset.form.cleaned_data
    if data.get("from") and data.get("to") and data["from"] > data["to"]:
        filterset.form.add_error("to", "Must not be before “from”.")
        return False
    return True


def filtered_items(query) -> tuple[ProgrammeFilterSet, list | None]:
    """The filter set of `query` and the items it selects (None when the filters are invalid).
    Without `to`, the plan runs to the end of next year; without `from`, overdue items of any
    date are included."""
    filterset = ProgrammeFilterSet(query, queryset=Vendor.objects.all())
    if not check_range(filterset):
        return filterset, None
    wanted = filterset.item_filters
    if wanted["end"] is None:
        wanted["end"] = plan.window()[1]
    return filterset, plan.items(filterset.qs, **wanted)
