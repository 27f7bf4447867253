"""Answers through the API (docs/api.md "Answers"): the GET shape, upsert by question code,
validation by answer type, stale writes (409, nothing applied), idempotent retries, reasons after
submission, conditional and N/A questions, carried-over answers, visibility, and evidence files."""

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings

import config.settings as project_settings
from assessments.models import Answer, Assessment, Evidence
from checklists import publishing
from checklists.models import Question
from tests.factories import attach_required_evidence, compliant_answers, published_checklist
from tests.helpers.api import assessment_url as url

pytestmark = pytest.mark.django_db

# The questions of the built-in CGT-CDMO v1 checklist these tests use, with the same codes, types,
# limits and conditions, in a checklist of their own: loading all 66 questions for every test is slow.
CHECKLIST = [
    {
        "code": "A",
        "title": "Cell and gene therapy manufacturing experience",
        "questions": [
            {"code": "A.1", "text": "GMP batches in the last 3 years", "answer_type": "numeric", "min_value": 10},
            {"code": "A.3", "text": "Authorisation covers ATMPs?", "answer_type": "compliance"},
            {"code": "A.4", "text": "Viral vector products made?", "answer_type": "yes_no", "expected_answer": "yes"},
            {"code": "A.6", "text": "Commercial products made?", "answer_type": "yes_no", "expected_answer": "yes"},
            {
                "code": "A.7",
                "text": "Process performance qualification done?",
                "answer_type": "compliance",
                "condition": {"question": "A.6", "equals": "yes"},
            },
            {"code": "A.8", "text": "OOS autologous batches handled?", "answer_type": "compliance"},
            {"code": "A.9", "text": "Deviation and CAPA trend sharing", "answer_type": "maturity"},
        ],
    },
    {
        "code": "B",
        "title": "Technology-transfer history",
        "questions": [
            {"code": "B.1", "text": "Transfers with protocol and close-out?", "answer_type": "compliance"},
            {"code": "B.5", "text": "Knowledge management maturity", "answer_type": "maturity"},
        ],
    },
    {
        "code": "C",
        "title": "Environmental monitoring",
        "questions": [
            {"code": "C.4", "text": "Grade A viable counts (CFU)", "answer_type": "numeric", "max_value": 0},
        ],
    },
    {
        "code": "F",
        "title": "Technology, scale and capacity",
        "questions": [
            {"code": "F.1", "text": "Platform fit", "answer_type": "compliance"},
            {"code": "F.7", "text": "Anything else on capacity?", "answer_type": "text", "required": False},
        ],
    },
]
COMPLIANCE, YES_NO, MATURITY, NUMERIC, TEXT = "A.3", "A.4", "A.9", "A.1", "F.7"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def put(client, assessment, items, **extra):
    return client.put(url(assessment, "answers/"), items, format="json", **extra)


