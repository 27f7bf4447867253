"""The assessment as an XLSX workbook: the same record as the PDF (labels, never stored codes),
through the page and the API, only for those who may see the assessment; no cell runs as a
formula."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assessments import answers, findings
from tests.helpers import records

pytestmark = pytest.mark.django_db


def sheets(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


@pytest.fixture
def filled(assessment, lead_auditor, checklist):
    records.completed(assessment, lead_auditor)
    answers.save_answers(
        records.fresh(assessment),
        lead_auditor,
        [{"question": "A.3", "value": "non_compliant", "comment": '=HYPERLINK("http://evil")'}],
    )
    finding = findings.raise_finding(
        records.fresh(assessment),
        lead_auditor,
        question=checklist.questions.get(code="A.3"),
        classification="major",
        description="No approved supplier list for reagents.",
        downgrade_rationale="Reagents are tested on receipt; the gap is documentary.",
    )
    findings.plan_action(
        finding, lead_auditor, description="Approve the list.", owner="Vendor QA", due_date="2031-01-31"
    )
    return records.fresh(assessment)


def test_the_workbook_holds_answers_findings_actions_and_scores_in_words(lead_api, filled):
    response = lead_api.get(f"/api/assessments/{filled.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="{filled.reference}.xlsx"' in response["Content-Disposition"]
    book = sheets(response.content)
    assert list(book) == ["Summary", "Answers", "Findings", "Corrective actions", "Score by criterion"]
    summary = dict((row[0], row[1]) for row in book["Summary"])
    assert summary["Assessment"] == filled.reference and summary["Vendor"] == filled.vendor.name
    header, *rows = book["Answers"]
    assert header[:5] == ["Criterion", "Question", "Text", "Verdict", "Answer"]
    assert len(rows) == filled.checklist.questions.count()
    a3 = next(r for r in rows if r[1] == "A.3")
    assert a3[3] == "Not compliant" and a3[6] == '\'=HYPERLINK("http://evil")'  # shown as text, never run
    every_cell = {str(c) for sheet in book.values() for row in sheet for c in row if c is not None}
    assert not every_cell & {"non_compliant", "conditionally_approved", "na", "compliant", "partial"}
    (finding,) = book["Findings"][1:]
    stored = filled.findings.get()
    assert finding[:2] == ["F-01", "Major"] and finding[6] == "No approved supplier list for reagents."
    if stored.proposed_classification == "critical":  # the question's severity proposed a higher class
        assert finding[2] == "Critical" and "documentary" in finding[3]
    (action,) = book["Corrective actions"][1:]
    assert action[:4] == ["F-01", "Approve the list.", "Vendor QA", "2031-01-31"]
    scores = book["Score by criterion"][1:]
    assert [r[0] for r in scores] == list(filled.checklist.criteria.order_by("order").values_list("code", flat=True))


def test_the_page_offers_it_and_outsiders_get_404(client, filled, lead_auditor, outsider, api):
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{filled.pk}/reports/").content.decode()
    assert f'href="/assessments/{filled.pk}/export.xlsx"' in page
    download = client.get(f"/assessments/{filled.pk}/export.xlsx")
    assert download.status_code == 200 and sheets(download.content)["Summary"][0] == ["Assessment", filled.reference]
    client.force_login(outsider)
    assert client.get(f"/assessments/{filled.pk}/export.xlsx").status_code == 404
    assert api.as_user(outsider).get(f"/api/assessments/{filled.pk}/export.xlsx").status_code == 404
    assert APIClient().get(f"/api/assessments/{filled.pk}/export.xlsx").status_code == 401
