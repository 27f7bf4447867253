"""The finer rules of findings and corrective actions (assessments/findings.py): every change
carries its reason into the audit trail, the stored rating follows the findings at once, each
refusal comes from the rule that makes it, and a file records why it was attached. Called
through the rule module, on a real database."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import findings, workflow
from assessments.exceptions import NotPermitted, RecordLocked
from assessments.models import (
    Assessment,
    CorrectiveAction,
    Finding,
    FindingAttachment,
    MinorFindingsReview,
    Signature,
)
from audit.models import AuditEntry
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import REASON
from tests.conftest import PASSWORD
from tests.helpers.records import fresh

pytestmark = pytest.mark.django_db

CHECKED = "Three months of EM data for the new locations reviewed on site: no excursion."
IN_A_MONTH = timezone.localdate() + timedelta(days=30)


# --- builders -------------------------------------------------------------------------------------
def criterion(assessment, code="D"):
    return Criterion.objects.get(checklist=assessment.checklist, code=code)


def on_criterion(assessment, user, classification="minor", **fields):
    """A finding on a whole criterion (minor is proposed there, so minor or higher needs no rationale)."""
    fields.setdefault("description", "Deviation seen on site")
    return findings.raise_finding(
        assessment, user, criterion=criterion(assessment), classification=classification, **fields
    )


def critical(assessment, user, **fields):
    """A critical finding on C.1, whose severity proposes critical."""
    question = Question.objects.get(checklist=assessment.checklist, code="C.1")
    fields.setdefault("description", "Glove port torn.")
    return findings.raise_finding(assessment, user, question=question, classification="critical", **fields)


def plan(finding, user, **fields):
    fields = {"description": "Replace the glove port", "owner": "Head of QA", "due_date": IN_A_MONTH, **fields}
    return findings.plan_action(finding, user, **fields)


def entries(obj, action=None, pk=None):
    """The audit-trail entries of `obj` (of `pk` once it is deleted), oldest first."""
    pk = obj.pk if pk is None else pk
    found = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(pk))
    if action is not None:
        found = found.filter(action=action)
    return list(found.order_by("pk"))


def latest_reason(obj):
    return entries(obj)[-1].reason


def stored_rating(assessment):
    return Assessment.objects.values_list("risk_rating", flat=True).get(pk=assessment.pk)


def jpeg(name="glove-port.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 a photo of the torn glove port", content_type="image/jpeg")


def pdf(name="SOP-CLN-004-rev5.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 revised SOP", content_type="application/pdf")


# --- raising and editing a finding ----------------------------------------------------------------
def test_a_finding_must_name_a_question_or_a_criterion(assessment, lead_auditor):
    """A finding on nothing cannot be scored nor reported: refused before any number is taken."""
    with pytest.raises(ValueError, match="must name a question or a criterion"):
        findings.raise_finding(assessment, lead_auditor, description="Something is wrong")
    assert not Finding.objects.exists()


def test_raising_a_finding_keeps_the_reason_in_the_audit_trail(assessment, lead_auditor):
    """After a return every change must say why; the trail is where an inspector reads it."""
    finding = on_criterion(assessment, lead_auditor, reason="Raised on the reviewer's request.")
    assert [(e.action, e.reason) for e in entries(finding)] == [
        (AuditEntry.Action.CREATE, "Raised on the reviewer's request.")
    ]


@pytest.mark.parametrize(
    "bad", [{"fmea_severity": 9}, {"description": "x" * 20_001}, {"classification": "catastrophic"}]
)
def test_a_finding_with_an_invalid_field_is_refused(assessment, lead_auditor, bad):
    """The model's own validation (FMEA factors 1-5, the length cap, the classes) holds for the
    rule module too: SQLite would store any of these."""
    with pytest.raises(ValidationError):
        on_criterion(assessment, lead_auditor, **bad)
    assert not Finding.objects.exists()


def test_raising_a_finding_rates_the_assessment_at_once(assessment, lead_auditor):
    """Lists and filters read the stored rating: a critical finding shows there immediately."""
    assert stored_rating(assessment) == ""
    critical(assessment, lead_auditor)
    assert stored_rating(assessment) == "critical"


def test_editing_a_finding_keeps_the_reason_in_the_audit_trail(assessment, lead_auditor):
    finding = on_criterion(assessment, lead_auditor)
    findings.update_finding(finding, lead_auditor, reason="The reviewer asked for the batch.", requirement="Annex 1")
    last = entries(finding)[-1]
    assert (last.action, last.reason) == (AuditEntry.Action.UPDATE, "The reviewer asked for the batch.")


def test_reclassifying_a_finding_rates_the_assessment_again(assessment, lead_auditor):
    finding = on_criterion(assessment, lead_auditor)
    assert stored_rating(assessment) == "medium"
    findings.update_finding(finding, lead_auditor, classification="critical")
    assert stored_rating(assessment) == "critical"


# --- numbers --------------------------------------------------------------------------------------
def test_a_deleted_finding_whose_trail_entry_names_no_number_takes_none(assessment, lead_auditor):
    """Numbers are skipped only for withdrawn findings whose number the trail records: an entry
    that does not say it (written by hand, or before numbers were kept) leaves F-01 free."""
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Finding),
        object_pk="0",
        object_repr="a finding",
        action=AuditEntry.Action.DELETE,
        changes={"description": ["Gap", None]},
        assessment_id=assessment.pk,
    )
    assert on_criterion(assessment, lead_auditor).reference == "F-01"


# --- withdrawing a finding ------------------------------------------------------------------------
def test_a_finding_raised_at_the_instant_of_submission_was_part_of_the_record(assessment, auditor):
    """The reviewer saw everything up to and including the moment of submission."""
    seen = on_criterion(assessment, auditor)
    Assessment.objects.filter(pk=assessment.pk).update(status="returned", submitted_at=seen.created_at)
    seen = Finding.objects.select_related("assessment").get(pk=seen.pk)
    assert "part of the record submitted for review" in findings.withdrawal_problem(seen, auditor)
    with pytest.raises(RecordLocked):
        findings.withdraw_finding(seen, auditor, reason="Not a finding after all.")
    assert Finding.objects.filter(pk=seen.pk).exists()

    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=seen.created_at - timedelta(microseconds=1))
    later = Finding.objects.select_related("assessment").get(pk=seen.pk)
    assert findings.withdrawal_problem(later, auditor) == ""


def test_the_major_finding_that_confirmed_a_cluster_of_minors_stays(assessment, lead_auditor):
    """Withdrawing it would undo the recorded decision on the cluster."""
    for _ in range(3):
        on_criterion(assessment, lead_auditor)
    review = findings.review_minor_cluster(
        assessment, lead_auditor, criterion(assessment), MinorFindingsReview.Outcome.CONFIRMED_MAJOR
    )
    major = Finding.objects.select_related("assessment").get(pk=review.major_finding_id)
    assert "confirmation of a cluster of minor findings" in findings.withdrawal_problem(major, lead_auditor)
    assert not findings.may_withdraw(major, lead_auditor)
    with pytest.raises(RecordLocked):
        findings.withdraw_finding(major, lead_auditor)
    assert Finding.objects.filter(pk=major.pk).exists()


def test_a_cancelled_assessment_offers_no_withdrawal_and_refuses_one(assessment, auditor, lead_auditor):
    """Its author could withdraw the finding while the record was open; a cancelled record is
    read-only, whoever asks."""
    finding = on_criterion(assessment, auditor)
    assert findings.may_withdraw(Finding.objects.get(pk=finding.pk), auditor)
    workflow.cancel(fresh(assessment), lead_auditor, "The vendor withdrew its offer.")
    finding = Finding.objects.select_related("assessment").get(pk=finding.pk)
    assert findings.withdrawal_problem(finding, auditor) == ""  # only the record's state stops it
    assert not findings.may_withdraw(finding, auditor)
    with pytest.raises(RecordLocked):
        findings.withdraw_finding(finding, auditor, reason="Raised on the wrong question.")
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_withdrawing_a_finding_keeps_the_reason_for_its_actions_in_the_audit_trail(assessment, lead_auditor):
    """The action planned for a withdrawn finding goes with it, and the trail says why of both."""
    finding = critical(assessment, lead_auditor)
    action, pk = plan(finding, lead_auditor), finding.pk
    findings.withdraw_finding(finding, lead_auditor, reason="Raised on the wrong question.")
    assert not CorrectiveAction.objects.exists()
    (deleted,) = entries(action, AuditEntry.Action.DELETE)
    assert deleted.reason == "Raised on the wrong question."
    (gone,) = entries(finding, AuditEntry.Action.DELETE, pk=pk)
    assert gone.reason == "Raised on the wrong question."


def test_withdrawing_without_a_reason_records_who_withdrew_it(assessment, lead_auditor):
    finding = critical(assessment, lead_auditor)
    action = plan(finding, lead_auditor)
    findings.withdraw_finding(finding, lead_auditor)
    (deleted,) = entries(action, AuditEntry.Action.DELETE)
    assert deleted.reason == "F-01 withdrawn by Lead Tester before submission."


def test_withdrawing_a_finding_rates_the_assessment_again(assessment, lead_auditor):
    finding = critical(assessment, lead_auditor)
    assert stored_rating(assessment) == "critical"
    findings.withdraw_finding(finding, lead_auditor, reason="Raised on the wrong vendor.")
    assert stored_rating(assessment) == ""


# --- a cluster of minor findings ------------------------------------------------------------------
def test_only_the_audit_team_decides_on_a_cluster_of_minor_findings(assessment, lead_auditor, reviewer):
    """The reviewer judges the record; deciding that three minors are no major is the team's."""
    for _ in range(3):
        on_criterion(assessment, lead_auditor)
    with pytest.raises(NotPermitted):
        findings.review_minor_cluster(
            assessment,
            reviewer,
            criterion(assessment),
            MinorFindingsReview.Outcome.JUSTIFIED,
            justification="Three unrelated gowning slips.",
        )
    assert not MinorFindingsReview.objects.exists()


