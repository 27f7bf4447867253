"""The match's question (insights/matching.py): it only collects and checks the input."""

from django import forms

from vendors.countries import Region
from vendors.models import Modality

from .matching import PHASES


class MatchForm(forms.Form):
    modality = forms.ModelChoiceField(queryset=Modality.objects.all(), to_field_name="slug")
    phase = forms.ChoiceField(choices=PHASES)
    batches_per_year = forms.IntegerField(min_value=1, max_value=100_000, label="Batches per year")
    region = forms.ChoiceField(choices=Region.choices, label="Target region")
