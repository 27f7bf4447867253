"""Raising findings, planning corrective actions, following them up and verifying them; the API,
the pages and the demo data call these.

A corrective action moves open → response received → accepted by follow-up (`update_action`),
then to verified effective only by an independent QA reviewer's signature (`verify_action`), and
from there to closed by a QA reviewer (`close_action`). Verified and closed actions are read-only."""

import json
from datetime import date
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments import exceptions
from audit import context as audit_context
from audit.models import AuditEntry
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT, REASON, check_length

from . import evaluation, evidence, record, scoring, signatures, workflow
from .choices import ACTION_DONE, FindingClass, SignatureMeaning
from .models import Assessment, CorrectiveAction, Evidence, Finding, FindingAttachment, MinorFindingsReview, Signature


def proposed_classification(question: Question | None) -> str:
    return scoring.propose_classification(question.severity) if question else Finding.Classification.MINOR


@transaction.atomic
def raise_finding(
    assessment: Assessment,
    user,
    *,
    description: str,
    classification: str = "",
    question: Question | None = None,
    criterion: Criterion | None = None,
    reason: str = "",
    proposal: str = "",
    **fields,
) -> Finding:
    """A finding on a question (its criterion follows) or on a whole criterion. Without a class,
    the one proposed from the question's severity is used; the auditor may choose another.
    `proposal` is the class another rule proposes instead (monitoring/proposals.py for the
    excursions of environmental monitoring); a lower class than it also needs a rationale."""
    workflow.check_editable(assessment, user, reason)
    if question is not None:
        criterion = question.criterion
    if criterion is None:
        raise ValueError("A finding must name a question or a criterion.")
    # Numbers are per assessment: lock the assessment row so that two findings raised at once do
    # not take the same number (FOR UPDATE is dropped from an aggregate query, so it cannot lock).
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk", flat=True))
    number = (
        max(
            Finding.objects.filter(assessment=assessment).aggregate(n=Max("number"))["n"] or 0,
            _withdrawn_max(assessment),
        )
        + 1
    )
    finding = Finding(
        assessment=assessment,
        number=number,
        question=question,
        criterion=criterion,
        classification=classification or proposal or proposed_classification(question),
        proposed_classification=proposal or proposed_classification(question),
        description=description,
        created_by=user,
        **fields,
    )
    finding._change_reason = reason
    finding.full_clean()
    _check_downgrade(finding)
    finding.save()
    evaluation.refresh(assessment)
    return finding


@transaction.atomic
def update_finding(finding: Finding, user, reason: str = "", **fields) -> Finding:
    workflow.check_editable(finding.assessment, user, reason)
    for key, value in fields.items():
        setattr(finding, key, value)
    finding._change_reason = reason
    finding.full_clean()
    _check_downgrade(finding)
    finding.save()
    evaluation.refresh(finding.assessment)
    return finding


def _withdrawn_max(assessment: Assessment) -> int:
    """The highest number of a withdrawn finding, from the audit trail: numbers are never reused,
    so that F-03 in the trail is always the same finding."""
    numbers = [0]
    for changes in AuditEntry.objects.filter(
        assessment_id=assessment.pk,
        content_type=ContentType.objects.get_for_model(Finding),
        action=AuditEntry.Action.DELETE,
    ).values_list("changes", flat=True):
        try:
            changes = json.loads(changes) if isinstance(changes, str) else changes
            numbers.append(int((changes or {}).get("number", [0])[0]))
        except (TypeError, ValueError, IndexError, AttributeError):
            continue
    return max(numbers)


def withdrawal_problem(finding: Finding, user) -> str:
    """Why `user` may not withdraw `finding` now, or "" when they may: its author or the lead
    auditor, while the QA reviewer has not seen it (raised since the last submission, if any),
    and not the major finding that confirmed a cluster of minor ones (that decision keeps it)."""
    assessment = finding.assessment
    if user.pk not in (finding.created_by_id, assessment.lead_auditor_id):
        return (
            f"Only {finding.created_by.full_name}, who raised {finding.reference}, or the lead auditor may withdraw it."
        )
    if assessment.submitted_at is not None and finding.created_at <= assessment.submitted_at:
        return (
            f"{finding.reference} was part of the record submitted for review: it stays; "
            "change its class or description instead, with a reason."
        )
    if MinorFindingsReview.objects.filter(major_finding=finding).exists():
        return f"{finding.reference} records the confirmation of a cluster of minor findings: it stays."
    return ""


