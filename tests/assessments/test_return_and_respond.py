"""Return and respond: the reviewer's reason is kept as a record of its own and shown where the team
works; the lead must answer it to resubmit; the reviewer sees the response and what changed in the
answers, evidence, findings and actions since the return. Through the API and the pages."""

import pytest

from assessments import answers, workflow
from assessments.models import ReviewReturn
from audit.context import acting
from audit.models import AuditEntry
from tests.helpers import records

pytestmark = pytest.mark.django_db
REASON = "D.3: the media fill evidence is of the wrong batch."


@pytest.fixture
def returned(assessment, lead_auditor, reviewer, reviewer_api):
    records.submitted(assessment, lead_auditor)
    response = reviewer_api.post(f"/api/assessments/{assessment.pk}/return/", {"reason": REASON}, format="json")
    assert response.status_code == 200, response.json()
    return records.fresh(assessment)


def test_the_return_is_kept_and_the_lead_must_answer_it_to_resubmit(returned, lead_api, lead_auditor, reviewer):
    (ret,) = ReviewReturn.objects.filter(assessment=returned)
    assert ret.reason == REASON and ret.returned_by == reviewer and ret.is_open
    assert AuditEntry.objects.filter(content_type__model="reviewreturn", object_pk=str(ret.pk)).exists()

    refused = lead_api.post(f"/api/assessments/{returned.pk}/submit/", {}, format="json")
    assert refused.status_code == 400 and "a response is required to resubmit" in refused.json()["response"][0]
    assert records.fresh(returned).status == "returned"

    answers.save_answers(
        records.fresh(returned), lead_auditor, [{"question": "A.3", "value": "partial"}], reason="Right batch now"
    )
    ok = lead_api.post(
        f"/api/assessments/{returned.pk}/submit/", {"response": "Replaced the media fill record."}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "submitted", ok.json()
    ret.refresh_from_db()
    assert ret.response == "Replaced the media fill record." and ret.responded_by == lead_auditor and not ret.is_open

    listed = lead_api.get(f"/api/assessments/{returned.pk}/returns/").json()
    assert [(r["reason"], r["response"], r["returned_by"], r["responded_by"]) for r in listed] == [
        (REASON, "Replaced the media fill record.", "reviewer", "lead")
    ]


def test_a_first_submission_needs_no_response(assessment, lead_api, lead_auditor):
    records.completed(assessment, lead_auditor)
    assert lead_api.post(f"/api/assessments/{assessment.pk}/submit/", {}, format="json").status_code == 200
    assert not ReviewReturn.objects.exists()


def test_the_workspace_shows_the_reason_and_asks_for_the_response(client, returned, lead_auditor, auditor):
    for user in (lead_auditor, auditor):
        client.force_login(user)
        page = client.get(f"/assessments/{returned.pk}/").content.decode()
        assert "Returned for rework" in page and "the media fill evidence is of the wrong batch." in page
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{returned.pk}/").content.decode()
    assert 'name="response"' in page and "Resubmit for review" in page

    refused = client.post(f"/assessments/{returned.pk}/step/submit/", follow=True)
    assert "a response is required to resubmit" in refused.content.decode()
    assert records.fresh(returned).status == "returned"
    client.post(f"/assessments/{returned.pk}/step/submit/", {"response": "Done: right batch attached."})
    assert records.fresh(returned).status == "submitted"
    assert "Returned for rework" not in client.get(f"/assessments/{returned.pk}/").content.decode()


def test_the_reviewer_sees_the_response_and_what_changed_since(client, returned, lead_auditor, reviewer):
    with acting(lead_auditor):
        answers.save_answers(
            records.fresh(returned), lead_auditor, [{"question": "A.3", "value": "partial"}], reason="Right batch now"
        )
        workflow.submit(records.fresh(returned), lead_auditor, response="Replaced the media fill record.")
    client.force_login(reviewer)
    page = client.get(f"/assessments/{returned.pk}/review/").content.decode()
    section = page[page.index('class="return-round"') : page.index("</section>", page.index('class="return-round"'))]
    assert "the media fill evidence is of the wrong batch." in section
    assert "Replaced the media fill record." in section and "by Lead Tester" in section
    assert "1 change to answers" in section
    assert "<code>value</code>: <del>compliant</del>" in section and "<ins>partial</ins>" in section
    assert "<td>Lead Tester</td>" in section
