"""An assessment from planned to approved through the API, every illegal step refused with a
clear message and nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import compliant_answers

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def test_planned_to_approved_with_every_illegal_step_refused(
    api, checklist, vendor, lead_auditor, auditor, reviewer, quality_admin
):
    lead = api.as_user(lead_auditor)
    created = post(
        lead,
        "/api/assessments/",
        {
            "vendor": vendor.pk,
            "checklist": checklist.pk,
            "kind": "initial",
            "lead_auditor": lead_auditor.pk,
            "reviewer": reviewer.pk,
            "audit_team": [auditor.pk],
            "mode": "on_site",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    url = f"/api/assessments/{body['id']}/"
    assert body["status"] == "planned"

    # Submitting a planned assessment is out of order.
    refused = post(lead, url + "submit/")
    assert refused.status_code == 409 and "planned" in refused.json()["detail"]

    # Answer everything but one required question: submission lists what is missing.
    items = compliant_answers(checklist)
    missing = items.pop(0)
    assert lead.put(url + "answers/", items, format="json").status_code == 200
    assert Assessment.objects.get(pk=body["id"]).status == "in_progress"
    refused = post(lead, url + "submit/")
    assert refused.status_code == 409
    assert any(missing["question"] in p for p in refused.json()["problems"])
    assert Assessment.objects.get(pk=body["id"]).status == "in_progress"

    assert lead.put(url + "answers/", [missing], format="json").status_code == 200
    # Everything is answered; the questions that require evidence still block, by code, and so
    # does the lead's "performed" signature.
    refused = post(lead, url + "submit/")
    assert refused.status_code == 409
    needing = [p.split(":")[0] for p in refused.json()["problems"]]
    assert needing and all("evidence required" in p for p in refused.json()["problems"])
    assert set(needing) == set(checklist.questions.filter(evidence_required=True).values_list("code", flat=True))
    early = post(lead, url + "signatures/", {"meaning": "performed", "password": PASSWORD})
    assert early.status_code == 409 and early.json()["problems"] == refused.json()["problems"]
    member = api.as_user(auditor)
    for code in needing:
        upload = SimpleUploadedFile(f"{code}.pdf", b"%PDF-1.4 seen on site", content_type="application/pdf")
        response = member.post(url + f"answers/{code}/evidence/", {"file": upload}, format="multipart")
        assert response.status_code == 201, response.json()
    # The auditor (not lead) cannot submit; the lead can.
    assert post(api.as_user(auditor), url + "submit/").status_code == 403
    api.as_user(lead_auditor)
    assert post(lead, url + "submit/").status_code == 200

    # Approval before the lead's "performed" signature is refused and lists it.
    rev = api.as_user(reviewer)
    refused = post(rev, url + "signatures/", {"meaning": "approved", "password": PASSWORD})
    assert refused.status_code == 409
    assert any("performed" in p for p in refused.json()["problems"])

    lead = api.as_user(lead_auditor)
    wrong = post(lead, url + "signatures/", {"meaning": "performed", "password": "wrong password"})
    assert wrong.status_code == 403
    signed = post(lead, url + "signatures/", {"meaning": "performed", "password": PASSWORD})
    assert signed.status_code == 201, signed.json()
    # The lead auditor cannot approve their own assessment.
    assert post(lead, url + "signatures/", {"meaning": "approved", "password": PASSWORD}).status_code == 403

    rev = api.as_user(reviewer)
    approved = post(rev, url + "signatures/", {"meaning": "approved", "password": PASSWORD})
    assert approved.status_code == 201, approved.json()
    assessment = Assessment.objects.get(pk=body["id"])
    assert assessment.status == "approved" and assessment.decision == "approved"
    vendor.refresh_from_db()
    assert vendor.status == "approved" and vendor.next_requalification_due == assessment.requalification_due

    # Locked: every write is a 409 and changes nothing.
    before = lead.get(url + "answers/").json()
    lead = api.as_user(lead_auditor)
    assert (
        lead.put(
            url + "answers/", [{"question": items[0]["question"], "value": "non_compliant"}], format="json"
        ).status_code
        == 409
    )
    assert lead.patch(url, {"scope": "changed"}, format="json").status_code == 409
    assert post(lead, url + "findings/", {"question": items[0]["question"], "description": "x"}).status_code == 409
    assert lead.get(url + "answers/").json() == before

    score = lead.get(url + "score/").json()
    assert score["overall"] == 100.0 and score["risk_rating"] == "low"
    assert score["recommended_decision"] == "approved" and score["requalification_months"] == 24