def may_withdraw(finding: Finding, user) -> bool:
    """For pages: whether to offer the withdraw button."""
    return workflow.may_edit(finding.assessment, user) and not withdrawal_problem(finding, user)


@transaction.atomic
def withdraw_finding(finding: Finding, user, reason: str = "") -> None:
    """The finding is taken out of the record before the reviewer has seen it. The audit trail
    keeps it (and any corrective action planned for it) as deleted rows, with the person and the
    reason; its number is not reused."""
    assessment = finding.assessment
    workflow.check_editable(assessment, user, reason)
    check_length("reason", reason, REASON)
    problem = withdrawal_problem(finding, user)
    if problem:
        if user.pk not in (finding.created_by_id, assessment.lead_auditor_id):
            raise exceptions.NotPermitted(problem)
        raise exceptions.RecordLocked(problem)
    why = reason or f"{finding.reference} withdrawn by {user.full_name} before submission."
    for action in finding.actions.all():
        action._change_reason = why
        action.delete()
    finding._change_reason = why
    finding.delete()
    evaluation.refresh(assessment)


def _check_downgrade(finding: Finding) -> None:
    """Classing a finding lower than the product proposed from the question's severity is the
    auditor's call, and the record must say why."""
    if finding.is_downgraded and not (finding.downgrade_rationale or "").strip():
        raise InvalidInput(
            {
                "downgrade_rationale": [
                    f"The finding is classed {finding.classification}, lower than the proposed "
                    f"{finding.proposed_classification}: write why."
                ]
            }
        )


@transaction.atomic
def review_minor_cluster(
    assessment: Assessment, user, criterion: Criterion, outcome: str, justification: str = "", reason: str = ""
) -> MinorFindingsReview:
    """Confirm three or more minor findings of a criterion as a major finding, or justify why not."""
    workflow.check_editable(assessment, user, reason)
    check_length("justification", justification, LONG_TEXT)
    if criterion.code not in workflow.unresolved_minor_clusters(assessment):
        raise ConflictError(f"Criterion {criterion.code} has no unreviewed cluster of three or more minor findings.")
    major = None
    if outcome == MinorFindingsReview.Outcome.CONFIRMED_MAJOR:
        minors = Finding.objects.filter(assessment=assessment, criterion=criterion, classification=FindingClass.MINOR)
        refs = ", ".join(f.reference for f in minors.order_by("number"))
        major = raise_finding(
            assessment,
            user,
            criterion=criterion,
            classification=Finding.Classification.MAJOR,
            reason=reason,
            description=justification
            or f"Several minor deficiencies in criterion {criterion.code} ({refs}) "
            "together amount to a major deficiency.",
        )
    elif not (justification or "").strip():
        # Named after the field the client sends ("reason" is the change reason after submission).
        raise InvalidInput({"justification": ["Write why these minor findings do not amount to a major one."]})
    return MinorFindingsReview.objects.create(
        assessment=assessment,
        criterion=criterion,
        outcome=outcome,
        justification=justification,
        major_finding=major,
        decided_by=user,
    )


# Corrective-action follow-up happens after the audit: these fields stay editable once the
# assessment is approved; the plan (what, who, by when) is part of the signed record.
FOLLOW_UP_FIELDS = {"status", "root_cause", "vendor_action"}
STATUS_ORDER = [s.value for s in CorrectiveAction.Status]
USE_VERIFICATION = (
    "Effectiveness is recorded only by an independent QA reviewer's verification signature: "
    "POST /api/corrective-actions/{id}/verification/ (or Verify and sign on the findings page)."
)


def _check_due_date(due_date: date, planned_on: date | None = None) -> None:
    today = planned_on or timezone.localdate()
    if due_date < today:
        raise InvalidInput(
            {"due_date": [f"The due date {due_date.isoformat()} is in the past: choose {today.isoformat()} or later."]}
        )