# --- planning and following up a corrective action ------------------------------------------------
def test_planning_an_action_keeps_the_reason_in_the_audit_trail(assessment, lead_auditor):
    action = plan(critical(assessment, lead_auditor), lead_auditor, reason="Agreed at the closing meeting.")
    assert [(e.action, e.reason) for e in entries(action)] == [
        (AuditEntry.Action.CREATE, "Agreed at the closing meeting.")
    ]


def test_a_follow_up_after_approval_with_a_too_long_reason_is_refused(action, lead_auditor):
    """The follow-up after approval skips the content checks, not the cap on the reason."""
    with pytest.raises(InvalidInput) as refused:
        findings.update_action(
            action, lead_auditor, reason="x" * (REASON + 1), status="response_received", root_cause="Torn seal"
        )
    assert "reason" in refused.value.errors
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"


def test_the_plan_of_an_action_is_part_of_the_signed_record(action, lead_auditor):
    """After approval the vendor's response and its acceptance go on; what, who and by when do not."""
    with pytest.raises(RecordLocked):
        findings.update_action(action, lead_auditor, reason="The vendor named another owner.", owner="Plant QA")
    assert CorrectiveAction.objects.get(pk=action.pk).owner == "Head of QA"
    findings.update_action(action, lead_auditor, status="response_received", root_cause="Torn seal")
    assert CorrectiveAction.objects.get(pk=action.pk).status == "response_received"


