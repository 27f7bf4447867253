"""Two smaller rules of #10 (point 14): a corrective action is never planned, nor moved, to a due
date in the past; a finding classed lower than the class proposed from its question's severity
carries a written rationale. Through the API, the pages and the rule module alike."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessments import findings
from assessments.models import CorrectiveAction, Finding
from audit.models import AuditEntry
from checklists.models import Question
from config.exceptions import InvalidInput
from tests.helpers.api import assessment_url as url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def severity(checklist, level, criterion="D"):
    return Question.objects.filter(checklist=checklist, severity=level, criterion__code=criterion).first()


def raise_(client, assessment, **body):
    body.setdefault("description", "Deviation seen on site")
    return client.post(url(assessment, "findings/"), body, format="json")


def a_finding(assessment, checklist):
    question = severity(checklist, 4)
    return findings.raise_finding(assessment, assessment.lead_auditor, question=question, description="Gap")


def plan(client, finding, due_date):
    return client.post(
        f"/api/findings/{finding.pk}/actions/",
        {"description": "Retrain", "owner": "Head of QA", "due_date": due_date.isoformat()},
        format="json",
    )


# --- due dates ----------------------------------------------------------------------------------


def test_an_action_due_in_the_past_is_400_and_not_planned(lead_api, assessment, checklist):
    finding = a_finding(assessment, checklist)
    for past in (TODAY() - timedelta(days=1), TODAY() - timedelta(days=400)):
        response = plan(lead_api, finding, past)
        assert response.status_code == 400, response.json()
        assert "in the past" in response.json()["due_date"][0]
    assert not CorrectiveAction.objects.exists()
    assert plan(lead_api, finding, TODAY()).status_code == 201  # due today is allowed
    assert plan(lead_api, finding, TODAY() + timedelta(days=90)).status_code == 201


def test_moving_the_due_date_into_the_past_is_400_and_changes_nothing(lead_api, assessment, checklist):
    finding = a_finding(assessment, checklist)
    action = plan(lead_api, finding, TODAY() + timedelta(days=30)).json()
    response = lead_api.patch(
        f"/api/corrective-actions/{action['id']}/",
        {"due_date": (TODAY() - timedelta(days=1)).isoformat(), "owner": "Someone else"},
        format="json",
    )
    assert response.status_code == 400 and "due_date" in response.json()
    kept = CorrectiveAction.objects.get(pk=action["id"])
    assert (kept.due_date, kept.owner) == (TODAY() + timedelta(days=30), "Head of QA")
    later = (TODAY() + timedelta(days=60)).isoformat()
    assert (
        lead_api.patch(f"/api/corrective-actions/{action['id']}/", {"due_date": later}, format="json").json()[
            "due_date"
        ]
        == later
    )

    # An action whose date has passed since is overdue, and its other fields still change.
    CorrectiveAction.objects.filter(pk=action["id"]).update(due_date=TODAY() - timedelta(days=5))
    response = lead_api.patch(f"/api/corrective-actions/{action['id']}/", {"owner": "QA manager"}, format="json")
    assert response.status_code == 200 and response.json()["overdue"] is True


def test_the_findings_page_refuses_a_past_due_date(client, assessment, checklist, auditor):
    finding = a_finding(assessment, checklist)
    client.force_login(auditor)
    response = client.post(
        f"/assessments/{assessment.pk}/findings/",
        {
            "finding": finding.pk,
            "description": "Retrain",
            "owner": "QA",
            "due_date": (TODAY() - timedelta(days=1)).isoformat(),
        },
        follow=True,
    )
    assert "in the past" in response.content.decode()
    assert not CorrectiveAction.objects.exists()


def test_the_rule_module_refuses_it_too(assessment, checklist, lead_auditor):
    finding = a_finding(assessment, checklist)
    with pytest.raises(InvalidInput) as refused:
        findings.plan_action(finding, lead_auditor, description="d", owner="o", due_date=TODAY() - timedelta(days=1))
    assert "due_date" in refused.value.errors
    # The demo data rebuilds past audits: the day it was planned is then given.
    planned = findings.plan_action(
        finding,
        lead_auditor,
        description="d",
        owner="o",
        due_date=TODAY() - timedelta(days=300),
        planned_on=TODAY() - timedelta(days=360),
    )
    assert planned.overdue


# --- downgrading a finding ------------------------------------------------------------------------


def test_a_downgrade_without_rationale_is_400_and_with_one_201(lead_api, assessment, checklist):
    question = severity(checklist, 5)  # proposed: critical
    for body in ({}, {"downgrade_rationale": ""}, {"downgrade_rationale": "   "}):
        response = raise_(lead_api, assessment, question=question.code, classification="major", **body)
        assert response.status_code == 400, response.json()
        assert "lower than the proposed critical" in response.json()["downgrade_rationale"][0]
    assert not Finding.objects.exists()

    why = "Single occurrence, detected by the vendor's own review before release."
    response = raise_(lead_api, assessment, question=question.code, classification="major", downgrade_rationale=why)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["classification"], body["proposed_classification"], body["downgrade_rationale"]) == (
        "major",
        "critical",
        why,
    )
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Finding), object_pk=str(body["id"]))
    assert entry.changes["downgrade_rationale"][1] == why

    # The proposed class, or a higher one, needs none; every class below the proposal does.
    assert raise_(lead_api, assessment, question=question.code).status_code == 201
    minor_question = Question.objects.filter(checklist=checklist, severity__lte=3).first()  # proposed: minor
    assert raise_(lead_api, assessment, question=minor_question.code, classification="critical").status_code == 201
    assert raise_(lead_api, assessment, question=minor_question.code, classification="observation").status_code == 400
    # On a whole criterion minor is proposed: an observation is a downgrade too.
    response = raise_(lead_api, assessment, criterion="D", classification="observation")
    assert response.status_code == 400 and "downgrade_rationale" in response.json()


def test_reclassifying_lower_needs_the_rationale_and_it_cannot_be_blanked(lead_api, assessment, checklist):
    question = severity(checklist, 4)  # proposed: major
    finding = raise_(lead_api, assessment, question=question.code).json()
    detail = f"/api/findings/{finding['id']}/"
    response = lead_api.patch(detail, {"classification": "minor"}, format="json")
    assert response.status_code == 400 and "downgrade_rationale" in response.json()
    assert Finding.objects.get(pk=finding["id"]).classification == "major"

    why = "Isolated, outside the GMP areas."
    response = lead_api.patch(detail, {"classification": "minor", "downgrade_rationale": why}, format="json")
    assert response.status_code == 200 and response.json()["downgrade_rationale"] == why
    response = lead_api.patch(detail, {"downgrade_rationale": " "}, format="json")
    assert response.status_code == 400 and "downgrade_rationale" in response.json()
    kept = Finding.objects.get(pk=finding["id"])
    assert (kept.classification, kept.downgrade_rationale) == ("minor", why)
    # Back to the proposed class: nothing more to justify.
    assert lead_api.patch(detail, {"classification": "major"}, format="json").status_code == 200


def test_the_workspace_page_asks_for_the_rationale(client, assessment, checklist, auditor):
    question = severity(checklist, 5)
    client.force_login(auditor)
    form_url = f"/assessments/{assessment.pk}/answers/{question.code}/finding-form/"
    page = client.get(form_url).content.decode()  # the form the question's "Raise a finding" opens
    assert f'name="downgrade_rationale" id="fdown-{question.code}"' in page
    body = {"question": question.code, "classification": "minor", "description": "Media fill late"}
    response = client.post(f"/assessments/{assessment.pk}/findings/new/", body, follow=True)
    assert "lower than the proposed critical" in response.content.decode()
    assert not Finding.objects.exists()
    why = "The media fill was late by two days, with no intervention missing."
    client.post(f"/assessments/{assessment.pk}/findings/new/", {**body, "downgrade_rationale": why})
    finding = Finding.objects.get()
    assert (finding.classification, finding.downgrade_rationale) == ("minor", why)
    assert why in client.get(f"/assessments/{assessment.pk}/findings/").content.decode()
