"""Removing evidence: only its uploader, only while the QA reviewer has not seen it; the audit
trail keeps the file's name and SHA-256 with the person and the reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from assessments import answers, evidence, workflow
from assessments.exceptions import NotPermitted, RecordLocked
from assessments.models import Evidence
from audit.models import AuditEntry
from tests.factories import attach_required_evidence, compliant_answers

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(assessment, user, code="D.3", name="media-fill.pdf", reason=""):
    pdf = SimpleUploadedFile(name, b"%PDF-1.4 media fill", content_type="application/pdf")
    return evidence.attach(assessment, user, code, pdf, reason=reason)


def deletion_entry(item_pk):
    return AuditEntry.objects.filter(
        content_type__model="evidence", object_pk=str(item_pk), action=AuditEntry.Action.DELETE
    ).get()


def test_the_uploader_removes_their_evidence_and_the_trail_keeps_name_and_hash(auditor_api, assessment, auditor):
    item = upload(assessment, auditor)
    sha, pk = item.sha256, item.pk
    response = auditor_api.delete(f"/api/evidence/{pk}/")
    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=pk).exists()
    entry = deletion_entry(pk)
    assert entry.actor == auditor and entry.assessment_id == assessment.pk
    assert entry.changes["sha256"][0] == sha and entry.changes["original_name"][0] == "media-fill.pdf"
    assert "removed by its uploader" in entry.reason
    # The uploader still counts as an author of the record (separation of duties).
    from assessments.permissions import contributor_ids

    assert auditor.pk in contributor_ids(assessment)


def test_someone_elses_evidence_is_refused_and_nothing_changes(lead_api, assessment, auditor, lead_auditor):
    item = upload(assessment, auditor)
    response = lead_api.delete(f"/api/evidence/{item.pk}/")
    assert response.status_code == 403 and "Only Auditor Tester, who uploaded" in str(response.json())
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert not AuditEntry.objects.filter(content_type__model="evidence", action=AuditEntry.Action.DELETE).exists()
    with pytest.raises(NotPermitted):
        evidence.remove(item, lead_auditor)


def test_submitted_evidence_stays_and_after_a_return_only_new_files_may_go(
    lead_api, assessment, lead_auditor, reviewer, checklist
):
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    item = Evidence.objects.filter(answer__assessment=assessment).first()
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    response = lead_api.delete(f"/api/evidence/{item.pk}/")
    assert response.status_code == 409 and Evidence.objects.filter(pk=item.pk).exists()
    workflow.return_for_rework(assessment, reviewer, "Attach the 2025 media fill report.")
    assessment.refresh_from_db()
    with pytest.raises(RecordLocked):
        evidence.remove(item, lead_auditor, reason="Wrong file attached.")
    later = upload(assessment, lead_auditor, name="media-fill-2025.pdf", reason="The 2025 report.")
    assert lead_api.delete(f"/api/evidence/{later.pk}/").status_code == 400  # a reason is required now
    response = lead_api.delete(f"/api/evidence/{later.pk}/", HTTP_X_CHANGE_REASON="Wrong year attached.")
    assert response.status_code == 204
    assert deletion_entry(later.pk).reason == "Wrong year attached."
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_the_page_offers_removal_to_the_uploader_only_and_removes(client, assessment, auditor, lead_auditor):
    item = upload(assessment, auditor)
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    assert "media-fill.pdf" in page and f"/evidence/{item.pk}/remove/" not in page
    assert "uploaded by Auditor Tester, " in page
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    assert f"/evidence/{item.pk}/remove/" in page
    response = client.post(f"/evidence/{item.pk}/remove/", **HTMX)
    assert response.status_code == 200
    assert "media-fill.pdf" not in response.content.decode() and not Evidence.objects.filter(pk=item.pk).exists()


@override_settings(TIME_ZONE="Europe/Berlin")
def test_stamps_name_the_zone_they_are_shown_in(client, assessment, auditor):
    from django.utils import timezone

    item = upload(assessment, auditor)
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    local = timezone.localtime(item.uploaded_at)
    assert local.strftime("%H:%M") in page and ("CET (UTC+01:00)" in page or "CEST (UTC+02:00)" in page)
