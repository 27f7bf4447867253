"""Findings, corrective actions and the review of minor-finding clusters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessments import findings, workflow
from assessments.forms import CorrectiveActionForm, FindingForm, FollowUpForm
from assessments.models import CorrectiveAction, Finding, MinorFindingsReview
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.urls_safe import safe_next

from .common import report_error, visible_assessment


@login_required
@require_POST
def raise_finding(request, pk):
    assessment = visible_assessment(request, pk)
    form = FindingForm(request.POST)
    question = Question.objects.filter(checklist_id=assessment.checklist_id, code=request.POST.get("question")).first()
    criterion = Criterion.objects.filter(
        checklist_id=assessment.checklist_id, code=request.POST.get("criterion")
    ).first()
    if not form.is_valid():
        messages.error(
            request,
            "The finding was not saved: "
            + "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()),
        )
    else:
        try:
            finding = findings.raise_finding(
                assessment,
                request.user,
                question=question,
                criterion=criterion,
                reason=request.POST.get("reason", ""),
                **form.cleaned_data,
            )
            messages.success(request, f"{finding.reference} raised ({finding.get_classification_display().lower()}).")
        except (ConflictError, NotAllowed, InvalidInput, ValueError) as exc:
            report_error(request, exc)
    return redirect(safe_next(request, reverse("assessments:findings", args=[assessment.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def findings_tab(request, pk):
    assessment = visible_assessment(request, pk)
    if request.method == "POST":
        finding = get_object_or_404(Finding, pk=request.POST.get("finding"), assessment=assessment)
        try:
            if request.POST.get("action_id"):
                action = get_object_or_404(CorrectiveAction, pk=request.POST["action_id"], finding=finding)
                form = FollowUpForm(request.POST, instance=CorrectiveAction.objects.get(pk=action.pk))
                if form.is_valid():
                    findings.update_action(
                        action,
                        request.user,
                        reason=request.POST.get("reason", ""),
                        **{k: v for k, v in form.cleaned_data.items()},
                    )
                    messages.success(request, "Corrective action updated.")
                else:
                    messages.error(request, f"Not saved: {form.errors.as_text()}")
            else:
                form = CorrectiveActionForm(request.POST)
                if form.is_valid():
                    findings.plan_action(
                        finding, request.user, reason=request.POST.get("reason", ""), **form.cleaned_data
                    )
                    messages.success(request, f"Corrective action planned for {finding.reference}.")
                else:
                    messages.error(request, f"Not saved: {form.errors.as_text()}")
        except (ConflictError, NotAllowed, InvalidInput) as exc:
            report_error(request, exc)
        return redirect("assessments:findings", pk=assessment.pk)
    finding_list = (
        Finding.objects.filter(assessment=assessment)
        .select_related("question", "criterion")
        .prefetch_related("actions")
        .order_by("number")
    )
    return render(
        request,
        "assessments/findings.html",
        {
            "assessment": assessment,
            "findings": finding_list,
            "editable": workflow.may_edit(assessment, request.user),
            "follow_up": request.user.has_perm("assessments.follow_up_action", assessment),
            "clusters": workflow.unresolved_minor_clusters(assessment) if not assessment.is_locked else [],
            "reviews": MinorFindingsReview.objects.filter(assessment=assessment).select_related("criterion"),
            "action_form": CorrectiveActionForm(),
            "statuses": CorrectiveAction.Status.choices,
            "needs_reason": workflow.needs_reason(assessment),
        },
    )


@login_required
@require_POST
def review_cluster(request, pk):
    assessment = visible_assessment(request, pk)
    criterion = get_object_or_404(Criterion, checklist_id=assessment.checklist_id, code=request.POST.get("criterion"))
    try:
        findings.review_minor_cluster(
            assessment,
            request.user,
            criterion,
            request.POST.get("outcome", ""),
            request.POST.get("justification", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Minor findings of criterion {criterion.code} reviewed.")
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect("assessments:findings", pk=assessment.pk)
