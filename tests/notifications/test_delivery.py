"""Notifications e-mailed for real: the web side commits and publishes to this test's own queue, a
real Celery worker sends through EMAIL_URL to a real SMTP server (aiosmtpd). A mail server that
is down costs the user's action nothing: the message is retried and arrives once it is back."""

import pytest
from django.apps import apps

from assessments.models import Questionnaire
from notifications.models import Notification
from notifications.tasks import send_outbox
from portal import access, questionnaires
from tests.factories import new_assessment
from tests.helpers.processes import wait_for

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
    pytest.mark.usefixtures("private_queue"),
]


@pytest.fixture
def people(lead_auditor, auditor, reviewer, quality_admin, outsider):
    for user in (lead_auditor, auditor, reviewer, quality_admin, outsider):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    return lead_auditor, auditor, reviewer, quality_admin, outsider


def plan(api, lead, reviewer, team, vendor, checklist):
    response = api.post(
        "/api/assessments/",
        {
            "vendor": vendor.pk,
            "checklist": checklist.pk,
            "lead_auditor": lead.pk,
            "reviewer": reviewer.pk,
            "audit_team": [u.pk for u in team],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_planning_emails_the_lead_reviewer_and_team_once_each_within_a_minute(
    lead_api, people, vendor, checklist, smtp_server, start_worker
):
    lead, auditor, reviewer, admin, outsider = people
    start_worker(EMAIL_URL=smtp_server.url)
    body = plan(lead_api, lead, reviewer, [auditor], vendor, checklist)
    smtp_server.wait_for(3, timeout=60)
    assert smtp_server.recipients() == ["auditor@example.com", "lead@example.com", "reviewer@example.com"]
    (message,) = smtp_server.to("reviewer@example.com")
    assert message["Subject"] == f"You are QA reviewer of {body['reference']}: {vendor.name}"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert (
        f"http://127.0.0.1:8000/assessments/{body['id']}/" in text
        and f'href="http://127.0.0.1:8000/assessments/{body["id"]}/"' in html
    )
    # the worker marks a row sent after the server has it: wait for the commit, not for the mail
    wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), 30, "rows marked sent")
    assert len(smtp_server.messages) == 3  # nobody else, nobody twice


def test_mail_server_down_the_action_succeeds_and_the_message_arrives_once_it_is_back(
    lead_api, people, vendor, checklist, smtp_server, start_worker
):
    lead, auditor, reviewer, admin, outsider = people
    smtp_server.stop()
    worker = start_worker(EMAIL_URL=smtp_server.url, NOTIFICATION_RETRY_SECONDS="1")
    body = plan(lead_api, lead, reviewer, [], vendor, checklist)  # the user's action succeeds
    rows = Notification.objects.filter(url=f"/assessments/{body['id']}/")
    assert rows.count() == 2

    def refused_once():
        return all(r.email_attempts >= 1 and r.email_error for r in rows.all())

    wait_for(refused_once, 60, "both deliveries refused once")
    assert rows.filter(emailed_at__isnull=False).count() == 0

    smtp_server.start()  # the same port: the worker's retry finds it
    smtp_server.wait_for(2, timeout=60)
    assert smtp_server.recipients() == ["lead@example.com", "reviewer@example.com"]
    wait_for(lambda: not rows.filter(emailed_at__isnull=True).exists(), 30, "rows marked sent")
    assert "retry" in worker.log_text().lower()
    assert send_outbox(older_than_seconds=0) == 0  # the sweep finds nothing left to send twice
    assert len(smtp_server.messages) == 2


def test_the_vendor_is_emailed_the_questionnaire_and_the_team_its_submission(
    lead_api, people, vendor, checklist, smtp_server, start_worker, vendor_contact, api_as
):
    """The portal's events go the same way: the questionnaire to the contact it is sent to (and no
    one else), its submission to the lead and the team."""
    lead, auditor, reviewer, admin, outsider = people
    vendor_contact.email = "qa@cellvector.example"
    vendor_contact.save(update_fields=["email"])
    access.link(vendor_contact, vendor)
    survey = new_assessment(checklist, vendor, lead, reviewer, team=[auditor], mode="questionnaire")
    start_worker(EMAIL_URL=smtp_server.url)
    response = lead_api.post(
        f"/api/assessments/{survey.pk}/send/",
        {"contacts": [vendor_contact.pk], "due_date": "2031-01-31"},
        format="json",
    )
    assert response.status_code == 201, response.content
    smtp_server.wait_for(1, timeout=60)
    (message,) = smtp_server.to("qa@cellvector.example")
    assert survey.reference in message["Subject"] and "31 Jan 2031" in message["Subject"]
    questionnaire = Questionnaire.objects.get()
    assert f"/portal/questionnaires/{questionnaire.pk}/" in message.get_body(preferencelist=("plain",)).get_content()
    assert smtp_server.recipients() == ["qa@cellvector.example"]

    questionnaire.assessment.checklist.questions.update(required=False)  # nothing left to answer
    submitted = api_as(vendor_contact).post(f"/api/portal/questionnaires/{questionnaire.pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert questionnaires.questionnaires_of(vendor_contact).get().is_submitted
    smtp_server.wait_for(3, timeout=60)
    assert smtp_server.recipients() == ["auditor@example.com", "lead@example.com", "qa@cellvector.example"]
    assert len(smtp_server.messages) == 3
