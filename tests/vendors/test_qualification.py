"""The approved supplier list follows decisions only (vendors/qualification.py): an approved
assessment's decision, the lifting of a conditional approval, "under review" while the deciding
assessment is reopened, and an administrator's disqualification and reinstatement; each is kept
as a QualificationDecision and in the audit trail with its reason. The paths to these decisions
(API, admin, import, pages): test_qualification_paths.py."""

import pytest
from axes.models import AccessFailureLog
from django.conf import settings

from accounts.lockout import LOCKED_MESSAGE
from assessments import workflow
from audit.models import AuditEntry
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from tests.conftest import PASSWORD
from tests.factories import approved_assessment
from tests.helpers.qualification import (
    REASON,
    REINSTATE_REASON,
    REOPEN_REASON,
    approve_again,
    signing_request,
    snapshot,
    vendor_entries,
)
from vendors import qualification
from vendors.models import QualificationDecision, Vendor

pytestmark = pytest.mark.django_db


# === Decisions of the assessments =================================================================


def test_approval_sets_the_status_through_the_module_and_keeps_the_decision(checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.risk_rating, vendor.next_requalification_due) == (
        "approved",
        "low",
        assessment.requalification_due,
    )
    decision = QualificationDecision.objects.get(vendor=vendor)
    assert (decision.event, decision.from_status, decision.to_status) == (
        "assessment_decision",
        "prospective",
        "approved",
    )
    assert (decision.assessment_id, decision.assessment_reference) == (assessment.pk, assessment.reference)
    assert (decision.decided_by, decision.printed_name) == (reviewer, "Reviewer Tester")
    entry = vendor_entries(vendor).filter(changes__has_key="status").latest("timestamp")
    assert assessment.reference in entry.reason and "approved" in entry.reason
    assert AuditEntry.objects.filter(content_type__model="qualificationdecision", object_pk=str(decision.pk)).exists()


def test_a_reopened_deciding_assessment_puts_the_vendor_under_review_until_approved_again(
    api, client, checklist, approved_vendor, lead_auditor, reviewer, auditor
):
    assessment = approved_vendor.assessment
    workflow.reopen(assessment, reviewer, REOPEN_REASON)
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "under_review"
    decision = qualification.history(approved_vendor).first()
    assert (decision.event, decision.from_status, decision.decided_by) == ("under_review", "approved", reviewer)
    assert REOPEN_REASON in vendor_entries(approved_vendor).filter(changes__has_key="status").latest("timestamp").reason

    listed = api.as_user(auditor).get("/api/vendors/", {"status": "under_review"}).json()
    assert [v["name"] for v in listed["results"]] == [approved_vendor.name]
    assert listed["results"][0]["status"] == "under_review"
    client.force_login(auditor)
    page = client.get("/vendors/", {"status": "under_review"}).content.decode()
    assert approved_vendor.name in page and "Under review" in page

    approve_again(assessment, lead_auditor, reviewer)
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "approved"
    assert qualification.history(approved_vendor).first().event == "assessment_decision"


def test_reopening_an_assessment_that_did_not_decide_changes_nothing(
    checklist, approved_vendor, lead_auditor, reviewer
):
    later = approved_assessment(checklist, approved_vendor, lead_auditor, reviewer)
    workflow.reopen(approved_vendor.assessment, reviewer, REOPEN_REASON)  # the older one
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "approved"
    assert qualification.history(approved_vendor).first().assessment_id == later.pk


def test_lifting_a_conditional_approval_is_kept_as_a_decision(checklist, vendor, lead_auditor, reviewer):
    from assessments import findings
    from assessments.models import CorrectiveAction

    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    action = CorrectiveAction.objects.get(finding__assessment=assessment)
    findings.update_action(action, lead_auditor, status="response_received", vendor_action="New EM SOP")
    findings.verify_action(action, reviewer, "EM data reviewed", PASSWORD, request=signing_request())
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    lifted = qualification.history(vendor).first()
    assert (lifted.event, lifted.from_status, lifted.to_status) == (
        "condition_lifted",
        "conditionally_approved",
        "approved",
    )
    with pytest.raises(ConflictError):  # nothing left to lift
        qualification.lift_conditional_approval(vendor, assessment, "Again.")


