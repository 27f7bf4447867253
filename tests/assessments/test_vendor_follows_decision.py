"""On approval the vendor's status, risk rating and due date follow the decision, and a
conditional approval is lifted once every major finding's corrective action is verified."""

import pytest
from django.test import RequestFactory

from assessments import findings
from assessments.models import CorrectiveAction
from tests.conftest import PASSWORD
from tests.factories import approved_assessment

pytestmark = pytest.mark.django_db


def test_conditional_approval_is_lifted_when_major_actions_are_verified(checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    vendor.refresh_from_db()
    assert (vendor.status, vendor.risk_rating) == ("conditionally_approved", "high")
    action = CorrectiveAction.objects.get(finding__assessment=assessment)
    findings.update_action(action, lead_auditor, status="response_received", vendor_action="New EM SOP")
    vendor.refresh_from_db()
    assert vendor.status == "conditionally_approved"
    # Effectiveness is verified by an independent QA reviewer's signature, never by the team.
    findings.verify_action(
        action, reviewer, "Three months of EM data reviewed on site", PASSWORD, request=RequestFactory().post("/")
    )
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    from audit.models import AuditEntry

    entry = AuditEntry.objects.filter(object_pk=str(vendor.pk), changes__has_key="status").latest("timestamp")
    assert "conditional approval is lifted" in entry.reason


def test_approval_sets_the_vendor_risk_rating(checklist, vendor, lead_auditor, reviewer, api):
    approved_assessment(checklist, vendor, lead_auditor, reviewer)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.risk_rating) == ("approved", "low")
    body = api.as_user(reviewer).get(f"/api/vendors/{vendor.pk}/").json()
    assert body["risk_rating"] == "low" and body["status"] == "approved"
