"""Findings, the PIC/S minor-cluster review and corrective actions through the API, and what
approval does with them (docs/domain.md §3, docs/api.md)."""

import calendar
from datetime import date, timedelta

import pytest

from accounts.roles import Role
from assessments.models import Assessment, CorrectiveAction, Finding, MinorFindingsReview, Signature
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, published_checklist
from tests.helpers.api import assessment_url as url

pytestmark = pytest.mark.django_db

# A small checklist of our own (loading the 66-question built-in one for every test is slow).
SMALL = [
    {
        "code": "A",
        "title": "Manufacturing experience",
        "questions": [
            {"code": "A.1", "text": "Batch records complete?", "answer_type": "compliance", "severity": 3},
            {"code": "A.2", "text": "ATMP authorisation?", "answer_type": "compliance", "severity": 4},
            {
                "code": "A.3",
                "text": "Deviations trended?",
                "answer_type": "yes_no",
                "expected_answer": "yes",
                "severity": 2,
            },
            {"code": "A.4", "text": "CAPA maturity", "answer_type": "maturity", "severity": 3},
            {"code": "A.5", "text": "Notes", "answer_type": "text", "required": False, "severity": 1},
        ],
    },
    {
        "code": "C",
        "title": "Environmental monitoring",
        "questions": [
            {"code": "C.1", "text": "Grade A continuously monitored?", "answer_type": "compliance", "severity": 5},
            {
                "code": "C.2",
                "text": "Grade A viable counts (CFU)",
                "answer_type": "numeric",
                "max_value": 0,
                "severity": 5,
            },
        ],
    },
    {
        "code": "D",
        "title": "Contamination control",
        "questions": [
            {"code": "D.1", "text": "Contamination control strategy?", "answer_type": "compliance", "severity": 4},
        ],
    },
]
# Questions by severity: C.1 is 5, A.2 is 4, A.1 is 3, A.5 is 1.
SEV5, SEV4, SEV3, SEV1 = "C.1", "A.2", "A.1", "A.5"


@pytest.fixture
def checklist(db):
    return published_checklist("T-FINDINGS", "Findings test checklist", SMALL)


