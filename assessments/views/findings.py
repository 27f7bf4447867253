"""Findings, corrective actions (their follow-up, verification and closing) and the review of
minor-finding clusters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import evidence, exceptions, findings, panels, record, signatures, workflow
from assessments.choices import ACTION_FOLLOW_UP
from assessments.forms import CorrectiveActionForm, FindingForm, FollowUpForm
from assessments.models import CorrectiveAction, Finding, FindingAttachment, MinorFindingsReview
from assessments.permissions import visible_part_or_404
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.urls_safe import safe_next

from .common import report_error, report_refusal, visible_assessment


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
            gettext("The finding was not saved:")
            + " "
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
            messages.success(
                request,
                gettext("%(finding)s raised (%(classification)s).")
                % {
                    "finding": finding.reference,
                    "classification": gettext(finding.get_classification_display()).lower(),
                },
            )
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
                    messages.success(request, gettext("Corrective action updated."))
                else:
                    messages.error(request, gettext("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
            else:
                form = CorrectiveActionForm(request.POST)
                if form.is_valid():
                    findings.plan_action(
                        finding, request.user, reason=request.POST.get("reason", ""), **form.cleaned_data
                    )
                    messages.success(
                        request, gettext("Corrective action planned for %(finding)s.") % {"finding": finding.reference}
                    )
                else:
                    messages.error(request, gettext("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
        except (ConflictError, NotAllowed, InvalidInput) as exc:
            report_error(request, exc)
        return redirect("assessments:findings", pk=assessment.pk)
    finding_list = list(
        Finding.objects.filter(assessment=assessment)
        .select_related("question", "criterion", "created_by", "assessment")
        .prefetch_related("actions__signatures__signer", "actions__created_by", "attachments__uploaded_by")
        .order_by("number")
    )
    for finding in finding_list:
        files = list(finding.attachments.all())
        finding.files = [f for f in files if f.action_id is None]
        for action in finding.actions.all():
            action.closure_files = [f for f in files if f.action_id == action.pk]
            action.finding = finding
            signature = action.verification_signature
            if signature is not None:
                signature.corrective_action = action
            action.verification_state = record.action_signature_state(signature) if signature else None
            action.sign_prefix = f"verify-{action.pk}"
        finding.withdrawable = findings.may_withdraw(finding, request.user)
    every_action = [a for f in finding_list for a in f.actions.all()]
    rendered = panels.render_action_panels(request, assessment, every_action)
    for action in every_action:
        action.panels = rendered.get(action.pk, "")
    return render(
        request,
        "assessments/findings.html",
        {
            "assessment": assessment,
            "findings": finding_list,
            "editable": workflow.may_edit(assessment, request.user),
            "follow_up": request.user.has_perm("assessments.follow_up_action", assessment),
            # Open actions are offered the verification signature, verified ones the closing.
            "can_verify": findings.may_verify(assessment, request.user),
            "clusters": workflow.unresolved_minor_clusters(assessment) if not assessment.is_locked else [],
            "reviews": MinorFindingsReview.objects.filter(assessment=assessment).select_related("criterion"),
            "action_form": CorrectiveActionForm(),
            "statuses": [(s.value, s.label) for s in ACTION_FOLLOW_UP],
            "finding_classes": Finding.Classification.choices,
            "needs_reason": workflow.needs_reason(assessment),
        },
    )


def _visible_finding(request, pk) -> Finding:
    return visible_part_or_404(
        Finding.objects.select_related("assessment", "created_by", "question", "criterion"),
        request.user,
        pk,
        lambda f: f.assessment,
    )


def _finding_on_page(finding: Finding) -> str:
    return reverse("assessments:findings", args=[finding.assessment_id]) + f"#finding-{finding.number}"


@login_required
@require_POST
def edit_finding(request, pk):
    """Change a finding's class, description, requirement or FMEA factors (findings.update_finding)."""
    finding = _visible_finding(request, pk)
    form = FindingForm(request.POST, instance=Finding.objects.get(pk=finding.pk))
    if not form.is_valid():
        messages.error(
            request,
            gettext("%(finding)s was not changed:") % {"finding": finding.reference}
            + " "
            + "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()),
        )
        return redirect(_finding_on_page(finding))
    try:
        findings.update_finding(finding, request.user, reason=request.POST.get("reason", ""), **form.cleaned_data)
        messages.success(request, gettext("%(finding)s changed.") % {"finding": finding.reference})
    except (ConflictError, NotAllowed, InvalidInput, ValueError) as exc:
        report_error(request, exc)
    return redirect(_finding_on_page(finding))


