"""The portal's forms only collect input: portal/responses.py checks it."""

from django import forms
from django.utils.translation import gettext_lazy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ResponseForm(forms.Form):
    root_cause = forms.CharField(label=gettext_lazy("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.CharField(label=gettext_lazy("Actions taken or planned"), widget=forms.Textarea(attrs={"rows": 3}))
    completion_date = forms.DateField(
        label=gettext_lazy("Proposed completion date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepted", "Accept"), ("rejected", "Reject")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
