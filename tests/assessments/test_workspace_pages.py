"""The workspace and review pages through the Django test client: autosave by question,
conflicts, conditional questions, evidence, findings, submit, sign and approve."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Answer, Assessment, Finding
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client, assessment, code, **data):
    return client.post(f"/assessments/{assessment.pk}/answers/{code}/", data, **HTMX)


def test_workspace_shows_criteria_sidebar_and_questions_with_guidance(client, assessment, auditor):
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    assert 'data-testid="progress-A"' in page and "D. Contamination control" in page
    assert 'id="question-D.1"' in page and "Guidance and reference" in page
    assert 'name="value" value="compliant"' in page


def test_autosave_saves_and_returns_the_new_version_and_live_score(client, assessment, auditor):
    client.force_login(auditor)
    response = save(client, assessment, "B.1", value="partial", comment="Two transfers seen", version="0")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body and 'id="version-B.1" value="1"' in body and 'data-testid="score-B"' in body
    answer = Answer.objects.get(assessment=assessment, question__code="B.1")
    assert (answer.value, answer.comment, answer.version) == ("partial", "Two transfers seen", 1)
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"


def test_a_stale_save_shows_both_values_and_keeps_the_stored_one(client, assessment, auditor, lead_auditor):
    client.force_login(auditor)
    save(client, assessment, "B.1", value="compliant", version="0")
    client.force_login(lead_auditor)
    response = save(client, assessment, "B.1", value="non_compliant", comment="mine", version="0")
    assert response.status_code == 409
    body = response.content.decode()
    assert "someone else changed this answer" in body and "Keep my answer" in body
    assert "compliant" in body and "non_compliant" in body
    assert Answer.objects.get(assessment=assessment, question__code="B.1").value == "compliant"
    # Keeping mine sends the current version: it wins, on purpose.
    assert save(client, assessment, "B.1", value="non_compliant", version="1").status_code == 200
    assert Answer.objects.get(assessment=assessment, question__code="B.1").value == "non_compliant"


def test_bad_value_is_refused_with_a_message(client, assessment, auditor):
    client.force_login(auditor)
    response = save(client, assessment, "A.1", value="lots", version="0")
    assert response.status_code == 400 and "Not saved" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment, question__code="A.1").exists()


def test_conditional_questions_follow_their_condition(client, assessment, auditor, checklist):
    conditional = checklist.questions.exclude(condition_question="").first()
    client.force_login(auditor)
    signal = f'id="visibility-{conditional.code}" hx-swap-oob="true" data-applies='
    body = save(client, assessment, conditional.condition_question, value="no", version="0").content.decode()
    assert signal + '"0"' in body
    body = save(client, assessment, conditional.condition_question, value="yes", version="1").content.decode()
    assert signal + '"1"' in body


def test_evidence_upload_and_download(client, assessment, auditor, make_user):
    client.force_login(auditor)
    upload = SimpleUploadedFile("media-fill.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    response = client.post(f"/assessments/{assessment.pk}/answers/D.3/evidence/", {"file": upload}, **HTMX)
    assert response.status_code == 200 and "media-fill.pdf" in response.content.decode()
    evidence = Answer.objects.get(assessment=assessment, question__code="D.3").evidence.get()
    assert client.get(f"/evidence/{evidence.pk}/download/").status_code == 200
    client.force_login(make_user("outsider", "auditor"))
    assert client.get(f"/evidence/{evidence.pk}/download/").status_code == 404


def test_raise_a_finding_with_the_proposed_class(client, assessment, auditor, checklist):
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    severity5 = checklist.questions.filter(severity=5, criterion__code="D").first()
    # The form is fetched when "Raise a finding" is opened, not rendered on every question.
    form_url = f"/assessments/{assessment.pk}/answers/{severity5.code}/finding-form/"
    assert f'hx-get="{form_url}"' in page and 'name="fmea_severity"' not in page
    form = client.get(form_url, **HTMX)
    assert form.status_code == 200
    html = form.content.decode()
    assert '<option value="critical" selected>' in html and 'name="fmea_severity"' in html
    assert f'value="/assessments/{assessment.pk}/?criterion=D#question-{severity5.code}"' in html  # back to it
    response = client.post(
        f"/assessments/{assessment.pk}/findings/new/",
        {
            "question": severity5.code,
            "classification": "critical",
            "description": "Media fill failed",
            "requirement": severity5.reference,
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(assessment=assessment)
    assert (finding.classification, finding.proposed_classification) == ("critical", "critical")
    assert "Media fill failed" in client.get(f"/assessments/{assessment.pk}/findings/").content.decode()


def test_the_finding_form_is_for_whoever_may_change_the_record(client, assessment, auditor, reviewer, make_user):
    """A QA reviewer sees the record but writes none of it: no form (403); an outsider does not
    see it at all (404); an unknown question is a 404; only GET is answered."""
    url = f"/assessments/{assessment.pk}/answers/D.1/finding-form/"
    client.force_login(reviewer)
    assert client.get(url, **HTMX).status_code == 403
    client.force_login(make_user("outsider-2", "auditor"))
    assert client.get(url, **HTMX).status_code == 404
    client.force_login(auditor)
    assert client.get(f"/assessments/{assessment.pk}/answers/Z.99/finding-form/", **HTMX).status_code == 404
    assert client.post(url, **HTMX).status_code == 405
    assert client.get(url, **HTMX).status_code == 200


def test_outsiders_get_404(client, assessment, make_user):
    client.force_login(make_user("outsider", "auditor"))
    for url in (
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/review/",
        f"/assessments/{assessment.pk}/findings/",
    ):
        assert client.get(url).status_code == 404, url


def test_submit_sign_and_approve_through_the_pages(client, assessment, lead_auditor, reviewer, checklist):
    from assessments import answers

    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    client.force_login(lead_auditor)
    client.post(f"/assessments/{assessment.pk}/step/submit/")
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    client.post(
        f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "password": PASSWORD, "username": "lead"}
    )
    client.force_login(reviewer)
    page = client.get(f"/assessments/{assessment.pk}/review/").content.decode()
    assert "Approve and sign" in page and "Lead Tester, performed" in page
    client.post(
        f"/assessments/{assessment.pk}/sign/", {"meaning": "approved", "password": "wrong", "username": "reviewer"}
    )
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    client.post(
        f"/assessments/{assessment.pk}/sign/",
        {"meaning": "approved", "password": PASSWORD, "decision": "approved", "username": "reviewer"},
    )
    assert Assessment.objects.get(pk=assessment.pk).status == "approved"

    # Reopening is a signature too: the review page offers it, a reason of a sentence and the password.
    page = client.get(f"/assessments/{assessment.pk}/review/").content.decode()
    assert 'value="reopened"' in page and "Sign and reopen" in page
    client.post(f"/assessments/{assessment.pk}/sign/", {"meaning": "reopened", "password": PASSWORD, "reason": "typo"})
    assert Assessment.objects.get(pk=assessment.pk).status == "approved"
    reason = "The vendor reported a sterility failure after approval."
    client.post(f"/assessments/{assessment.pk}/sign/", {"meaning": "reopened", "password": PASSWORD, "reason": reason})
    reopened = Assessment.objects.get(pk=assessment.pk)
    assert reopened.status == "in_progress" and reopened.signatures.filter(meaning="reopened").count() == 1


def test_plan_an_assessment(client, lead_auditor, auditor, reviewer, vendor, checklist):
    client.force_login(lead_auditor)
    assert client.get("/assessments/new/").status_code == 200
    response = client.post(
        "/assessments/new/",
        {
            "vendor": vendor.pk,
            "checklist": checklist.pk,
            "kind": "initial",
            "mode": "remote",
            "lead_auditor": lead_auditor.pk,
            "audit_team": [auditor.pk],
            "reviewer": reviewer.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = Assessment.objects.get()
    assert assessment.created_by == lead_auditor and list(assessment.audit_team.all()) == [auditor]


def test_first_signature_of_a_session_needs_the_user_name(client, assessment, lead_auditor, checklist):
    """21 CFR 11.200(a)(1)(i): user name and password at the first signing of a session, then the
    password alone."""
    from assessments import answers
    from assessments.models import Signature

    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'name="username"' in page
    client.post(f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "password": PASSWORD})
    assert not Signature.objects.exists()
    client.post(
        f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "password": PASSWORD, "username": "lead"}
    )
    assert Signature.objects.count() == 1
    assert 'name="username"' not in client.get(f"/assessments/{assessment.pk}/").content.decode()