@transaction.atomic
def plan_action(
    finding: Finding, user, reason: str = "", *, planned_on: date | None = None, **fields
) -> CorrectiveAction:
    """Plan a corrective action, due today or later. `planned_on` is the day it is planned when
    that is not today: only the demo data, which rebuilds past audits, passes it."""
    workflow.check_editable(finding.assessment, user, reason)
    if fields.get("status", CorrectiveAction.Status.OPEN) != CorrectiveAction.Status.OPEN:
        raise InvalidInput({"status": ["A corrective action is planned open; its follow-up comes after."]})
    action = CorrectiveAction(finding=finding, created_by=user, **fields)
    action._change_reason = reason
    action.full_clean()
    _check_due_date(action.due_date, planned_on)
    action.save()
    return action


def _check_open(action: CorrectiveAction) -> None:
    if not action.is_open:
        raise exceptions.RecordLocked(
            f"The corrective action for {action.finding.reference} is {action.get_status_display().lower()} "
            "and read-only."
        )


@transaction.atomic
def update_action(action: CorrectiveAction, user, reason: str = "", **fields) -> CorrectiveAction:
    """The plan while the record is open; the vendor's response and its acceptance also after
    approval. Never the verification, nor a verified or closed status (see `verify_action`)."""
    assessment = action.finding.assessment
    # Read-only for everyone once verified: the signature covers it as it is.
    _check_open(action)
    check_length("reason", reason, REASON)  # follow-up after approval skips check_editable
    plan_changes = set(fields) - FOLLOW_UP_FIELDS - {"verification"}
    if assessment.status == Assessment.Status.APPROVED and not plan_changes:
        if not user.has_perm("assessments.follow_up_action", assessment):
            raise exceptions.NotPermitted("You may not follow up corrective actions of this assessment.")
    else:
        workflow.check_editable(assessment, user, reason)
    new_status = fields.get("status") or action.status
    refused = {}
    if "verification" in fields and fields["verification"] != action.verification:
        refused["verification"] = [USE_VERIFICATION]
    if new_status in ACTION_DONE:
        refused["status"] = [USE_VERIFICATION]
    if refused:
        raise InvalidInput(refused)
    if new_status not in STATUS_ORDER:
        raise InvalidInput({"status": [f"Status is one of {', '.join(STATUS_ORDER)}."]})
    if STATUS_ORDER.index(new_status) < STATUS_ORDER.index(action.status):
        raise ConflictError(f"A corrective action moves forward only: it is {action.get_status_display().lower()}.")
    old_due = action.due_date
    for key, value in fields.items():
        if key != "verification":
            setattr(action, key, value)
    action._change_reason = reason
    action.full_clean()
    if action.due_date != old_due:
        _check_due_date(action.due_date)
    action.save()
    return action


def _check_verifier(assessment: Assessment, user) -> None:
    """Who may verify, and when: a QA reviewer independent of the assessment, once approved."""
    if not user.has_perm("assessments.verify_action", assessment):
        raise exceptions.NotPermitted(
            f"Only a QA reviewer independent of {assessment.reference} (not its lead, not on its audit team, "
            "and author of none of its answers, evidence or findings) verifies its corrective actions."
        )
    if assessment.status != Assessment.Status.APPROVED:
        raise exceptions.TransitionRefused(
            f"{assessment.reference} is {assessment.get_status_display().lower()}; its corrective actions "
            "are verified after approval."
        )


def _check_verifiable(action: CorrectiveAction, user) -> None:
    _check_verifier(action.finding.assessment, user)
    if not action.is_open:
        raise ConflictError(
            f"The corrective action for {action.finding.reference} is already {action.get_status_display().lower()}."
        )


def may_verify(assessment: Assessment, user) -> bool:
    """For pages: whether to offer `user` the verification dialog of the assessment's open
    actions, and the closing of its verified ones."""
    try:
        _check_verifier(assessment, user)
    except (exceptions.NotPermitted, ConflictError):
        return False
    return True


