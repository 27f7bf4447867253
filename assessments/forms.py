"""The forms of the assessment pages. They only collect input: every rule is checked by the
module the view hands the input to (planning, findings, workflow)."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import User
from checklists.models import Checklist

from . import planning
from .choices import ACTION_FOLLOW_UP
from .models import Assessment, CorrectiveAction, Finding


class AssessmentForm(forms.ModelForm):
    based_on = forms.ModelChoiceField(
        queryset=Assessment.objects.filter(status=Assessment.Status.APPROVED),
        required=False,
        label=gettext_lazy("Start from an approved assessment"),
        help_text=gettext_lazy("Its answers are copied and marked as carried over."),
    )

    class Meta:
        model = Assessment
        fields = [
            "vendor",
            "site",
            "checklist",
            "kind",
            "mode",
            "scope",
            "planned_start",
            "planned_end",
            "lead_auditor",
            "audit_team",
            "reviewer",
        ]
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}),
            "planned_end": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.filter(status=Checklist.Status.PUBLISHED)
        people = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["lead_auditor"].queryset = people.filter(groups__name="lead_auditor")
        self.fields["audit_team"].queryset = people.filter(groups__name__in=["auditor", "lead_auditor"]).distinct()
        self.fields["reviewer"].queryset = people.filter(groups__name="reviewer")

    def clean(self):
        data = super().clean()
        for field, messages in planning.problems(data).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


class NarrativeForm(forms.ModelForm):
    """The report's narrative (planning.NARRATIVE); planning.change_plan decides who may change it."""

    class Meta:
        model = Assessment
        fields = list(planning.NARRATIVE)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in planning.NARRATIVE}


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = [
            "classification",
            "description",
            "downgrade_rationale",
            "requirement",
            "fmea_severity",
            "fmea_occurrence",
            "fmea_detectability",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "downgrade_rationale": forms.Textarea(attrs={"rows": 2}),
        }


class CorrectiveActionForm(forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class FollowUpForm(forms.ModelForm):
    """The vendor's response and its acceptance; verification is a signature of its own."""

    status = forms.ChoiceField(choices=[(s.value, s.label) for s in ACTION_FOLLOW_UP])

    class Meta:
        model = CorrectiveAction
        fields = ["status", "root_cause", "vendor_action"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("root_cause", "vendor_action")}
