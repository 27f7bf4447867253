from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from rules.contrib.admin import ObjectPermissionsModelAdmin

from config.exceptions import ConflictError

from . import formats, publishing
from .models import Checklist, Criterion, Question
from .translation import LANGUAGES


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


class ShowsTranslations:
    """The translations of a criterion or question, to read while reviewing a version; they come
    and go with checklist files (docs/checklist-format.md, "Translations")."""

    @admin.display(description="Translations")
    def translations_shown(self, obj):
        texts = [
            f"{LANGUAGES.get(language, language)}, {field}: {text}"
            for language, fields in (obj.translations or {}).items()
            for field, text in fields.items()
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((text,) for text in texts)) or "-"


class CriterionInline(ShowsTranslations, LockedInline, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "title", "weight", "description", "translations_shown"]
    readonly_fields = ["translations_shown"]
    ordering = ["order", "code"]


class QuestionInline(ShowsTranslations, LockedInline, admin.StackedInline):
    model = Question
    fk_name = "checklist"
    extra = 0
    ordering = ["criterion__order", "order", "code"]
    fields = [
        ("criterion", "order", "code"),
        "text",
        "guidance",
        "reference",
        ("answer_type", "expected_answer", "min_value", "max_value", "unit"),
        ("weight", "severity", "required", "evidence_required"),
        ("condition_question", "condition_equals"),
        "translations_shown",
    ]
    readonly_fields = ["translations_shown"]

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
    fields = [
        "code",
        "version",
        "name",
        "description",
        "scoring_settings",
        "status",
        "based_on",
        "published_at",
        "published_by",
        "created_at",
    ]
    inlines = [CriterionInline, QuestionInline]
    actions = ["publish_selected", "new_version_of_selected", "export_selected"]
    change_list_template = "admin/checklists/checklist/change_list.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        checklist = self.get_object(request, object_id)
        if checklist is not None and checklist.is_locked and request.method == "GET":
            messages.warning(
                request,
                gettext("%(checklist)s is %(status)s: it cannot be changed. Use the action “New version” to revise it.")
                % {"checklist": checklist, "status": checklist.status},
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="checklists_checklist_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not request.user.has_perm("checklists.add_checklist"):
            return redirect("admin:index")
        form = ChecklistUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checklist = formats.import_checklist(
                    formats.read_upload(upload), filename=upload.name, user=request.user
                )
                if form.cleaned_data["publish"]:
                    publishing.publish(checklist, request.user)
            except formats.ChecklistFileError as exc:
                for problem in exc.problems:
                    form.add_error("file", problem)
            except ConflictError as exc:
                messages.warning(request, gettext("Imported as a draft, not published: %(problem)s") % {"problem": exc})
                return redirect("admin:checklists_checklist_change", checklist.pk)
            else:
                messages.success(
                    request,
                    gettext("Imported %(checklist)s as %(status)s.")
                    % {"checklist": checklist, "status": checklist.status},
                )
                return redirect("admin:checklists_checklist_change", checklist.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Upload a checklist",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/checklists/checklist/upload.html", context)

    @admin.action(description="Publish selected drafts")
    def publish_selected(self, request, queryset):
        for checklist in queryset:
            try:
                publishing.publish(checklist, request.user)
                self.message_user(request, f"Published {checklist}.", messages.SUCCESS)
            except ConflictError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description="New version of selected checklists")
    def new_version_of_selected(self, request, queryset):
        for checklist in queryset:
            try:
                draft = publishing.new_version(checklist)
                self.message_user(request, f"Created draft {draft}.", messages.SUCCESS)
            except ConflictError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description="Export selected checklist (YAML)")
    def export_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one checklist to export.", messages.ERROR)
            return None
        checklist = queryset.get()
        response = HttpResponse(
            formats.dump(formats.export_checklist(checklist), "yaml"), content_type="application/yaml"
        )
        response["Content-Disposition"] = f'attachment; filename="{checklist.code}-v{checklist.version}.yaml"'
        return response