def verify_action(action: CorrectiveAction, user, verification, password, request=None) -> Signature:
    """Record `action` as verified effective: the independent QA reviewer's written verification
    and signature (meaning "verified", covering the action; 21 CFR 11.50, 11.200). Only this lifts
    a conditional approval, once every major finding's actions are done (docs/domain.md §3)."""
    _check_verifiable(action, user)
    text = verification.strip() if isinstance(verification, str) else ""
    if not text:
        raise InvalidInput({"verification": ["Write how the effectiveness of the action was verified."]})
    if not isinstance(password, str) or not password:
        raise InvalidInput({"password": ["Your password is required to sign the verification."]})
    # Outside the transaction, so that a wrong password counts toward lock-out.
    signatures._check_password(request, user, password)
    with transaction.atomic():
        # The assessment's row first: verifications of its actions take turns, so that the last
        # one sees every other and lifts the conditional approval.
        assessment = (
            Assessment.objects.select_for_update().select_related("vendor").get(pk=action.finding.assessment_id)
        )
        action = CorrectiveAction.objects.select_for_update().select_related("finding").get(pk=action.pk)
        action.finding.assessment = assessment
        _check_verifiable(action, user)
        with audit_context.reason(text):
            action.status = CorrectiveAction.Status.VERIFIED_EFFECTIVE
            action.verification = text
            action._change_reason = text
            action.save()
            signature = Signature(
                assessment=assessment,
                corrective_action=action,
                signer=user,
                printed_name=user.full_name,
                meaning=SignatureMeaning.VERIFIED,
                content_hash=record.action_hash(action),
                content_version=record.ACTION_CONTENT_VERSION,
                cycle=assessment.signing_cycle,
            )
            signature._change_reason = text
            signature.save()
        workflow.lift_condition_if_met(assessment)
    return signature


@transaction.atomic
def close_action(action: CorrectiveAction, user, reason: str = "") -> CorrectiveAction:
    """Close a verified action: a QA reviewer independent of the assessment, after verification;
    the same reviewers who may verify (the "verified" signature already says it works)."""
    assessment = Assessment.objects.select_for_update().get(pk=action.finding.assessment_id)
    action = CorrectiveAction.objects.select_for_update().select_related("finding").get(pk=action.pk)
    action.finding.assessment = assessment
    _check_verifier(assessment, user)
    if action.status != CorrectiveAction.Status.VERIFIED_EFFECTIVE:
        raise ConflictError(
            f"The corrective action for {action.finding.reference} is {action.get_status_display().lower()}; "
            "only a verified-effective action can be closed."
        )
    action.status = CorrectiveAction.Status.CLOSED
    action.closed_at = timezone.now()
    note = reason.strip() if isinstance(reason, str) else ""
    action._change_reason = note or "Closed after its effectiveness was verified."
    action.save()
    return action


# --- Files on findings and on a corrective action's closure --------------------------------------
def _store_file(finding: Finding, user, upload, action: CorrectiveAction | None, why: str) -> FindingAttachment:
    content_type = evidence.check_file(upload)
    item = FindingAttachment(
        finding=finding,
        action=action,
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=Evidence.digest(upload),
        uploaded_by=user,
    )
    item.file.save("attachment", upload, save=False)
    item._change_reason = why
    item.save()
    return item


@transaction.atomic
def attach_to_finding(finding: Finding, user, upload, reason: str = "") -> FindingAttachment:
    """A file that supports a finding: by the audit team, while its content is open, as editing
    the finding (after a return, with a reason)."""
    assessment = Assessment.objects.select_for_update().get(pk=finding.assessment_id)
    workflow.check_editable(assessment, user, reason)
    finding = Finding.objects.get(pk=finding.pk)
    return _store_file(finding, user, upload, None, reason or f"File attached to finding {finding.reference}.")


@transaction.atomic
def attach_closure_evidence(action: CorrectiveAction, user, upload, reason: str = "") -> FindingAttachment:
    """Evidence that a corrective action worked (the revised SOP, the training records), kept with
    its verification and closure: by a QA reviewer who may verify it (independent of the
    assessment, once approved), until the action is closed; a closed action is read-only."""
    assessment = Assessment.objects.select_for_update().get(pk=action.finding.assessment_id)
    action = CorrectiveAction.objects.select_for_update().select_related("finding").get(pk=action.pk)
    action.finding.assessment = assessment
    _check_verifier(assessment, user)
    if action.status == CorrectiveAction.Status.CLOSED:
        raise ConflictError(f"The corrective action for {action.finding.reference} is closed: it takes no more files.")
    why = reason or f"Closure evidence of the corrective action for {action.finding.reference}."
    return _store_file(action.finding, user, upload, action, why)