def stored(assessment):
    """{code: (value, version)} of what is in the database."""
    return {
        a.question.code: (a.value, a.version)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


@pytest.fixture
def checklist(db):
    return published_checklist("T-ANSWERS", "Answers test checklist", CHECKLIST)


# --- shape and upsert ---------------------------------------------------------------------------


def test_get_returns_every_answer_in_the_documented_shape(lead_api, assessment, lead_auditor):
    assert lead_api.get(url(assessment, "answers/")).json() == []
    response = put(
        lead_api,
        assessment,
        [
            {"question": COMPLIANCE, "value": "compliant", "comment": "Seen batch records 2023-2025"},
            {"question": "C.4", "value": "na", "na_justification": "No grade B area on site"},
            {"question": MATURITY, "value": 3},
        ],
    )
    assert response.status_code == 200, response.json()
    # The PUT answers with the answers as they now are, the same shape as GET.
    assert response.json() == lead_api.get(url(assessment, "answers/")).json()

    items = {item["question"]: item for item in response.json()}
    assert set(items) == {COMPLIANCE, "C.4", MATURITY}
    documented = {"question", "value", "comment", "na_justification", "version", "updated_at", "updated_by", "evidence"}
    for item in items.values():
        assert documented <= set(item), item
        assert item["version"] == 1
        assert item["updated_by"] == lead_auditor.username
        assert datetime.fromisoformat(item["updated_at"]).utcoffset() is not None  # ISO 8601 with a time zone
        assert item["evidence"] == []
    assert items[COMPLIANCE]["value"] == "compliant"
    assert items[COMPLIANCE]["comment"] == "Seen batch records 2023-2025"
    assert items["C.4"]["value"] == "na" and items["C.4"]["na_justification"] == "No grade B area on site"
    assert items[MATURITY]["value"] == 3 and items[MATURITY]["comment"] == ""


def test_put_upserts_by_question_code(lead_api, api, assessment, auditor):
    assert (
        put(
            lead_api, assessment, [{"question": COMPLIANCE, "value": "compliant"}, {"question": YES_NO, "value": "yes"}]
        ).status_code
        == 200
    )
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"  # the first answer starts it
    # A team member updates one answer and adds another: one row per question, the other untouched.
    member = api.as_user(auditor)
    response = put(
        member,
        assessment,
        [{"question": COMPLIANCE, "value": "partial", "comment": "SOP draft only"}, {"question": MATURITY, "value": 2}],
    )
    assert response.status_code == 200, response.json()
    assert stored(assessment) == {COMPLIANCE: ("partial", 2), YES_NO: ("yes", 1), MATURITY: (2, 1)}
    item = next(i for i in response.json() if i["question"] == COMPLIANCE)
    assert item["updated_by"] == auditor.username and item["comment"] == "SOP draft only"
    # Fields not sent keep their value; sending only the comment keeps the value.
    assert put(member, assessment, [{"question": COMPLIANCE, "comment": "Seen the signed SOP"}]).status_code == 200
    answer = Answer.objects.get(assessment=assessment, question__code=COMPLIANCE)
    assert (answer.value, answer.comment, answer.version) == ("partial", "Seen the signed SOP", 3)
    # The {"reason": ..., "answers": [...]} body works before submission too.
    assert (
        member.put(
            url(assessment, "answers/"), {"answers": [{"question": YES_NO, "value": "no"}]}, format="json"
        ).status_code
        == 200
    )
    assert stored(assessment)[YES_NO] == ("no", 2)


# --- values by answer type ----------------------------------------------------------------------

VALID = {
    COMPLIANCE: [("compliant", "compliant"), ("partial", "partial"), ("non_compliant", "non_compliant"), ("na", "na")],
    YES_NO: [("yes", "yes"), ("no", "no"), ("na", "na")],
    MATURITY: [(0, 0), (4, 4), ("3", 3), ("na", "na")],
    NUMERIC: [(12, 12), (12.5, 12.5), (-3, -3), (10.0, 10), ("7.25", 7.25), ("na", "na")],
    TEXT: [("Capacity: 2 suites, 120 slots a year", "Capacity: 2 suites, 120 slots a year"), ("na", "na")],
}
BAD = {
    COMPLIANCE: ["maybe", "Compliant", 1, True, ["compliant"], {"value": "compliant"}],
    YES_NO: ["true", True, 1, "compliant", "YES"],
    MATURITY: [5, -1, 2.5, True, "three", "compliant", [3]],
    NUMERIC: ["abc", True, [1], {"value": 1}, "yes", "1,5"],
    TEXT: [12, ["a"], True, "x" * 20001],
}


def test_valid_values_by_answer_type(lead_api, assessment):
    for code, cases in VALID.items():
        for version, (sent, kept) in enumerate(cases, start=1):
            response = put(lead_api, assessment, [{"question": code, "value": sent, "na_justification": "Not offered"}])
            assert response.status_code == 200, (code, sent, response.json())
            assert next(i for i in response.json() if i["question"] == code)["value"] == kept
            assert stored(assessment)[code] == (kept, version)


def test_a_bad_value_is_400_naming_the_question_and_nothing_is_saved(lead_api, assessment):
    good = [{"question": "A.8", "value": "compliant"}, {"question": "B.5", "value": 2}]
    for code, cases in BAD.items():
        for bad in cases:
            response = put(lead_api, assessment, [good[0], {"question": code, "value": bad}, good[1]])
            assert response.status_code == 400, (code, bad)
            body = response.json()
            assert list(body) == [code], body  # names the question, and only the bad one
            assert isinstance(body[code], list) and body[code] and all(isinstance(m, str) for m in body[code])
            assert stored(assessment) == {}  # not even the good items of the same request
    # Several bad items: each is named.
    response = put(
        lead_api, assessment, [{"question": COMPLIANCE, "value": "maybe"}, good[0], {"question": MATURITY, "value": 7}]
    )
    assert response.status_code == 400 and set(response.json()) == {COMPLIANCE, MATURITY}
    assert stored(assessment) == {}
    assert Assessment.objects.get(pk=assessment.pk).status == "planned"


def test_a_non_finite_number_is_refused(lead_api, assessment):
    body = json.dumps([{"question": NUMERIC, "value": 1e400}]).replace("Infinity", "1e400")
    assert "1e400" in body
    response = lead_api.put(url(assessment, "answers/"), body, content_type="application/json")
    # Refused by the API's JSON parser before the answer rules see it (config/inputs.py).
    assert response.status_code == 400 and response.json() == {"[0].value": ["The number is out of range."]}
    assert stored(assessment) == {}


def test_an_unknown_question_code_is_400_and_nothing_is_saved(lead_api, assessment):
    response = put(
        lead_api,
        assessment,
        [{"question": COMPLIANCE, "value": "compliant"}, {"question": "Z.99", "value": "compliant"}],
    )
    assert response.status_code == 400
    assert list(response.json()) == ["Z.99"]
    assert "Z.99" in response.json()["Z.99"][0]
    # Malformed items and bodies are 400 too, never 500.
    assert put(lead_api, assessment, [{"value": "compliant"}]).status_code == 400
    assert (
        put(
            lead_api,
            assessment,
            [{"question": COMPLIANCE, "value": "compliant"}, {"question": COMPLIANCE, "value": "partial"}],
        ).status_code
        == 400
    )
    assert (
        put(lead_api, assessment, [{"question": COMPLIANCE, "value": "compliant", "colour": "red"}]).status_code == 400
    )
    assert (
        put(lead_api, assessment, [{"question": COMPLIANCE, "value": "compliant", "version": "1"}]).status_code == 400
    )
    assert put(lead_api, assessment, {"question": COMPLIANCE}).status_code == 400
    assert stored(assessment) == {}


# --- stale writes and idempotency ------------------------------------------------------------


def test_a_stale_version_is_409_with_the_current_answer_and_nothing_applied(lead_api, api, assessment, auditor):
    first = put(
        lead_api, assessment, [{"question": COMPLIANCE, "value": "compliant"}, {"question": YES_NO, "value": "yes"}]
    ).json()
    versions = {i["question"]: i["version"] for i in first}
    assert versions == {COMPLIANCE: 1, YES_NO: 1}

    # A team member changes A.3 from the same version 1 the lead also read.
    member = api.as_user(auditor)
    assert (
        put(
            member, assessment, [{"question": COMPLIANCE, "value": "partial", "comment": "Only in draft", "version": 1}]
        ).status_code
        == 200
    )
    before = stored(assessment)
    assert before == {COMPLIANCE: ("partial", 2), YES_NO: ("yes", 1)}

    # The lead sends an up-to-date item, a new one and the stale one: all refused together.
    lead = api.as_user(assessment.lead_auditor)
    response = put(
        lead,
        assessment,
        [
            {"question": YES_NO, "value": "no", "version": 1},
            {"question": MATURITY, "value": 1},
            {"question": COMPLIANCE, "value": "non_compliant", "version": 1},
        ],
    )
    assert response.status_code == 409
    body = response.json()
    assert COMPLIANCE in body["detail"]
    assert len(body["current"]) == 1
    current = body["current"][0]
    assert current["question"] == COMPLIANCE and current["value"] == "partial" and current["version"] == 2
    assert current["comment"] == "Only in draft" and current["updated_by"] == auditor.username
    assert stored(assessment) == before  # nothing from the request: not the up-to-date item, not the new one

    # Sending the version just read wins.
    assert put(lead, assessment, [{"question": COMPLIANCE, "value": "non_compliant", "version": 2}]).status_code == 200
    assert stored(assessment)[COMPLIANCE] == ("non_compliant", 3)


def test_creating_an_answer_someone_else_created_is_stale(lead_api, api, assessment, auditor):
    assert put(api.as_user(auditor), assessment, [{"question": MATURITY, "value": 4}]).status_code == 200
    response = put(api.as_user(assessment.lead_auditor), assessment, [{"question": MATURITY, "value": 1, "version": 0}])
    assert response.status_code == 409
    assert response.json()["current"][0]["value"] == 4
    assert stored(assessment) == {MATURITY: (4, 1)}


def test_the_same_request_twice_changes_nothing_the_second_time(lead_api, assessment):
    items = [
        {"question": COMPLIANCE, "value": "partial", "comment": "Seen"},
        {"question": NUMERIC, "value": 12.0},
        {"question": "C.4", "value": "na", "na_justification": "No grade B"},
        {"question": TEXT, "value": "Two suites"},
    ]
    first = put(lead_api, assessment, items)
    assert first.status_code == 200
    second = put(lead_api, assessment, items)
    assert second.status_code == 200
    assert second.json() == first.json()  # same versions, same updated_at
    assert {i["version"] for i in second.json()} == {1}
    assert {a.version for a in Answer.objects.filter(assessment=assessment)} == {1}


def test_a_retry_that_carries_the_version_it_read_is_idempotent_too(lead_api, api, assessment, auditor):
    # The client read version 0 (no answer yet) and 1; its first attempt was applied but the response
    # was lost. The retry finds newer versions with exactly its own content: nothing is lost, no 409.
    assert put(lead_api, assessment, [{"question": MATURITY, "value": 1}]).status_code == 200
    items = [
        {"question": COMPLIANCE, "value": "partial", "version": 0},
        {"question": MATURITY, "value": 2, "comment": "Trending started", "version": 1},
    ]
    first = put(lead_api, assessment, items)
    assert first.status_code == 200
    assert stored(assessment) == {COMPLIANCE: ("partial", 1), MATURITY: (2, 2)}
    retry = put(lead_api, assessment, items)
    assert retry.status_code == 200, retry.json()
    assert retry.json() == first.json()
    assert stored(assessment) == {COMPLIANCE: ("partial", 1), MATURITY: (2, 2)}

    # Once someone else has changed it, the same retry is stale again: 409 and nothing applied.
    member = api.as_user(auditor)
    assert put(member, assessment, [{"question": MATURITY, "value": 3, "version": 2}]).status_code == 200
    response = put(api.as_user(assessment.lead_auditor), assessment, items)
    assert response.status_code == 409
    assert [(c["question"], c["value"], c["version"]) for c in response.json()["current"]] == [(MATURITY, 3, 3)]
    assert stored(assessment) == {COMPLIANCE: ("partial", 1), MATURITY: (3, 3)}


# --- after submission: read-only until returned; after a return every change needs a reason ----


def submitted(lead, assessment, **overrides):
    response = put(lead, assessment, compliant_answers(assessment.checklist, **overrides))
    assert response.status_code == 200, response.json()
    attach_required_evidence(assessment, assessment.lead_auditor)
    response = lead.post(url(assessment, "submit/"), {}, format="json")
    assert response.status_code == 200, response.json()
    return Assessment.objects.get(pk=assessment.pk)


def test_after_submission_answers_and_evidence_are_read_only_until_returned(lead_api, assessment, private_media):
    assessment = submitted(lead_api, assessment)
    assert assessment.status == "submitted"
    before, files = stored(assessment), Evidence.objects.count()

    for body in (
        [{"question": COMPLIANCE, "value": "partial"}],
        {"reason": "The vendor sent the approved SOP", "answers": [{"question": COMPLIANCE, "value": "partial"}]},
    ):
        refused = lead_api.put(url(assessment, "answers/"), body, format="json")
        assert refused.status_code == 409
        assert "returns it for rework" in refused.json()["detail"]
    refused = upload(lead_api, assessment, COMPLIANCE, "sop.pdf", PDF, HTTP_X_CHANGE_REASON="SOP received")
    assert refused.status_code == 409
    assert stored(assessment) == before and Evidence.objects.count() == files
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"


def test_after_a_return_every_change_needs_a_reason(lead_api, reviewer_api, assessment, private_media):
    assessment = submitted(lead_api, assessment)
    returned = reviewer_api.post(url(assessment, "return/"), {"reason": "Re-check A.1 against the SOP"}, format="json")
    assert returned.status_code == 200, returned.json()
    before, files = stored(assessment), Evidence.objects.count()

    refused = put(lead_api, assessment, [{"question": COMPLIANCE, "value": "partial"}])
    assert refused.status_code == 400
    assert list(refused.json()) == ["reason"] and refused.json()["reason"]
    blank = lead_api.put(
        url(assessment, "answers/"),
        {"reason": "   ", "answers": [{"question": COMPLIANCE, "value": "partial"}]},
        format="json",
    )
    assert blank.status_code == 400 and "reason" in blank.json()
    assert stored(assessment) == before

    # The reason in the body ...
    body = {
        "reason": "Vendor sent the approved SOP after the audit",
        "answers": [{"question": COMPLIANCE, "value": "partial"}],
    }
    assert lead_api.put(url(assessment, "answers/"), body, format="json").status_code == 200
    assert stored(assessment)[COMPLIANCE] == ("partial", before[COMPLIANCE][1] + 1)
    # ... or in the X-Change-Reason header.
    response = put(
        lead_api, assessment, [{"question": MATURITY, "value": 3}], HTTP_X_CHANGE_REASON="Re-read the report"
    )
    assert response.status_code == 200
    assert stored(assessment)[MATURITY] == (3, before[MATURITY][1] + 1)
    assert Assessment.objects.get(pk=assessment.pk).status == "returned"

    # Evidence too: a reason as a form field or in the header.
    refused = upload(lead_api, assessment, COMPLIANCE, "sop.pdf", PDF)
    assert refused.status_code == 400 and "reason" in refused.json()
    assert Evidence.objects.count() == files
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = lead_api.post(
        url(assessment, f"answers/{COMPLIANCE}/evidence/"),
        {"file": SimpleUploadedFile("sop.pdf", PDF), "reason": "SOP received after the audit"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert (
        upload(lead_api, assessment, COMPLIANCE, "sop2.pdf", PDF, HTTP_X_CHANGE_REASON="Second copy").status_code == 201
    )
    assert Evidence.objects.count() == files + 2


# --- conditional and not-applicable questions -------------------------------------------------


def test_a_hidden_conditional_question_is_not_required(lead_api, assessment):
    # A.7 applies only when A.6 is "yes".
    q = Question.objects.get(checklist=assessment.checklist, code="A.7")
    assert q.condition == {"question": "A.6", "equals": "yes"} and q.required
    items = [i for i in compliant_answers(assessment.checklist) if i["question"] != "A.7"]
    assert put(lead_api, assessment, items).status_code == 200

    problems = lead_api.get(url(assessment, "submission-check/")).json()["problems"]
    assert len(problems) == 1 and problems[0].startswith("A.7")  # shown, so required
    refused = lead_api.post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409 and any(p.startswith("A.7") for p in refused.json()["problems"])

    # With A.6 "no", A.7 is hidden: neither required nor blocking.
    assert put(lead_api, assessment, [{"question": "A.6", "value": "no"}]).status_code == 200
    assert lead_api.get(url(assessment, "submission-check/")).json()["problems"] == []
    assert lead_api.post(url(assessment, "submit/"), {}, format="json").status_code == 200


def test_not_applicable_without_justification_blocks_submission(lead_api, assessment):
    items = compliant_answers(assessment.checklist, **{COMPLIANCE: "na", MATURITY: "na"})
    assert put(lead_api, assessment, items).status_code == 200
    refused = lead_api.post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409
    problems = refused.json()["problems"]
    assert [p for p in problems if p.startswith(COMPLIANCE)] and [p for p in problems if p.startswith(MATURITY)]
    assert all("justification" in p for p in problems) and len(problems) == 2
    assert COMPLIANCE in refused.json()["detail"]
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"

    assert (
        put(
            lead_api,
            assessment,
            [
                {"question": COMPLIANCE, "na_justification": "No own manufacturing licence"},
                {"question": MATURITY, "na_justification": "   "},
            ],
        ).status_code
        == 200
    )
    problems = lead_api.post(url(assessment, "submit/"), {}, format="json").json()["problems"]
    assert len(problems) == 1 and problems[0].startswith(MATURITY)  # blank is not a justification
    justified = put(lead_api, assessment, [{"question": MATURITY, "na_justification": "Not assessed remotely"}])
    assert justified.status_code == 200
    assert lead_api.post(url(assessment, "submit/"), {}, format="json").status_code == 200


# --- carried over from the last approved assessment -------------------------------------------


def approved_assessment(assessment, lead_auditor, answers):
    """An approved assessment of the same vendor (built directly: the lifecycle test covers approval)."""
    old = Assessment.objects.create(
        vendor=assessment.vendor,
        checklist=assessment.checklist,
        lead_auditor=lead_auditor,
        created_by=lead_auditor,
        status=Assessment.Status.APPROVED,
        decision="approved",
    )
    questions = {q.code: q for q in Question.objects.filter(checklist=assessment.checklist)}
    for item in answers:
        Answer.objects.create(
            assessment=old,
            question=questions[item["question"]],
            value=item["value"],
            comment=item.get("comment", ""),
            na_justification=item.get("na_justification", ""),
            updated_by=lead_auditor,
        )
    return old


def create(client, assessment, **fields):
    body = {
        "vendor": assessment.vendor_id,
        "checklist": assessment.checklist_id,
        "kind": "requalification",
        "lead_auditor": assessment.lead_auditor_id,
        "reviewer": assessment.reviewer_id,
        **fields,
    }
    return client.post("/api/assessments/", body, format="json")


def test_carried_over_answers_block_submission_until_confirmed(lead_api, assessment, lead_auditor):
    old_items = compliant_answers(assessment.checklist, **{COMPLIANCE: "partial"})
    old_items[2].update(comment="Seen in 2023")
    old = approved_assessment(assessment, lead_auditor, old_items)

    created = create(lead_api, assessment, based_on=old.pk)
    assert created.status_code == 201, created.json()
    assert created.json()["based_on"] == old.pk
    new = Assessment.objects.get(pk=created.json()["id"])

    answers = lead_api.get(url(new, "answers/")).json()
    assert len(answers) == len(old_items)
    assert all(a["carried_over"] for a in answers)
    by_code = {a["question"]: a for a in answers}
    assert by_code[COMPLIANCE]["value"] == "partial"
    assert by_code[old_items[2]["question"]]["comment"] == "Seen in 2023"

    refused = lead_api.post(url(new, "submit/"), {}, format="json")
    # Planned (nothing touched yet): confirm one answer to start it, then submission lists the rest.
    assert refused.status_code == 409
    assert (
        put(lead_api, new, [{"question": COMPLIANCE, "value": "compliant"}, {"question": MATURITY}]).status_code == 200
    )
    by_code = {a["question"]: a for a in lead_api.get(url(new, "answers/")).json()}
    assert by_code[COMPLIANCE]["carried_over"] is False and by_code[COMPLIANCE]["value"] == "compliant"
    assert by_code[MATURITY]["carried_over"] is False and by_code[MATURITY]["value"] == 4  # confirmed as it was
    assert by_code[MATURITY]["version"] == 2
    assert by_code[NUMERIC]["carried_over"] is True
    attach_required_evidence(new, lead_auditor)  # evidence is seen again: it is not carried over

    refused = lead_api.post(url(new, "submit/"), {}, format="json")
    assert refused.status_code == 409
    problems = refused.json()["problems"]
    assert len(problems) == len(old_items) - 2 and all("carried over" in p for p in problems)
    assert any(p.startswith(NUMERIC) for p in problems)

    # Re-sending the rest unchanged confirms them.
    assert put(lead_api, new, compliant_answers(assessment.checklist, **{COMPLIANCE: "compliant"})).status_code == 200
    assert not Answer.objects.filter(assessment=new, carried_over=True).exists()
    assert lead_api.post(url(new, "submit/"), {}, format="json").status_code == 200
    # The source is untouched.
    assert Answer.objects.get(assessment=old, question__code=COMPLIANCE).value == "partial"


def test_a_carried_over_answer_hidden_by_its_condition_does_not_block_submission(lead_api, assessment, lead_auditor):
    old = approved_assessment(assessment, lead_auditor, compliant_answers(assessment.checklist))  # A.6 "yes", A.7 set
    new = Assessment.objects.get(pk=create(lead_api, assessment, based_on=old.pk).json()["id"])
    # This time A.6 is "no": A.7 is hidden, so its carried-over answer needs no confirmation.
    items = [i for i in compliant_answers(assessment.checklist, **{"A.6": "no"}) if i["question"] != "A.7"]
    assert put(lead_api, new, items).status_code == 200
    assert Answer.objects.get(assessment=new, question__code="A.7").carried_over
    attach_required_evidence(new, lead_auditor)
    assert lead_api.get(url(new, "submission-check/")).json()["problems"] == []
    assert lead_api.post(url(new, "submit/"), {}, format="json").status_code == 200


def test_carry_over_onto_a_newer_version_matches_questions_by_code(lead_api, assessment, lead_auditor, quality_admin):
    old = approved_assessment(assessment, lead_auditor, compliant_answers(assessment.checklist))
    draft = publishing.new_version(assessment.checklist)
    Question.objects.get(checklist=draft, code="B.1").delete()
    changed = Question.objects.get(checklist=draft, code=COMPLIANCE)
    changed.answer_type, changed.expected_answer = "yes_no", "yes"
    changed.save()
    publishing.publish(draft, quality_admin)

    created = create(lead_api, assessment, checklist=draft.pk, based_on=old.pk)
    assert created.status_code == 201, created.json()
    copied = {a["question"] for a in lead_api.get(f"/api/assessments/{created.json()['id']}/answers/").json()}
    expected = {q.code for q in Question.objects.filter(checklist=draft)} - {COMPLIANCE}
    assert copied == expected  # B.1 is gone; A.3 changed type and is not copied


def test_based_on_must_be_an_approved_assessment_of_the_same_vendor(lead_api, assessment, lead_auditor):
    from vendors.models import Vendor

    other_vendor = Vendor.objects.create(name="Other Bio", country="US")
    old = approved_assessment(assessment, lead_auditor, [])
    other = Assessment.objects.create(
        vendor=other_vendor,
        checklist=assessment.checklist,
        lead_auditor=lead_auditor,
        created_by=lead_auditor,
        status=Assessment.Status.APPROVED,
    )
    count = Assessment.objects.count()
    response = create(lead_api, assessment, based_on=other.pk)
    assert response.status_code == 400 and "based_on" in response.json()
    response = create(lead_api, assessment, based_on=assessment.pk)  # planned, not approved
    assert response.status_code == 400 and "based_on" in response.json()
    assert Assessment.objects.count() == count
    assert create(lead_api, assessment, based_on=old.pk).status_code == 201


# --- visibility ----------------------------------------------------------------------------


def test_an_auditor_not_on_the_team_gets_404(api, assessment, lead_api, outsider):
    assert put(lead_api, assessment, [{"question": COMPLIANCE, "value": "compliant"}]).status_code == 200
    client = api.as_user(outsider)
    assert client.get(url(assessment)).status_code == 404
    assert client.get(url(assessment, "answers/")).status_code == 404
    assert put(client, assessment, [{"question": COMPLIANCE, "value": "non_compliant"}]).status_code == 404
    assert client.get(url(assessment, "score/")).status_code == 404
    assert stored(assessment) == {COMPLIANCE: ("compliant", 1)}
    api.credentials()
    assert api.get(url(assessment, "answers/")).status_code == 401


# --- evidence ----------------------------------------------------------------------------


def upload(client, assessment, code, name, content, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url(assessment, f"answers/{code}/evidence/"),
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
        **extra,
    )


def test_evidence_upload_is_hashed_and_stored_privately(lead_api, assessment, private_media, lead_auditor):
    response = upload(lead_api, assessment, COMPLIANCE, "Batch record summary.pdf", PDF)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["original_name"] == "Batch record summary.pdf"
    assert body["size"] == len(PDF) and body["content_type"] == "application/pdf"
    assert body["uploaded_by"] == lead_auditor.username
    assert body["download"].endswith(f"/api/evidence/{body['id']}/download/")

    item = Evidence.objects.get(pk=body["id"])
    path = Path(item.file.path)
    assert path.read_bytes() == PDF
    assert path.is_relative_to(private_media)  # under MEDIA_ROOT ...
    assert "Batch" not in path.name  # ... under a random name
    assert not getattr(project_settings, "MEDIA_URL", "")  # ... and no public URL serves it
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert item.file.name not in json.dumps(body)
    for public in (f"/media/{item.file.name}", f"/{item.file.name}", f"/static/{item.file.name}"):
        assert lead_api.get(public).status_code == 404

    # The answer lists its evidence.
    answer = next(a for a in lead_api.get(url(assessment, "answers/")).json() if a["question"] == COMPLIANCE)
    assert [e["sha256"] for e in answer["evidence"]] == [body["sha256"]]


def test_evidence_too_large_is_413(lead_api, assessment, private_media, monkeypatch):
    from assessments import evidence

    monkeypatch.setattr(evidence, "MAX_BYTES", 64)
    response = upload(lead_api, assessment, COMPLIANCE, "big.pdf", PDF + b"0" * 64)
    assert response.status_code == 413
    assert "file" in response.json()
    assert upload(lead_api, assessment, COMPLIANCE, "small.pdf", PDF[:64]).status_code == 201
    assert Evidence.objects.count() == 1


REFUSED_FILES = [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("report.pdf", b"MZ\x90\x00\x03 this is an executable renamed"),
    ("photo.png", PDF),
    ("report.pdf", b""),
    ("no-extension", PDF),
]


def test_evidence_of_a_refused_type_is_400(lead_api, assessment, private_media):
    for name, content in REFUSED_FILES:
        response = upload(lead_api, assessment, COMPLIANCE, name, content)
        assert response.status_code == 400, name
        assert list(response.json()) == ["file"]
        assert name in response.json()["file"][0]
    assert Evidence.objects.count() == 0
    assert not [p for p in private_media.rglob("*") if p.is_file()]  # no file left behind


def test_evidence_upload_needs_a_known_question_and_the_team(lead_api, api, assessment, private_media, outsider):
    assert upload(lead_api, assessment, "Z.99", "a.pdf", PDF).status_code == 400
    assert lead_api.post(url(assessment, f"answers/{COMPLIANCE}/evidence/"), {}, format="multipart").status_code == 400
    assert upload(api.as_user(outsider), assessment, COMPLIANCE, "a.pdf", PDF).status_code == 404
    assert Evidence.objects.count() == 0


def test_evidence_download_for_the_team_only(lead_api, api, assessment, private_media, outsider, auditor):
    uploaded = upload(lead_api, assessment, COMPLIANCE, "EM trend Q1.pdf", PDF).json()
    download = f"/api/evidence/{uploaded['id']}/download/"

    response = api.as_user(auditor).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="EM trend Q1.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"

    assert api.as_user(outsider).get(download).status_code == 404
    assert api.as_user(outsider).get(f"/api/evidence/{uploaded['id']}/").status_code == 404


# --- the reply is the items saved, in a bounded number of queries ------------------------------


def test_put_answers_with_the_items_saved_not_the_whole_list(lead_api, assessment):
    everything = [
        {"question": COMPLIANCE, "value": "compliant"},
        {"question": YES_NO, "value": "yes"},
        {"question": MATURITY, "value": 2},
        {"question": NUMERIC, "value": 12},
    ]
    first = put(lead_api, assessment, everything)
    assert first.status_code == 200
    listed = lead_api.get(url(assessment, "answers/")).json()
    assert [i["question"] for i in first.json()] == [i["question"] for i in listed]
    # Two items, sent out of checklist order: two items back, in the order GET gives them.
    two = [{"question": MATURITY, "value": 3}, {"question": COMPLIANCE, "value": "partial"}]
    response = put(lead_api, assessment, two)
    assert response.status_code == 200
    body = response.json()
    assert [i["question"] for i in body] == [COMPLIANCE, MATURITY]
    listed = {i["question"]: i for i in lead_api.get(url(assessment, "answers/")).json()}
    assert body == [listed[COMPLIANCE], listed[MATURITY]]  # the same items as GET, as they now are
    assert body[0]["version"] == 2 and body[0]["value"] == "partial"
    # An item that changes nothing is answered too, unchanged.
    again = put(lead_api, assessment, [{"question": YES_NO, "value": "yes"}]).json()
    assert again == [listed[YES_NO]] and again[0]["version"] == 1


def statements(queries) -> list[str]:
    """The SQL statements, without the savepoints of the test's own transaction (in production the
    request's transaction is the outermost one: it issues none)."""
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


@pytest.mark.parametrize("with_file", [False, True], ids=["answer", "answer_with_evidence"])
def test_saving_one_answer_takes_at_most_10_queries(
    lead_api, assessment, lead_auditor, private_media, with_file, django_assert_max_num_queries
):
    """Token, roles, the record seen and locked with its team, its answers, the audit trail's read
    of the old row and its entry, the row, the findings for the rating and the score stored: ten.
    The reply's evidence files are one more read when the answer has any."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.models import AuditEntry

    assert put(lead_api, assessment, compliant_answers(assessment.checklist)).status_code == 200
    if with_file:
        upload = lead_api.post(url(assessment, f"answers/{MATURITY}/evidence/"), {"file": _pdf()}, format="multipart")
        assert upload.status_code == 201, upload.content
    entries = AuditEntry.objects.filter(assessment_id=assessment.pk).count()
    with django_assert_max_num_queries(13 if with_file else 12), CaptureQueriesContext(connection) as queries:
        response = put(lead_api, assessment, [{"question": MATURITY, "value": 1}])
    assert response.status_code == 200
    assert len(statements(queries)) <= (11 if with_file else 10), statements(queries)
    (item,) = response.json()
    assert item["question"] == MATURITY and item["value"] == 1 and len(item["evidence"]) == int(with_file)
    # Nothing was given up for it: the change is in the audit trail and the score is stored.
    assert AuditEntry.objects.filter(assessment_id=assessment.pk).count() == entries + 1
    assert Assessment.objects.get(pk=assessment.pk).overall_score is not None


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("seen.pdf", PDF, content_type="application/pdf")
