"""The report's narrative (objectives, method, people met, documents reviewed, the lead's
conclusion): written by the audit team through PATCH /api/assessments/{id}/ and the "Report
summary" page, both through planning.change_plan, under the rules of the content (not while
submitted, never once approved, a reason after a return), each change in the audit trail, and
covered by the signatures (content version 4)."""

import pytest

from assessments import answers, record, workflow
from assessments.models import Assessment
from audit.models import AuditEntry
from config.limits import LONG_TEXT
from tests.conftest import PASSWORD
from tests.factories import approved_assessment, attach_required_evidence, compliant_answers
from tests.helpers.admin import admin_form_data

pytestmark = pytest.mark.django_db

CONCLUSION = "The site may be approved once the grade B trending gap is closed."
REASON = "Conclusion updated after the reviewer's return."


def narrative_entries(assessment):
    return [
        e
        for e in AuditEntry.objects.filter(assessment_id=assessment.pk, action=AuditEntry.Action.UPDATE)
        if "conclusion" in (e.changes or {}) or "method" in (e.changes or {})
    ]


def submitted(assessment, lead):
    answers.save_answers(assessment, lead, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, lead)
    assessment.refresh_from_db()
    return workflow.submit(assessment, lead)


# --- the API -----------------------------------------------------------------------------------


