"""A reason for a change that is not text (a list, a mapping, a number) is a 400 naming `reason`,
never a 500, on every endpoint that takes one."""

import pytest

from assessments.models import Answer

pytestmark = pytest.mark.django_db

COMPLIANCE = "A.3"


def answers_url(assessment):
    return f"/api/assessments/{assessment.pk}/answers/"


@pytest.mark.parametrize("reason", [[None], {"a": 1}, ["because"], 5, True])
@pytest.mark.parametrize("step", ["cancel", "return", "reopen"])
def test_a_reason_that_is_not_text_is_400_naming_it(api, assessment, lead_auditor, reason, step):
    response = api.as_user(lead_auditor).post(
        f"/api/assessments/{assessment.pk}/{step}/", {"reason": reason}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"reason": ["Must be text."]}


@pytest.mark.parametrize("reason", [[None], {"a": 1}])
def test_a_reason_that_is_not_text_is_400_on_answers_and_findings(api, assessment, lead_auditor, reason):
    client = api.as_user(lead_auditor)
    body = {"answers": [{"question": COMPLIANCE, "value": "compliant"}], "reason": reason}
    response = client.put(answers_url(assessment), body, format="json")
    assert response.status_code == 400 and response.json() == {"reason": ["Must be text."]}
    response = client.post(
        f"/api/assessments/{assessment.pk}/findings/",
        {"question": COMPLIANCE, "classification": "minor", "description": "Gowning", "reason": reason},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_null_reason_is_no_reason(api, assessment, lead_auditor):
    response = api.as_user(lead_auditor).post(
        f"/api/assessments/{assessment.pk}/cancel/", {"reason": None}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()  # a cancel needs one
