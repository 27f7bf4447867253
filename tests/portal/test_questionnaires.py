"""Pre-audit questionnaires: the lead sends an assessment in questionnaire mode to the vendor's
contacts with a due date; they save drafts, attach evidence and submit once; the audit team reads
the vendor's answers beside each question, of that assessment and of a later on-site audit; the
right people are told, reminders come once; no one else sees any of it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Assessment, Questionnaire, VendorAnswer, VendorAnswerEvidence
from audit.models import AuditEntry
from notifications import reminders
from notifications.models import Notification
from tests.factories import EVIDENCE_PDF, compliant_answers, new_assessment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
IN_A_MONTH = (TODAY + datetime.timedelta(days=30)).isoformat()


def told(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


@pytest.fixture
def survey(checklist, vendor, lead_auditor, auditor, reviewer):
    """A planned assessment of `vendor` in questionnaire mode."""
    return new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], mode="questionnaire")


@pytest.fixture
def sent(survey, lead_api, contact):
    response = lead_api.post(
        f"/api/assessments/{survey.pk}/send/", {"contacts": [contact.pk], "due_date": IN_A_MONTH}, format="json"
    )
    assert response.status_code == 201, response.content
    return Questionnaire.objects.get(pk=response.json()["id"])


def evidence_codes(checklist):
    return list(checklist.questions.filter(evidence_required=True).values_list("code", flat=True))


def fill(contact_api, questionnaire, checklist):
    """Every question answered and every file the checklist asks for attached, as a vendor would."""
    response = contact_api.put(
        f"/api/portal/questionnaires/{questionnaire.pk}/answers/", compliant_answers(checklist), format="json"
    )
    assert response.status_code == 200, response.content
    for code in evidence_codes(checklist):
        upload = SimpleUploadedFile(f"{code}.pdf", EVIDENCE_PDF, content_type="application/pdf")
        response = contact_api.post(
            f"/api/portal/questionnaires/{questionnaire.pk}/answers/{code}/evidence/",
            {"file": upload},
            format="multipart",
        )
        assert response.status_code == 201, response.content


# --- Sending -------------------------------------------------------------------------------------
def test_the_lead_sends_it_once_to_linked_contacts_and_they_are_told(sent, survey, contact, lead_auditor):
    assert list(sent.contacts.all()) == [contact] and sent.sent_by == lead_auditor
    assert sent.due_date.isoformat() == IN_A_MONTH
    survey.refresh_from_db()
    assert survey.status == Assessment.Status.IN_PROGRESS  # a planned assessment starts
    assert told("questionnaire_sent") == [contact.username]
    note = Notification.objects.get(event="questionnaire_sent")
    assert note.url == f"/portal/questionnaires/{sent.pk}/" and survey.reference in note.subject
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Questionnaire), object_pk=str(sent.pk)
    ).order_by("pk")
    assert entries[0].action == AuditEntry.Action.CREATE  # then the contacts it went to
    assert {(e.actor, e.assessment_id) for e in entries} == {(lead_auditor, survey.pk)}


def test_sending_refuses_what_it_must_and_changes_nothing(
    survey, assessment, lead_api, auditor_api, api_as, outsider, contact, other_contact
):
    url = f"/api/assessments/{survey.pk}/send/"
    body = {"contacts": [contact.pk], "due_date": IN_A_MONTH}
    assert auditor_api.post(url, body, format="json").status_code == 403  # on the team, not the lead
    assert api_as(outsider).post(url, body, format="json").status_code == 404
    assert lead_api.post("/api/assessments/999999/send/", body, format="json").status_code == 404
    on_site = lead_api.post(f"/api/assessments/{assessment.pk}/send/", body, format="json")
    assert on_site.status_code == 409 and "questionnaire mode" in on_site.json()["detail"]
    for bad in (
        {"contacts": [other_contact.pk], "due_date": IN_A_MONTH},  # another vendor's contact
        {"contacts": [], "due_date": IN_A_MONTH},
        {"contacts": "all", "due_date": IN_A_MONTH},
        {"contacts": [contact.pk], "due_date": (TODAY - datetime.timedelta(days=1)).isoformat()},
        {"contacts": [contact.pk], "due_date": "soon"},
        {"contacts": [contact.pk]},
    ):
        response = lead_api.post(url, bad, format="json")
        assert response.status_code == 400, (bad, response.content)
    assert not Questionnaire.objects.exists() and not Notification.objects.exists()
    survey.refresh_from_db()
    assert survey.status == Assessment.Status.PLANNED
    assert lead_api.post(url, body, format="json").status_code == 201
    again = lead_api.post(url, body, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]


# --- Answering -----------------------------------------------------------------------------------
def test_a_contact_sees_only_their_own_questionnaires_without_scores(sent, contact_api, api_as, other_contact, contact):
    listed = contact_api.get("/api/portal/questionnaires/").json()["results"]
    assert [q["id"] for q in listed] == [sent.pk]
    detail = contact_api.get(f"/api/portal/questionnaires/{sent.pk}/").json()
    assert detail["reference"] == sent.assessment.reference and len(detail["questions"]) == 66
    hidden = {"weight", "severity", "score", "overall_score", "risk_rating"}
    assert not hidden & (set(detail["questions"][0]) | set(detail))
    other = api_as(other_contact)
    assert other.get("/api/portal/questionnaires/").json()["results"] == []
    assert other.get(f"/api/portal/questionnaires/{sent.pk}/").status_code == 404
    assert other.put(f"/api/portal/questionnaires/{sent.pk}/answers/", [], format="json").status_code == 404


def test_drafts_are_saved_whole_or_not_at_all_and_a_stale_version_is_refused(sent, contact_api, contact, make_user):
    url = f"/api/portal/questionnaires/{sent.pk}/answers/"
    bad = contact_api.put(
        url, [{"question": "A.3", "value": "compliant"}, {"question": "A.8", "value": "perfect"}], format="json"
    )
    assert bad.status_code == 400 and "A.8" in bad.json()
    assert not VendorAnswer.objects.exists()
    saved = contact_api.put(url, [{"question": "A.3", "value": "partial", "comment": "SOP in review."}], format="json")
    assert saved.status_code == 200 and saved.json()[0]["version"] == 1
    answer = VendorAnswer.objects.get()
    assert (answer.value, answer.answered_by) == ("partial", contact)
    changed = contact_api.put(url, [{"question": "A.3", "value": "compliant", "version": 1}], format="json")
    assert changed.status_code == 200 and changed.json()[0]["version"] == 2
    stale = contact_api.put(url, [{"question": "A.3", "value": "non_compliant", "version": 1}], format="json")
    assert stale.status_code == 409 and stale.json()["current"][0]["value"] == "compliant"
    answer.refresh_from_db()
    assert (answer.value, answer.version) == ("compliant", 2)
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(VendorAnswer))
    assert entries.count() == 2 and {e.actor for e in entries} == {contact}


def test_submission_needs_every_answer_and_file_then_locks_and_tells_the_team(
    sent, contact_api, checklist, lead_auditor, auditor
):
    url = f"/api/portal/questionnaires/{sent.pk}/submit/"
    early = contact_api.post(url)
    assert early.status_code == 400 and any("not answered" in b for b in early.json()["answers"])
    contact_api.put(
        f"/api/portal/questionnaires/{sent.pk}/answers/", compliant_answers(checklist), format="json"
    ).json()
    missing_files = contact_api.post(url)
    assert missing_files.status_code == 400
    assert {b.split(":")[0] for b in missing_files.json()["answers"]} == set(evidence_codes(checklist))
    fill(contact_api, sent, checklist)
    assert VendorAnswerEvidence.objects.count() == len(evidence_codes(checklist))
    done = contact_api.post(url)
    assert done.status_code == 200 and done.json()["submitted_at"]
    assert told("questionnaire_submitted") == sorted([lead_auditor.username, auditor.username])
    locked = contact_api.put(
        f"/api/portal/questionnaires/{sent.pk}/answers/", [{"question": "A.8", "value": "partial"}], format="json"
    )
    assert locked.status_code == 409 and "read-only" in locked.json()["detail"]
    assert contact_api.post(url).status_code == 409


# --- What the audit team sees ----------------------------------------------------------------------
def test_the_vendors_answers_show_beside_each_question_once_submitted(
    sent, contact_api, checklist, client, auditor, survey, vendor, lead_auditor, reviewer
):
    contact_api.put(
        f"/api/portal/questionnaires/{sent.pk}/answers/",
        [{"question": "A.8", "value": "partial", "comment": "Our SOP-QA-001 is being revised."}],
        format="json",
    )
    client.force_login(auditor)
    page = client.get(f"/assessments/{survey.pk}/").content.decode()
    assert 'id="vendor-answer-A.8"' not in page  # a draft is the vendor's own
    assert "not submitted yet" in page
    fill(contact_api, sent, checklist)
    contact_api.put(
        f"/api/portal/questionnaires/{sent.pk}/answers/",
        [{"question": "A.8", "value": "partial", "comment": "Our SOP-QA-001 is being revised.", "version": 2}],
        format="json",
    )
    assert contact_api.post(f"/api/portal/questionnaires/{sent.pk}/submit/").status_code == 200
    page = client.get(f"/assessments/{survey.pk}/").content.decode()
    assert (
        'id="vendor-answer-A.8"' in page
        and '<span class="vendor-value">Partially compliant' in page
        and "SOP-QA-001 is being revised" in page
    )
    # A later on-site audit of the same vendor on the same checklist shows them too.
    on_site = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    page = client.get(f"/assessments/{on_site.pk}/").content.decode()
    assert 'id="vendor-answer-A.8"' in page and sent.assessment.reference in page
    files = VendorAnswerEvidence.objects.filter(answer__question__code=evidence_codes(checklist)[0])
    assert client.get(f"/portal/questionnaire-evidence/{files.get().pk}/download/").status_code == 200


def test_the_lead_sends_it_from_the_workspace(client, survey, lead_auditor, auditor, contact):
    client.force_login(auditor)
    assert "Send the questionnaire" not in client.get(f"/assessments/{survey.pk}/").content.decode()
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{survey.pk}/").content.decode()
    assert "Send the questionnaire" in page and f'value="{contact.pk}"' in page
    response = client.post(f"/assessments/{survey.pk}/send/", {"contacts": [contact.pk], "due_date": "2001-01-01"})
    assert response.status_code == 302 and not Questionnaire.objects.exists()  # in the past: refused
    client.post(f"/assessments/{survey.pk}/send/", {"contacts": [contact.pk], "due_date": IN_A_MONTH})
    assert Questionnaire.objects.get().assessment == survey
    assert "not submitted yet" in client.get(f"/assessments/{survey.pk}/").content.decode()


# --- The vendor's pages ----------------------------------------------------------------------------
def test_the_vendor_saves_a_draft_and_a_refused_save_keeps_what_was_typed(client, sent, contact, other_contact):
    client.force_login(contact)
    home = client.get("/portal/").content.decode()
    assert f'href="/portal/questionnaires/{sent.pk}/"' in home
    page = client.get(f"/portal/questionnaires/{sent.pk}/")
    assert page.status_code == 200 and 'name="value-A.3"' in page.content.decode()
    url = f"/portal/questionnaires/{sent.pk}/answers/"
    saved = client.post(url, {"value-A.3": "compliant", "comment-A.3": "See the SOP list.", "draft": "1"})
    assert saved.status_code == 302
    assert VendorAnswer.objects.get().comment == "See the SOP list."
    refused = client.post(url, {"value-A.3": "compliant", "version-A.3": "1", "comment-A.8": "x" * 20001})
    assert refused.status_code == 400 and "x" * 200 in refused.content.decode()  # kept on the page
    submit = client.post(url, {"value-A.3": "compliant", "version-A.3": "1", "submit": "1"})
    assert submit.status_code == 400 and "not answered" in submit.content.decode()
    assert not Questionnaire.objects.get().is_submitted
    client.force_login(other_contact)
    assert client.get(f"/portal/questionnaires/{sent.pk}/").status_code == 404
    assert client.post(url, {"value-A.3": "non_compliant"}).status_code == 404


# --- Reminders ---------------------------------------------------------------------------------------
def test_the_daily_scan_reminds_once_when_due_in_7_days_and_when_overdue(sent, contact, lead_auditor):
    Questionnaire.objects.filter(pk=sent.pk).update(due_date=TODAY + datetime.timedelta(days=5))
    assert reminders.scan()["questionnaires"] == 2
    assert told("questionnaire_due") == sorted([contact.username, lead_auditor.username])
    assert reminders.scan()["questionnaires"] == 0
    lead_note = Notification.objects.get(event="questionnaire_due", recipient=lead_auditor)
    assert lead_note.url == sent.assessment.get_absolute_url()
    assert reminders.scan(TODAY + datetime.timedelta(days=6))["questionnaires"] == 2
    assert told("questionnaire_overdue") == sorted([contact.username, lead_auditor.username])
    Questionnaire.objects.filter(pk=sent.pk).update(submitted_at=timezone.now(), due_date=TODAY)
    assert reminders.scan(TODAY + datetime.timedelta(days=30))["questionnaires"] == 0