def test_a_team_member_writes_the_narrative_through_the_api_and_the_trail_keeps_it(auditor_api, assessment, auditor):
    url = f"/api/assessments/{assessment.pk}/"
    response = auditor_api.patch(url, {"conclusion": CONCLUSION, "method": "Two days on site."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["conclusion"] == CONCLUSION and response.json()["method"] == "Two days on site."
    assessment.refresh_from_db()
    assert (assessment.conclusion, assessment.method) == (CONCLUSION, "Two days on site.")
    [entry] = narrative_entries(assessment)
    assert entry.actor_id == auditor.pk and entry.user_full_name == auditor.full_name
    assert entry.changes["conclusion"] == ["", CONCLUSION]
    # The same client reads it back.
    assert auditor_api.get(url).json()["conclusion"] == CONCLUSION


def test_the_reviewer_may_not_write_it_and_a_team_member_may_not_replan_with_it(
    reviewer_api, auditor_api, assessment, lead_auditor
):
    url = f"/api/assessments/{assessment.pk}/"
    assessment_before = Assessment.objects.get(pk=assessment.pk)
    # The assigned reviewer sees it, and may not write it.
    assert reviewer_api.patch(url, {"conclusion": CONCLUSION}, format="json").status_code == 403
    submitted(assessment, lead_auditor)
    workflow.return_for_rework(assessment, assessment.reviewer, "Please describe the method you followed.")
    response = reviewer_api.patch(url, {"conclusion": CONCLUSION, "reason": REASON}, format="json")
    assert response.status_code == 403, response.json()
    # The narrative is the team's; the plan stays the lead's: a mixed change by an auditor is refused whole.
    mixed = {"conclusion": CONCLUSION, "scope": "Everything", "reason": REASON}
    response = auditor_api.patch(url, mixed, format="json")
    assert response.status_code == 403, response.json()
    assessment.refresh_from_db()
    assert (assessment.conclusion, assessment.scope) == (assessment_before.conclusion, assessment_before.scope)
    assert narrative_entries(assessment) == []


def test_read_only_while_submitted_and_once_approved_a_reason_after_a_return(
    lead_api, assessment, lead_auditor, reviewer
):
    url = f"/api/assessments/{assessment.pk}/"
    submitted(assessment, lead_auditor)
    response = lead_api.patch(url, {"conclusion": CONCLUSION, "reason": REASON}, format="json")
    assert response.status_code == 409 and "submitted" in response.json()["detail"]

    workflow.return_for_rework(assessment, reviewer, "Please write the conclusion of the audit.")
    response = lead_api.patch(url, {"conclusion": CONCLUSION}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert lead_api.patch(url, {"conclusion": CONCLUSION, "reason": REASON}, format="json").status_code == 200
    [entry] = narrative_entries(assessment)
    assert entry.reason == REASON and entry.actor_id == lead_auditor.pk

    assessment.refresh_from_db()
    assert Assessment.objects.get(pk=assessment.pk).conclusion == CONCLUSION
    # Too long: a 400 naming the field, nothing changed.
    response = lead_api.patch(url, {"method": "x" * (LONG_TEXT + 1), "reason": REASON}, format="json")
    assert response.status_code == 400 and "method" in response.json()
    assert Assessment.objects.get(pk=assessment.pk).method == ""


def test_once_signed_and_approved_the_narrative_is_read_only(lead_api, checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    response = lead_api.patch(
        f"/api/assessments/{assessment.pk}/", {"conclusion": CONCLUSION, "reason": REASON}, format="json"
    )
    assert response.status_code == 409 and "read-only" in response.json()["detail"]
    assert Assessment.objects.get(pk=assessment.pk).conclusion == ""
    assert narrative_entries(assessment) == []


def test_a_conclusion_changed_after_the_lead_signed_voids_that_signature(lead_api, assessment, lead_auditor):
    answers.save_answers(assessment, lead_auditor, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    signed = lead_api.post(
        f"/api/assessments/{assessment.pk}/signatures/", {"meaning": "performed", "password": PASSWORD}, format="json"
    )
    assert signed.status_code == 201, signed.json()
    assert record.has_valid_signature(assessment, "performed")
    response = lead_api.patch(f"/api/assessments/{assessment.pk}/", {"conclusion": CONCLUSION}, format="json")
    assert response.status_code == 200, response.json()
    assessment.refresh_from_db()
    [state] = record.signature_states(assessment)
    assert not state.valid and state.why_invalid == "the record changed after signing"


# --- the page ----------------------------------------------------------------------------------


def test_the_report_summary_page_saves_through_the_same_rule(client, assessment, auditor):
    client.force_login(auditor)
    url = f"/assessments/{assessment.pk}/summary/"
    page = client.get(url)
    assert page.status_code == 200 and b'name="conclusion"' in page.content and b"Report summary" in page.content
    response = client.post(url, {"conclusion": CONCLUSION, "objectives": "Qualify the site for CAR-T."})
    assert response.status_code == 302 and response["Location"] == url
    assessment.refresh_from_db()
    assert (assessment.conclusion, assessment.objectives) == (CONCLUSION, "Qualify the site for CAR-T.")
    [entry] = narrative_entries(assessment)
    assert entry.actor_id == auditor.pk and entry.changes["conclusion"] == ["", CONCLUSION]
    assert "Report summary saved." in client.get(url).content.decode()
    # A post that leaves a field out does not blank it.
    assert client.post(url, {"method": "Two days on site."}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.method, assessment.objectives) == ("Two days on site.", "Qualify the site for CAR-T.")
    # Too long: the page again with the error (400), nothing changed.
    response = client.post(url, {"conclusion": "x" * (LONG_TEXT + 1)})
    assert response.status_code == 400 and b"error" in response.content
    assert Assessment.objects.get(pk=assessment.pk).conclusion == CONCLUSION


def test_the_page_is_read_only_for_the_reviewer_and_once_approved(client, checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    Assessment.objects.filter(pk=assessment.pk).update(conclusion=CONCLUSION)  # as it was signed
    url = f"/assessments/{assessment.pk}/summary/"
    for user in (reviewer, lead_auditor):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert CONCLUSION in page and 'name="conclusion"' not in page and "read-only" in page
        response = client.post(url, {"conclusion": "Changed after approval."}, follow=True)
        assert "read-only" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).conclusion == CONCLUSION
    assert narrative_entries(assessment) == []


def test_the_admin_shows_the_narrative_and_its_plan_changes_leave_it_alone(client, assessment, quality_admin):
    Assessment.objects.filter(pk=assessment.pk).update(conclusion=CONCLUSION)
    client.force_login(quality_admin)
    change_url = f"/admin/assessments/assessment/{assessment.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200 and CONCLUSION in page.content.decode()
    assert 'name="conclusion"' not in page.content.decode()  # read-only there: the audit team writes it
    data = admin_form_data(page)
    data.update(scope="Autologous CAR-T drug product", conclusion="Written in the admin.")
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment.refresh_from_db()
    assert (assessment.scope, assessment.conclusion) == ("Autologous CAR-T drug product", CONCLUSION)
