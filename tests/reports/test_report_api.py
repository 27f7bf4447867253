"""The report API and pages (docs/api.md "Resources"): asking for a report (202),
its status, the download with its permission check and file name, drafts for any reader and
finals only once approved, verification of a copy by SHA-256, and the ZIP archive.

The queue is replaced here by a list (`sent`): these tests run the real task functions in this
process right after the request. tests/integration/test_report_workers.py does the same through
Redis and real worker processes."""

import csv
import hashlib
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import queue, services
from reports.models import AuditReport, ReportArchive
from reports.tasks import build_archive, render_report
from tests.helpers.reports import approve_via_api, read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """What the web side published, as (task name, args); nothing reaches Redis."""
    messages = []

    def fake_send(task, *args):
        messages.append((task.name, args))

    monkeypatch.setattr(queue, "send", fake_send)
    return messages


def reports_url(assessment):
    return f"/api/assessments/{assessment.pk}/reports/"


def ask(api, user, assessment, kind=None):
    return api.as_user(user).post(reports_url(assessment), {"kind": kind} if kind else {}, format="json")


def render(report_id):
    """The real task, run eagerly in this process (`apply` goes through Celery's tracer)."""
    result = render_report.apply(args=[report_id])
    assert result.successful(), result.traceback
    return result.get()


@pytest.mark.slow
@pytest.mark.pdf
def test_draft_is_queued_202_then_ready_and_downloads_as_a_named_pdf(api, registry_assessment, auditor, sent):
    assessment = registry_assessment  # of Lonza Group: the file name has the vendor's slug
    response = ask(api, auditor, assessment)  # a team member who is no lead: any reader may ask for a draft
    assert response.status_code == 202, response.json()
    body = response.json()
    assert {"id", "status", "url"} <= set(body)
    assert body["status"] == "queued" and body["kind"] == "draft" and body["download"] is None
    assert body["url"].endswith(f"/api/reports/{body['id']}/")
    report = AuditReport.objects.get(pk=body["id"])
    assert sent == [("reports.tasks.render_report", (report.pk,))]
    assert report.requested_by == auditor and report.number == 1
    assert body["reference"] == report.reference == f"RPT-{assessment.pk:05d}-01"

    client = api.as_user(auditor)
    assert client.get(body["url"]).json()["status"] == "queued"
    not_yet = client.get(f"/api/reports/{report.pk}/download/")
    assert not_yet.status_code == 409 and "queued" in not_yet.json()["detail"]

    assert render(report.pk)["status"] == "ready"
    status = client.get(body["url"]).json()
    assert status["status"] == "ready" and status["pages"] >= 3 and len(status["sha256"]) == 64
    assert status["download"].endswith(f"/api/reports/{report.pk}/download/")

    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{report.reference}-lonza-group-draft.pdf"' in disposition, disposition
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == status["sha256"]
    assert assessment.vendor.name in read_pdf(data)["text"]

    # The list of the assessment's reports shows it too; a second request is version 2.
    listed = client.get(reports_url(assessment)).json()
    assert [r["id"] for r in listed] == [report.pk]
    assert ask(api, auditor, assessment).json()["number"] == 2


@pytest.mark.slow
@pytest.mark.pdf
def test_who_may_see_reports(api, assessment, auditor, outsider, vendor_contact, quality_admin, sent):
    report = AuditReport.objects.get(pk=ask(api, auditor, assessment).json()["id"])
    render(report.pk)
    for user in (outsider, vendor_contact):
        client = api.as_user(user)
        assert client.get(f"/api/reports/{report.pk}/").status_code == 404
        assert client.get(f"/api/reports/{report.pk}/download/").status_code == 404
        assert client.get(reports_url(assessment)).status_code == 404
        assert ask(api, user, assessment).status_code == 404
    assert AuditReport.objects.count() == 1
    # The quality admin sees every assessment and may download.
    assert api.as_user(quality_admin).get(f"/api/reports/{report.pk}/download/").status_code == 200
    # The web download applies the same check.
    api.force_authenticate(None)
    from django.test import Client

    web = Client()
    web.force_login(outsider)
    assert web.get(f"/reports/{report.pk}/download/").status_code == 404
    web.force_login(auditor)
    page = web.get(f"/reports/{report.pk}/download/")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    anonymous = api.__class__().get(f"/api/reports/{report.pk}/download/")
    assert anonymous.status_code == 401


def test_final_report_only_of_an_approved_assessment(api, assessment, lead_auditor, reviewer, checklist, sent):
    refused = ask(api, lead_auditor, assessment, "final")
    assert refused.status_code == 409
    assert "not approved" in refused.json()["detail"] and assessment.reference in refused.json()["detail"]
    assert AuditReport.objects.count() == 0 and sent == []
    bad = ask(api, lead_auditor, assessment, "signed")
    assert bad.status_code == 400 and "kind" in bad.json()

    approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    # In these (non-transactional) tests the approval's on-commit hook does not run; queue it
    # as the hook would.
    final = services.queue_final_report(assessment.pk, reviewer.pk)
    assert final.kind == "final" and final.status == "queued" and final.error == ""
    assert sent == [("reports.tasks.render_report", (final.pk,))]
    again = ask(api, lead_auditor, assessment, "final")
    assert again.status_code == 202 and again.json()["kind"] == "final" and again.json()["number"] == 2