def test_cancelling_a_reopened_deciding_assessment_returns_to_the_other_decisions(
    checklist, vendor, lead_auditor, reviewer
):
    earlier = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    deciding = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    workflow.reopen(deciding, reviewer, REOPEN_REASON)
    vendor.refresh_from_db()
    assert vendor.status == "under_review"
    assert qualification.withdraw_reopened_decision(vendor, earlier, "Not the deciding one.") is None
    decision = qualification.withdraw_reopened_decision(vendor, deciding, "Audit replaced by a new one.", by=reviewer)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.risk_rating, vendor.next_requalification_due) == (
        "conditionally_approved",
        "high",
        earlier.requalification_due,
    )
    assert (decision.event, decision.assessment_id) == ("decision_withdrawn", earlier.pk)


def test_cancelling_the_reopened_deciding_assessment_withdraws_its_decision(checklist, vendor, lead_auditor, reviewer):
    """Through the workflow, not the rule alone: a reopened assessment the lead cancels no longer
    keeps the vendor under review."""
    earlier = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    deciding = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    workflow.reopen(deciding, reviewer, REOPEN_REASON)
    workflow.cancel(deciding, deciding.lead_auditor, "Audit replaced by a new one.")
    vendor.refresh_from_db()
    assert (vendor.status, vendor.next_requalification_due) == ("conditionally_approved", earlier.requalification_due)
    decision = qualification.history(vendor).first()
    assert (decision.event, decision.assessment_id) == ("decision_withdrawn", earlier.pk)
    assert "Audit replaced by a new one." in decision.reason


# === Disqualification and reinstatement ===========================================================


