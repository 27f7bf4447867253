"""An upload sent again with the id the browser chose for it (a file queued offline and replayed,
a retry after a lost reply) is stored once, through the rule module, the API and the page."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import evidence
from assessments.exceptions import NotPermitted
from assessments.models import Evidence
from audit.models import AuditEntry
from config.exceptions import ConflictError, InvalidInput

CODE = "A.3"
PDF = b"%PDF-1.4 a batch record"


def pdf(name="batch.pdf"):
    return SimpleUploadedFile(name, PDF)


def evidence_entries():
    return AuditEntry.objects.filter(content_type__model="evidence").count()


def test_the_same_upload_id_stores_the_file_once(assessment, auditor, private_media):
    upload_id = uuid.uuid4()
    first = evidence.attach(assessment, auditor, CODE, pdf(), upload_id=str(upload_id))
    entries = evidence_entries()
    again = evidence.attach(assessment, auditor, CODE, pdf(), upload_id=str(upload_id))
    assert again.pk == first.pk and again.repeat and not first.repeat
    assert Evidence.objects.filter(answer__assessment=assessment).count() == 1
    assert evidence_entries() == entries  # nothing new in the audit trail either
    assert Evidence.objects.get().upload_id == upload_id


def test_without_an_id_or_with_new_ids_each_upload_is_stored(assessment, auditor, private_media):
    evidence.attach(assessment, auditor, CODE, pdf())
    evidence.attach(assessment, auditor, CODE, pdf())
    evidence.attach(assessment, auditor, CODE, pdf(), upload_id=str(uuid.uuid4()))
    evidence.attach(assessment, auditor, CODE, pdf(), upload_id=str(uuid.uuid4()))
    assert Evidence.objects.filter(answer__assessment=assessment).count() == 4


def test_an_id_reused_for_another_question_or_by_another_user_is_refused(
    assessment, auditor, lead_auditor, private_media
):
    upload_id = str(uuid.uuid4())
    evidence.attach(assessment, auditor, CODE, pdf(), upload_id=upload_id)
    with pytest.raises(ConflictError, match="belongs to another file"):
        evidence.attach(assessment, auditor, "A.4", pdf(), upload_id=upload_id)
    with pytest.raises(ConflictError, match="belongs to another file"):
        evidence.attach(assessment, lead_auditor, CODE, pdf(), upload_id=upload_id)
    assert Evidence.objects.count() == 1


def test_an_id_that_is_not_a_uuid_is_bad_input(assessment, auditor, private_media):
    with pytest.raises(InvalidInput) as caught:
        evidence.attach(assessment, auditor, CODE, pdf(), upload_id="photo-1")
    assert "upload_id" in caught.value.errors
    assert not Evidence.objects.exists()


def test_a_repeat_is_still_a_change_the_record_must_allow(assessment, auditor, vendor_contact, private_media):
    """The repeat is answered only to someone who may change the record now."""
    upload_id = str(uuid.uuid4())
    evidence.attach(assessment, auditor, CODE, pdf(), upload_id=upload_id)
    with pytest.raises(NotPermitted):
        evidence.attach(assessment, vendor_contact, CODE, pdf(), upload_id=upload_id)
    assert Evidence.objects.count() == 1


def test_the_api_answers_a_repeat_with_the_stored_file_and_200(auditor_api, assessment, private_media):
    url = f"/api/assessments/{assessment.pk}/answers/{CODE}/evidence/"
    upload_id = str(uuid.uuid4())
    first = auditor_api.post(url, {"file": pdf(), "upload_id": upload_id}, format="multipart")
    again = auditor_api.post(url, {"file": pdf(), "upload_id": upload_id}, format="multipart")
    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Evidence.objects.count() == 1
    bad = auditor_api.post(url, {"file": pdf(), "upload_id": "x"}, format="multipart")
    assert bad.status_code == 400 and "upload_id" in bad.json()
    other = auditor_api.post(
        f"/api/assessments/{assessment.pk}/answers/A.4/evidence/",
        {"file": pdf(), "upload_id": upload_id},
        format="multipart",
    )
    assert other.status_code == 409
    assert Evidence.objects.count() == 1


def test_the_page_stores_a_replayed_upload_once(client, assessment, auditor, private_media):
    client.force_login(auditor)
    url = f"/assessments/{assessment.pk}/answers/{CODE}/evidence/"
    upload_id = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, {"file": pdf("bench.pdf"), "upload_id": upload_id})
        assert response.status_code == 200
        assert response.content.decode().count("bench.pdf</a>") == 1
    assert Evidence.objects.count() == 1
    mismatched = client.post(url, {"file": [pdf("one.pdf"), pdf("two.pdf")], "upload_id": str(uuid.uuid4())})
    assert mismatched.status_code == 400 and "one upload id per file" in mismatched.content.decode()
    assert Evidence.objects.count() == 1
