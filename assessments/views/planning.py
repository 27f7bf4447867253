"""The list of assessments and planning a new one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments import planning
from assessments.forms import AssessmentForm
from assessments.models import Assessment


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
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "assessments": queryset[:200],
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
            messages.info(request, f"{copied} answers carried over; confirm or change each one.")
        messages.success(request, f"{assessment.reference} planned.")
        return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form})
