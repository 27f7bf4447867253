"""The forms of the assessment pages. They only collect input: every rule is checked by the
module the view hands the input to (planning, findings, workflow)."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import User
from checklists.models import Checklist
from config.labels import shown

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
        labels = {
            "vendor": gettext_lazy("Vendor"),
            "site": gettext_lazy("Site"),
            "checklist": gettext_lazy("Checklist"),
            "kind": gettext_lazy("Kind"),
            "mode": gettext_lazy("Mode"),
            "scope": gettext_lazy("Scope"),
            "planned_start": gettext_lazy("Planned start"),
            "planned_end": gettext_lazy("Planned end"),
            "lead_auditor": gettext_lazy("Lead auditor"),
            "audit_team": gettext_lazy("Audit team"),
            "reviewer": gettext_lazy("Reviewer"),
        }
        help_texts = {"scope": gettext_lazy("Products, processes and areas covered.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "mode"):
            self.fields[name].choices = shown(self.fields[name].choices)
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
        labels = {
            "objectives": gettext_lazy("Objectives"),
            "method": gettext_lazy("Method"),
            "people_met": gettext_lazy("People met"),
            "documents_reviewed": gettext_lazy("Documents reviewed"),
            "conclusion": gettext_lazy("Conclusion"),
        }
        help_texts = {
            "objectives": gettext_lazy("What the audit set out to establish."),
            "method": gettext_lazy("How it was done: on site or remotely, areas toured, records sampled, interviews."),
            "people_met": gettext_lazy("The vendor's people met, with their roles."),
            "documents_reviewed": gettext_lazy("The vendor's documents and records reviewed."),
            "conclusion": gettext_lazy("The lead auditor's conclusion."),
        }


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
