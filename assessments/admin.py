from django import forms
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from config.exceptions import ConflictError, InvalidInput, NotAllowed

from . import planning, record, workflow
from .models import Answer, Assessment, CorrectiveAction, Finding, ScoreAtApproval, Signature

# --- Assessments: listed and filterable; read-only where the workflow says so ----------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "value", "comment", "na_justification", "carried_over", "version", "updated_by", "updated_at"]
    readonly_fields = fields


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["printed_name", "meaning", "signed_at", "content_hash", "cycle", "validity"]
    readonly_fields = fields

    def get_formset(self, request, obj=None, **kwargs):
        # One hash computation for every row of this assessment, not one per signature.
        self._states = {s.signature.pk: s for s in record.signature_states(obj)} if obj else {}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Still valid?")
    def validity(self, signature):
        state = getattr(self, "_states", {}).get(signature.pk)
        if state is None:
            return "—"
        return "valid" if state.valid else f"invalid: {state.why_invalid}"


class ScoreAtApprovalInline(ReadOnlyInline):
    """The scores each approval was signed on: part of the record, never changed."""

    model = ScoreAtApproval
    fields = ["signing_cycle", "overall_score", "risk_rating", "criterion_scores", "frozen_at"]
    readonly_fields = fields


class AssessmentAdminForm(forms.ModelForm):
    """The admin's planning form: the same rules as the planning page and the API
    (assessments/planning.py), and a reason for every change once the assessment is submitted."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the planning changes: required once the assessment has been submitted; kept in the audit trail.",
    )
    user = None  # the administrator, set by AssessmentAdmin.get_form

    class Meta:
        model = Assessment
        fields = planning.FIELDS

    def planning_values(self) -> dict:
        """The planning fields this form sets: all of them for a new assessment, the changed ones otherwise."""
        names = {f.name for f in Assessment._meta.get_fields()}
        fields = self.changed_data if self.instance.pk else self.cleaned_data
        return {f: self.cleaned_data[f] for f in fields if f in names and f in self.cleaned_data}

    def clean(self):
        data = super().clean()
        stored = Assessment.objects.get(pk=self.instance.pk) if self.instance.pk else None
        problems = planning.problems(self.planning_values(), stored)
        if stored is not None:
            try:
                workflow.check_plan_editable(stored, self.user, data.get("reason", ""))
            except InvalidInput as exc:
                problems.update(exc.errors)
            except (ConflictError, NotAllowed) as exc:
                problems.setdefault(None, []).append(str(exc))
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Assessment)
class AssessmentAdmin(ObjectPermissionsModelAdmin):
    """Planning fields are editable until the assessment is approved or cancelled; answers,
    findings and signatures change only through the workflow (workspace or API)."""

    form = AssessmentAdminForm
    list_display = [
        "reference",
        "vendor",
        "checklist",
        "kind",
        "status",
        "risk_rating",
        "overall_score",
        "lead_auditor",
        "planned_start",
    ]
    list_filter = ["status", "kind", "mode", "risk_rating", "checklist"]
    search_fields = ["vendor__name", "scope", "lead_auditor__username"]
    autocomplete_fields = ["vendor"]
    filter_horizontal = ["audit_team"]
    inlines = [AnswerInline, SignatureInline, ScoreAtApprovalInline]
    readonly_fields = [
        "status",
        "decision",
        "decision_justification",
        "requalification_due",
        "overall_score",
        "risk_rating",
        "based_on",
        "submitted_at",
        "approved_at",
        "created_by",
        "created_at",
        *planning.NARRATIVE,  # the audit team's, on the report summary page and the API
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["vendor", "checklist"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        """Planned and changed through assessments/planning.py, like the planning page and the API."""
        values = form.planning_values()
        if change:
            saved = planning.change_plan(
                Assessment.objects.get(pk=obj.pk), request.user, values, form.cleaned_data.get("reason", "")
            )
        else:
            saved, _ = planning.plan(request.user, values)
        obj.pk, obj.created_by_id, obj._state.adding = saved.pk, saved.created_by_id, False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).visible_to(request.user).select_related("vendor", "checklist", "lead_auditor")
        )


@admin.register(Finding)
class FindingAdmin(ObjectPermissionsModelAdmin):
    list_display = ["__str__", "assessment", "criterion", "question", "classification", "rpn"]
    list_filter = ["classification"]
    search_fields = ["description", "assessment__vendor__name"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ObjectPermissionsModelAdmin):
    list_display = ["__str__", "owner", "due_date", "status", "overdue"]
    list_filter = ["status", "due_date"]
    search_fields = ["description", "owner", "finding__assessment__vendor__name"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True)
    def overdue(self, action):
        return action.overdue