def test_only_who_may_see_the_assessment_follows_up_its_actions(action, outsider):
    with pytest.raises(NotPermitted):
        findings.update_action(action, outsider, status="response_received", root_cause="Torn seal")
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"


def test_only_the_audit_team_changes_an_open_plan(assessment, lead_auditor, outsider):
    action = plan(critical(assessment, lead_auditor), lead_auditor)
    with pytest.raises(NotPermitted):
        findings.update_action(action, outsider, owner="Somebody else")
    assert CorrectiveAction.objects.get(pk=action.pk).owner == "Head of QA"


def test_an_unknown_action_status_is_bad_input(assessment, lead_auditor):
    action = plan(critical(assessment, lead_auditor), lead_auditor)
    with pytest.raises(InvalidInput) as refused:
        findings.update_action(action, lead_auditor, status="done")
    assert "status" in refused.value.errors


def test_following_up_an_action_keeps_the_reason_in_the_audit_trail(action, lead_auditor):
    findings.update_action(action, lead_auditor, reason="The vendor's CAPA plan arrived.", status="response_received")
    last = entries(action)[-1]
    assert (last.action, last.reason) == (AuditEntry.Action.UPDATE, "The vendor's CAPA plan arrived.")


def test_an_action_cannot_lose_its_owner(assessment, lead_auditor):
    """Someone at the vendor answers for every action: the model's validation holds here too."""
    action = plan(critical(assessment, lead_auditor), lead_auditor)
    with pytest.raises(ValidationError):
        findings.update_action(action, lead_auditor, owner="")
    assert CorrectiveAction.objects.get(pk=action.pk).owner == "Head of QA"


