"""Raising findings and planning corrective actions; the API and the workspace call these."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments import exceptions
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT, REASON, check_length

from . import evaluation, scoring, workflow
from .choices import ACTION_DONE, FindingClass
from .models import Assessment, CorrectiveAction, Finding, MinorFindingsReview


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
    **fields,
) -> Finding:
    """A finding on a question (its criterion follows) or on a whole criterion. Without a class,
    the one proposed from the question's severity is used; the auditor may choose another."""
    workflow.check_editable(assessment, user, reason)
    if question is not None:
        criterion = question.criterion
    if criterion is None:
        raise ValueError("A finding must name a question or a criterion.")
    # Numbers are per assessment: lock the assessment row so that two findings raised at once do
    # not take the same number (FOR UPDATE is dropped from an aggregate query, so it cannot lock).
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk", flat=True))
    number = (Finding.objects.filter(assessment=assessment).aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding(
        assessment=assessment,
        number=number,
        question=question,
        criterion=criterion,
        classification=classification or proposed_classification(question),
        proposed_classification=proposed_classification(question),
        description=description,
        created_by=user,
        **fields,
    )
    finding._change_reason = reason
    finding.full_clean()
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
    finding.save()
    evaluation.refresh(finding.assessment)
    return finding


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
FOLLOW_UP_FIELDS = {"status", "root_cause", "vendor_action", "verification"}
STATUS_ORDER = [s.value for s in CorrectiveAction.Status]


@transaction.atomic
def plan_action(finding: Finding, user, reason: str = "", **fields) -> CorrectiveAction:
    workflow.check_editable(finding.assessment, user, reason)
    action = CorrectiveAction(finding=finding, created_by=user, **fields)
    action._change_reason = reason
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def update_action(action: CorrectiveAction, user, reason: str = "", **fields) -> CorrectiveAction:
    assessment = action.finding.assessment
    check_length("reason", reason, REASON)  # follow-up after approval skips check_editable
    plan_changes = set(fields) - FOLLOW_UP_FIELDS
    if assessment.status == Assessment.Status.APPROVED and not plan_changes:
        if not user.has_perm("assessments.follow_up_action", assessment):
            raise exceptions.NotPermitted("You may not follow up corrective actions of this assessment.")
    else:
        workflow.check_editable(assessment, user, reason)
    new_status = fields.get("status") or action.status
    if STATUS_ORDER.index(new_status) < STATUS_ORDER.index(action.status):
        raise ConflictError(f"A corrective action moves forward only: it is {action.get_status_display().lower()}.")
    verification = fields["verification"] if "verification" in fields else action.verification
    if new_status in ACTION_DONE and not (verification or "").strip():
        # Named after the field to fill in; also refuses blanking the verification of a verified action.
        raise InvalidInput(
            {"verification": ["Say how effectiveness was verified before marking the action verified or closed."]}
        )
    for key, value in fields.items():
        setattr(action, key, value)
    if action.status == CorrectiveAction.Status.CLOSED and action.closed_at is None:
        action.closed_at = timezone.now()
    action._change_reason = reason
    action.full_clean()
    action.save()
    workflow.lift_condition_if_met(assessment)
    return action
