"""Forms of the EM page: they only collect input; imports.py and proposals.py check it."""

from django import forms
from django.utils.translation import gettext_lazy

from config.limits import LONG_TEXT, REASON

CLASSES = [("major", "Major"), ("minor", "Minor"), ("critical", "Critical"), ("observation", "Observation")]


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    reason = forms.CharField(required=False, max_length=REASON)


class DecisionForm(forms.Form):
    data_set = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    location = forms.CharField(max_length=120)
    outcome = forms.ChoiceField(choices=[("confirmed", "Confirm"), ("dismissed", "Dismiss")])
    classification = forms.ChoiceField(choices=CLASSES, required=False)
    downgrade_rationale = forms.CharField(required=False, max_length=LONG_TEXT)
    reason = forms.CharField(required=False, max_length=REASON)
