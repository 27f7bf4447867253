"""Editing and withdrawing a finding before the reviewer has seen it, and comments per question:
a QA reviewer asks, the audit team answers, everything in the audit trail."""

import pytest

from assessments import answers, comments, findings, workflow
from assessments.exceptions import NotPermitted, RecordLocked
from assessments.models import Finding, QuestionComment
from audit.models import AuditEntry
from checklists.models import Question
from config.exceptions import InvalidInput
from tests.factories import attach_required_evidence, compliant_answers

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def minor(assessment, user, code="B.1", text="Gowning log incomplete"):
    question = Question.objects.get(checklist=assessment.checklist, code=code)
    return findings.raise_finding(
        assessment,
        user,
        question=question,
        classification="observation",
        description=text,
        downgrade_rationale="Isolated, corrected on the day.",
    )


def submitted(assessment, lead_auditor, checklist):
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    return workflow.submit(assessment, lead_auditor)


def test_a_finding_is_edited_on_the_findings_page(client, assessment, auditor):
    finding = minor(assessment, auditor)
    client.force_login(auditor)
    response = client.post(
        f"/findings/{finding.pk}/edit/",
        {
            "classification": "observation",
            "description": "Gowning log missing two entries",
            "downgrade_rationale": "Isolated.",
            "requirement": "EU GMP Annex 1",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.description == "Gowning log missing two entries" and finding.requirement == "EU GMP Annex 1"
    page = client.get(f"/assessments/{assessment.pk}/findings/").content.decode()
    assert "Raised by Auditor Tester, " in page and "Edit F-01" in page


def test_the_author_withdraws_a_finding_the_trail_keeps_it_and_its_number_is_not_reused(client, assessment, auditor):
    finding = minor(assessment, auditor)
    pk = finding.pk
    client.force_login(auditor)
    assert "Withdraw F-01" in client.get(f"/assessments/{assessment.pk}/findings/").content.decode()
    client.post(f"/findings/{pk}/withdraw/", {"reason": "Raised on the wrong question."})
    assert not Finding.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(content_type__model="finding", object_pk=str(pk), action=AuditEntry.Action.DELETE)
    assert entry.actor == auditor and entry.reason == "Raised on the wrong question."
    assert entry.changes["description"][0] == "Gowning log incomplete"
    assert minor(assessment, auditor).reference == "F-02"


def test_only_the_author_or_the_lead_withdraws_and_not_after_submission(
    assessment, auditor, lead_auditor, make_user, checklist
):
    other = make_user("other", "auditor")
    assessment.audit_team.add(other)
    finding = minor(assessment, auditor)
    with pytest.raises(NotPermitted):
        findings.withdraw_finding(finding, other)
    assert Finding.objects.filter(pk=finding.pk).exists()
    submitted(assessment, lead_auditor, checklist)
    finding.refresh_from_db()
    with pytest.raises(RecordLocked):  # read-only while submitted
        findings.withdraw_finding(finding, lead_auditor)
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert not findings.may_withdraw(finding, auditor)


def test_a_returned_record_keeps_the_findings_the_reviewer_saw(assessment, auditor, lead_auditor, reviewer, checklist):
    finding = minor(assessment, auditor)
    submitted(assessment, lead_auditor, checklist)
    workflow.return_for_rework(assessment, reviewer, "Reclassify F-01.")
    finding.refresh_from_db()
    with pytest.raises(RecordLocked, match="part of the record submitted for review"):
        findings.withdraw_finding(finding, auditor, reason="Not a finding after all.")
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_a_reviewer_comments_and_the_auditor_answers(client, assessment, auditor, reviewer, lead_auditor, checklist):
    submitted(assessment, lead_auditor, checklist)
    client.force_login(auditor)
    url = f"/assessments/{assessment.pk}/answers/B.1/comments/"
    assert client.post(url, {"body": "I open a thread"}, **HTMX).status_code == 403  # the team only answers
    client.force_login(reviewer)
    response = client.post(url, {"body": "Which batch records were seen?"}, **HTMX)
    assert response.status_code == 200 and "Which batch records were seen?" in response.content.decode()
    thread = QuestionComment.objects.get()
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=B").content.decode()
    assert "Which batch records were seen?" in page and 'name="reply_to"' in page
    response = client.post(url, {"body": "Batches 2301 to 2312.", "reply_to": thread.pk}, **HTMX)
    assert response.status_code == 200
    answer = QuestionComment.objects.get(reply_to=thread)
    assert answer.author == auditor and "Batches 2301 to 2312." in response.content.decode()
    assert AuditEntry.objects.filter(content_type__model="questioncomment", object_pk=str(answer.pk)).exists()
    # An answer to an answer joins the thread; a comment of another assessment is refused.
    again = comments.comment(assessment, reviewer, "B.1", "Thanks.", reply_to=answer.pk)
    assert again.reply_to == thread
    with pytest.raises(InvalidInput):
        comments.comment(assessment, reviewer, "B.2", "Wrong question", reply_to=thread.pk)
    with pytest.raises(InvalidInput):
        comments.comment(assessment, reviewer, "B.1", "   ")


def test_outsiders_and_closed_records_take_no_comment(client, assessment, reviewer, make_user):
    client.force_login(make_user("outsider", "auditor"))
    assert client.post(f"/assessments/{assessment.pk}/answers/B.1/comments/", {"body": "x"}).status_code == 404
    assessment.status = "cancelled"
    with pytest.raises(RecordLocked):
        comments.comment(assessment, reviewer, "B.1", "Too late")
    assert not QuestionComment.objects.exists()
