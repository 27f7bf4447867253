"""Return and respond in a real browser: the reviewer returns a submitted assessment with a reason,
the team sees it as a banner where they work, the lead reworks an answer and resubmits with a
response, and the reviewer sees the response and the change since the return."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from assessments import workflow
from tests.helpers import records

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]
REASON = "A.3: the batch record reviewed is not the one released."


def test_return_banner_response_and_the_reviewers_view_of_what_changed(
    pages, assessment, lead_auditor, auditor, reviewer
):
    records.submitted(assessment, lead_auditor)

    review = pages.login(reviewer)
    review.goto(f"/assessments/{assessment.pk}/review/")
    review.get_by_role("button", name="Return for rework").click()  # the <summary> opens the form
    review.locator("#return-reason").fill(REASON)
    review.get_by_role("button", name="Return", exact=True).click()
    expect(review.locator(".return-round")).to_contain_text(REASON)
    expect(review.locator(".return-round")).to_contain_text("Not answered yet")

    lead = pages.login(lead_auditor)
    lead.goto(f"/assessments/{assessment.pk}/?criterion=A")
    banner = lead.locator(".return-banner")
    expect(banner).to_contain_text("Returned for rework")
    expect(banner).to_contain_text("by Reviewer Tester")
    expect(banner).to_contain_text(REASON)
    lead.locator("#change-reason").fill("The released batch's record was reviewed again")
    with lead.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.3/")):
        lead.locator('[id="question-A.3"]').get_by_role("radio", name="Partially compliant", exact=True).check()
    lead.locator("#return-response").fill("Reviewed the released batch's record: partly compliant.")
    lead.get_by_role("button", name="Resubmit for review").click()
    expect(lead.locator(".return-banner")).to_have_count(0)
    assert records.fresh(assessment).status == workflow.Status.SUBMITTED

    review.goto(f"/assessments/{assessment.pk}/review/")
    round_ = review.locator(".return-round")
    expect(round_).to_contain_text("Reviewed the released batch's record: partly compliant.")
    expect(round_).to_contain_text("by Lead Tester")
    expect(round_.locator(".return-changes")).to_contain_text("compliant")
    expect(round_.locator(".return-changes ins").first).to_have_text("partial")
    pages.screenshot(review, "review-after-return")
