"""GET /api/assessments/{id}/score/ against hand calculations (docs/domain.md §3, docs/api.md "Score"),
on a small checklist built here so that every number can be worked out on paper; the score's
constant query count; and the assessment list's filters and visibility."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from assessments.models import Assessment
from tests.factories import attach_required_evidence, compliant_answers, new_assessment, published_checklist

pytestmark = pytest.mark.django_db

# Criterion weights A 2, B 1, C 1; question weights (w) and severities (s) as below.
SMALL = [
    {
        "code": "A",
        "title": "Manufacturing experience",
        "weight": 2,
        "questions": [
            {"code": "A.1", "text": "Batch records reviewed?", "answer_type": "compliance", "weight": 4, "severity": 3},
            {
                "code": "A.2",
                "text": "Any batch failure in 3 years?",
                "answer_type": "yes_no",
                "expected_answer": "no",
                "weight": 2,
                "severity": 4,
            },
            {
                "code": "A.3",
                "text": "Deviation management maturity",
                "answer_type": "maturity",
                "weight": 3,
                "severity": 3,
            },
            {
                "code": "A.4",
                "text": "GMP batches per year",
                "answer_type": "numeric",
                "min_value": 10,
                "max_value": 20,
                "unit": "batches",
                "weight": 1,
                "severity": 2,
            },
            {
                "code": "A.5",
                "text": "Anything else?",
                "answer_type": "text",
                "required": False,
                "weight": 1,
                "severity": 1,
            },
        ],
    },
    {
        "code": "B",
        "title": "Contamination control",
        "weight": 1,
        "questions": [
            {
                "code": "B.1",
                "text": "Open processing steps?",
                "answer_type": "yes_no",
                "expected_answer": "yes",
                "weight": 3,
                "severity": 4,
            },
            {
                "code": "B.2",
                "text": "Grade A background justified?",
                "answer_type": "compliance",
                "weight": 5,
                "severity": 5,
                "condition": {"question": "B.1", "equals": "yes"},
            },
            {
                "code": "B.3",
                "text": "Contaminated media-fill units",
                "answer_type": "numeric",
                "max_value": 0,
                "weight": 2,
                "severity": 5,
            },
        ],
    },
    {
        "code": "C",
        "title": "Cold chain",
        "weight": 1,
        "questions": [
            {"code": "C.1", "text": "Shippers requalified?", "answer_type": "compliance", "weight": 3, "severity": 4},
            {
                "code": "C.2",
                "text": "Chain of identity maturity",
                "answer_type": "maturity",
                "weight": 2,
                "severity": 3,
            },
        ],
    },
]
TITLES = {c["code"]: c["title"] for c in SMALL}
# Every scored question at full compliance (c = 1), B.1 "yes" so that B.2 applies.
ALL_GOOD = {
    "A.1": "compliant",
    "A.2": "no",
    "A.3": 4,
    "A.4": 15,
    "A.5": "Two suites, 120 slots a year",
    "B.1": "yes",
    "B.2": "compliant",
    "B.3": 0,
    "C.1": "compliant",
    "C.2": 4,
}


@pytest.fixture
def small_checklist(db, quality_admin):
    return published_checklist("T-SMALL", "Small test checklist", SMALL, by=quality_admin)


@pytest.fixture
def small(small_checklist, vendor, lead_auditor, auditor, reviewer):
    return new_assessment(small_checklist, vendor, lead_auditor, reviewer, team=[auditor])


def answer(client, assessment, values, **na):
    items = [{"question": code, "value": value} for code, value in values.items()]
    for item in items:
        if item["value"] == "na":
            item["na_justification"] = na.get(item["question"], "Not done at this site")
    response = client.put(f"/api/assessments/{assessment.pk}/answers/", items, format="json")
    assert response.status_code == 200, response.json()


def finding(client, assessment, question, classification):
    response = client.post(
        f"/api/assessments/{assessment.pk}/findings/",
        {
            "question": question,
            "classification": classification,
            "description": "Seen on site",
            # Needed when the class is lower than proposed from the question's severity.
            "downgrade_rationale": "Isolated, no impact on product",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


def score(client, assessment):
    response = client.get(f"/api/assessments/{assessment.pk}/score/")
    assert response.status_code == 200
    return response.json()


def criteria(*rows):
    return [
        {"code": code, "title": TITLES[code], "score": s, "answered": answered, "total": total}
        for code, s, answered, total in rows
    ]


def no_findings(**counts):
    return {"critical": 0, "major": 0, "minor": 0, "observation": 0, **counts}


# --- the numbers ---------------------------------------------------------------------------


def test_mixed_answer_types_na_and_a_hidden_conditional_question(lead_api, small):
    answer(
        lead_api,
        small,
        {
            "A.1": "partial",  # compliance partial: c = 0.5, w 4 -> 2
            "A.2": "no",  # yes/no, expected "no": c = 1, w 2 -> 2
            "A.3": 3,  # maturity 3: c = 3/4, w 3 -> 2.25
            "A.4": 15,  # numeric inside [10, 20]: c = 1, w 1 -> 1
            "A.5": "Free text",  # text: not scored (but answered)
            "B.1": "no",  # yes/no, expected "yes": c = 0, w 3 -> 0; hides B.2
            "B.2": "non_compliant",  # hidden by B.1 = "no": neither counted nor scored
            "B.3": 0,  # numeric, upper limit 0 inclusive: inside, c = 1, w 2 -> 2
            "C.1": "na",  # N/A: excluded; C.2 unanswered: criterion C has nothing applicable
        },
    )
    # A = 100 * (2 + 2 + 2.25 + 1) / (4 + 2 + 3 + 1) = 725 / 10 = 72.5; 5 of 5 shown answered
    # B = 100 * (0 + 2) / (3 + 2) = 40.0; B.2 hidden, so 2 shown, 2 answered
    # C = null (N/A and unanswered); answered 1 (the N/A), 2 shown; left out of the overall
    # overall = (2 * 72.5 + 1 * 40) / (2 + 1) = 185 / 3 = 61.666... -> 61.7
    # rating: no finding, 61.7 >= 60 but < 75 -> high -> conditionally approved; inherent high x high = 12
    assert score(lead_api, small) == {
        "overall": 61.7,
        "criteria": criteria(("A", 72.5, 5, 5), ("B", 40.0, 2, 2), ("C", None, 1, 2)),
        "risk_rating": "high",
        "recommended_decision": "conditionally_approved",
        "requalification_months": 12,
        "findings": no_findings(),
    }

    # Numeric outside its limits scores 0: A.4 = 25 > 20.
    # A = 100 * (2 + 2 + 2.25 + 0) / 10 = 62.5; overall = (125 + 40) / 3 = 55.0 -> critical (< 60)
    answer(lead_api, small, {"A.4": 25})
    result = score(lead_api, small)
    assert result["criteria"][0]["score"] == 62.5 and result["overall"] == 55.0
    assert (result["risk_rating"], result["recommended_decision"], result["requalification_months"]) == (
        "critical",
        "not_approved",
        6,
    )
    # and so does a value below the lower limit (A.4 = 9.5 < 10); the text answer never counts.
    answer(lead_api, small, {"A.4": 9.5, "A.5": "Something else entirely"})
    assert score(lead_api, small)["criteria"][0]["score"] == 62.5

    # N/A changes only the denominator: A.1 N/A (weight 4 gone), A.4 back inside:
    # A = 100 * (2 + 2.25 + 1) / (2 + 3 + 1) = 525 / 6 = 87.5; overall = (175 + 40) / 3 = 71.666... -> 71.7
    answer(lead_api, small, {"A.1": "na", "A.4": 15})
    result = score(lead_api, small)
    assert result["criteria"][0] == {"code": "A", "title": TITLES["A"], "score": 87.5, "answered": 5, "total": 5}
    assert result["overall"] == 71.7

    # C applicable again: C.1 compliant -> C = 100 (C.2 still unanswered, not scored)
    # overall = (2 * 87.5 + 40 + 100) / 4 = 315 / 4 = 78.75 -> 78.8 (half up)
    # rating: 78.8 >= 75 but criterion B 40 < 50 -> high
    answer(lead_api, small, {"C.1": "compliant"})
    result = score(lead_api, small)
    assert result["criteria"][2] == {"code": "C", "title": TITLES["C"], "score": 100.0, "answered": 1, "total": 2}
    assert result["overall"] == 78.8 and result["risk_rating"] == "high"

    # B.1 "yes" shows B.2 (non_compliant, answered earlier): B = 100 * (3 + 0 + 2) / (3 + 5 + 2) = 50.0, 3 shown
    # overall = (175 + 50 + 100) / 4 = 81.25 -> 81.3; no criterion < 50, no finding: 81.3 < 90 -> medium
    answer(lead_api, small, {"B.1": "yes"})
    result = score(lead_api, small)
    assert result["criteria"][1] == {"code": "B", "title": TITLES["B"], "score": 50.0, "answered": 3, "total": 3}
    assert result["overall"] == 81.3
    assert (result["risk_rating"], result["recommended_decision"], result["requalification_months"]) == (
        "medium",
        "approved",
        12,
    )

    # The assessment's stored score and rating follow every change (lists filter on them).
    detail = lead_api.get(f"/api/assessments/{small.pk}/").json()
    assert (detail["overall_score"], detail["risk_rating"]) == (81.3, "medium")


def test_nothing_answered_has_no_score_rating_or_decision(lead_api, small):
    assert score(lead_api, small) == {
        "overall": None,
        "criteria": criteria(("A", None, 0, 5), ("B", None, 0, 2), ("C", None, 0, 2)),
        "risk_rating": None,
        "recommended_decision": None,
        "requalification_months": None,
        "findings": no_findings(),
    }
    # Only N/A and text answered: still nothing applicable.
    answer(lead_api, small, {"A.1": "na", "A.5": "Notes", "C.1": "na"})
    result = score(lead_api, small)
    assert result["overall"] is None and [c["score"] for c in result["criteria"]] == [None, None, None]
    assert result["risk_rating"] is None


# Each scenario: answers changed from ALL_GOOD, findings, expected overall, rating, with the hand calculation.
RATING_CASES = {
    "low": ({}, [], 100.0, "low"),
    # 100 everywhere, but a minor finding -> medium
    "medium_by_minor_finding": ({}, [("C.1", "minor")], 100.0, "medium"),
    # A.1 non_compliant: A = 100 * (0 + 2 + 3 + 1) / 10 = 60; overall = (120 + 100 + 100) / 4 = 80 < 90 -> medium
    "medium_by_overall": ({"A.1": "non_compliant"}, [], 80.0, "medium"),
    # A.1 partial: A = 100 * (2 + 2 + 3 + 1) / 10 = 80; overall = (160 + 200) / 4 = 90.0, not < 90 -> low
    "low_at_90": ({"A.1": "partial"}, [], 90.0, "low"),
    # 100 everywhere, but a major finding -> high (an observation changes nothing)
    "high_by_major_finding": ({}, [("A.2", "major"), ("A.1", "observation")], 100.0, "high"),
    # A.1 non_compliant 0, A.2 "no" 2, A.3 4 -> 3, A.4 25 -> 0: A = 100 * 5 / 10 = 50 (not < 50)
    # C.1 partial 1.5, C.2 2 -> 2/4 * 2 = 1: C = 100 * 2.5 / 5 = 50; B = 100
    # overall = (2 * 50 + 100 + 50) / 4 = 62.5: >= 60, < 75 -> high; no criterion < 50
    "high_by_overall": ({"A.1": "non_compliant", "A.4": 25, "C.1": "partial", "C.2": 2}, [], 62.5, "high"),
    # B.1 "no" (c 0, w 3; B.2 hidden), B.3 = 1 > 0 (c 0, w 2): B = 0
    # overall = (200 + 0 + 100) / 4 = 75.0, not < 75; but criterion B 0 < 50 -> high
    "high_by_criterion": ({"B.1": "no", "B.3": 1}, [], 75.0, "high"),
    # 100 everywhere, but a critical finding -> critical
    "critical_by_finding": ({}, [("B.3", "critical")], 100.0, "critical"),
    # A.1 nc, A.2 "yes", A.3 0, A.4 25: A = 0; overall = (0 + 100 + 100) / 4 = 50 < 60 -> critical
    "critical_by_overall": ({"A.1": "non_compliant", "A.2": "yes", "A.3": 0, "A.4": 25}, [], 50.0, "critical"),
}
DECISION = {"low": "approved", "medium": "approved", "high": "conditionally_approved", "critical": "not_approved"}
# domain.md §3: requalification months by vendor inherent risk x assessment rating
MONTHS = {
    "high": {"low": 24, "medium": 12, "high": 12, "critical": 6},
    "medium": {"low": 36, "medium": 24, "high": 12, "critical": 6},
    "low": {"low": 36, "medium": 36, "high": 24, "critical": 6},
}


@pytest.mark.parametrize("case", list(RATING_CASES))
def test_each_rating_rule_decision_and_requalification_interval(lead_api, small, vendor, case):
    changes, raised, overall, rating = RATING_CASES[case]
    answer(lead_api, small, {**ALL_GOOD, **changes})
    for question, classification in raised:
        finding(lead_api, small, question, classification)
    for inherent in ("high", "medium", "low"):
        vendor.inherent_risk = inherent
        vendor.save()
        result = score(lead_api, small)
        assert result["overall"] == overall, case
        assert result["risk_rating"] == rating, case
        assert result["recommended_decision"] == DECISION[rating]
        assert result["requalification_months"] == MONTHS[inherent][rating], (case, inherent)
        counts = no_findings()
        for _question, classification in raised:
            counts[classification] += 1
        assert result["findings"] == counts
    assert Assessment.objects.get(pk=small.pk).risk_rating == rating


def test_score_shape_is_exactly_the_documented_one(lead_api, small):
    answer(lead_api, small, ALL_GOOD)
    finding(lead_api, small, "A.1", "minor")
    result = score(lead_api, small)
    assert set(result) == {
        "overall",
        "criteria",
        "risk_rating",
        "recommended_decision",
        "requalification_months",
        "findings",
    }
    assert all(set(c) == {"code", "title", "score", "answered", "total"} for c in result["criteria"])
    assert [c["code"] for c in result["criteria"]] == ["A", "B", "C"]
    assert result["findings"] == {"critical": 0, "major": 0, "minor": 1, "observation": 0}
    assert isinstance(result["overall"], float) and isinstance(result["requalification_months"], int)


# --- a constant number of queries -----------------------------------------------------------


def test_the_score_costs_the_same_queries_with_5_and_60_answers(lead_api, assessment, django_assert_max_num_queries):
    items = compliant_answers(assessment.checklist)
    assert len(items) >= 60
    url = f"/api/assessments/{assessment.pk}/score/"
    assert lead_api.put(f"/api/assessments/{assessment.pk}/answers/", items[:5], format="json").status_code == 200
    lead_api.get(url)  # warm up: the published checklist's specs are cached after the first read

    with CaptureQueriesContext(connection) as five:
        assert lead_api.get(url).status_code == 200
    five = [q["sql"] for q in five.captured_queries]  # read now: the next request resets the log
    assert lead_api.put(f"/api/assessments/{assessment.pk}/answers/", items[5:60], format="json").status_code == 200
    with django_assert_max_num_queries(len(five)):
        with CaptureQueriesContext(connection) as sixty:
            response = lead_api.get(url)
        sixty = [q["sql"] for q in sixty.captured_queries]
    assert response.status_code == 200
    assert sum(c["answered"] for c in response.json()["criteria"]) == 60
    assert len(sixty) == len(five), sixty
    assert len(five) <= 12, five


# --- the list: filters and visibility ---------------------------------------------------------


@pytest.fixture
def population(small_checklist, vendor, make_user, lead_auditor, auditor, reviewer, api):
    """Three assessments: in progress (low), submitted (high), planned (no rating)."""
    from vendors.models import Vendor

    other_vendor = Vendor.objects.create(name="Vectorworks Inc", country="US")
    other_lead = make_user("lead2", Role.LEAD_AUDITOR, Role.AUDITOR)
    member = make_user("member2", Role.AUDITOR)

    def make(vendor_, lead_, team=(), **fields):
        a = Assessment.objects.create(
            vendor=vendor_, checklist=small_checklist, lead_auditor=lead_, created_by=lead_, **fields
        )
        a.audit_team.set(team)
        return a

    in_progress = make(vendor, lead_auditor, [auditor])
    answer(api.as_user(lead_auditor), in_progress, ALL_GOOD)
    submitted = make(other_vendor, other_lead, [member], reviewer=reviewer)
    client = api.as_user(other_lead)
    answer(client, submitted, {**ALL_GOOD, "B.1": "no", "B.3": 1})  # high by criterion B (see above)
    attach_required_evidence(submitted, other_lead)
    assert client.post(f"/api/assessments/{submitted.pk}/submit/", {}, format="json").status_code == 200
    planned = make(vendor, other_lead)
    return {
        "in_progress": in_progress,
        "submitted": submitted,
        "planned": planned,
        "other_lead": other_lead,
        "other_vendor": other_vendor,
        "member": member,
    }


def listed(client, query=""):
    response = client.get(f"/api/assessments/{query}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


def test_list_filters(api, population, vendor, lead_auditor, quality_admin):
    p = population
    ids = {name: p[name].pk for name in ("in_progress", "submitted", "planned")}
    admin = api.as_user(quality_admin)
    assert listed(admin) == set(ids.values())
    assert listed(admin, f"?vendor={vendor.pk}") == {ids["in_progress"], ids["planned"]}
    assert listed(admin, f"?vendor={p['other_vendor'].pk}") == {ids["submitted"]}
    assert listed(admin, "?status=submitted") == {ids["submitted"]}
    assert listed(admin, "?status=in_progress") == {ids["in_progress"]}
    assert listed(admin, "?status=approved") == set()
    assert listed(admin, f"?lead_auditor={p['other_lead'].pk}") == {ids["submitted"], ids["planned"]}
    assert listed(admin, f"?lead_auditor={lead_auditor.pk}") == {ids["in_progress"]}
    assert listed(admin, "?rating=low") == {ids["in_progress"]}
    assert listed(admin, "?rating=high") == {ids["submitted"]}
    assert listed(admin, "?rating=critical") == set()
    assert listed(admin, f"?vendor={vendor.pk}&lead_auditor={p['other_lead'].pk}") == {ids["planned"]}
    assert listed(admin, "?status=submitted&rating=low") == set()
    # A bad filter value is a 400 naming it, never a 500.
    for bad in ("?rating=terrible", "?status=lost", "?vendor=abc", "?lead_auditor=999999"):
        response = admin.get(f"/api/assessments/{bad}")
        assert response.status_code == 400, bad
        assert bad[1:].split("=")[0] in response.json()
    # The list shows the stored rating and score.
    row = next(r for r in admin.get("/api/assessments/?rating=high").json()["results"])
    assert (row["risk_rating"], row["overall_score"], row["status"]) == ("high", 75.0, "submitted")


def test_list_and_detail_follow_visibility(api, population, make_user, lead_auditor, auditor, reviewer):
    p = population
    ids = {name: p[name].pk for name in ("in_progress", "submitted", "planned")}
    # An auditor sees only the assessments they are on (as lead or team member).
    assert listed(api.as_user(auditor)) == {ids["in_progress"]}
    assert listed(api.as_user(lead_auditor)) == {ids["in_progress"]}
    assert listed(api.as_user(p["member"])) == {ids["submitted"]}
    assert listed(api.as_user(p["other_lead"])) == {ids["submitted"], ids["planned"]}
    # A QA reviewer sees submitted (and later approved) ones, and those they are named reviewer of.
    assert listed(api.as_user(reviewer)) == {ids["submitted"]}
    Assessment.objects.filter(pk=ids["planned"]).update(reviewer=reviewer)
    assert listed(api.as_user(reviewer)) == {ids["submitted"], ids["planned"]}
    # Filters never widen what one sees.
    assert listed(api.as_user(auditor), f"?vendor={p['other_vendor'].pk}") == set()
    assert listed(api.as_user(auditor), "?rating=high") == set()

    # A non-member gets 404 on the detail, its answers and its score.
    outsider = api.as_user(make_user("outsider", Role.AUDITOR))
    assert listed(outsider) == set()
    for tail in ("", "answers/", "score/", "findings/"):
        assert outsider.get(f"/api/assessments/{ids['in_progress']}/{tail}").status_code == 404
    client = api.as_user(auditor)
    assert client.get(f"/api/assessments/{ids['submitted']}/").status_code == 404
    assert client.get(f"/api/assessments/{ids['in_progress']}/").status_code == 200
    assert api.as_user(reviewer).get(f"/api/assessments/{ids['in_progress']}/").status_code == 404
