"""The history page's filters: who and which kinds of record occur in an assessment's trail, and
the dates asked for. The actions themselves are read by assessments/history.py."""

from __future__ import annotations

from django import forms
from django.apps import apps

from assessments.models import Assessment
from audit import trail


def audit_filter_choices(assessment: Assessment) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(users, object types) that occur in the assessment's trail, as (value, label) pairs."""
    entries = trail.entries_for_assessment(assessment.pk).order_by()
    users = sorted(
        {(u, f"{n or u} ({u})") for u, n in entries.values_list("username", "user_full_name").distinct()},
        key=lambda pair: pair[1].lower(),
    )
    types = set()
    for app_label, model in entries.values_list("content_type__app_label", "content_type__model").distinct():
        try:
            label = apps.get_model(app_label, model)._meta.verbose_name
        except LookupError:
            label = model
        types.add((model, str(label)))
    return users, sorted(types, key=lambda pair: pair[1])


class TrailFilterForm(forms.Form):
    """A user name or object type that does not occur in the trail matches nothing; a date that is
    not one is a 400."""

    user = forms.CharField(required=False, max_length=150)
    type = forms.CharField(required=False, max_length=100)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The first date is after the last.")
        return data
