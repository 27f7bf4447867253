"""Archival, self-verifying reports (docs/compliance.md 4.8): a report is PDF/A-3b with XMP
metadata, carries the canonical JSON of the record its signatures cover as an associated file,
is signed with the organisation's certificate (PAdES B-B, pyHanko), and anyone can check a copy
without an account (POST /api/reports/verify/, the /verify/ page), rate-limited.

Every PDF here is rendered by the real task and read back with pypdf and pyHanko. The queue is
a list (`sent`), as in test_report_api.py."""

import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from assessments import record
from assessments.models import Signature
from reports import queue, services, signing
from reports.models import AuditReport
from reports.tasks import render_report
from tests.conftest import PASSWORD
from tests.helpers.reports import approve_via_api, new_report

pytestmark = pytest.mark.django_db

CERT_PASSWORD = "report-signing-test-password"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(queue, "send", lambda task, *args: messages.append((task.name, args)))
    return messages


def make_certificate(path, common_name):
    call_command(
        "make_signing_certificate",
        str(path),
        "--password",
        CERT_PASSWORD,
        "--common-name",
        common_name,
        "--organisation",
        "Test Pharma QA",
        "--key-size",
        "2048",
        stdout=io.StringIO(),
    )
    return path


@pytest.fixture
def signing_certificate(tmp_path, settings):
    """The organisation's certificate, made with the management command and configured."""
    path = make_certificate(tmp_path / "signing.p12", "Test Pharma report signing")
    settings.REPORT_SIGNING_CERT = str(path)
    settings.REPORT_SIGNING_PASSWORD = CERT_PASSWORD
    return path


def render(report_id):
    result = render_report.apply(args=[report_id])
    assert result.successful(), result.traceback
    return result.get()


def xmp(reader: PdfReader) -> ET.Element:
    data = reader.xmp_metadata.stream.get_data()
    return ET.fromstring(data[data.index(b"<x:xmpmeta") : data.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")])


def xmp_value(root: ET.Element, namespace: str, name: str) -> str | None:
    """A property written either as an attribute of rdf:Description or as its child element."""
    tag = f"{{{NS[namespace]}}}{name}"
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in description.attrib:
            return description.attrib[tag]
        element = description.find(tag)
        if element is not None:
            return " ".join(t.strip() for t in element.itertext() if t.strip())
    return None


def asn1_certificate(path):
    from asn1crypto import x509

    _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), CERT_PASSWORD.encode())
    return x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def verify(content, name="copy.pdf", **extra):
    """POST /api/reports/verify/ as a stranger: no token, no session."""
    return APIClient().post(
        "/api/reports/verify/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
        format="multipart",
        **extra,
    )


def one_byte_changed(data: bytes) -> bytes:
    changed = bytearray(data)
    middle = len(changed) // 2
    changed[middle] = (changed[middle] + 1) % 256
    return bytes(changed)


