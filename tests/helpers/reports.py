"""Builders shared by the report tests: a whole signed record, its approval through the API, a
queued report row, and a PDF read back as text (poppler's pdftotext and pypdf)."""

import io
import re
import subprocess
import tempfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from assessments import answers, evidence, findings, workflow
from assessments.models import Assessment
from checklists.models import Question
from reports.models import AuditReport
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale

CONFIDENTIAL = "Confidential: GMP supplier qualification record"
EVIDENCE_NAME = "batch-list-2024.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n% batch list of the last 36 months\n"
NA_JUSTIFICATION = "No viral vector work is done at this site, so this point is not assessed."
CRITICAL_TEXT = "Sterility test failures were invalidated without a root-cause investigation."
MAJOR_TEXT = "Environmental monitoring trends in grade B were not reviewed for nine months."
ACTION_TEXT = "Investigate every invalidated sterility test and retrain QC staff."


# --- builders shared with the other report tests ----------------------------------------------


def na_question(checklist) -> Question:
    """An unconditional compliance question nothing else depends on: safe to answer N/A."""
    conditions = set(checklist.questions.exclude(condition_question="").values_list("condition_question", flat=True))
    return (
        checklist.questions.filter(answer_type="compliance", condition_question="")
        .exclude(code__in=conditions)
        .order_by("criterion__order", "order")
        .last()
    )


def compliance_questions(checklist, n):
    return list(
        checklist.questions.filter(answer_type="compliance", condition_question="").order_by(
            "criterion__order", "order"
        )[:n]
    )


def build_signed_record(assessment, lead, checklist, text=""):
    """Answer the whole checklist (one N/A with its justification, comments carrying `text`),
    attach evidence, raise a critical and a major finding with corrective actions and a minor
    one, and sign "performed" twice: the first signature is made invalid by a later change.
    Returns what the report must show. The assessment stays in progress (not submitted)."""
    na = na_question(checklist)
    first, second, third = compliance_questions(checklist, 3)
    items = compliant_answers(checklist)
    for item in items:
        if item["question"] == na.code:
            item.update(value="na", na_justification=NA_JUSTIFICATION)
        elif item["question"] == first.code:
            item["comment"] = f"Batch list reconciled on site. {text}".strip()
    answers.save_answers(assessment, lead, items)
    evidence.attach(assessment, lead, first.code, SimpleUploadedFile(EVIDENCE_NAME, EVIDENCE_BYTES))
    attach_required_evidence(assessment, lead)
    critical = findings.raise_finding(
        assessment,
        lead,
        question=first,
        classification="critical",
        downgrade_rationale=downgrade_rationale(first, "critical"),
        description=f"{CRITICAL_TEXT} {text}".strip(),
        requirement="EU GMP Annex 1 10.3",
        fmea_severity=5,
        fmea_occurrence=3,
        fmea_detectability=4,
    )
    findings.plan_action(
        critical, lead, description=f"{ACTION_TEXT} {text}".strip(), owner="Head of QC", due_date=date(2031, 1, 31)
    )
    major = findings.raise_finding(
        assessment,
        lead,
        question=second,
        classification="major",
        downgrade_rationale=downgrade_rationale(second, "major"),
        description=MAJOR_TEXT,
    )
    findings.plan_action(
        major,
        lead,
        description="Review EM trends monthly in the QA meeting.",
        owner="QA manager",
        due_date=date(2031, 3, 31),
    )
    minor = findings.raise_finding(
        assessment,
        lead,
        question=third,
        classification="minor",
        downgrade_rationale=downgrade_rationale(third, "minor"),
        description="Two logbook entries were not countersigned.",
    )
    return {
        "na": na,
        "findings": [critical, major, minor],
        "evidence": Assessment.objects.get(pk=assessment.pk).answers.get(question=first).evidence.get(),
    }


def sign_via_api(api, user, assessment, meaning):
    response = api.as_user(user).post(
        f"/api/assessments/{assessment.pk}/signatures/", {"meaning": meaning, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response


def approve_via_api(api, assessment, lead, reviewer, checklist, text=""):
    """The whole record, one invalidated "performed" signature, a valid one, then the reviewer's
    approval (through the API, as users do). Returns what build_signed_record returns."""
    built = build_signed_record(assessment, lead, checklist, text)
    sign_via_api(api, lead, assessment, "performed")
    # A change after signing makes that signature invalid; the lead signs the new state again.
    answers.save_answers(
        assessment,
        lead,
        [
            {
                "question": built["na"].code,
                "value": "na",
                "na_justification": NA_JUSTIFICATION + " Confirmed with the vendor.",
            }
        ],
    )
    built["na_justification"] = NA_JUSTIFICATION + " Confirmed with the vendor."
    assessment.refresh_from_db()
    workflow.submit(assessment, lead)
    sign_via_api(api, lead, assessment, "performed")
    sign_via_api(api, reviewer, assessment, "approved")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    return built


def new_report(assessment, user, kind) -> AuditReport:
    number = AuditReport.objects.filter(assessment=assessment).count() + 1
    return AuditReport.objects.create(assessment=assessment, number=number, kind=kind, requested_by=user)


def pdftotext(data: bytes, *args) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        result = subprocess.run(["pdftotext", *args, f.name, "-"], capture_output=True, text=True, check=True)
    return result.stdout


def read_pdf(data: bytes) -> dict:
    """The PDF as text, read twice: poppler's pdftotext and pypdf. `pages` and `text` keep the
    layout (one page per form feed); `flat` is pdftotext's reading order (cell by cell) without
    white space, for values that wrap inside a table cell such as hashes. `raw_pages` and
    `pypdf_pages` also hold rotated text (the watermark), which the other modes of pdftotext drop."""
    assert data.startswith(b"%PDF-"), data[:20]
    pages = pdftotext(data, "-layout").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    raw_pages = pdftotext(data, "-raw").split("\f")[: len(pages)]
    reader = PdfReader(io.BytesIO(data))
    pypdf_pages = [page.extract_text() or "" for page in reader.pages]
    pypdf_text = "\n".join(pypdf_pages)
    return {
        "pages": pages,
        "text": "\n".join(pages),
        "flat": squash(pdftotext(data)),
        "raw_pages": raw_pages,
        "pypdf_pages": pypdf_pages,
        "pypdf": pypdf_text,
        "pypdf_flat": squash(pypdf_text),
        "count": len(reader.pages),
    }


def squash(text: str) -> str:
    """Text without any white space: long hashes wrap across lines in narrow table cells."""
    return re.sub(r"\s+", "", text)