@login_required
@require_POST
def withdraw_finding(request, pk):
    """Withdraw a finding the QA reviewer has not seen (findings.withdraw_finding); the audit
    trail keeps it."""
    finding = _visible_finding(request, pk)
    try:
        findings.withdraw_finding(finding, request.user, reason=request.POST.get("reason", ""))
        messages.success(
            request, gettext("%(finding)s withdrawn; the audit trail keeps it.") % {"finding": finding.reference}
        )
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
        return redirect(_finding_on_page(finding))
    return redirect("assessments:findings", pk=finding.assessment_id)


def _visible_action(request, pk) -> CorrectiveAction:
    return visible_part_or_404(
        CorrectiveAction.objects.select_related("finding__assessment"), request.user, pk, lambda a: a.finding.assessment
    )


def _action_on_page(action: CorrectiveAction) -> str:
    return reverse("assessments:findings", args=[action.finding.assessment_id]) + f"#finding-{action.finding.number}"


@login_required
@require_POST
def verify_action(request, pk):
    """The verification dialog: how effectiveness was verified, and the signature (password)."""
    action = _visible_action(request, pk)
    try:
        # 21 CFR 11.200(a)(1)(i): the first signature of a session asks for user name and password.
        if (
            not request.session.get(signatures.SESSION_SIGNED_KEY)
            and request.POST.get("username", "").strip() != request.user.username
        ):
            raise exceptions.SignatureRefused(
                "Enter your own user name and your password: the first signature of a session needs both."
            )
        signature = findings.verify_action(
            action,
            request.user,
            request.POST.get("verification", ""),
            request.POST.get("password", ""),
            request=request,
        )
        request.session[signatures.SESSION_SIGNED_KEY] = True
        messages.success(
            request,
            gettext("The corrective action for %(finding)s is verified effective, signed by %(name)s.")
            % {"finding": action.finding.reference, "name": signature.printed_name},
        )
    except ConflictError as exc:
        report_refusal(request, exc)
    except (NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect(_action_on_page(action))


def _attach_all(request, attach_one) -> int | None:
    """The files posted as `files`, each through `attach_one(upload)`, all or none; how many, or
    None after reporting why nothing was attached."""
    uploads = request.FILES.getlist("files")
    try:
        if not uploads:
            raise InvalidInput({"files": ["Choose one or more files to attach."]})
        with transaction.atomic():
            for upload in uploads:
                attach_one(upload)
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
        return None
    return len(uploads)


@login_required
@require_POST
def attach_to_finding(request, pk):
    """Files that support a finding (findings.attach_to_finding), each checked and hashed."""
    finding = _visible_finding(request, pk)
    reason = request.POST.get("reason", "")
    n = _attach_all(request, lambda upload: findings.attach_to_finding(finding, request.user, upload, reason=reason))
    if n:
        messages.success(
            request,
            ngettext("%(n)s file attached to %(reference)s.", "%(n)s files attached to %(reference)s.", n)
            % {"n": n, "reference": finding.reference},
        )
    return redirect(_finding_on_page(finding))


@login_required
@require_POST
def attach_closure_evidence(request, pk):
    """Evidence of a corrective action's effectiveness (findings.attach_closure_evidence)."""
    action = _visible_action(request, pk)
    if _attach_all(request, lambda upload: findings.attach_closure_evidence(action, request.user, upload)):
        messages.success(
            request,
            gettext("Closure evidence attached to the corrective action for %(reference)s.")
            % {"reference": action.finding.reference},
        )
    return redirect(_action_on_page(action))


@login_required
@require_GET
def download_finding_file(request, pk):
    item = visible_part_or_404(
        FindingAttachment.objects.select_related("finding__assessment"),
        request.user,
        pk,
        lambda a: a.finding.assessment,
    )
    return evidence.file_response(item)


@login_required
@require_POST
def close_action(request, pk):
    action = _visible_action(request, pk)
    try:
        findings.close_action(action, request.user, reason=request.POST.get("reason", ""))
        messages.success(
            request,
            gettext("The corrective action for %(finding)s is closed.") % {"finding": action.finding.reference},
        )
    except ConflictError as exc:
        report_refusal(request, exc)
    except (NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect(_action_on_page(action))


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
        messages.success(
            request, gettext("Minor findings of criterion %(criterion)s reviewed.") % {"criterion": criterion.code}
        )
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect("assessments:findings", pk=assessment.pk)
