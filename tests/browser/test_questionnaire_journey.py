"""A pre-audit questionnaire in a real browser (Debian's chromium through Playwright): the lead
sends it from the workspace, the vendor's contact saves a draft with an evidence file, comes
back, finishes and submits it, and the auditor reads the vendor's answers beside the questions."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Questionnaire, VendorAnswer, VendorAnswerEvidence
from notifications.models import Notification
from portal import access
from tests.factories import new_assessment, published_checklist

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

PDF_BYTES = b"%PDF-1.4\n% site master file\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUESTIONS = [
    {
        "code": "A",
        "title": "Quality system",
        "questions": [
            {
                "code": "A.1",
                "text": "Is there a site master file?",
                "answer_type": "compliance",
                "evidence_required": True,
                "severity": 3,
            },
            {
                "code": "A.2",
                "text": "Are deviations trended?",
                "answer_type": "yes_no",
                "expected_answer": "yes",
                "severity": 2,
            },
            {"code": "A.3", "text": "Batches made last year", "answer_type": "numeric", "min_value": 1, "severity": 2},
        ],
    }
]


def test_the_vendor_answers_a_questionnaire_and_the_auditor_reads_it(
    pages, vendor, lead_auditor, auditor, reviewer, vendor_contact, private_media
):
    checklist = published_checklist("T-PREAUDIT", "Pre-audit questionnaire", QUESTIONS)
    survey = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], mode="questionnaire")
    access.link(vendor_contact, vendor)

    # The lead sends it from the workspace.
    lead = pages.login(lead_auditor)
    lead.goto(f"/assessments/{survey.pk}/")
    lead.get_by_label(vendor_contact.full_name, exact=False).check()
    lead.get_by_label("Due date").fill((timezone.localdate() + datetime.timedelta(days=21)).isoformat())
    lead.get_by_role("button", name="Send the questionnaire").click()
    expect(lead.get_by_text("is sent to")).to_be_visible()
    expect(lead.get_by_text("not submitted yet")).to_be_visible()
    questionnaire = Questionnaire.objects.get()
    assert Notification.objects.filter(recipient=vendor_contact, event="questionnaire_sent").count() == 1

    # The contact saves a draft with the file the first question asks for.
    contact = pages.login(vendor_contact)
    contact.goto("/portal/")
    contact.get_by_role("link", name=survey.reference).click()
    question = contact.locator("#question-A\\.1")
    question.get_by_label("Compliant", exact=True).check()
    question.get_by_label("Comment").fill("SMF-001 revision 7, approved in March.")
    question.get_by_label("Attach evidence to A.1").set_input_files(
        files=[{"name": "site-master-file.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    contact.get_by_role("button", name="Save draft").click()
    expect(contact.get_by_text("saved as a draft")).to_be_visible()
    expect(contact.get_by_role("link", name="site-master-file.pdf")).to_be_visible()
    expect(contact.get_by_text("2 things to do before you can submit")).to_be_visible()

    # The audit team does not see a draft.
    team = pages.login(auditor)
    team.goto(f"/assessments/{survey.pk}/")
    expect(team.locator("#vendor-answer-A\\.1")).to_have_count(0)

    # The contact comes back, finishes and submits.
    contact.goto(f"/portal/questionnaires/{questionnaire.pk}/")
    expect(contact.locator("#question-A\\.1").get_by_label("Compliant", exact=True)).to_be_checked()
    contact.locator("#question-A\\.2").get_by_label("Yes", exact=True).check()
    contact.locator("#question-A\\.3").get_by_label("Value").fill("14")
    contact.get_by_role("button", name="Submit to the audit team").click()
    expect(contact.get_by_text("submitted to the audit team")).to_be_visible()
    expect(contact.get_by_text("its answers are read-only")).to_be_visible()
    expect(contact.locator("#question-A\\.2").get_by_label("Yes", exact=True)).to_be_disabled()
    pages.screenshot(contact, "questionnaire-submitted")

    questionnaire.refresh_from_db()
    assert questionnaire.submitted_by == vendor_contact
    assert {a.question.code: a.value for a in VendorAnswer.objects.select_related("question")} == {
        "A.1": "compliant",
        "A.2": "yes",
        "A.3": 14,
    }
    assert VendorAnswerEvidence.objects.get().original_name == "site-master-file.pdf"
    assert Notification.objects.filter(recipient=auditor, event="questionnaire_submitted").count() == 1

    # The auditor reads the vendor's answers beside each question.
    team.goto(f"/assessments/{survey.pk}/")
    said = team.locator("#vendor-answer-A\\.1")
    expect(said).to_contain_text("Compliant")
    expect(said).to_contain_text("SMF-001 revision 7")
    expect(said.get_by_role("link", name="site-master-file.pdf")).to_be_visible()
    expect(team.locator("#vendor-answer-A\\.3")).to_contain_text("14")
    pages.screenshot(team, "questionnaire-beside-the-questions")
