"""The report a Qualified Person files, read back from the PDF (pdftotext and pypdf): the cover
with the decision and the approval block, the executive summary's narrative, every answer marked
in words (never its stored code), the evidence index with every file's SHA-256, why a finding was
classed lower than proposed, the audit trail as user actions with their reasons, and the
document-control block. The record goes through the API as users take it: answered, returned
with a reason, corrected with a reason, resubmitted, signed and approved."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import answers, evidence, findings, planning, workflow
from assessments.models import Assessment, Evidence
from audit.context import acting
from reports import rendering
from reports.models import AuditReport
from reports.tasks import render_report
from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale
from tests.helpers.reports import compliance_questions, na_question, new_report, read_pdf, sign_via_api, squash

pytestmark = [pytest.mark.django_db, pytest.mark.pdf, pytest.mark.slow]

NARRATIVE = {
    "objectives": "Establish whether the Leiden site may manufacture our autologous CAR-T drug product.",
    "method": "Two days on site: cleanroom tour, batch-record sampling, interviews with QA and QC.",
    "people_met": "Dr Anna Berg (Head of QA), Tom Vries (QC manager), Lisa Kok (production lead).",
    "documents_reviewed": "Site master file v7, contamination control strategy CCS-002, media fills 2025.",
    "conclusion": "The site can be approved on condition that the EM trending gap is closed within 90 days.",
}
RETURN_REASON = "Please justify the partial answer on batch records with the records you sampled."
CHANGE_REASON = "Comment completed after the reviewer returned the assessment."
RATIONALE_MARK = "isolated and had no impact on product"


def severe_question(checklist):
    """A compliance question of severity 5 (a finding on it is proposed critical)."""
    return (
        checklist.questions.filter(answer_type="compliance", condition_question="", severity=5)
        .order_by("criterion__order", "order")
        .first()
    )


def build_qp_record(api, assessment, lead, reviewer, checklist) -> dict:
    """An answered record with a partly compliant, a non-compliant and an N/A answer, evidence,
    and a major finding on a question that proposes critical (so a downgrade with its rationale);
    returned once with a reason and corrected with a reason, then approved (conditionally:
    the major finding rates it high)."""
    # The lead's own steps, each one action of the lead's as a request would make it.
    with acting(lead):
        planning.change_plan(assessment, lead, dict(NARRATIVE))
    na = na_question(checklist)
    severe = severe_question(checklist)
    partial = next(q for q in compliance_questions(checklist, 6) if q.code not in (na.code, severe.code))
    items = compliant_answers(checklist)
    for item in items:
        if item["question"] == na.code:
            item.update(value="na", na_justification="No viral vector work is done at this site.")
        elif item["question"] == severe.code:
            item["value"] = "non_compliant"
        elif item["question"] == partial.code:
            item["value"] = "partial"
    with acting(lead):
        answers.save_answers(assessment, lead, items)
    with acting(lead):
        evidence.attach(assessment, lead, partial.code, SimpleUploadedFile("batch-records-2025.pdf", b"%PDF-1.4\n1\n"))
        evidence.attach(assessment, lead, severe.code, SimpleUploadedFile("em-trend-grade-b.pdf", b"%PDF-1.4\n2\n"))
        attach_required_evidence(assessment, lead)
    with acting(lead):
        major = findings.raise_finding(
            assessment,
            lead,
            question=severe,
            classification="major",
            downgrade_rationale=downgrade_rationale(severe, "major"),
            description="Grade B environmental monitoring trends were not reviewed for nine months.",
        )
        findings.plan_action(
            major, lead, description="Review EM trends monthly.", owner="QA manager", due_date=date(2031, 3, 31)
        )
    assert major.proposed_classification == "critical" and RATIONALE_MARK in major.downgrade_rationale
    assessment.refresh_from_db()
    with acting(lead):
        workflow.submit(assessment, lead)
    returned = api.as_user(reviewer).post(
        f"/api/assessments/{assessment.pk}/return/", {"reason": RETURN_REASON}, format="json"
    )
    assert returned.status_code == 200, returned.json()
    item = {"question": partial.code, "value": "partial", "comment": "Sampled 12 batch records of 2025."}
    response = api.as_user(lead).put(
        f"/api/assessments/{assessment.pk}/answers/", {"answers": [item], "reason": CHANGE_REASON}, format="json"
    )
    assert response.status_code == 200, response.json()
    resubmitted = api.as_user(lead).post(
        f"/api/assessments/{assessment.pk}/submit/", {"response": "Re-sampled the batch records."}, format="json"
    )
    assert resubmitted.status_code == 200, resubmitted.json()
    sign_via_api(api, lead, assessment, "performed")
    sign_via_api(api, reviewer, assessment, "approved")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.decision == Assessment.Decision.CONDITIONALLY_APPROVED
    return {"na": na, "severe": severe, "partial": partial, "finding": major}


def final_pdf(assessment, user) -> tuple[AuditReport, dict]:
    report = new_report(assessment, user, AuditReport.Kind.FINAL)
    assert render_report.run(report.pk)["status"] == "ready"
    report.refresh_from_db()
    return report, read_pdf(report.file.read())


@pytest.fixture
def qp_report(api, assessment, lead_auditor, reviewer, checklist):
    built = build_qp_record(api, assessment, lead_auditor, reviewer, checklist)
    report, pdf = final_pdf(assessment, reviewer)
    return assessment, built, report, pdf


def section(flat: str, start: str, end: str) -> str:
    """The squashed text from heading `start` to heading `end`."""
    begin = flat.index(squash(start))
    return flat[begin : flat.index(squash(end), begin)]


def test_the_cover_shows_the_decision_rating_score_and_who_signed_with_which_meaning(qp_report, lead_auditor, reviewer):
    assessment, _, _, pdf = qp_report
    front = "\n".join(pdf["pages"][:2])
    assert re.search(r"Decision\s+Conditionally approved", front)
    assert re.search(r"Risk rating\s+High", front)
    assert f"{assessment.overall_score:.1f} / 100" in front
    approval = front[front.index("Approval\n") :]
    moment = r"\d+ \w+ \d{4}, \d\d:\d\d UTC"
    assert re.search(rf"Performed \(lead auditor\)\s+{lead_auditor.full_name}\s+{moment}\s+valid", approval)
    assert re.search(rf"Approved \(QA reviewer\)\s+{reviewer.full_name}\s+{moment}\s+valid", approval)
    assert re.search(r"Reviewed \(QA reviewer\)\s+not signed", approval)


def test_no_stored_code_reaches_the_text_and_each_answer_is_marked_in_words(qp_report):
    assessment, built, report, pdf = qp_report
    for text in (pdf["text"], pdf["pypdf"]):
        for code in ("conditionally_approved", "non_compliant", "not_approved", "in_progress"):
            assert code not in text, code
        assert not re.search(r"\bna\b", text), re.search(r".{40}\bna\b.{40}", text, re.S)
    text = pdf["text"]
    qa = text[text.index("Questions and answers") : text.index("Evidence index")]
    assert re.search(rf"(?m)^\s*{re.escape(built['severe'].code)}\s.*Not compliant", qa)
    assert re.search(rf"(?m)^\s*{re.escape(built['partial'].code)}\s.*Partly compliant", qa)
    assert re.search(rf"(?m)^\s*{re.escape(built['na'].code)}\s.*N/A", qa)
    compliant = qa.count("Compliant") - 1  # the legend names it once
    assert compliant >= assessment.checklist.questions.filter(answer_type="compliance").count() - 3
    # ... and in colour: the verdict's class carries it (the report's stylesheet colours it).
    html, _ = rendering.render_html(assessment, report)
    assert re.search(r'<span class="verdict verdict-non_compliant">Not compliant</span>', html)
    assert ".verdict-non_compliant { color: #b71c1c; }" in html


def test_the_evidence_index_lists_every_file_with_its_hash_who_added_it_and_when(qp_report, lead_auditor):
    assessment, _, _, pdf = qp_report
    files = list(Evidence.objects.filter(answer__assessment=assessment).select_related("answer__question"))
    assert len(files) >= 2
    index = section(pdf["flat"], "Evidence index", "Signature manifest")
    for ev in files:
        assert squash(ev.original_name) in index, ev.original_name
        assert ev.sha256 in index, ev.original_name
        assert f"{ev.answer.question.code}" in index
        assert squash(f"{lead_auditor.full_name}, {ev.uploaded_at:%Y-%m-%d %H:%M} UTC") in index
    assert squash(f"{len(files)} files") in index


def test_the_executive_summary_shows_the_narrative_and_the_findings_why_a_class_was_lowered(qp_report):
    assessment, built, _, pdf = qp_report
    summary = section(pdf["flat"], "Executive summary", "Criterion scores")
    assert squash("Conclusion of the lead auditor") + squash(NARRATIVE["conclusion"]) in summary
    for name, text in NARRATIVE.items():
        assert squash(text) in summary, name
    assert squash(f"Scope{assessment.scope}") in summary if assessment.scope else "Scope—" in summary
    findings_part = section(pdf["flat"], "Findings and corrective actions", "Questions and answers")
    finding = built["finding"]
    assert squash(f"{finding.reference}Major(proposed:Critical)") in findings_part
    assert squash("Why major, not critical") + squash(finding.downgrade_rationale) in findings_part


def test_the_audit_trail_section_is_user_actions_with_their_reasons(qp_report, lead_auditor, reviewer):
    _, _, _, pdf = qp_report
    text = pdf["text"]
    trail = text[text.index("Audit-trail summary") :]
    flat = pdf["flat"][pdf["flat"].index("Audit-trailsummary") :]  # cell by cell
    ref = squash(qp_report[0].reference)
    assert squash(f"{reviewer.full_name}returned{ref}forrework{RETURN_REASON}") in flat
    partial = qp_report[1]["partial"].code
    assert squash(f"{lead_auditor.full_name}changedtheanswerto{partial}{CHANGE_REASON}") in flat
    assert flat.count(squash(f"{lead_auditor.full_name}submitted{ref}")) == 2  # before and after the return
    assert re.search(re.escape(squash(f"{reviewer.full_name}approved{ref}")) + r"[^—]*signed\(approved", flat)
    assert re.search(re.escape(squash(lead_auditor.full_name)) + r"[^—]*answeredA\.1,A\.2", flat)
    assert squash(f"{lead_auditor.full_name}attachedevidencebatch") in flat  # the name may wrap at a hyphen
    # Not every field row: no bookkeeping of the signature, the signing cycle or the rendering.
    for noise in ("signing_cycle", "content_hash", "attempts", "id empty"):
        assert noise not in trail, noise
    assert not re.search(r"\bcycle\b", trail)


def test_the_document_control_block_numbers_versions_and_supersedes(qp_report, lead_auditor, auditor, reviewer):
    assessment, _, first, pdf = qp_report
    control = section(pdf["flat"], "Document control", "Executive summary")
    assert squash(f"Report number{first.reference}") in control
    assert squash("Version1Supersedesnone (first issue)") in control
    for person, role in ((lead_auditor, "lead auditor"), (auditor, "audit team"), (reviewer, "QA reviewer")):
        assert squash(f"{person.full_name} ({role})") in control
    second, pdf = final_pdf(assessment, reviewer)
    control = section(pdf["flat"], "Document control", "Executive summary")
    assert squash(f"Report number{second.reference}Version2Supersedes{first.reference}") in control


def test_a_question_whose_condition_is_not_met_is_marked_na_with_the_condition_in_words(
    assessment, lead_auditor, checklist
):
    dependent = checklist.questions.get(code="A.7")
    assert (dependent.condition_question, dependent.condition_equals) == ("A.6", "yes")
    items = [i for i in compliant_answers(checklist, **{"A.6": "no"}) if i["question"] != "A.7"]
    answers.save_answers(assessment, lead_auditor, items)
    report = new_report(assessment, lead_auditor, AuditReport.Kind.DRAFT)
    pdf = read_pdf(rendering.html_to_pdf(rendering.render_html(assessment, report)[0]))
    text = pdf["text"]  # the layout, without the rotated DRAFT watermark
    qa = text[text.index("Questions and answers") :]
    assert re.search(r"(?m)^\s*A\.7\s.*N/A\s*$", qa)
    # the condition in words, on one line or wrapped in its cell beside the question's text
    assert re.search(r"does not apply: A\.6 is(?: | *\n[^\n]*? )not “Yes”", qa)
    assert re.search(r"(?m)^\s*A\.6\s.*Not compliant\s*$", qa)
