"""What a rendered audit report contains, read back from the PDF itself (pypdf and poppler's
pdftotext): the vendor, score, rating, every question, finding and signature, the page furniture
(page N of M, running header with the report id, confidentiality line), the DRAFT watermark only
where it belongs, evidence hashes, N/A justifications and the signed content hash (docs/domain.md §4.8).

The builders (`build_signed_record`, `approve_via_api`, `read_pdf`) are in tests/helpers/reports.py."""

import re
import subprocess

import pytest

from assessments import answers, record
from assessments.models import Assessment
from reports import rendering
from reports.models import AuditReport
from reports.tasks import render_report
from tests.factories import compliant_answers
from tests.helpers.reports import (
    ACTION_TEXT,
    CONFIDENTIAL,
    EVIDENCE_NAME,
    approve_via_api,
    new_report,
    read_pdf,
    squash,
)
from vendors.models import Vendor

# Every test here renders a whole report and reads it back.
pytestmark = [pytest.mark.django_db, pytest.mark.pdf, pytest.mark.slow]

# --- the tests ---------------------------------------------------------------------------------


@pytest.fixture
def approved(api, assessment, lead_auditor, reviewer, checklist):
    built = approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    assessment.refresh_from_db()
    return assessment, built


def test_final_report_of_an_approved_assessment_shows_the_whole_signed_record(
    approved, lead_auditor, reviewer, checklist
):
    assessment, built = approved
    report = new_report(assessment, reviewer, AuditReport.Kind.FINAL)
    result = render_report.run(report.pk)  # the task function itself, in this process
    assert result["status"] == "ready", result
    report.refresh_from_db()
    assert report.status == AuditReport.Status.READY and report.error == "" and report.attempts == 1
    data = report.file.read()
    pdf = read_pdf(data)
    text, flat = pdf["text"], pdf["flat"]

    # Stored facts match the file.
    facts = rendering.pdf_facts(data)
    assert (report.pages, report.size, report.sha256) == (facts["pages"], facts["size"], facts["sha256"])
    assert report.pages == pdf["count"] == len(pdf["pages"]) > 3

    # Cover and executive summary, read by both readers.
    for reader_text in (text, pdf["pypdf"]):
        assert assessment.vendor.name in reader_text
        assert assessment.reference in reader_text
        assert checklist.name in reader_text
    assert lead_auditor.full_name in text and reviewer.full_name in text
    assert f"{assessment.overall_score:.1f} / 100" in text, assessment.overall_score
    assert assessment.risk_rating and re.search(rf"Risk rating\s+{assessment.risk_rating.capitalize()}", text)
    assert assessment.get_decision_display() in text
    assert re.search(r"1 critical · 1 major · 1 minor · 0 observations", text)

    # Every question of the checklist, its answer and the N/A justification.
    codes = list(checklist.questions.values_list("code", flat=True))
    assert len(codes) > 20
    for code in codes:
        assert re.search(rf"(?m)^\s*{re.escape(code)}\s", text), f"question {code} missing from the PDF"
        assert code in pdf["pypdf"], f"question {code} missing from pypdf's text"
    assert squash(built["na_justification"]) in flat
    assert "Not applicable because:" in text

    # Every finding: reference, class, description, corrective action.
    for finding in built["findings"]:
        assert finding.reference in text, finding.reference
        assert squash(finding.description) in flat, finding.description
    assert "RPN 60 (5×3×4)" in text
    assert squash(ACTION_TEXT) in flat and "Head of QC" in text and "2031-01-31" in text

    # Evidence: file name and its SHA-256.
    ev = built["evidence"]
    assert ev.original_name == EVIDENCE_NAME and EVIDENCE_NAME in text
    assert ev.sha256 in flat

    # The signature manifest: every signature, its meaning, the hash it covers and validity.
    states = record.signature_states(assessment)
    assert [s.valid for s in states] == [False, True, True]
    manifest = flat[flat.index("Signaturemanifest") :]
    for state in states:
        sig = state.signature
        assert squash(sig.printed_name) in manifest and squash(sig.get_meaning_display()) in manifest
        assert sig.content_hash in manifest, sig
    assert "invalid:" in text and "therecordchangedaftersigning" in manifest
    assert len(re.findall(r"(?<!in)valid\b", text.split("Signature manifest")[1].split("Audit-trail")[0])) == 2

    # The content hash shown (and stored) is the one the valid signatures cover.
    current = record.content_hash(assessment)
    assert report.content_hash == current
    assert f"SHA-256{current}" in flat
    assert all(s.signature.content_hash == current for s in states if s.valid)

    # Page furniture: "Page N of M" on every page, the report id in the running header of
    # every page but the cover, the confidentiality line in every footer.
    n = report.pages
    for index, page in enumerate(pdf["pages"], start=1):
        assert f"Page {index} of {n}" in page, (index, page[-300:])
        assert CONFIDENTIAL in page, index
        if index > 1:
            head = "\n".join(page.strip("\n").splitlines()[:3])
            assert report.reference in head, (index, head)
            assert assessment.vendor.name in head
    assert "Page 1 of" in pdf["pypdf"]

    # A final report of an approved assessment carries no DRAFT mark anywhere.
    assert "DRAFT" not in text and "DRAFT" not in pdf["pypdf"] and not any("DRAFT" in p for p in pdf["raw_pages"])
    assert "Audit-trail summary" in text


