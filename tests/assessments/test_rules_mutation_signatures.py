"""Signing (assessments/signatures.py): who signs with which meaning, in which states, with which
password, and what a signature does. Written where mutation testing showed a broken rule would
have gone unnoticed (21 CFR 11.200(a), 11.10(g); docs/compliance.md 4.3 to 4.6)."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from accounts.lockout import LOCKED_MESSAGE
from accounts.roles import Role
from assessments import record, signatures
from assessments.exceptions import NotPermitted, ReasonRequired, SignatureRefused, TransitionRefused
from assessments.models import Assessment, Signature
from audit.models import AuditEntry
from config.exceptions import ConflictError
from tests.conftest import PASSWORD
from tests.helpers.records import approved, completed, fresh, performed, sign, submitted

pytestmark = pytest.mark.django_db
Status = Assessment.Status
SENTENCE = "A recall of lot 42 was reported."


def request():
    return RequestFactory().post("/")


def in_state(assessment, status):
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    return fresh(assessment)


# --- the password ---------------------------------------------------------------------------------
def test_a_wrong_or_missing_password_signs_nothing(assessment, lead_auditor):
    assessment = completed(assessment, lead_auditor)
    for password in ("not-my-password", ""):
        with pytest.raises(SignatureRefused):
            signatures.sign(assessment, lead_auditor, "performed", password, request=request())
    assert not Signature.objects.exists()
    signatures.sign(assessment, lead_auditor, "performed", PASSWORD, request=request())
    assert Signature.objects.get().signer == lead_auditor


def test_a_locked_account_cannot_sign_even_with_the_right_password(assessment, lead_auditor):
    assessment = completed(assessment, lead_auditor)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(SignatureRefused):
            signatures.sign(assessment, lead_auditor, "performed", f"wrong-{attempt}", request=request())
    with pytest.raises(SignatureRefused) as refused:
        signatures.sign(assessment, lead_auditor, "performed", PASSWORD, request=request())
    assert str(refused.value) == LOCKED_MESSAGE
    assert not Signature.objects.exists()


def test_the_form_is_checked_before_the_password_is_tried(assessment, lead_auditor, reviewer):
    """An unknown meaning or a reopening without a sentence is refused as such, and a wrong
    password sent with it is not tried (it would count toward lock-out)."""
    assessment = approved(assessment, lead_auditor, reviewer)
    with pytest.raises(ValueError):
        signatures.sign(assessment, reviewer, "witnessed", "not-my-password", request=request())
    with pytest.raises(ReasonRequired):
        signatures.reopen(assessment, reviewer, "Recall", "not-my-password", request=request())
    assert fresh(assessment).status == Status.APPROVED


# --- who signs with which meaning, and when ----------------------------------------------------
def test_performed_is_the_leads_while_the_record_is_open_and_complete(assessment, lead_auditor, auditor):
    with pytest.raises(SignatureRefused):
        sign(completed(assessment, lead_auditor), auditor, "performed")
    for status in (Status.PLANNED, Status.CANCELLED):
        with pytest.raises(TransitionRefused):
            sign(in_state(assessment, status), lead_auditor, "performed")
    for status in (Status.IN_PROGRESS, Status.RETURNED, Status.SUBMITTED):
        assessment = in_state(assessment, status)
        assert signatures.may_sign(assessment, lead_auditor, "performed")
        assert not signatures.may_sign(assessment, auditor, "performed")
    assert not Signature.objects.exists()
    sign(assessment, lead_auditor, "performed")
    assert not signatures.may_sign(fresh(assessment), lead_auditor, "performed")  # signed already
    with pytest.raises(ConflictError):
        sign(assessment, lead_auditor, "performed")
    assert Signature.objects.count() == 1


def test_performed_is_refused_for_a_record_that_could_not_be_submitted(assessment, lead_auditor):
    in_progress = in_state(assessment, Status.IN_PROGRESS)
    with pytest.raises(TransitionRefused) as refused:
        sign(in_progress, lead_auditor, "performed")
    assert refused.value.problems
    assert not signatures.may_sign(in_progress, lead_auditor, "performed")


def test_reviewed_and_approved_are_the_assigned_reviewers_on_a_submitted_record(
    assessment, lead_auditor, reviewer, make_user
):
    assessment = completed(assessment, lead_auditor)
    sign(assessment, lead_auditor, "performed")
    for meaning in ("reviewed", "approved"):
        with pytest.raises(TransitionRefused):
            sign(assessment, reviewer, meaning)
        assert not signatures.may_sign(fresh(assessment), reviewer, meaning)
    assessment = submitted(assessment, lead_auditor)
    other = make_user("other", Role.REVIEWER)
    for user in (other, lead_auditor):
        with pytest.raises(SignatureRefused):
            sign(assessment, user, "reviewed")
    assert signatures.may_sign(fresh(assessment), reviewer, "reviewed")
    sign(assessment, reviewer, "reviewed")
    with pytest.raises(ConflictError):
        sign(assessment, reviewer, "reviewed")
    assert fresh(assessment).status == Status.SUBMITTED  # reviewing is not approving


def test_the_approved_signature_approves(assessment, lead_auditor, reviewer):
    assessment = performed(assessment, lead_auditor)
    signature = sign(assessment, reviewer, "approved")
    stored = fresh(assessment)
    assert stored.status == Status.APPROVED and stored.decision == "approved"
    assert (signature.meaning, signature.signer, signature.cycle) == ("approved", reviewer, 1)
    assert signature.content_hash == record.content_hash(stored)
    assert record.has_valid_signature(stored, "approved", reviewer)


def test_the_reopened_signature_reopens_with_its_reason(assessment, lead_auditor, reviewer):
    assessment = approved(assessment, lead_auditor, reviewer)
    with pytest.raises(NotPermitted):
        signatures.reopen(assessment, lead_auditor, SENTENCE, PASSWORD, request=request())
    signature = signatures.reopen(assessment, reviewer, SENTENCE, PASSWORD, request=request())
    stored = fresh(assessment)
    assert (stored.status, stored.signing_cycle) == (Status.IN_PROGRESS, 2)
    assert (signature.meaning, signature.cycle) == ("reopened", 1)
    entry = AuditEntry.objects.get_for_object(signature).order_by("pk").last()
    assert entry.reason == SENTENCE


def test_a_record_is_reopened_only_when_approved(assessment, lead_auditor, reviewer):
    assessment = submitted(assessment, lead_auditor)
    assert not signatures.may_sign(assessment, reviewer, "reopened")
    with pytest.raises(TransitionRefused):
        signatures.reopen(assessment, reviewer, SENTENCE, PASSWORD, request=request())
    assert not Signature.objects.filter(meaning="reopened").exists()


def test_an_unknown_meaning_is_a_programming_error(assessment, lead_auditor):
    with pytest.raises(ValueError):
        signatures.may_sign(assessment, lead_auditor, "witnessed")
    with pytest.raises(ValueError):
        sign(assessment, lead_auditor, "witnessed")
