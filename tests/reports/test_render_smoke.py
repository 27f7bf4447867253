import subprocess

import pytest

from assessments import answers
from reports import rendering
from tests.factories import compliant_answers

pytestmark = pytest.mark.django_db


def test_render_pdf_of_answered_assessment(assessment, lead_auditor, checklist, tmp_path):
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    html, content_hash = rendering.render_html(assessment)
    pdf = rendering.html_to_pdf(html)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    facts = rendering.pdf_facts(pdf)
    print(facts)
    assert "Lonza Group" in text and "DRAFT" in text
    assert "Page 1 of" in text
    for q in checklist.questions.all():
        assert q.code in text, q.code