def test_draft_of_an_approved_assessment_and_of_one_in_progress_carry_the_watermark(
    approved, reviewer, auditor, checklist, vendor, lead_auditor
):
    assessment, _ = approved
    report = new_report(assessment, auditor, AuditReport.Kind.DRAFT)
    assert render_report.apply(args=[report.pk]).get()["status"] == "ready"  # eager run of the real task
    report.refresh_from_db()
    pdf = read_pdf(report.file.read())
    assert "DRAFT" in pdf["pages"][0] and "DRAFT, not an approved record" in pdf["text"]
    # The watermark is drawn on every page (a fixed element repeats on each page). It is rotated:
    # pdftotext's default and -layout modes drop diagonal text, -raw and pypdf keep it.
    assert len(pdf["raw_pages"]) == len(pdf["pypdf_pages"]) == report.pages
    for index, (raw, extracted) in enumerate(zip(pdf["raw_pages"], pdf["pypdf_pages"], strict=True), start=1):
        assert "DRAFT" in raw and "DRAFT" in extracted, f"no DRAFT watermark on page {index}"

    # In progress, only the HTML matters: the watermark is there whatever the report's kind.
    other = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=lead_auditor, reviewer=reviewer, created_by=lead_auditor
    )
    html, _ = rendering.render_html(other, new_report(other, lead_auditor, AuditReport.Kind.FINAL))
    assert '<div class="watermark">DRAFT</div>' in html
    # Approved: a draft report still carries it, a final one does not.
    draft_html, _ = rendering.render_html(assessment, report)
    assert '<div class="watermark">DRAFT</div>' in draft_html
    final_html, _ = rendering.render_html(assessment, new_report(assessment, reviewer, AuditReport.Kind.FINAL))
    assert "watermark" not in final_html.split("<body>")[1] and "DRAFT" not in final_html


def has_cjk_font() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@pytest.mark.skipif(
    not has_cjk_font(),
    reason="no CJK font installed (`fc-list :lang=zh` is empty); "
    "install fonts-wqy-microhei to render Chinese vendor names",
)
def test_chinese_vendor_name_renders_its_characters(checklist, lead_auditor, reviewer):
    name = "药明康德 WuXi"
    vendor = Vendor.objects.create(name=name, legal_name="无锡药明康德新药开发股份有限公司", country="CN")
    assessment = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=lead_auditor, reviewer=reviewer, created_by=lead_auditor
    )
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    report = new_report(assessment, lead_auditor, AuditReport.Kind.DRAFT)
    assert render_report.run(report.pk)["status"] == "ready"
    report.refresh_from_db()
    pdf = read_pdf(report.file.read())
    assert name in pdf["text"], pdf["pages"][0][:500]
    assert "无锡药明康德新药开发股份有限公司" in pdf["text"]
    assert name in pdf["pypdf"]
    # The running header on page 2 carries the vendor name too.
    assert "药明康德" in "\n".join(pdf["pages"][1].splitlines()[:3])
    # No glyph was replaced by a "missing glyph" box (pdftotext would show it as U+FFFD or nothing).
    assert "\ufffd" not in pdf["text"]
    # The file name stays ASCII and sensible.
    assert report.filename.endswith("-draft.pdf") and report.filename.isascii() and "wuxi" in report.filename