@pytest.mark.slow
@pytest.mark.pdf
def test_final_report_is_pdfa3b_carries_its_record_and_a_valid_pades_signature(
    api, assessment, lead_auditor, reviewer, checklist, signing_certificate, sent, tmp_path, settings
):
    approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    report = services.queue_final_report(assessment.pk, reviewer.pk)
    assert render(report.pk)["status"] == "ready"
    report.refresh_from_db()
    data = report.file.open("rb").read()
    reader = PdfReader(io.BytesIO(data))

    # PDF/A-3b, identified in the XMP, with the metadata an archive indexes.
    root = xmp(reader)
    assert xmp_value(root, "pdfaid", "part") == "3" and xmp_value(root, "pdfaid", "conformance") == "B"
    title = xmp_value(root, "dc", "title")
    assert report.reference in title and assessment.reference in title and assessment.vendor.name in title
    assert xmp_value(root, "dc", "creator") == lead_auditor.get_full_name()
    assert assessment.vendor.name in xmp_value(root, "dc", "description")
    keywords = xmp_value(root, "pdf", "Keywords")
    assert f"report:{report.reference}" in keywords and f"content-sha256:{report.content_hash}" in keywords
    created = xmp_value(root, "xmp", "CreateDate")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
    assert created[:10] == report.rendered_at.strftime("%Y-%m-%d")

    # The record, embedded as an associated file ("Data"): exactly the canonical JSON the
    # signatures hash, so its SHA-256 is the content hash the approval signature covers.
    name = f"{report.reference}-record.json"
    assert list(reader.attachments) == [name]
    embedded = reader.attachments[name][0]
    assert embedded == record.canonical_json(record.canonical_content(assessment)).encode("utf-8")
    assert json.loads(embedded) == record.canonical_content(assessment)
    approval = assessment.signatures.get(meaning=Signature.Meaning.APPROVED)
    assert hashlib.sha256(embedded).hexdigest() == report.content_hash == approval.content_hash
    associated = reader.trailer["/Root"]["/AF"]
    assert [f.get_object()["/AFRelationship"] for f in associated] == ["/Data"]
    assert associated[0].get_object()["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"

    # The stored SHA-256 is of the signed file, and the report says who signed it.
    assert report.sha256 == hashlib.sha256(data).hexdigest() and report.size == len(data)
    assert report.signature == AuditReport.Signature.PADES
    assert "Test Pharma report signing" in report.signed_by and len(report.signing_certificate) == 64

    # The PAdES signature validates with pyHanko against the configured certificate.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 1
    assert signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(
        signatures[0], ValidationContext(trust_roots=[asn1_certificate(signing_certificate)])
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signing.signature_valid(data) is True
    assert signing.signature_valid(one_byte_changed(data)) is False
    # Against another certificate, the same file's signature does not hold.
    settings.REPORT_SIGNING_CERT = str(make_certificate(tmp_path / "other.p12", "Someone else"))
    assert signing.signature_valid(data) is False


@pytest.mark.slow
@pytest.mark.pdf
def test_without_a_certificate_the_report_is_unsigned_and_says_so(assessment, auditor, settings):
    settings.REPORT_SIGNING_CERT = ""
    report = new_report(assessment, auditor, AuditReport.Kind.DRAFT)
    assert render(report.pk)["status"] == "ready"
    report.refresh_from_db()
    data = report.file.open("rb").read()
    assert report.signature == AuditReport.Signature.UNSIGNED and report.signed_by == ""
    assert report.get_signature_display() == "Unsigned: no signing certificate configured"
    assert b"/ByteRange" not in data and report.sha256 == hashlib.sha256(data).hexdigest()
    root = xmp(PdfReader(io.BytesIO(data)))
    assert xmp_value(root, "pdfaid", "part") == "3"
    assert signing.signature_valid(data) is False


@pytest.mark.pdf
def test_a_configured_certificate_that_cannot_be_used_fails_the_report(
    assessment, auditor, signing_certificate, settings
):
    settings.REPORT_SIGNING_PASSWORD = "not the password"
    report = new_report(assessment, auditor, AuditReport.Kind.DRAFT)
    assert render(report.pk)["status"] == "failed"
    report.refresh_from_db()
    assert report.error.startswith("Signing failed: The report signing certificate")
    assert "REPORT_SIGNING_PASSWORD is wrong" in report.error and not report.file

    settings.REPORT_SIGNING_CERT = str(signing_certificate.parent / "missing.p12")
    with pytest.raises(signing.SigningError, match="cannot be read"):
        signing.credentials()


def test_make_signing_certificate_refuses_to_overwrite(tmp_path):
    path = make_certificate(tmp_path / "demo.p12", "Demo")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="exists"):
        make_certificate(path, "Demo")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
@pytest.mark.pdf
def test_anyone_verifies_a_copy_without_an_account(
    api, assessment, lead_auditor, reviewer, checklist, signing_certificate, sent
):
    approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    report = services.queue_final_report(assessment.pk, reviewer.pk)
    render(report.pk)
    report.refresh_from_db()
    data = report.file.open("rb").read()

    genuine = verify(data)
    assert genuine.status_code == 200, genuine.content
    body = genuine.json()
    assert set(body) == {"genuine", "superseded", "signature_valid", "report", "detail"}
    assert body["genuine"] is True and body["superseded"] is False and body["signature_valid"] is True
    assert set(body["report"]) == {"number", "assessment", "vendor", "generated_at"}
    assert body["report"]["number"] == report.reference
    assert body["report"]["assessment"] == assessment.reference
    assert body["report"]["vendor"] == assessment.vendor.name
    assert body["report"]["generated_at"].startswith(report.rendered_at.strftime("%Y-%m-%dT%H:%M"))
    assert "Genuine" in body["detail"] and "signature is valid" in body["detail"]
    # Nothing else about the record: no hash, no score, no people.
    assert report.content_hash not in genuine.content.decode() and lead_auditor.username not in body["detail"]

    tampered = verify(one_byte_changed(data), "changed.pdf")
    assert tampered.status_code == 200
    assert tampered.json() == {
        "genuine": False,
        "superseded": False,
        "signature_valid": False,
        "report": None,
        "detail": services.CopyCheck(genuine=False).message,
    }
    assert "not a genuine report" in tampered.json()["detail"].lower()

    # The public page says the same, to a visitor who is not logged in.
    page = Client()
    assert page.get("/verify/").status_code == 200
    assert page.get("/reports/verify/").headers["Location"] == "/verify/"
    html = page.post("/verify/", {"file": SimpleUploadedFile("copy.pdf", data, "application/pdf")}).content.decode()
    assert "Genuine report." in html and report.reference in html and assessment.vendor.name in html
    assert "Valid: signed with this system" in html and "No: it is the current report" in html
    html = page.post(
        "/verify/", {"file": SimpleUploadedFile("changed.pdf", one_byte_changed(data), "application/pdf")}
    ).content.decode()
    assert "Not a genuine report." in html and "changed.pdf" in html and report.reference not in html

    # Reopened: the copy is still genuine (it is the report that was issued), but superseded.
    reopened = api.as_user(reviewer).post(
        f"/api/assessments/{assessment.pk}/reopen/",
        {"reason": "A deviation report arrived after approval and must be assessed.", "password": PASSWORD},
        format="json",
    )
    assert reopened.status_code in (200, 201), reopened.json()
    after = verify(data).json()
    assert after["genuine"] is True and after["superseded"] is True and after["signature_valid"] is True
    assert "superseded" in after["detail"]
    html = page.post("/verify/", {"file": SimpleUploadedFile("copy.pdf", data, "application/pdf")}).content.decode()
    assert "Yes: a later report exists" in html


def stored_report(assessment, user, content: bytes, number=None) -> AuditReport:
    """A ready report row with a stored file, without rendering (the verification reads only
    the row and the file)."""
    report = new_report(assessment, user, AuditReport.Kind.DRAFT)
    report.file.save(f"r{report.pk}.pdf", ContentFile(content), save=False)
    report.status, report.rendered_at = AuditReport.Status.READY, timezone.now()
    report.sha256, report.content_hash = hashlib.sha256(content).hexdigest(), record.content_hash(assessment)
    report.save()
    return report


def test_a_later_report_or_a_changed_record_supersedes_a_copy(assessment, lead_auditor, settings):
    settings.REPORT_SIGNING_CERT = ""
    first = stored_report(assessment, lead_auditor, b"%PDF-1.7 first")
    check = services.verify_copy(b"%PDF-1.7 first")
    assert check.genuine and check.report == first and not check.superseded and not check.signature_valid
    # A later report that failed supersedes nothing; a ready one does.
    failed = new_report(assessment, lead_auditor, AuditReport.Kind.DRAFT)
    failed.status = AuditReport.Status.FAILED
    failed.save()
    assert not services.verify_copy(b"%PDF-1.7 first").superseded
    stored_report(assessment, lead_auditor, b"%PDF-1.7 second")
    assert services.verify_copy(b"%PDF-1.7 first").superseded
    assert not services.verify_copy(b"%PDF-1.7 second").superseded
    # The record changed since the report was made: the copy no longer shows it.
    assessment.scope = "A scope changed after the report."
    assessment.save()
    from assessments import answers
    from tests.factories import compliant_answers

    answers.save_answers(assessment, lead_auditor, compliant_answers(assessment.checklist)[:1])
    assert services.verify_copy(b"%PDF-1.7 second").superseded


def test_verification_is_rate_limited_per_address_on_the_api_and_the_page(settings):
    settings.REPORT_VERIFY_RATE = "3/min"
    for _ in range(3):
        response = verify(b"%PDF-1.7 not ours")
        assert response.status_code == 200 and response.json()["genuine"] is False
    refused = verify(b"%PDF-1.7 not ours")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "detail" in refused.json()
    # The page shares the budget of the address.
    page = Client()
    response = page.post("/verify/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7 x", "application/pdf")})
    assert response.status_code == 429 and "Too many files checked" in response.content.decode()
    assert int(response.headers["Retry-After"]) >= 1
    # Another address has its own budget; X-Forwarded-For is not trusted without the TLS proxy.
    assert verify(b"%PDF", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert verify(b"%PDF", HTTP_X_FORWARDED_FOR="10.0.0.10").status_code == 429


def test_bad_input_is_a_400_and_changes_nothing():
    response = APIClient().post("/api/reports/verify/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    page = Client().post("/verify/", {})
    assert page.status_code == 400 and "Choose a PDF file" in page.content.decode()
    json_body = APIClient().post("/api/reports/verify/", {"file": "x"}, format="json")
    assert json_body.status_code in (400, 415)