@pytest.mark.slow
@pytest.mark.pdf
def test_verification_by_sha256_through_the_api_and_the_web_page(api, assessment, auditor, outsider, sent, settings):
    """An unsigned draft (no certificate configured): genuine by its SHA-256, its signature not
    valid. The answer is public and the same for everyone (tests/reports/test_archival.py has the
    signed final report, tampering and superseding)."""
    from django.test import Client

    settings.REPORT_SIGNING_CERT = ""
    report = AuditReport.objects.get(pk=ask(api, auditor, assessment).json()["id"])
    render(report.pk)
    report.refresh_from_db()
    data = report.file.open("rb").read()
    changed = bytearray(data)
    middle = len(changed) // 2
    changed[middle] = (changed[middle] + 1) % 256
    changed = bytes(changed)

    def verify(user, content, name="copy.pdf"):
        client = api.as_user(user)
        return client.post(
            "/api/reports/verify/", {"file": SimpleUploadedFile(name, content, "application/pdf")}, format="multipart"
        )

    ok = verify(auditor, data)
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["genuine"] is True and body["signature_valid"] is False and body["superseded"] is False
    assert body["report"]["number"] == report.reference and body["report"]["vendor"] == assessment.vendor.name
    assert report.reference in body["detail"] and assessment.vendor.name in body["detail"]
    assert verify(outsider, data).json() == body  # public: an account changes nothing

    no = verify(auditor, changed)
    assert no.status_code == 200 and no.json()["genuine"] is False and no.json()["report"] is None
    assert api.as_user(auditor).post("/api/reports/verify/", {}, format="multipart").status_code == 400

    web = Client()
    page = web.post("/verify/", {"file": SimpleUploadedFile("copy.pdf", data, "application/pdf")})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Genuine report." in html and report.reference in html and "Not valid with this system" in html
    page = web.post("/verify/", {"file": SimpleUploadedFile("changed.pdf", changed, "application/pdf")})
    html = page.content.decode()
    assert "Not a genuine report." in html and "changed.pdf" in html and report.reference not in html
    assert "Choose a PDF file" in web.post("/verify/", {}).content.decode()
    assert web.get("/verify/").status_code == 200


@pytest.mark.slow
@pytest.mark.pdf
def test_web_page_polls_while_busy_and_links_the_download_when_ready(api, assessment, auditor, sent):
    from django.test import Client

    web = Client()
    web.force_login(auditor)
    url = f"/assessments/{assessment.pk}/reports/"
    response = web.post(url, {"kind": "draft"})
    assert response.status_code == 302
    report = AuditReport.objects.get()
    table = web.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in table and "Queued" in table and "Download PDF" not in table
    render(report.pk)
    table = web.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in table and "Ready" in table
    assert f'href="/reports/{report.pk}/download/"' in table
    page = web.get(url).content.decode()
    assert report.reference in page and "Make a draft report" in page
    # A final report of an assessment that is not approved is refused with the reason.
    response = web.post(url, {"kind": "final"}, follow=True)
    assert "not approved" in response.content.decode() and AuditReport.objects.count() == 1


@pytest.mark.slow
@pytest.mark.pdf
def test_zip_archive_of_final_reports_with_a_manifest(api, assessment, lead_auditor, reviewer, checklist, vendor, sent):
    from assessments.models import Assessment

    approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    final = services.queue_final_report(assessment.pk, reviewer.pk)
    render(final.pk)
    final.refresh_from_db()
    # A second assessment the reviewer can see, without a final report: listed as missing.
    other = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=lead_auditor, reviewer=reviewer, created_by=lead_auditor
    )
    sent.clear()

    client = api.as_user(reviewer)
    response = client.post("/api/report-archives/", {"assessments": [assessment.pk, other.pk]}, format="json")
    assert response.status_code == 202, response.json()
    archive = ReportArchive.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "queued"
    assert sent == [("reports.tasks.build_archive", (archive.pk,))]
    unknown = client.post("/api/report-archives/", {"assessments": [999999]}, format="json")
    assert unknown.status_code == 400

    assert client.get(f"/api/report-archives/{archive.pk}/download/").status_code == 409
    build_archive.apply(args=[archive.pk]).get()
    status = client.get(f"/api/report-archives/{archive.pk}/").json()
    assert status["status"] == "ready" and other.reference in status["error"]

    download = client.get(f"/api/report-archives/{archive.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert f"audit-reports-{archive.pk}.zip" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == status["sha256"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names == [final.filename, "MANIFEST.csv"]
        manifest = zf.read("MANIFEST.csv").decode()
        rows = list(csv.DictReader(line for line in manifest.splitlines() if line and not line.startswith("#")))
        assert len(rows) == 1
        row = rows[0]
        pdf = zf.read(row["file"])
    assert row["report"] == final.reference and row["assessment"] == assessment.reference
    assert row["vendor"] == vendor.name and int(row["pages"]) == final.pages
    assert row["sha256"] == hashlib.sha256(pdf).hexdigest() == final.sha256
    assert re.search(rf"# without a final report: {other.reference}", manifest)
    # An archive is only for the person who asked for it.
    assert api.as_user(lead_auditor).get(f"/api/report-archives/{archive.pk}/").status_code == 404