# --- verifying a corrective action ----------------------------------------------------------------
def test_who_may_not_verify_is_told_so_before_anything_else(action, lead_auditor):
    """The lead is not independent of the record: refused as such, not asked for the text."""
    with pytest.raises(NotPermitted):
        findings.verify_action(action, lead_auditor, "", "", request=RequestFactory().post("/"))
    assert not Signature.objects.filter(meaning="verified").exists()


def test_an_action_verified_meanwhile_is_not_verified_again(action, reviewer):
    """The checks are made again on the row read under the lock, not on the caller's copy."""
    stale = CorrectiveAction.objects.get(pk=action.pk)
    findings.verify_action(action, reviewer, CHECKED, PASSWORD, request=RequestFactory().post("/"))
    with pytest.raises(ConflictError, match="already verified effective"):
        findings.verify_action(stale, reviewer, CHECKED, PASSWORD, request=RequestFactory().post("/"))
    assert Signature.objects.filter(meaning="verified", corrective_action=action).count() == 1


def test_verifying_reads_the_assessment_once_under_its_lock(action, reviewer):
    """The checks made under the lock use the assessment row the lock read."""
    with CaptureQueriesContext(connection) as queries:
        findings.verify_action(action, reviewer, CHECKED, PASSWORD, request=RequestFactory().post("/"))
    by_pk = [q for q in queries.captured_queries if re.search(r'WHERE "assessments_assessment"\."id" = ', q["sql"])]
    assert len(by_pk) == 1


# --- files ----------------------------------------------------------------------------------------
def attachment_entries():
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(FindingAttachment)).order_by("pk")
    )


def test_a_file_attached_to_a_finding_is_one_trail_entry_with_its_reason(assessment, auditor, private_media):
    """The file is stored before the row is written once, with the reason: no entry without one."""
    finding = critical(assessment, auditor)
    findings.attach_to_finding(finding, auditor, jpeg(), reason="Photo taken during the walk-through.")
    assert [(e.action, e.reason) for e in attachment_entries()] == [
        (AuditEntry.Action.CREATE, "Photo taken during the walk-through.")
    ]
    assert FindingAttachment.objects.get().file.name.startswith(f"finding-files/{assessment.pk}/")


def test_a_file_attached_without_a_reason_says_which_finding_it_supports(assessment, auditor, private_media):
    finding = critical(assessment, auditor)
    findings.attach_to_finding(finding, auditor, jpeg())
    assert [e.reason for e in attachment_entries()] == ["File attached to finding F-01."]


def test_closure_evidence_records_its_reason_or_what_it_is(action, reviewer, private_media):
    findings.attach_closure_evidence(action, reviewer, pdf())
    findings.attach_closure_evidence(action, reviewer, pdf("training.pdf"), reason="Training records of May.")
    assert [e.reason for e in attachment_entries()] == [
        "Closure evidence of the corrective action for F-01.",
        "Training records of May.",
    ]
