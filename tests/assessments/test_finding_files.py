"""Files on findings (the photo of the deviation, the SOP page) and evidence of a corrective
action's effectiveness at its closure: checked and hashed like an answer's evidence, attached by
whom the rules allow and when, in the audit trail, downloaded only by who may see the record."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import findings, workflow
from assessments.models import CorrectiveAction, FindingAttachment
from audit.models import AuditEntry
from checklists.models import Question

from .test_corrective_action_verification import CHECKED, actions_of, verify
from .test_corrective_action_verification import conditional as conditional  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0 a photo of the torn glove port"


def jpeg(name="glove-port.jpg", data=PHOTO):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def finding(assessment, lead_auditor):
    workflow.start(assessment, lead_auditor)
    question = Question.objects.get(checklist=assessment.checklist, code="C.1")
    return findings.raise_finding(
        assessment, lead_auditor, question=question, classification="critical", description="Glove port torn."
    )


def test_the_team_attaches_files_to_a_finding_hashed_and_traced(finding, auditor_api, api_as, outsider, reviewer):
    url = f"/api/findings/{finding.pk}/attachments/"
    response = auditor_api.post(url, {"file": jpeg()}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PHOTO).hexdigest() and body["action"] is None
    item = FindingAttachment.objects.get()
    assert (item.finding, item.uploaded_by.username, item.original_name) == (finding, "auditor", "glove-port.jpg")
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(FindingAttachment))
    assert (entry.actor.username, entry.assessment_id) == ("auditor", finding.assessment_id)
    assert [a["id"] for a in auditor_api.get(url).json()] == [item.pk]
    download = auditor_api.get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PHOTO

    assert api_as(outsider).post(url, {"file": jpeg()}, format="multipart").status_code == 404
    assert api_as(outsider).get(f"/api/finding-attachments/{item.pk}/download/").status_code == 404
    assert api_as(reviewer).post(url, {"file": jpeg()}, format="multipart").status_code == 403
    assert auditor_api.post(url, {"file": jpeg("notes.exe", b"MZ")}, format="multipart").status_code == 400
    assert auditor_api.post(url, {}, format="multipart").status_code == 400
    assert FindingAttachment.objects.count() == 1


def test_a_withdrawn_finding_takes_its_files_and_the_trail_keeps_them(finding, auditor_api, lead_auditor):
    auditor_api.post(f"/api/findings/{finding.pk}/attachments/", {"file": jpeg()}, format="multipart")
    findings.withdraw_finding(finding, lead_auditor, reason="Raised on the wrong question.")
    assert not FindingAttachment.objects.exists()
    deleted = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(FindingAttachment), action=AuditEntry.Action.DELETE
    )
    assert deleted.count() == 1  # the trail keeps it


def test_locked_once_submitted(finding, assessment, auditor_api):
    type(assessment).objects.filter(pk=assessment.pk).update(status="submitted")
    response = auditor_api.post(f"/api/findings/{finding.pk}/attachments/", {"file": jpeg()}, format="multipart")
    assert response.status_code == 409 and not FindingAttachment.objects.exists()


def test_closure_evidence_is_the_verifiers_until_the_action_is_closed(conditional, api_as, reviewer, lead_auditor):  # noqa: F811
    action = actions_of(conditional)[0]
    url = f"/api/corrective-actions/{action.pk}/closure-evidence/"
    sop = SimpleUploadedFile("SOP-CLN-004-rev5.pdf", b"%PDF-1.4 revised SOP", content_type="application/pdf")
    assert api_as(lead_auditor).post(url, {"file": sop}, format="multipart").status_code == 403  # not independent
    sop.seek(0)
    response = api_as(reviewer).post(url, {"file": sop}, format="multipart")
    assert response.status_code == 201 and response.json()["action"] == action.pk
    assert verify(api_as(reviewer), action, verification=CHECKED).status_code == 201
    assert api_as(reviewer).post(f"/api/corrective-actions/{action.pk}/close/", {}, format="json").status_code == 200
    late = SimpleUploadedFile("late.pdf", b"%PDF-1.4 late", content_type="application/pdf")
    closed = api_as(reviewer).post(url, {"file": late}, format="multipart")
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    (kept,) = FindingAttachment.objects.filter(action=action)
    assert kept.uploaded_by == reviewer and kept.finding == action.finding


def test_the_findings_tab_lists_and_takes_the_files(finding, client, auditor, reviewer):
    client.force_login(auditor)
    response = client.post(f"/findings/{finding.pk}/files/", {"files": [jpeg(), jpeg("second.jpg")]})
    assert response.status_code == 302
    page = client.get(f"/assessments/{finding.assessment_id}/findings/").content.decode()
    assert "glove-port.jpg" in page and "second.jpg" in page and f"Attach files to {finding.reference}" in page
    item = FindingAttachment.objects.get(original_name="second.jpg")
    assert client.get(f"/finding-files/{item.pk}/download/").status_code == 200
    client.force_login(reviewer)
    assert "Attach files to" not in client.get(f"/assessments/{finding.assessment_id}/findings/").content.decode()


def test_closure_evidence_on_the_findings_tab(conditional, client, reviewer):  # noqa: F811
    action = actions_of(conditional)[0]
    client.force_login(reviewer)
    page = client.get(f"/assessments/{conditional.pk}/findings/").content.decode()
    assert "Evidence that the action worked" in page
    pdf = SimpleUploadedFile("training.pdf", b"%PDF-1.4 training records", content_type="application/pdf")
    assert client.post(f"/corrective-actions/{action.pk}/closure-evidence/", {"files": [pdf]}).status_code == 302
    assert CorrectiveAction.objects.get(pk=action.pk).closure_evidence.get().original_name == "training.pdf"
    assert "training.pdf" in client.get(f"/assessments/{conditional.pk}/findings/").content.decode()
    assert timezone.now() - timedelta(minutes=5) < FindingAttachment.objects.get().uploaded_at