def raise_(client, assessment, expect=201, **body):
    body.setdefault("description", "Deviation seen on site")
    response = client.post(url(assessment, "findings/"), body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def plan(client, finding_id, expect=201, **body):
    body = {
        "description": "Revise the SOP and retrain",
        "owner": "Dr. Jane Roe, Head of QA",
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        **body,
    }
    response = client.post(f"/api/findings/{finding_id}/actions/", body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def patch(client, action_id, body, **extra):
    return client.patch(f"/api/corrective-actions/{action_id}/", body, format="json", **extra)


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- raising findings ------------------------------------------------------------------------


def test_the_class_is_proposed_from_severity_and_the_auditor_may_override(lead_api, assessment):
    # api.md body: {"question": code, "classification": ..., "description": ...}; without a class, the proposal.
    critical = raise_(lead_api, assessment, question=SEV5)
    major = raise_(lead_api, assessment, question=SEV4)
    minor = raise_(lead_api, assessment, question=SEV3)
    low = raise_(lead_api, assessment, question=SEV1)
    assert [(f["classification"], f["proposed_classification"]) for f in (critical, major, minor, low)] == [
        ("critical", "critical"),
        ("major", "major"),
        ("minor", "minor"),
        ("minor", "minor"),
    ]

    overridden = raise_(
        lead_api,
        assessment,
        question=SEV5,
        classification="minor",
        description="Grade A particle counts not trended for one month",
        downgrade_rationale="One month only, counts within limits throughout",
        requirement="EU GMP Annex 1 (2022) 9.30",
    )
    assert overridden["classification"] == "minor"
    assert overridden["downgrade_rationale"] == "One month only, counts within limits throughout"
    assert overridden["proposed_classification"] == "critical"  # kept for the record
    upgraded = raise_(lead_api, assessment, question=SEV3, classification="critical", description="Falsified records")
    assert (upgraded["classification"], upgraded["proposed_classification"]) == ("critical", "minor")

    assert overridden["question"] == SEV5 and overridden["criterion"] == "C"
    assert overridden["reference"] == "F-05" and overridden["number"] == 5
    assert overridden["description"] == "Grade A particle counts not trended for one month"
    assert overridden["requirement"] == "EU GMP Annex 1 (2022) 9.30"
    assert overridden["actions"] == [] and overridden["rpn"] is None
    listed = lead_api.get(url(assessment, "findings/")).json()["results"]
    assert [f["reference"] for f in listed] == ["F-01", "F-02", "F-03", "F-04", "F-05", "F-06"]
    # A PATCH cannot rewrite what was proposed.
    response = lead_api.patch(
        f"/api/findings/{overridden['id']}/",
        {"classification": "major", "proposed_classification": "observation"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["classification"], response.json()["proposed_classification"]) == ("major", "critical")
    assert lead_api.get(url(assessment, "score/")).json()["findings"] == {
        "critical": 2,
        "major": 2,
        "minor": 2,
        "observation": 0,
    }


def test_a_finding_on_a_whole_criterion(lead_api, assessment):
    body = raise_(lead_api, assessment, criterion="D", description="No contamination control strategy at all")
    assert body["question"] is None and body["criterion"] == "D"
    assert body["classification"] == "minor"  # no question, no severity: minor is proposed
    body = raise_(lead_api, assessment, criterion="D", classification="major", description="Media fills overdue")
    assert (body["classification"], body["proposed_classification"]) == ("major", "minor")
    assert Finding.objects.filter(assessment=assessment, criterion__code="D", question=None).count() == 2


def test_bad_findings_are_400_and_nothing_is_saved(lead_api, assessment):
    for body, field in [
        ({"question": "Z.99"}, "question"),
        ({"criterion": "Z"}, "criterion"),
        ({}, "question"),
        ({"question": SEV3, "classification": "catastrophic"}, "classification"),
        ({"question": SEV3, "description": ""}, "description"),
        ({"question": SEV3, "fmea_severity": 6}, "fmea_severity"),
        ({"question": SEV3, "fmea_occurrence": 0}, "fmea_occurrence"),
        ({"question": SEV3, "fmea_detectability": "high"}, "fmea_detectability"),
    ]:
        response = lead_api.post(url(assessment, "findings/"), {"description": "x", **body}, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert not Finding.objects.exists()


def test_fmea_scores_and_rpn(lead_api, assessment):
    body = raise_(lead_api, assessment, question=SEV4, fmea_severity=4, fmea_occurrence=3, fmea_detectability=2)
    assert (body["fmea_severity"], body["fmea_occurrence"], body["fmea_detectability"]) == (4, 3, 2)
    assert body["rpn"] == 24  # 4 x 3 x 2
    assert (
        raise_(lead_api, assessment, question=SEV4, fmea_severity=5, fmea_occurrence=5, fmea_detectability=5)["rpn"]
        == 125
    )
    assert (
        raise_(lead_api, assessment, question=SEV4, fmea_severity=1, fmea_occurrence=1, fmea_detectability=1)["rpn"]
        == 1
    )
    assert raise_(lead_api, assessment, question=SEV4, fmea_severity=5)["rpn"] is None  # not all three scored
    response = lead_api.patch(f"/api/findings/{body['id']}/", {"fmea_detectability": 5}, format="json")
    assert response.status_code == 200 and response.json()["rpn"] == 60  # 4 x 3 x 5
    response = lead_api.patch(f"/api/findings/{body['id']}/", {"fmea_detectability": 6}, format="json")
    assert response.status_code == 400 and "fmea_detectability" in response.json()
    assert Finding.objects.get(pk=body["id"]).fmea_detectability == 5


# --- three minor findings in one criterion (PIC/S) ------------------------------------------


def three_minors(client, assessment, criterion_questions=("A.1", "A.3", "A.4")):
    return [raise_(client, assessment, question=q, classification="minor") for q in criterion_questions]


def test_three_minor_findings_block_submission_until_justified(lead_api, assessment):
    assert (
        lead_api.put(url(assessment, "answers/"), compliant_answers(assessment.checklist), format="json").status_code
        == 200
    )
    raise_(lead_api, assessment, question="D.1", classification="minor", downgrade_rationale="Isolated")
    raise_(lead_api, assessment, question="A.2", classification="minor", downgrade_rationale="Isolated")
    raise_(lead_api, assessment, question="A.4", classification="minor")
    # Two minors in A and one in D: nothing flagged yet; nothing to review.
    assert lead_api.get(url(assessment, "submission-check/")).json()["problems"] == []
    response = lead_api.post(
        url(assessment, "minor-reviews/"),
        {"criterion": "A", "outcome": "justified", "justification": "x"},
        format="json",
    )
    assert response.status_code == 409

    raise_(lead_api, assessment, question="A.5", classification="minor")
    refused = lead_api.post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409
    assert [p for p in refused.json()["problems"] if p.startswith("Criterion A")] == refused.json()["problems"]
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"

    # Justifying needs the justification.
    for body in (
        {"criterion": "A", "outcome": "justified"},
        {"criterion": "A", "outcome": "justified", "justification": "  "},
    ):
        response = lead_api.post(url(assessment, "minor-reviews/"), body, format="json")
        assert response.status_code == 400 and "justification" in response.json(), response.json()
    response = lead_api.post(
        url(assessment, "minor-reviews/"),
        {"criterion": "Z", "outcome": "justified", "justification": "x"},
        format="json",
    )
    assert response.status_code == 400 and "criterion" in response.json()
    response = lead_api.post(url(assessment, "minor-reviews/"), {"criterion": "A", "outcome": "ignored"}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    assert not MinorFindingsReview.objects.exists()

    response = lead_api.post(
        url(assessment, "minor-reviews/"),
        {
            "criterion": "A",
            "outcome": "justified",
            "justification": "Three unrelated documentation slips, each corrected on the day",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"criterion": "A", "outcome": "justified", "major_finding": None}
    assert not Finding.objects.filter(classification="major").exists()
    # Reviewed once: a second review of the same cluster is out of order.
    assert (
        lead_api.post(
            url(assessment, "minor-reviews/"), {"criterion": "A", "outcome": "confirmed_major"}, format="json"
        ).status_code
        == 409
    )
    assert lead_api.post(url(assessment, "submit/"), {}, format="json").status_code == 200


def test_confirming_three_minor_findings_raises_a_major_one(lead_api, assessment):
    assert (
        lead_api.put(url(assessment, "answers/"), compliant_answers(assessment.checklist), format="json").status_code
        == 200
    )
    minors = three_minors(lead_api, assessment)
    assert lead_api.get(url(assessment, "score/")).json()["risk_rating"] == "medium"
    response = lead_api.post(
        url(assessment, "minor-reviews/"), {"criterion": "A", "outcome": "confirmed_major"}, format="json"
    )
    assert response.status_code == 201, response.json()
    major = Finding.objects.get(pk=response.json()["major_finding"])
    assert (major.classification, major.criterion.code, major.question_id) == ("major", "A", None)
    assert all(m["reference"] in major.description for m in minors)  # names the minors it combines
    score = lead_api.get(url(assessment, "score/")).json()
    assert score["findings"] == {"critical": 0, "major": 1, "minor": 3, "observation": 0}
    assert (score["risk_rating"], score["recommended_decision"]) == ("high", "conditionally_approved")
    refused = lead_api.post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409
    assert f"{major.reference} (major) has no corrective action planned" in refused.json()["problems"]
    major_action = {"description": "Correct it", "owner": "Head of QA", "due_date": "2031-01-31"}
    assert lead_api.post(f"/api/findings/{major.pk}/actions/", major_action, format="json").status_code == 201
    attach_required_evidence(assessment, assessment.lead_auditor)
    assert lead_api.post(url(assessment, "submit/"), {}, format="json").status_code == 200


# --- corrective actions --------------------------------------------------------------------


def test_corrective_action_moves_forward_through_its_statuses(lead_api, assessment, api, auditor):
    finding = raise_(lead_api, assessment, question=SEV4)
    today = date.today()
    action = plan(lead_api, finding["id"], due_date=today.isoformat())
    assert {
        k: action[k]
        for k in (
            "finding",
            "description",
            "owner",
            "due_date",
            "status",
            "overdue",
            "root_cause",
            "vendor_action",
            "verification",
            "verification_signature",
            "closed_at",
        )
    } == {
        "finding": finding["id"],
        "description": "Revise the SOP and retrain",
        "owner": "Dr. Jane Roe, Head of QA",
        "due_date": today.isoformat(),
        "status": "open",
        "overdue": False,
        "root_cause": "",
        "vendor_action": "",
        "verification": "",
        "verification_signature": None,
        "closed_at": None,
    }
    listed = lead_api.get(f"/api/findings/{finding['id']}/actions/").json()["results"]
    assert [a["id"] for a in listed] == [action["id"]]
    assert lead_api.get(url(assessment, "findings/")).json()["results"][0]["actions"][0]["id"] == action["id"]
    # A day later the action is overdue (an action cannot be planned due in the past).
    yesterday = today - timedelta(days=1)
    CorrectiveAction.objects.filter(pk=action["id"]).update(due_date=yesterday)
    assert lead_api.get(f"/api/corrective-actions/{action['id']}/").json()["overdue"] is True

    member = api.as_user(auditor)
    steps = [
        ({"status": "response_received", "root_cause": "SOP ambiguous", "vendor_action": "SOP rewritten"}, True),
        ({"status": "accepted"}, True),
    ]
    for body, overdue in steps:
        response = patch(member, action["id"], body)
        assert response.status_code == 200, (body, response.json())
        assert response.json()["status"] == body["status"]
        assert response.json()["overdue"] is overdue, body  # overdue only while still open and past due
    # Verified effective and closed are not PATCHed: an independent QA reviewer signs them
    # (tests/assessments/test_corrective_action_verification.py; the approval test below).
    for body in (
        {"status": "verified_effective", "verification": "Three batch records checked on 2025-03-01"},
        {"status": "closed"},
    ):
        response = patch(member, action["id"], body)
        assert response.status_code == 400 and "verification/" in response.json()["status"][0], body
    kept = CorrectiveAction.objects.get(pk=action["id"])
    assert kept.root_cause == "SOP ambiguous" and kept.closed_at is None and kept.status == "accepted"

    # Backwards is refused and changes nothing.
    for status in ("response_received", "open"):
        response = patch(member, action["id"], {"status": status})
        assert response.status_code == 409, status
        assert "detail" in response.json()
    assert CorrectiveAction.objects.get(pk=action["id"]).status == "accepted"
    assert patch(member, action["id"], {"status": "done"}).status_code == 400


def test_patch_can_neither_verify_nor_close_nor_write_the_verification(lead_api, assessment):
    finding = raise_(lead_api, assessment, question=SEV4)
    for target in ("verified_effective", "closed"):
        action = plan(lead_api, finding["id"])
        for body in ({"status": target}, {"status": target, "verification": "   "}):
            response = patch(lead_api, action["id"], body)
            assert response.status_code == 400, response.json()
            assert "status" in response.json()
        assert CorrectiveAction.objects.get(pk=action["id"]).status == "open"
        response = patch(lead_api, action["id"], {"status": target, "verification": "Effectiveness check passed"})
        assert response.status_code == 400 and {"status", "verification"} <= set(response.json())
        # The verification comes only with the signature, whatever the status.
        response = patch(lead_api, action["id"], {"verification": "Effectiveness check passed"})
        assert response.status_code == 400 and "verification" in response.json()
        kept = CorrectiveAction.objects.get(pk=action["id"])
        assert (kept.status, kept.verification) == ("open", "")


def test_overdue_is_derived_from_the_due_date(lead_api, assessment):
    finding = raise_(lead_api, assessment, question=SEV4)
    assert plan(lead_api, finding["id"], due_date=date.today().isoformat())["overdue"] is False  # due today: not yet
    assert plan(lead_api, finding["id"], due_date=(date.today() + timedelta(days=1)).isoformat())["overdue"] is False
    late = plan(lead_api, finding["id"], due_date=date.today().isoformat())
    CorrectiveAction.objects.filter(pk=late["id"]).update(due_date=date.today() - timedelta(days=1))
    assert lead_api.get(f"/api/corrective-actions/{late['id']}/").json()["overdue"] is True
    # A verified action is never overdue: test_corrective_action_verification.py.


def test_bad_corrective_actions_are_400(lead_api, assessment, api, make_user):
    finding = raise_(lead_api, assessment, question=SEV4)
    for body, field in [
        ({"owner": ""}, "owner"),
        ({"due_date": "next week"}, "due_date"),
        ({"description": ""}, "description"),
    ]:
        response = lead_api.post(
            f"/api/findings/{finding['id']}/actions/",
            {"description": "d", "owner": "o", "due_date": "2030-01-01", **body},
            format="json",
        )
        assert response.status_code == 400 and field in response.json(), body
    assert not CorrectiveAction.objects.exists()
    outsider = api.as_user(make_user("outsider", Role.AUDITOR))
    assert outsider.get(f"/api/findings/{finding['id']}/actions/").status_code == 404
    assert (
        outsider.post(
            f"/api/findings/{finding['id']}/actions/",
            {"description": "d", "owner": "o", "due_date": "2030-01-01"},
            format="json",
        ).status_code
        == 404
    )


# --- approval -----------------------------------------------------------------------------


def sign(client, assessment, meaning, **body):
    return client.post(
        url(assessment, "signatures/"), {"meaning": meaning, "password": PASSWORD, **body}, format="json"
    )


def submit_and_sign_performed(api, assessment, lead_auditor):
    lead = api.as_user(lead_auditor)
    attach_required_evidence(assessment, lead_auditor)
    assert lead.post(url(assessment, "submit/"), {}, format="json").status_code == 200
    assert sign(lead, assessment, "performed").status_code == 201


@pytest.mark.parametrize(
    ("classification", "inherent", "decision", "months"),
    [
        ("major", "high", "conditionally_approved", 12),  # major -> high; high x high = 12
        ("critical", "low", "not_approved", 6),  # critical -> critical; re-audit within 6
    ],
)
def test_approval_needs_corrective_actions_and_sets_the_vendor_status(
    api, assessment, lead_auditor, reviewer, vendor, classification, inherent, decision, months
):
    vendor.inherent_risk = inherent
    vendor.save()
    lead = api.as_user(lead_auditor)
    assert (
        lead.put(url(assessment, "answers/"), compliant_answers(assessment.checklist), format="json").status_code == 200
    )
    serious = raise_(lead, assessment, question=SEV4, classification=classification)
    raise_(lead, assessment, question=SEV3, classification="minor")  # a minor finding needs no action
    attach_required_evidence(assessment, lead_auditor)

    # Neither submission nor the lead's signature while a serious finding has no action planned.
    refused = lead.post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["problems"] == [f"F-01 ({classification}) has no corrective action planned"]
    assert sign(lead, assessment, "performed").status_code == 409
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"
    assert not Signature.objects.exists()

    action = plan(lead, serious["id"])
    submit_and_sign_performed(api, assessment, lead_auditor)

    approved = sign(api.as_user(reviewer), assessment, "approved")
    assert approved.status_code == 201, approved.json()
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.decision == decision
    approval_day = assessment.approved_at.date()
    assert assessment.requalification_due == add_months(approval_day, months)
    vendor.refresh_from_db()
    assert vendor.status == decision
    assert vendor.next_requalification_due == add_months(approval_day, months)

    # Follow-up of the corrective action goes on after approval ...
    lead = api.as_user(lead_auditor)
    for body in (
        {
            "status": "response_received",
            "root_cause": "Untrained operator",
            "vendor_action": "Retrained and requalified",
        },
        {"status": "accepted"},
    ):
        response = patch(lead, action["id"], body)
        assert response.status_code == 200, response.json()
    # ... effectiveness is verified by the independent QA reviewer's signature, who then closes it ...
    refused = patch(lead, action["id"], {"status": "verified_effective", "verification": "Checked it myself"})
    assert refused.status_code == 400 and CorrectiveAction.objects.get(pk=action["id"]).status == "accepted"
    verified = api.as_user(reviewer).post(
        f"/api/corrective-actions/{action['id']}/verification/",
        {"verification": "Gowning qualification records checked", "password": PASSWORD},
        format="json",
    )
    assert verified.status_code == 201, verified.json()
    assert verified.json()["status"] == "verified_effective" and verified.json()["overdue"] is False
    closed = api.as_user(reviewer).post(f"/api/corrective-actions/{action['id']}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert CorrectiveAction.objects.get(pk=action["id"]).closed_at is not None
    # ... and the approval signature still holds: follow-up is not part of the signed record.
    lead = api.as_user(lead_auditor)
    states = {s["meaning"]: s["valid"] for s in lead.get(url(assessment, "signatures/")).json()}
    assert states == {"performed": True, "approved": True, "verified": True}
    # Backwards is refused and changes nothing: a closed action is read-only.
    for status in ("verified_effective", "accepted", "open"):
        response = patch(lead, action["id"], {"status": status})
        assert response.status_code == 409 and "read-only" in response.json()["detail"], status
    assert CorrectiveAction.objects.get(pk=action["id"]).status == "closed"

    # The plan and the findings are part of the signed record: locked.
    for body in (
        {"description": "Something else"},
        {"owner": "Someone else"},
        {"due_date": "2031-01-01"},
        {"status": "closed", "owner": "Someone else"},
    ):
        response = patch(lead, action["id"], body)
        assert response.status_code == 409, body
        assert "read-only" in response.json()["detail"]
    kept = CorrectiveAction.objects.get(pk=action["id"])
    assert (kept.description, kept.owner) == ("Revise the SOP and retrain", "Dr. Jane Roe, Head of QA")
    assert (
        lead.post(url(assessment, "findings/"), {"question": SEV3, "description": "late"}, format="json").status_code
        == 409
    )
    assert lead.patch(f"/api/findings/{serious['id']}/", {"description": "changed"}, format="json").status_code == 409
    plan(lead, serious["id"], expect=409)
    assert Finding.objects.filter(assessment=assessment).count() == 2


def test_a_reviewer_deciding_otherwise_needs_a_justification(api, assessment, lead_auditor, reviewer, vendor):
    vendor.inherent_risk = "medium"
    vendor.save()
    lead = api.as_user(lead_auditor)
    assert (
        lead.put(url(assessment, "answers/"), compliant_answers(assessment.checklist), format="json").status_code == 200
    )
    submit_and_sign_performed(api, assessment, lead_auditor)
    score = lead.get(url(assessment, "score/")).json()
    assert (score["risk_rating"], score["recommended_decision"], score["requalification_months"]) == (
        "low",
        "approved",
        36,
    )

    rev = api.as_user(reviewer)
    for body in ({"decision": "conditionally_approved"}, {"decision": "conditionally_approved", "justification": " "}):
        refused = sign(rev, assessment, "approved", **body)
        assert refused.status_code == 409
        assert any("justification" in p for p in refused.json()["problems"])
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    assert sign(rev, assessment, "approved", decision="maybe").status_code == 400

    why = "Single-source vector supplier: approve only until the second source is qualified"
    approved = sign(rev, assessment, "approved", decision="conditionally_approved", justification=why)
    assert approved.status_code == 201, approved.json()
    assessment.refresh_from_db()
    assert (assessment.decision, assessment.decision_justification) == ("conditionally_approved", why)
    detail = api.as_user(lead_auditor).get(url(assessment)).json()
    assert (detail["decision"], detail["decision_justification"]) == ("conditionally_approved", why)
    vendor.refresh_from_db()
    assert vendor.status == "conditionally_approved"
    assert vendor.next_requalification_due == add_months(assessment.approved_at.date(), 36)  # medium x low
