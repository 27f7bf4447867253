"""The scheduling form: it only collects the plan; programme.plan.schedule (through
assessments/planning.py) checks it."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import User
from assessments.models import Assessment
from checklists.models import Checklist
from config.labels import shown
from vendors.models import Site


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=shown(Assessment.Kind.choices), label=gettext_lazy("Kind"))
    mode = forms.ChoiceField(
        choices=shown(Assessment.Mode.choices), initial=Assessment.Mode.ON_SITE, label=gettext_lazy("Mode")
    )
    checklist = forms.ModelChoiceField(queryset=Checklist.objects.none(), label=gettext_lazy("Checklist"))
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label=gettext_lazy("Site"))
    planned_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Planned start"))
    planned_end = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label=gettext_lazy("Planned end")
    )
    lead_auditor = PersonChoice(queryset=User.objects.none(), label=gettext_lazy("Lead auditor"))
    audit_team = PeopleChoice(queryset=User.objects.none(), required=False, label=gettext_lazy("Audit team"))
    reviewer = PersonChoice(queryset=User.objects.none(), required=False, label=gettext_lazy("QA reviewer"))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.filter(status=Checklist.Status.PUBLISHED)
        self.fields["site"].queryset = Site.objects.filter(vendor=item.vendor)
        people = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["lead_auditor"].queryset = people.filter(groups__name="lead_auditor")
        self.fields["audit_team"].queryset = people.filter(groups__name__in=["auditor", "lead_auditor"]).distinct()
        self.fields["reviewer"].queryset = people.filter(groups__name="reviewer")

    def values(self) -> dict:
        """The planning fields given (empty optional ones left out)."""
        data = dict(self.cleaned_data)
        data["audit_team"] = list(data.get("audit_team") or [])
        return {k: v for k, v in data.items() if v not in (None, "")}
