from django import forms
from django.utils.translation import gettext_lazy

from .models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["delivery"]
        labels = {"delivery": gettext_lazy("E-mail me")}
        widgets = {"delivery": forms.RadioSelect}
