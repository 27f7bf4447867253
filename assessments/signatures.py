"""Signing an assessment: who may sign with which meaning, when, and with which password
(21 CFR 11.200(a)). What a signature covers and whether it still holds: assessments/record.py."""

from django.contrib.auth import authenticate
from django.db import transaction

from accounts.lockout import LOCKED_MESSAGE, is_locked
from config.exceptions import ConflictError

from . import workflow
from .exceptions import SignatureRefused, TransitionRefused
from .models import Assessment, Signature
from .record import CONTENT_VERSION, content_hash, has_valid_signature

Meaning = Signature.Meaning


SESSION_SIGNED_KEY = "signed_in_this_session"


def _check_password(request, user, password) -> None:
    """Signing asks for the password again (11.200(a)); a wrong one counts toward lock-out."""
    if request is not None and is_locked(request, user.username):
        raise SignatureRefused(LOCKED_MESSAGE)
    if not password or authenticate(request, username=user.username, password=password) is None:
        raise SignatureRefused("The password is not correct; the assessment was not signed.")


def _check_allowed(assessment: Assessment, user, meaning: str) -> None:
    if meaning == Meaning.PERFORMED:
        if user.pk != assessment.lead_auditor_id:
            raise SignatureRefused("Only the lead auditor signs an assessment as performed.")
        if assessment.status not in (
            Assessment.Status.IN_PROGRESS,
            Assessment.Status.RETURNED,
            Assessment.Status.SUBMITTED,
        ):
            raise TransitionRefused(
                f"{assessment.reference} is {assessment.get_status_display().lower()}; "
                "it can be signed as performed while in progress, returned or submitted."
            )
        # Step order: the lead signs for a complete record, never for one that could not be submitted.
        problems = workflow.submission_problems(assessment)
        if problems:
            raise TransitionRefused(f"{assessment.reference} cannot be signed as performed yet:", problems)
    elif meaning == Meaning.REOPENED:
        workflow.check_may_reopen(assessment, user)
    elif meaning in (Meaning.REVIEWED, Meaning.APPROVED):
        if not user.has_perm("assessments.review_assessment", assessment):
            raise SignatureRefused(
                f"Only the assigned QA reviewer, who wrote no part of {assessment.reference} and is not "
                f"on its audit team, signs it as {meaning}."
            )
        if assessment.status != Assessment.Status.SUBMITTED:
            raise TransitionRefused(
                f"{assessment.reference} is {assessment.get_status_display().lower()}; "
                f"it can be signed as {meaning} only when submitted."
            )
    else:
        raise ValueError(f"Unknown meaning {meaning!r}: use performed, reviewed, approved or reopened.")
    if meaning != Meaning.REOPENED and has_valid_signature(assessment, meaning, user):
        raise ConflictError(f"You have already signed {assessment.reference} as {meaning}.")


def may_sign(assessment: Assessment, user, meaning: str) -> bool:
    """Whether to offer `user` the signature dialog for `meaning` now (the same checks as sign)."""
    try:
        _check_allowed(assessment, user, meaning)
    except (SignatureRefused, ConflictError):
        return False
    return True


def sign(
    assessment: Assessment,
    user,
    meaning: str,
    password: str,
    request=None,
    decision: str = "",
    justification: str = "",
    reason: str = "",
) -> Signature:
    """Sign; an "approved" signature also approves the assessment and a "reopened" one reopens it
    (with `reason`), all or nothing."""
    if meaning not in Meaning.values:
        raise ValueError(f"Unknown meaning {meaning!r}: use performed, reviewed, approved or reopened.")
    if meaning == Meaning.REOPENED:
        workflow.check_reopen_reason(reason)
    _check_password(request, user, password)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("vendor", "checklist").get(pk=assessment.pk)
        _check_allowed(assessment, user, meaning)
        if meaning == Meaning.APPROVED:
            workflow.approve(assessment, user, decision=decision, justification=justification)
        # A reopening signs the approved record as it stands, in the cycle it closes.
        signature = Signature(
            assessment=assessment,
            signer=user,
            printed_name=user.full_name,
            meaning=meaning,
            content_hash=content_hash(assessment),
            content_version=CONTENT_VERSION,
            cycle=assessment.signing_cycle,
        )
        signature._change_reason = reason
        signature.save()
        if meaning == Meaning.REOPENED:
            workflow.reopen(assessment, user, reason)
        return signature


def reopen(assessment: Assessment, user, reason: str, password: str, request=None) -> Signature:
    """Reopen an approved assessment: a signature with a reason (docs/compliance.md, 4.5)."""
    return sign(assessment, user, Meaning.REOPENED, password, request=request, reason=reason)
