"""The match's question (insights/matching.py): it only collects and checks the input."""

from django import forms
from django.utils.translation import gettext_lazy

from config.labels import shown
from vendors.countries import Region
from vendors.models import Modality

from .matching import PHASES


class MatchForm(forms.Form):
    modality = forms.ModelChoiceField(
        queryset=Modality.objects.all(), to_field_name="slug", label=gettext_lazy("Modality")
    )
    phase = forms.ChoiceField(choices=shown(PHASES), label=gettext_lazy("Phase"))
    batches_per_year = forms.IntegerField(min_value=1, max_value=100_000, label=gettext_lazy("Batches per year"))
    region = forms.ChoiceField(choices=shown(Region.choices), label=gettext_lazy("Target region"))