def test_disqualification_and_reinstatement_are_kept_with_who_why_and_the_audit_entry(approved_vendor, quality_admin):
    due = approved_vendor.next_requalification_due
    decision = qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    assert approved_vendor.status == "disqualified"  # the caller's instance follows
    assert (decision.event, decision.from_status, decision.to_status) == (
        "disqualification",
        "approved",
        "disqualified",
    )
    assert (decision.decided_by, decision.printed_name, decision.reason) == (quality_admin, "Qadmin Tester", REASON)
    entry = vendor_entries(approved_vendor).filter(changes__has_key="status").latest("timestamp")
    assert (entry.reason, entry.username, entry.changes["status"]) == (REASON, "qadmin", ["approved", "disqualified"])
    with pytest.raises(ConflictError):
        qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())

    qualification.reinstate(approved_vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    approved_vendor.refresh_from_db()
    assert (approved_vendor.status, approved_vendor.risk_rating, approved_vendor.next_requalification_due) == (
        "approved",
        "low",
        due,
    )
    with pytest.raises(ConflictError):
        qualification.reinstate(approved_vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    assert [d.event for d in qualification.history(approved_vendor)] == [
        "reinstatement",
        "disqualification",
        "assessment_decision",
    ]


def test_reinstating_a_vendor_never_approved_makes_it_prospective(vendor, quality_admin):
    qualification.disqualify(vendor, quality_admin, REASON, PASSWORD, signing_request())
    qualification.reinstate(vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    vendor.refresh_from_db()
    assert vendor.status == "prospective"


@pytest.mark.parametrize("reason", ["", "Bad audit.", "x" * 30, "A " * 2600, "Four words \x00 are here", None, 42])
def test_a_reason_of_less_than_a_sentence_is_refused_before_the_password_is_tried(
    approved_vendor, quality_admin, reason
):
    with pytest.raises(InvalidInput) as refused:
        qualification.disqualify(approved_vendor, quality_admin, reason, "not-my-password", signing_request())
    assert "reason" in refused.value.errors
    assert snapshot(approved_vendor)[0] == "approved" and not AccessFailureLog.objects.exists()


def test_a_wrong_password_is_refused_and_counts_toward_the_lock_out(approved_vendor, quality_admin):
    before = snapshot(approved_vendor)
    with pytest.raises(NotAllowed, match="password is not correct"):
        qualification.disqualify(approved_vendor, quality_admin, REASON, "not-my-password", signing_request())
    assert snapshot(approved_vendor) == before and not QualificationDecision.objects.exclude(
        event="assessment_decision"
    )
    assert AccessFailureLog.objects.filter(username="qadmin").count() == 1


def test_only_a_quality_administrator_decides(approved_vendor, reviewer, lead_auditor):
    for user in (reviewer, lead_auditor):
        with pytest.raises(NotAllowed):
            qualification.disqualify(approved_vendor, user, REASON, PASSWORD, signing_request())
    assert snapshot(approved_vendor)[0] == "approved" and not AccessFailureLog.objects.exists()


def test_a_locked_account_is_refused_even_with_the_right_password(approved_vendor, quality_admin):
    request = signing_request()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(NotAllowed):
            qualification.disqualify(approved_vendor, quality_admin, REASON, "wrong", signing_request())
    with pytest.raises(NotAllowed, match=LOCKED_MESSAGE):
        qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, request)
    assert snapshot(approved_vendor)[0] == "approved"


def test_decisions_while_disqualified_are_kept_but_held_until_reinstatement(
    checklist, approved_vendor, lead_auditor, reviewer, quality_admin
):
    qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    workflow.reopen(approved_vendor.assessment, reviewer, REOPEN_REASON)
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "disqualified"
    held = qualification.history(approved_vendor).first()
    assert (held.event, held.to_status, held.decided_status, held.held) == (
        "under_review",
        "disqualified",
        "under_review",
        True,
    )
    later = approved_assessment(checklist, approved_vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    approved_vendor.refresh_from_db()
    assert (approved_vendor.status, approved_vendor.risk_rating) == ("disqualified", "high")
    assert "stays disqualified" in qualification.history(approved_vendor).first().reason

    qualification.reinstate(approved_vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    approved_vendor.refresh_from_db()
    assert (approved_vendor.status, approved_vendor.next_requalification_due) == (
        "conditionally_approved",
        later.requalification_due,
    )


def test_a_condition_met_while_disqualified_is_lifted_held_and_approved_on_reinstatement(
    checklist, vendor, lead_auditor, reviewer, quality_admin
):
    from assessments import findings
    from assessments.models import CorrectiveAction

    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    qualification.disqualify(vendor, quality_admin, REASON, PASSWORD, signing_request())
    action = CorrectiveAction.objects.get(finding__assessment=assessment)
    findings.update_action(action, lead_auditor, status="response_received", vendor_action="New EM SOP")
    findings.verify_action(action, reviewer, "EM data reviewed", PASSWORD, request=signing_request())
    vendor.refresh_from_db()
    assert vendor.status == "disqualified"
    held = qualification.history(vendor).first()
    assert (held.event, held.to_status, held.decided_status, held.held) == (
        "condition_lifted",
        "disqualified",
        "approved",
        True,
    )

    qualification.reinstate(vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    vendor.refresh_from_db()
    assert (vendor.status, vendor.next_requalification_due) == ("approved", assessment.requalification_due)
    with pytest.raises(ConflictError):  # the condition is lifted once
        qualification.lift_conditional_approval(vendor, assessment, "Again.")


def test_a_qualification_decision_is_written_once(approved_vendor):
    decision = qualification.history(approved_vendor).first()
    decision.reason = "Rewritten."
    with pytest.raises(ConflictError):
        decision.save()
    with pytest.raises(ConflictError):
        decision.delete()


def test_vendors_on_the_list_before_decisions_were_kept_are_carried_over(
    checklist, vendor, lead_auditor, reviewer, quality_admin
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("vendors.migrations.0005_carry_over_qualification")
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    Vendor.objects.filter(pk=vendor.pk).update(status="disqualified")  # as an old admin form could
    legacy = Vendor.objects.create(
        name="Legacy Cells", country="FR", status="conditionally_approved", risk_rating="high"
    )
    Vendor.objects.create(name="New Cells", country="FR")
    migration.carry_over(apps, None)
    carried = QualificationDecision.objects.filter(event="carried_over")
    assert {(d.vendor.name, d.decided_status, d.assessment_id) for d in carried} == {
        (vendor.name, "approved", assessment.pk),
        (legacy.name, "conditionally_approved", None),
    }
    vendor.refresh_from_db()
    qualification.reinstate(vendor, quality_admin, REINSTATE_REASON, PASSWORD, signing_request())
    vendor.refresh_from_db()
    assert vendor.status == "approved"
