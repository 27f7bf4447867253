"""docs/domain.md §3: a vendor not approved is re-audited after its CAPA within 6 months, not at
the routine interval of the requalification matrix; the score endpoint agrees with the due date."""

import pytest
from django.utils import timezone

from assessments import scoring
from tests.helpers.qualification import decided_assessment


@pytest.mark.django_db
def test_a_not_approved_decision_gives_a_re_audit_within_6_months_not_the_routine_interval(
    api, checklist, vendor, lead_auditor, reviewer
):
    # Rated low for a high-risk service: the matrix says 24 months; "not approved" says 6.
    assessment = decided_assessment(
        checklist, vendor, lead_auditor, reviewer, "not_approved", "Sterility failures found after the audit."
    )
    due = scoring.requalification_due(timezone.localdate(assessment.approved_at), 6)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.next_requalification_due, assessment.requalification_due) == (
        "not_approved",
        due,
        due,
    )
    score = api.as_user(reviewer).get(f"/api/assessments/{assessment.pk}/score/").json()
    assert (score["recommended_decision"], score["requalification_months"]) == ("approved", 6)


def test_requalification_months_of_a_not_approved_decision():
    assert scoring.requalification_months("high", "low") == 24
    assert scoring.requalification_months("high", "low", decision="approved") == 24
    assert scoring.requalification_months("high", "low", decision="not_approved") == 6
    assert scoring.requalification_months("low", "critical", decision="not_approved") == 6
    assert scoring.requalification_months(None, None, decision="not_approved") == 6
    sooner = scoring.ScoringSettings.from_dict({"requalification_months": {"high": {"low": 3}}})
    assert scoring.requalification_months("high", "low", sooner, decision="not_approved") == 3
    with pytest.raises(ValueError):
        scoring.requalification_months("high", "low", decision="maybe")
