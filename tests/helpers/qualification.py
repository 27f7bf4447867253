"""Shared by the tests of the approved supplier list (tests/vendors/test_qualification*.py and
tests/assessments/test_not_approved_reaudit.py): reasons long enough to be accepted, and the
vendor's qualification as stored."""

from django.test import RequestFactory

from assessments import signatures, workflow
from assessments.answers import save_answers
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, new_assessment

REASON = "FDA warning letter of 2026-03-02: data integrity failures in the QC laboratory."
REINSTATE_REASON = "The FDA closed the warning letter; the QC laboratory was re-audited on site."
REOPEN_REASON = "The batch records reviewed on site belonged to another product line."


def signing_request():
    """A request for a signature's password check (django-axes counts failures per request)."""
    return RequestFactory().post("/")


def vendor_entries(vendor):
    return AuditEntry.objects.filter(content_type__model="vendor", object_pk=str(vendor.pk))


def snapshot(vendor):
    vendor.refresh_from_db()
    return (vendor.status, vendor.risk_rating, vendor.next_requalification_due, vendor.updated_at)


def decided_assessment(checklist, vendor, lead, reviewer, decision, justification):
    """Taken through the real workflow, approved by `reviewer` with `decision` (compliant answers:
    rated low, so any other decision needs the justification)."""
    assessment = new_assessment(checklist, vendor, lead, reviewer)
    save_answers(assessment, lead, compliant_answers(checklist))
    attach_required_evidence(assessment, lead)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead)
    signatures.sign(assessment, lead, "performed", PASSWORD, request=signing_request())
    signatures.sign(
        assessment,
        reviewer,
        "approved",
        PASSWORD,
        request=signing_request(),
        decision=decision,
        justification=justification,
    )
    assessment.refresh_from_db()
    return assessment


def approve_again(assessment, lead, reviewer):
    """A reopened assessment submitted, signed and approved again."""
    workflow.submit(assessment, lead)
    signatures.sign(assessment, lead, "performed", PASSWORD, request=signing_request())
    signatures.sign(assessment, reviewer, "approved", PASSWORD, request=signing_request())
    assessment.refresh_from_db()
    return assessment
