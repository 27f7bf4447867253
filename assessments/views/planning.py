"""The list of assessments, planning a new one, and the report summary (the narrative the
audit team writes for the report's executive summary)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from assessments import planning, workflow
from assessments.forms import AssessmentForm, NarrativeForm
from assessments.models import Assessment
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.pagination import page_of

from .common import report_error, visible_assessment


@login_required
def assessment_list(request):
    queryset = (
        Assessment.objects.visible_to(request.user)
        .select_related("vendor", "checklist", "lead_auditor")
        .order_by("-created_at")
    )
    status = request.GET.get("status")
    if status in Assessment.Status.values:
        queryset = queryset.filter(status=status)
    page, query = page_of(request, queryset)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "assessments": page.object_list,
            "page_obj": page,
            "query_without_page": query,
            "statuses": Assessment.Status.choices,
            "status": status,
            "can_create": request.user.has_perm("assessments.add_assessment"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    if not request.user.has_perm("assessments.add_assessment"):
        raise Http404
    initial = {"lead_auditor": request.user.pk, "vendor": request.GET.get("vendor")}
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment, copied = planning.plan(request.user, form.cleaned_data)
        if copied:
            messages.info(
                request, gettext("%(count)s answers carried over; confirm or change each one.") % {"count": copied}
            )
        messages.success(request, gettext("%(assessment)s planned.") % {"assessment": assessment.reference})
        return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def report_summary(request, pk):
    """The report's narrative: a form for the audit team while the content is open, the text
    for everyone else. Saving goes through planning.change_plan, as PATCH /api/assessments/{id}/."""
    assessment = visible_assessment(request, pk)
    # The form validates a copy: a ModelForm writes every field it has into its instance, and
    # change_plan saves only what was sent.
    copy = Assessment.objects.get(pk=assessment.pk)
    form = NarrativeForm(request.POST if request.method == "POST" else None, instance=copy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # Only what was sent and differs: a field left out of the post is not blanked.
            changed = {name: form.cleaned_data[name] for name in form.changed_data if name in request.POST}
            if not changed:
                messages.info(request, gettext("Nothing changed."))
            else:
                try:
                    planning.change_plan(assessment, request.user, changed, request.POST.get("reason", ""))
                    messages.success(request, gettext("Report summary saved."))
                except (ConflictError, NotAllowed, InvalidInput) as exc:
                    report_error(request, exc)
            return redirect(reverse("assessments:summary", args=[assessment.pk]))
        status = 400
    fields = [
        {
            "label": gettext(str(Assessment._meta.get_field(name).verbose_name).capitalize()),
            "text": getattr(assessment, name),
        }
        for name in planning.NARRATIVE
    ]
    context = {
        "assessment": assessment,
        "form": form,
        "fields": fields,
        "editable": workflow.may_edit(assessment, request.user),
        "needs_reason": workflow.needs_reason(assessment),
    }
    return render(request, "assessments/report_summary.html", context, status=status)
