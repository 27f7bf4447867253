from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from rules.contrib.admin import ObjectPermissionsModelAdmin

from config.exceptions import ConflictError

from . import checklist_io, checklists, signatures
from .models import Answer, Assessment, Checklist, CorrectiveAction, Criterion, Finding, Question, Signature


class LockedWithChecklist:
    """Inlines follow their checklist: read-only once it is published."""

    def _editable(self, request, obj):
        return obj is None or not obj.is_locked

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class LockedInline(LockedWithChecklist):
    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)


class CriterionInline(LockedInline, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "title", "weight", "description"]
    ordering = ["order", "code"]


class QuestionInline(LockedInline, admin.StackedInline):
    model = Question
    fk_name = "checklist"
    extra = 0
    ordering = ["criterion__order", "order", "code"]
    fields = [
        ("criterion", "order", "code"), "text", "guidance", "reference",
        ("answer_type", "expected_answer", "min_value", "max_value", "unit"),
        ("weight", "severity", "required", "evidence_required"),
        ("condition_question", "condition_equals"),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            checklist_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Criterion.objects.filter(checklist_id=checklist_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChecklistUploadForm(forms.Form):
    file = forms.FileField(help_text="YAML or JSON in the documented checklist format (docs/checklist-format.md).")
    publish = forms.BooleanField(required=False, help_text="Publish at once if the file is complete.")


@admin.register(Checklist)
class ChecklistAdmin(LockedWithChecklist, ObjectPermissionsModelAdmin):
    list_display = ["name", "code", "version", "status", "published_at"]
    list_filter = ["status", "code"]
    search_fields = ["name", "code"]
    readonly_fields = ["status", "published_at", "published_by", "based_on", "created_at"]
    fields = ["code", "version", "name", "description", "scoring_settings", "status", "based_on",
              "published_at", "published_by", "created_at"]
    inlines = [CriterionInline, QuestionInline]
    actions = ["publish_selected", "new_version_of_selected", "export_selected"]
    change_list_template = "admin/assessments/checklist/change_list.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        checklist = self.get_object(request, object_id)
        if checklist is not None and checklist.is_locked and request.method == "GET":
            messages.warning(request, f"{checklist} is {checklist.status}: it cannot be changed. "
                                      "Use the action “New version” to revise it.")
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view), name="assessments_checklist_upload"),
                *super().get_urls()]

    def upload_view(self, request):
        if not request.user.has_perm("assessments.add_checklist"):
            return redirect("admin:index")
        form = ChecklistUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checklist = checklist_io.import_checklist(upload.read(), filename=upload.name, user=request.user)
                if form.cleaned_data["publish"]:
                    checklists.publish(checklist, request.user)
            except checklist_io.ChecklistFileError as exc:
                for problem in exc.problems:
                    form.add_error("file", problem)
            except ConflictError as exc:
                messages.warning(request, f"Imported as a draft, not published: {exc}")
                return redirect("admin:assessments_checklist_change", checklist.pk)
            else:
                messages.success(request, f"Imported {checklist} as {checklist.status}.")
                return redirect("admin:assessments_checklist_change", checklist.pk)
        context = {**self.admin_site.each_context(request), "form": form, "title": "Upload a checklist",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/assessments/checklist/upload.html", context)

    @admin.action(description="Publish selected drafts")
    def publish_selected(self, request, queryset):
        for checklist in queryset:
            try:
                checklists.publish(checklist, request.user)
                self.message_user(request, f"Published {checklist}.", messages.SUCCESS)
            except ConflictError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description="New version of selected checklists")
    def new_version_of_selected(self, request, queryset):
        for checklist in queryset:
            try:
                draft = checklists.new_version(checklist)
                self.message_user(request, f"Created draft {draft}.", messages.SUCCESS)
            except ConflictError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description="Export selected checklist (YAML)")
    def export_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one checklist to export.", messages.ERROR)
            return None
        checklist = queryset.get()
        response = HttpResponse(checklist_io.dump(checklist_io.export_checklist(checklist), "yaml"),
                                content_type="application/yaml")
        response["Content-Disposition"] = f'attachment; filename="{checklist.code}-v{checklist.version}.yaml"'
        return response


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
        self._states = {s.signature.pk: s for s in signatures.signature_states(obj)} if obj else {}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Still valid?")
    def validity(self, signature):
        state = getattr(self, "_states", {}).get(signature.pk)
        if state is None:
            return "—"
        return "valid" if state.valid else f"invalid: {state.why_invalid}"


@admin.register(Assessment)
class AssessmentAdmin(ObjectPermissionsModelAdmin):
    """Planning fields are editable until the assessment is approved or cancelled; answers,
    findings and signatures change only through the workflow (workspace or API)."""

    list_display = ["reference", "vendor", "checklist", "kind", "status", "risk_rating", "overall_score",
                    "lead_auditor", "planned_start"]
    list_filter = ["status", "kind", "mode", "risk_rating", "checklist"]
    search_fields = ["vendor__name", "scope", "lead_auditor__username"]
    autocomplete_fields = ["vendor"]
    filter_horizontal = ["audit_team"]
    inlines = [AnswerInline, SignatureInline]
    readonly_fields = ["status", "decision", "decision_justification", "requalification_due", "overall_score",
                       "risk_rating", "based_on", "submitted_at", "approved_at", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["vendor", "checklist"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        from accounts.permissions import visible_assessments

        return visible_assessments(request.user, super().get_queryset(request)).select_related(
            "vendor", "checklist", "lead_auditor")


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
