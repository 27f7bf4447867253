from django import forms

from .models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["delivery"]
        labels = {"delivery": "E-mail me"}
        widgets = {"delivery": forms.RadioSelect}
