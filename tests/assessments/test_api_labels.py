"""The API gives each stored choice beside its label, as the pages show it (`*_display`): a client
need not keep its own copy of the product's words."""

import datetime

import pytest

from assessments import findings
from assessments.models import Assessment

pytestmark = pytest.mark.django_db


def test_assessment_finding_and_action_carry_their_labels(lead_api, assessment, lead_auditor, checklist):
    body = lead_api.get(f"/api/assessments/{assessment.pk}/").json()
    assert (body["status"], body["status_display"]) == ("planned", "Planned")
    assert (
        body["kind_display"] == assessment.get_kind_display() and body["mode_display"] == assessment.get_mode_display()
    )
    assert body["decision"] is None and body["decision_display"] is None and body["risk_rating_display"] is None

    Assessment.objects.filter(pk=assessment.pk).update(decision="conditionally_approved", risk_rating="medium")
    body = lead_api.get(f"/api/assessments/{assessment.pk}/").json()
    assert body["decision_display"] == "Conditionally approved" and body["risk_rating_display"] == "Medium"

    finding = findings.raise_finding(
        assessment, lead_auditor, criterion=checklist.criteria.first(), classification="major", description="Gap."
    )
    findings.plan_action(
        finding, lead_auditor, description="Fix.", owner="Vendor QA", due_date=datetime.date(2031, 1, 31)
    )
    (listed,) = lead_api.get(f"/api/assessments/{assessment.pk}/findings/").json()["results"]
    assert (listed["classification"], listed["classification_display"]) == ("major", "Major")
    assert listed["actions"][0]["status_display"] == "Open"
