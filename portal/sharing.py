"""Sharing a corrective action with the vendor: an explicit step of the assessment's lead
auditor, audit-trailed, that tells the vendor's linked contacts (notification "action_shared")."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404

from assessments.exceptions import NotPermitted
from assessments.models import Assessment, CorrectiveAction
from audit.models import AuditEntry
from config.exceptions import ConflictError

from . import notices
from .models import SharedAction


def withdrawn_action_assessment(pk) -> Assessment | None:
    """The assessment of corrective action `pk` if it was withdrawn with its finding (the audit
    trail keeps the deleted row), else None."""
    entry = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CorrectiveAction),
            object_pk=str(pk),
            action=AuditEntry.Action.DELETE,
        )
        .order_by("-pk")
        .first()
    )
    if entry is None or entry.assessment_id is None:
        return None
    return Assessment.objects.filter(pk=entry.assessment_id).first()


def share_problem(action: CorrectiveAction) -> str:
    """Why `action` cannot be shared now (the state of things), or "" when it can."""
    assessment = action.finding.assessment
    if assessment.status == Assessment.Status.CANCELLED:
        return f"{assessment.reference} is cancelled: its corrective actions are not shared."
    if not action.is_open:
        return (
            f"The corrective action for {action.finding.reference} is {action.get_status_display().lower()}: "
            "there is nothing left for the vendor to answer."
        )
    if SharedAction.objects.filter(action=action).exists():
        return f"The corrective action for {action.finding.reference} is already shared with {assessment.vendor.name}."
    return ""


def may_share(action: CorrectiveAction, user) -> bool:
    """For pages: whether to offer the share button."""
    return user.has_perm("portal.share_action", action.finding.assessment) and not share_problem(action)


@transaction.atomic
def share(action: CorrectiveAction, user) -> SharedAction:
    """The lead shares `action` with the vendor's contacts. Anyone who may not see its assessment
    gets 404, others who see it 403; a cancelled assessment, a done action or a second share 409."""
    assessment = Assessment.objects.select_for_update().select_related("vendor").get(pk=action.finding.assessment_id)
    if not user.has_perm("assessments.view_assessment", assessment):
        raise Http404("Not found.")
    if not user.has_perm("portal.share_action", assessment):
        raise NotPermitted(f"Only the lead auditor of {assessment.reference} shares its corrective actions.")
    action = CorrectiveAction.objects.select_related("finding").get(pk=action.pk)
    action.finding.assessment = assessment
    problem = share_problem(action)
    if problem:
        raise ConflictError(problem)
    shared = SharedAction(action=action, shared_by=user)
    shared._change_reason = f"Corrective action for {action.finding.reference} shared with {assessment.vendor.name}."
    shared.save()
    notices.action_shared(shared, user)
    return shared


def share_by_id(pk, user) -> SharedAction:
    """`share` for an id: a corrective action withdrawn with its finding is a 409 for the lead who
    may see its assessment (the trail says it existed), a 404 for anyone else."""
    action = CorrectiveAction.objects.select_related("finding__assessment").filter(pk=pk).first()
    if action is None:
        assessment = withdrawn_action_assessment(pk)
        if assessment is None or not user.has_perm("assessments.view_assessment", assessment):
            raise Http404("Not found.")
        if not user.has_perm("portal.share_action", assessment):
            raise NotPermitted(f"Only the lead auditor of {assessment.reference} shares its corrective actions.")
        raise ConflictError("This corrective action was withdrawn with its finding: there is nothing to share.")
    return share(action, user)
