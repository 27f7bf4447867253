"""Tests of the risk-scoring engine (docs/domain.md §3, rules in docs/scoring.md).

Pure unit tests: they import only ``assessments.scoring`` and ``checklists.scoring_settings`` and
need neither Django nor a database.
Hypothesis runs without its example database so that no ``.hypothesis/`` folder is written.
"""

import json
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import (
    ANSWER_TYPES,
    DECISIONS,
    FINDING_CLASSES,
    INHERENT_RISKS,
    NA,
    RATINGS,
    CriterionScore,
    CriterionSpec,
    QuestionSpec,
    ScoringSettings,
    compliance_value,
    criterion_scores,
    missing_for_submission,
    overall_score,
    pics_flagged_criteria,
    propose_classification,
    recommended_decision,
    requalification_due,
    requalification_months,
    risk_rating,
    score_assessment,
    visible_questions,
)
from checklists import scoring_settings

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NO_FINDINGS = {}


def q(code, answer_type, **kwargs):
    """A question of the criterion named by the code's prefix ("A.3" -> "A")."""
    return QuestionSpec(code=code, criterion=code.split(".")[0], answer_type=answer_type, **kwargs)


def cs(score, code="A", weight=1):
    """A hand-built criterion result, for testing the rating rules in isolation."""
    return CriterionScore(code=code, title=code, weight=weight, score=score, answered=1, total=1, applicable_weight=3)


def by_code(scores):
    return {score.code: score for score in scores}


# =========================================================================== worked examples

# Example 1: one criterion, every answer type.
#   A.1 compliance  w3  partial              c=0.5   w*c=1.5
#   A.2 maturity    w2  1                    c=0.25  w*c=0.5
#   A.3 numeric     w5  12, limits 0..10     c=0     w*c=0
#   A.4 numeric     w1  5, limits 5..open    c=1     w*c=1     (limits are inclusive)
#   A.5 yes_no      w3  "no", expects "no"   c=1     w*c=3
#   A.6 text        w3  free text            not scored, but answered
#   A.7 compliance  w4  na                   excluded, but answered
#   A.8 maturity    w2  unanswered, optional excluded, not answered
#   sum(w*c) = 6, sum(w) = 14  ->  100 * 6 / 14 = 42.857... -> 42.9
#   answered 7 of 8; overall = 42.9 (one criterion) < 60 -> critical -> not approved, 6 months.
EXAMPLE1_CRITERIA = [CriterionSpec("A", "Manufacturing experience")]
EXAMPLE1_QUESTIONS = [
    q("A.1", "compliance", weight=3),
    q("A.2", "maturity", weight=2),
    q("A.3", "numeric", weight=5, min_value=0, max_value=10),
    q("A.4", "numeric", weight=1, min_value=5),
    q("A.5", "yes_no", weight=3, expected_answer="no"),
    q("A.6", "text", weight=3),
    q("A.7", "compliance", weight=4),
    q("A.8", "maturity", weight=2, required=False),
]
EXAMPLE1_ANSWERS = {
    "A.1": "partial",
    "A.2": 1,
    "A.3": 12,
    "A.4": 5,
    "A.5": "no",
    "A.6": "Batch records 2023-2025 reviewed",
    "A.7": NA,
}


def test_example1_mixed_answer_types():
    values = [compliance_value(question, EXAMPLE1_ANSWERS.get(question.code)) for question in EXAMPLE1_QUESTIONS]
    assert values == [0.5, 0.25, 0.0, 1.0, 1.0, None, None, None]

    result = score_assessment(EXAMPLE1_CRITERIA, EXAMPLE1_QUESTIONS, EXAMPLE1_ANSWERS, [], "medium", ScoringSettings())
    [a] = result.criteria
    assert (a.score, a.answered, a.total, a.applicable_weight) == (42.9, 7, 8, 14)
    assert result.overall == 42.9
    assert result.risk_rating == "critical"
    assert result.recommended_decision == "not_approved"
    assert result.requalification_months == 6
    assert result.as_dict() == {
        "overall": 42.9,
        "criteria": [{"code": "A", "title": "Manufacturing experience", "score": 42.9, "answered": 7, "total": 8}],
        "risk_rating": "critical",
        "recommended_decision": "not_approved",
        "requalification_months": 6,
        "findings": {"critical": 0, "major": 0, "minor": 0, "observation": 0},
    }


# Example 2: a hidden conditional question, a criterion with nothing applicable, weights != 1.
#   B (weight 2):
#     B.1 yes_no expects yes, w3, answered "no"                    c=0   w*c=0
#     B.2 compliance w4, only if B.1 == "yes"; answered non_compliant -> hidden, ignored
#     B.3 compliance w2 compliant                                  c=1   w*c=2
#     -> 100 * 2 / 5 = 40.0, answered 2 of 2 visible
#   C (weight 1): C.1 na, C.2 text, C.3 maturity na -> nothing scored -> None, answered 3 of 3
#   D (weight 0.5): D.1 maturity 4 w3 (c=1, 3) + D.2 partial w1 (c=0.5, 0.5) -> 100*3.5/4 = 87.5
#   overall = (2*40 + 0.5*87.5) / (2 + 0.5) = 123.75 / 2.5 = 49.5   (C left out)
#   -> critical, not approved, 6 months (inherent low).
EXAMPLE2_CRITERIA = [
    CriterionSpec("B", "Technology transfer", weight=2),
    CriterionSpec("C", "Environmental monitoring", weight=1),
    CriterionSpec("D", "Contamination control", weight=0.5),
]
EXAMPLE2_QUESTIONS = [
    q("B.1", "yes_no", weight=3, expected_answer="yes"),
    q("B.2", "compliance", weight=4, condition_question="B.1", condition_equals="yes"),
    q("B.3", "compliance", weight=2),
    q("C.1", "compliance"),
    q("C.2", "text"),
    q("C.3", "maturity"),
    q("D.1", "maturity", weight=3),
    q("D.2", "compliance", weight=1),
]
EXAMPLE2_ANSWERS = {
    "B.1": "no",
    "B.2": "non_compliant",
    "B.3": "compliant",
    "C.1": NA,
    "C.2": "No grade B area",
    "C.3": NA,
    "D.1": 4,
    "D.2": "partial",
}


def test_example2_hidden_question_na_criterion_and_weights():
    result = score_assessment(EXAMPLE2_CRITERIA, EXAMPLE2_QUESTIONS, EXAMPLE2_ANSWERS, (), "low", ScoringSettings())
    scores = by_code(result.criteria)
    assert (scores["B"].score, scores["B"].answered, scores["B"].total) == (40.0, 2, 2)
    assert (scores["C"].score, scores["C"].answered, scores["C"].total) == (None, 3, 3)
    assert (scores["D"].score, scores["D"].answered, scores["D"].total) == (87.5, 2, 2)
    assert result.overall == 49.5
    assert (result.risk_rating, result.recommended_decision, result.requalification_months) == (
        "critical",
        "not_approved",
        6,
    )
    assert result.as_dict()["criteria"][1] == {
        "code": "C",
        "title": "Environmental monitoring",
        "score": None,
        "answered": 3,
        "total": 3,
    }


def test_example2_revealed_question_counts_by_design():
    # With B.1 = "yes" (c=1) B.2 applies and its non_compliant answer now counts:
    #   B = 100 * (3*1 + 4*0 + 2*1) / (3 + 4 + 2) = 500/9 = 55.55... -> 55.6
    #   overall = (2 * 500/9 + 0.5 * 87.5) / 2.5 = 61.94... -> 61.9 -> high (overall < 75)
    # A "better" trigger answer can lower a score because it reveals a follow-up question; this
    # is intended, and why the monotonicity property below only changes non-trigger answers.
    answers = {**EXAMPLE2_ANSWERS, "B.1": "yes"}
    result = score_assessment(EXAMPLE2_CRITERIA, EXAMPLE2_QUESTIONS, answers, (), "low", ScoringSettings())
    scores = by_code(result.criteria)
    assert (scores["B"].score, scores["B"].answered, scores["B"].total) == (55.6, 3, 3)
    assert result.overall == 61.9
    assert (result.risk_rating, result.requalification_months) == ("high", 24)


# Example 3: rounding half up, and the overall from unrounded criterion scores.
#   E (weight 1): four maturity questions, w5 each, answers 4, 4, 4, 1
#     sum(w*c) = 5*(4+4+4+1)/4 = 16.25, sum(w) = 20 -> 81.25 -> half up 81.3
#     (Python's round(81.25, 1) would give 81.2)
#   F (weight 1): F.1 compliance partial w3 -> 50.0
#   overall = (81.25 + 50) / 2 = 65.625 -> 65.6
#     (the mean of the displayed 81.3 and 50.0 would be 65.65 -> 65.7: not what we do)
#   findings: one minor, one observation -> overall 65.6 < 75 -> high -> conditionally approved,
#   12 months for an inherent-high vendor.
EXAMPLE3_CRITERIA = [CriterionSpec("E", "Staff competence"), CriterionSpec("F", "Technology and scale")]
EXAMPLE3_QUESTIONS = [q(f"E.{i}", "maturity", weight=5) for i in range(1, 5)] + [q("F.1", "compliance", weight=3)]
EXAMPLE3_ANSWERS = {"E.1": 4, "E.2": 4, "E.3": 4, "E.4": 1, "F.1": "partial"}


def test_example3_half_up_rounding_and_overall_from_unrounded_scores():
    findings = [("E", "minor"), ("F", "observation")]
    result = score_assessment(
        EXAMPLE3_CRITERIA, EXAMPLE3_QUESTIONS, EXAMPLE3_ANSWERS, findings, "high", ScoringSettings()
    )
    scores = by_code(result.criteria)
    assert scores["E"].score == 81.3
    assert scores["F"].score == 50.0
    assert result.overall == 65.6
    assert result.as_dict() == {
        "overall": 65.6,
        "criteria": [
            {"code": "E", "title": "Staff competence", "score": 81.3, "answered": 4, "total": 4},
            {"code": "F", "title": "Technology and scale", "score": 50.0, "answered": 1, "total": 1},
        ],
        "risk_rating": "high",
        "recommended_decision": "conditionally_approved",
        "requalification_months": 12,
        "findings": {"critical": 0, "major": 0, "minor": 1, "observation": 1},
    }
    assert json.loads(json.dumps(result.as_dict())) == result.as_dict()


# Example 4: the overall is rounded before it meets a threshold.
#   G (weight 0.5995): one compliant question -> 100;  H (weight 0.4005): non_compliant -> 0
#   overall = 100 * 0.5995 / 1 = 59.95 -> shown 60.0 -> not below 60 -> high (H < 50 anyway)
#   with weights 0.5994 / 0.4006: 59.94 -> shown 59.9 -> critical
@pytest.mark.parametrize(
    ("weight_g", "weight_h", "overall", "rating"),
    [(0.5995, 0.4005, 60.0, "high"), (Decimal("0.5994"), Decimal("0.4006"), 59.9, "critical")],
)
def test_example4_overall_rounded_before_threshold(weight_g, weight_h, overall, rating):
    criteria = [CriterionSpec("G", "Data integrity", weight_g), CriterionSpec("H", "Supply chain", weight_h)]
    questions = [q("G.1", "compliance"), q("H.1", "compliance")]
    answers = {"G.1": "compliant", "H.1": "non_compliant"}
    result = score_assessment(criteria, questions, answers, {}, "medium", ScoringSettings())
    assert [c.score for c in result.criteria] == [100.0, 0.0]
    assert result.overall == overall
    assert result.risk_rating == rating


def test_overall_score_is_weighted_mean_of_unrounded_scores():
    scores = criterion_scores(EXAMPLE3_CRITERIA, EXAMPLE3_QUESTIONS, EXAMPLE3_ANSWERS)
    assert overall_score(scores) == 65.6
    # Hand-built results without the exact score fall back to the displayed one.
    assert overall_score([cs(81.3, "E"), cs(50.0, "F")]) == 65.7
    assert overall_score([cs(None, "E"), cs(80.0, "F", weight=2), cs(50.0, "G", weight=0)]) == 80.0
    assert overall_score([cs(None, "E")]) is None
    assert overall_score([]) is None


def test_weight_zero_question_contributes_nothing():
    questions = [q("A.1", "compliance", weight=0), q("A.2", "compliance", weight=2)]
    [only_zero] = criterion_scores([CriterionSpec("A", "A")], questions[:1], {"A.1": "compliant"})
    assert (only_zero.score, only_zero.answered, only_zero.applicable_weight) == (None, 1, 0)
    [both] = criterion_scores([CriterionSpec("A", "A")], questions, {"A.1": "non_compliant", "A.2": "compliant"})
    assert both.score == 100.0


def test_unanswered_checklist_has_no_score_and_no_rating():
    result = score_assessment(EXAMPLE2_CRITERIA, EXAMPLE2_QUESTIONS, {}, [], "high", ScoringSettings())
    assert result.overall is None
    assert all(c.score is None and c.answered == 0 for c in result.criteria)
    assert [c.total for c in result.criteria] == [2, 3, 2]  # B.2 hidden: B.1 unanswered
    assert (result.risk_rating, result.recommended_decision, result.requalification_months) == (None, None, None)
    assert result.as_dict()["overall"] is None


def test_findings_given_as_pairs_or_counts_agree():
    pairs = [("A", "major"), ("A", "minor"), ("B", "minor"), ("B", "observation")]
    counts = {"major": 1, "minor": 2, "observation": 1}
    from_pairs = score_assessment(EXAMPLE1_CRITERIA, EXAMPLE1_QUESTIONS, EXAMPLE1_ANSWERS, pairs, "low", None)
    from_counts = score_assessment(EXAMPLE1_CRITERIA, EXAMPLE1_QUESTIONS, EXAMPLE1_ANSWERS, counts, "low", None)
    assert from_pairs.as_dict() == from_counts.as_dict()
    assert from_pairs.findings == {"critical": 0, "major": 1, "minor": 2, "observation": 1}


@pytest.mark.parametrize("findings", [[("A", "serious")], {"serious": 1}, {"major": -1}, {"major": True}])
def test_invalid_findings_are_refused(findings):
    with pytest.raises(ValueError):
        score_assessment(EXAMPLE1_CRITERIA, EXAMPLE1_QUESTIONS, EXAMPLE1_ANSWERS, findings, "low", None)


def test_checklist_errors_are_refused():
    with pytest.raises(ValueError, match="A.1"):
        criterion_scores(EXAMPLE1_CRITERIA, [q("A.1", "text"), q("A.1", "text")], {})
    with pytest.raises(ValueError, match="Z.1"):
        criterion_scores(EXAMPLE1_CRITERIA, [q("Z.1", "text")], {})
    with pytest.raises(ValueError):
        criterion_scores([CriterionSpec("A", "x"), CriterionSpec("A", "y")], [], {})
    with pytest.raises(ValueError):
        QuestionSpec("A.1", "A", "essay")
    with pytest.raises(ValueError):
        QuestionSpec("A.1", "A", "compliance", weight=-1)
    with pytest.raises(ValueError):
        QuestionSpec("A.1", "A", "yes_no", expected_answer="Yes")
    with pytest.raises(ValueError):
        CriterionSpec("A", "A", weight=-0.5)


# =========================================================================== compliance values


@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (q("A.1", "compliance"), "compliant", 1.0),
        (q("A.1", "compliance"), "partial", 0.5),
        (q("A.1", "compliance"), "non_compliant", 0.0),
        (q("A.1", "compliance"), NA, None),
        (q("A.1", "compliance"), None, None),
        (q("A.1", "yes_no", expected_answer="yes"), "yes", 1.0),
        (q("A.1", "yes_no", expected_answer="yes"), "no", 0.0),
        (q("A.1", "yes_no", expected_answer="no"), "no", 1.0),
        (q("A.1", "yes_no", expected_answer="no"), "yes", 0.0),
        (q("A.1", "yes_no"), "yes", 1.0),  # no expected answer: "yes" is compliant
        (q("A.1", "yes_no"), NA, None),
        (q("A.1", "maturity"), 0, 0.0),
        (q("A.1", "maturity"), 1, 0.25),
        (q("A.1", "maturity"), 2, 0.5),
        (q("A.1", "maturity"), 3, 0.75),
        (q("A.1", "maturity"), 4, 1.0),
        (q("A.1", "maturity"), 3.0, 0.75),
        (q("A.1", "maturity"), NA, None),
        (q("A.1", "numeric", min_value=1, max_value=3), 1, 1.0),
        (q("A.1", "numeric", min_value=1, max_value=3), 3, 1.0),
        (q("A.1", "numeric", min_value=1, max_value=3), Decimal("3.01"), 0.0),
        (q("A.1", "numeric", min_value=1, max_value=3), 0.99, 0.0),
        (q("A.1", "numeric", max_value=0.3), Decimal("0.3"), 1.0),  # exact decimal comparison
        (q("A.1", "numeric", max_value=0.3), 0.1 + 0.2, 0.0),  # 0.30000000000000004 is outside
        (q("A.1", "numeric", min_value=-5), 10**9, 1.0),
        (q("A.1", "numeric"), -1e9, 1.0),
        (q("A.1", "numeric", min_value=3, max_value=1), 2, 0.0),  # empty range: nothing inside
        (q("A.1", "numeric"), NA, None),
        (q("A.1", "text"), "anything", None),
        (q("A.1", "text"), NA, None),
        (q("A.1", "compliance"), "   ", None),  # blank = unanswered
    ],
)
def test_compliance_value(question, value, expected):
    assert compliance_value(question, value) == expected


@pytest.mark.parametrize(
    ("question", "value"),
    [
        (q("A.1", "compliance"), "maybe"),
        (q("A.1", "compliance"), "Compliant"),
        (q("A.1", "yes_no"), "YES"),
        (q("A.1", "yes_no"), True),
        (q("A.1", "maturity"), 5),
        (q("A.1", "maturity"), -1),
        (q("A.1", "maturity"), 2.5),
        (q("A.1", "maturity"), True),
        (q("A.1", "maturity"), "3"),
        (q("A.1", "numeric"), "12"),
        (q("A.1", "numeric"), float("nan")),
        (q("A.1", "numeric"), Decimal("Infinity")),
    ],
)
def test_invalid_values_raise(question, value):
    with pytest.raises(ValueError, match="A.1"):
        compliance_value(question, value)


# =========================================================================== visibility


def test_visible_questions_follow_conditions():
    questions = [
        q("A.1", "yes_no"),
        q("A.2", "maturity", condition_question="A.1", condition_equals="yes"),
        q("A.3", "text", condition_question="A.2", condition_equals=3),  # compared as strings
        q("A.4", "text", condition_question="A.1", condition_equals="Yes"),  # case-sensitive
        q("A.5", "text", condition_question="Z.9", condition_equals="yes"),  # unknown trigger
    ]
    assert visible_questions(questions, {}) == {"A.1"}
    assert visible_questions(questions, {"A.1": "yes"}) == {"A.1", "A.2"}
    assert visible_questions(questions, {"A.1": "yes", "A.2": 3}) == {"A.1", "A.2", "A.3"}
    assert visible_questions(questions, {"A.1": "yes", "A.2": "3"}) == {"A.1", "A.2", "A.3"}
    # A.3's trigger has the right answer but is itself hidden, so A.3 is hidden too.
    assert visible_questions(questions, {"A.1": "no", "A.2": 3}) == {"A.1"}


def test_condition_cycles_and_order_do_not_matter():
    questions = [
        q("A.3", "text", condition_question="A.1", condition_equals="yes"),
        q("A.1", "yes_no"),
        q("A.4", "text", condition_question="A.5", condition_equals="x"),
        q("A.5", "text", condition_question="A.4", condition_equals="x"),
        q("A.6", "text", condition_question="A.6", condition_equals="x"),
    ]
    answers = {"A.1": "yes", "A.4": "x", "A.5": "x", "A.6": "x"}
    assert visible_questions(questions, answers) == {"A.1", "A.3"}
    long_chain = [q("A.0", "text")] + [
        q(f"A.{i}", "text", condition_question=f"A.{i - 1}", condition_equals="go") for i in range(1, 3000)
    ]
    assert len(visible_questions(long_chain, {f"A.{i}": "go" for i in range(3000)})) == 3000


# =========================================================================== rating rules


@pytest.mark.parametrize(
    ("overall", "criterion", "rating"),
    [
        (59.9, 95.0, "critical"),
        (60.0, 95.0, "high"),
        (59.95, 95.0, "high"),  # shown as 60.0
        (59.94, 95.0, "critical"),  # shown as 59.9
        (74.9, 95.0, "high"),
        (75.0, 95.0, "medium"),
        (74.95, 95.0, "medium"),
        (95.0, 49.9, "high"),
        (95.0, 50.0, "low"),
        (95.0, 49.95, "low"),  # shown as 50.0
        (95.0, 49.94, "high"),
        (89.9, 95.0, "medium"),
        (90.0, 95.0, "low"),
        (89.95, 95.0, "low"),
        (100.0, 100.0, "low"),
        (0.0, 0.0, "critical"),
    ],
)
def test_rating_thresholds_and_boundaries(overall, criterion, rating):
    assert risk_rating(overall, [cs(criterion)], NO_FINDINGS, ScoringSettings()) == rating


def test_criterion_rule_uses_every_scored_criterion_and_skips_unscored():
    scores = [cs(95.0, "A"), cs(None, "B"), cs(49.9, "C", weight=0)]
    assert risk_rating(95.0, scores, NO_FINDINGS, ScoringSettings()) == "high"
    assert risk_rating(95.0, scores[:2], NO_FINDINGS, ScoringSettings()) == "low"


@pytest.mark.parametrize(
    ("counts", "rating"),
    [
        ({"critical": 1}, "critical"),
        ({"major": 1}, "high"),
        ({"minor": 1}, "medium"),
        ({"minor": 5, "observation": 3}, "medium"),
        ({"major": 2, "minor": 5}, "high"),
        ({"critical": 1, "major": 2}, "critical"),
        ({"observation": 7}, "low"),
        ({}, "low"),
    ],
)
def test_findings_force_the_rating_on_a_perfect_score(counts, rating):
    assert risk_rating(100.0, [cs(100.0)], counts, ScoringSettings()) == rating


@pytest.mark.parametrize(
    ("counts", "rating"),
    [
        ({}, None),
        ({"observation": 2}, None),
        ({"minor": 1}, "medium"),
        ({"major": 1, "observation": 1}, "high"),
        ({"critical": 1}, "critical"),
    ],
)
def test_without_a_score_the_rating_comes_from_findings_alone(counts, rating):
    assert risk_rating(None, [cs(None)], counts, ScoringSettings()) == rating


@pytest.mark.parametrize("overall", [None, 10.0, 59.9, 60.0, 74.9, 80.0, 89.9, 95.0])
@pytest.mark.parametrize("criterion", [None, 30.0, 70.0])
@pytest.mark.parametrize("base", [{}, {"minor": 1}, {"major": 1}, {"critical": 1}])
def test_observations_never_change_the_rating(overall, criterion, base):
    rating = risk_rating(overall, [cs(criterion)], base, ScoringSettings())
    assert risk_rating(overall, [cs(criterion)], {**base, "observation": 4}, ScoringSettings()) == rating


def test_rating_uses_configured_thresholds():
    strict = ScoringSettings(
        critical_below_overall=70, high_below_overall=85, high_below_criterion=65, medium_below_overall=95
    )
    assert risk_rating(69.9, [cs(90.0)], {}, strict) == "critical"
    assert risk_rating(84.9, [cs(90.0)], {}, strict) == "high"
    assert risk_rating(96.0, [cs(64.9)], {}, strict) == "high"
    assert risk_rating(94.9, [cs(90.0)], {}, strict) == "medium"
    assert risk_rating(95.0, [cs(90.0)], {}, strict) == "low"
    assert risk_rating(50.0, [cs(90.0)], {}, None) == "critical"  # None = defaults


@pytest.mark.parametrize(
    ("rating", "decision"),
    [
        ("critical", "not_approved"),
        ("high", "conditionally_approved"),
        ("medium", "approved"),
        ("low", "approved"),
        (None, None),
    ],
)
def test_recommended_decision(rating, decision):
    assert recommended_decision(rating) == decision
    assert decision is None or decision in DECISIONS


def test_recommended_decision_unknown_rating():
    with pytest.raises(ValueError):
        recommended_decision("severe")


# =========================================================================== requalification

DOMAIN_MATRIX = {
    ("high", "low"): 24,
    ("high", "medium"): 12,
    ("high", "high"): 12,
    ("high", "critical"): 6,
    ("medium", "low"): 36,
    ("medium", "medium"): 24,
    ("medium", "high"): 12,
    ("medium", "critical"): 6,
    ("low", "low"): 36,
    ("low", "medium"): 36,
    ("low", "high"): 24,
    ("low", "critical"): 6,
}


@pytest.mark.parametrize(("inherent", "rating"), sorted(DOMAIN_MATRIX))
def test_requalification_matrix_every_cell(inherent, rating):
    assert requalification_months(inherent, rating, ScoringSettings()) == DOMAIN_MATRIX[inherent, rating]


def test_requalification_months_edge_cases():
    assert requalification_months("high", None, ScoringSettings()) is None
    assert requalification_months(None, "low", ScoringSettings()) is None
    custom = ScoringSettings.from_dict({"requalification_months": {"low": {"low": 60}}})
    assert requalification_months("low", "low", custom) == 60
    assert requalification_months("high", "low", custom) == 24
    with pytest.raises(ValueError):
        requalification_months("extreme", "low", ScoringSettings())
    with pytest.raises(ValueError):
        requalification_months("high", "severe", ScoringSettings())


@pytest.mark.parametrize(
    ("signed_on", "months", "due"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: clamp to 29 Feb
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 5, 31), 24, date(2026, 5, 31)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2025, 12, 1), 1, date(2026, 1, 1)),
        (date(2099, 12, 31), 2, date(2100, 2, 28)),  # 2100 is not a leap year
        (date(1999, 12, 31), 2, date(2000, 2, 29)),  # 2000 is
        (date(2024, 6, 30), 0, date(2024, 6, 30)),
        (date(2024, 1, 30), 36, date(2027, 1, 30)),
    ],
)
def test_requalification_due_calendar_months(signed_on, months, due):
    assert requalification_due(signed_on, months) == due


def test_requalification_due_refuses_bad_input():
    with pytest.raises(TypeError):
        requalification_due(datetime(2024, 1, 31, 23, 30), 1)  # time zone is the caller's call
    with pytest.raises(ValueError):
        requalification_due(date(2024, 1, 31), -1)
    with pytest.raises(ValueError):
        requalification_due(date(2024, 1, 31), 1.5)


# =========================================================================== settings


def test_settings_defaults():
    defaults = ScoringSettings()
    assert (
        defaults.critical_below_overall,
        defaults.high_below_overall,
        defaults.high_below_criterion,
        defaults.medium_below_overall,
    ) == (60, 75, 50, 90)
    assert {(i, r): defaults.requalification_months[i][r] for i in INHERENT_RISKS for r in RATINGS} == DOMAIN_MATRIX
    assert ScoringSettings.from_dict(None) == defaults
    assert ScoringSettings.from_dict({}) == defaults
    assert ScoringSettings.from_dict({"rating_thresholds": None, "requalification_months": None}) == defaults
    assert hash(ScoringSettings.from_dict({})) == hash(defaults)


def test_settings_to_dict_shape_and_round_trip():
    data = ScoringSettings().to_dict()
    assert data == {
        "rating_thresholds": {
            "critical_below_overall": 60,
            "high_below_overall": 75,
            "high_below_criterion": 50,
            "medium_below_overall": 90,
        },
        "requalification_months": {
            "high": {"low": 24, "medium": 12, "high": 12, "critical": 6},
            "medium": {"low": 36, "medium": 24, "high": 12, "critical": 6},
            "low": {"low": 36, "medium": 36, "high": 24, "critical": 6},
        },
    }
    json.dumps(data)
    custom = ScoringSettings.from_dict(
        {"rating_thresholds": {"high_below_criterion": 55.5}, "requalification_months": {"medium": {"critical": 3}}}
    )
    assert ScoringSettings.from_dict(custom.to_dict()) == custom


def test_settings_partial_overrides_keep_other_defaults():
    custom = ScoringSettings.from_dict(
        {
            "rating_thresholds": {"critical_below_overall": 50, "medium_below_overall": Decimal("85")},
            "requalification_months": {"high": {"low": 18}},
        }
    )
    assert (custom.critical_below_overall, custom.high_below_overall, custom.medium_below_overall) == (50, 75, 85)
    assert custom.high_below_criterion == 50
    assert custom.requalification_months["high"] == {"low": 18, "medium": 12, "high": 12, "critical": 6}
    assert custom.requalification_months["low"]["low"] == 36


def test_settings_are_immutable_copies():
    source = {"requalification_months": {"high": {"low": 18}}}
    custom = ScoringSettings.from_dict(source)
    source["requalification_months"]["high"]["low"] = 1
    assert custom.requalification_months["high"]["low"] == 18
    with pytest.raises(TypeError):
        custom.requalification_months["high"]["low"] = 1


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"rating_thresholds": {"critical_below_overall": "60"}}, "critical_below_overall"),
        ({"rating_thresholds": {"high_below_overall": None}}, "high_below_overall"),
        ({"rating_thresholds": {"high_below_criterion": True}}, "high_below_criterion"),
        ({"rating_thresholds": {"high_below_criterion": 101}}, "high_below_criterion"),
        ({"rating_thresholds": {"critical_below_overall": -1}}, "critical_below_overall"),
        ({"rating_thresholds": {"medium_below_overall": float("nan")}}, "medium_below_overall"),
        ({"rating_thresholds": {"medium_below_overall": 70}}, "medium_below_overall"),  # below high (75)
        ({"rating_thresholds": {"critical_below_overal": 50}}, "critical_below_overal"),
        ({"rating_thresholds": [60, 75, 50, 90]}, "rating_thresholds"),
        ({"requalification_month": {}}, "requalification_month"),
        ({"requalification_months": {"extreme": {"low": 12}}}, "extreme"),
        ({"requalification_months": {"high": {"severe": 12}}}, "severe"),
        ({"requalification_months": {"high": {"low": 0}}}, "high.low"),
        ({"requalification_months": {"high": {"low": "12"}}}, "high.low"),
        ({"requalification_months": {"medium": {"high": 12.5}}}, "medium.high"),
        ({"requalification_months": {"medium": 12}}, "medium"),
        ({"requalification_months": [12]}, "requalification_months"),
    ],
)
def test_settings_invalid_values_name_the_key(data, key):
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        ScoringSettings.from_dict(data)


def test_settings_refuse_a_non_mapping_and_incomplete_matrix():
    with pytest.raises(ValueError):
        ScoringSettings.from_dict([("rating_thresholds", {})])
    with pytest.raises(ValueError, match="requalification_months.medium"):
        ScoringSettings(requalification_months={"high": {"low": 1, "medium": 1, "high": 1, "critical": 1}})


# =========================================================================== findings helpers


@pytest.mark.parametrize(
    ("severity", "proposed"), [(5, "critical"), (4, "major"), (3, "minor"), (2, "minor"), (1, "minor")]
)
def test_propose_classification(severity, proposed):
    assert propose_classification(severity) == proposed
    assert proposed in FINDING_CLASSES


@pytest.mark.parametrize("severity", [0, 6, True, "5", 4.0])
def test_propose_classification_refuses_bad_severity(severity):
    with pytest.raises(ValueError):
        propose_classification(severity)


def test_pics_flag_three_minors_in_one_criterion():
    findings = [
        ("D", "minor"),
        ("D", "minor"),
        ("D", "minor"),  # flagged
        ("A", "minor"),
        ("A", "minor"),
        ("A", "major"),
        ("A", "observation"),  # only two minors
        ("C", "minor"),
        ("C", "minor"),
        ("C", "minor"),
        ("C", "minor"),  # flagged
        ("B", "observation"),
        ("B", "observation"),
        ("B", "observation"),  # observations never
        ("E", "critical"),
        ("E", "critical"),
        ("E", "critical"),
    ]
    assert pics_flagged_criteria(findings) == ["C", "D"]
    assert pics_flagged_criteria(iter(findings)) == ["C", "D"]
    assert pics_flagged_criteria([]) == []
    with pytest.raises(ValueError):
        pics_flagged_criteria([("A", "other")])


# =========================================================================== submission checks


def test_missing_for_submission_messages_in_checklist_order():
    questions = [
        q("A.1", "compliance"),
        q("A.2", "maturity", required=False),
        q("A.3", "yes_no"),
        q("A.4", "compliance", condition_question="A.3", condition_equals="yes"),  # hidden: not required
        q("C.4", "compliance"),
        q("C.5", "numeric", required=False),
        q("C.6", "compliance"),
        q("C.7", "text"),
        q("C.8", "text"),
    ]
    answers = {
        "A.1": "compliant",
        "A.3": "no",
        "C.4": NA,
        "C.5": NA,
        "C.6": NA,
        "C.7": NA,  # text "na" is an answer, not N/A
        "C.8": "   ",  # blank text is unanswered
    }
    justifications = {"C.5": "  ", "C.6": "Closed system, no grade B area"}
    assert missing_for_submission(questions, answers, justifications) == [
        "C.4: 'not applicable' needs a justification",
        "C.5: 'not applicable' needs a justification",
        "C.8: required question not answered",
    ]
    assert missing_for_submission(questions, {"A.3": "yes"}, {}) == [
        "A.1: required question not answered",
        "A.4: required question not answered",
        "C.4: required question not answered",
        "C.6: required question not answered",
        "C.7: required question not answered",
        "C.8: required question not answered",
    ]
    complete = {**answers, "C.8": "ok"}
    assert missing_for_submission(questions, complete, {"C.4": "n/a", "C.5": "n/a", "C.6": "n/a"}) == []


def test_example2_submission_needs_na_justifications():
    assert missing_for_submission(EXAMPLE2_QUESTIONS, EXAMPLE2_ANSWERS, {"C.1": "No grade B area"}) == [
        "C.3: 'not applicable' needs a justification"
    ]


# =========================================================================== properties


def answer_values(question):
    """Valid stored values of a question's answer type (including N/A where it exists)."""
    if question.answer_type == "compliance":
        return st.sampled_from(["compliant", "partial", "non_compliant", NA])
    if question.answer_type == "yes_no":
        return st.sampled_from(["yes", "no", NA])
    if question.answer_type == "maturity":
        return st.integers(0, 4) | st.just(NA)
    if question.answer_type == "numeric":
        return (
            st.integers(-10, 10)
            | st.floats(-10, 10, allow_nan=False)
            | st.decimals(-10, 10, places=2, allow_nan=False, allow_infinity=False)
            | st.just(NA)
        )
    return st.text(max_size=4) | st.just(NA)


@st.composite
def checklists(draw):
    """Random criteria, questions (with conditions on earlier questions) and answers."""
    criteria = [
        CriterionSpec(code, f"Criterion {code}", weight=draw(st.sampled_from([0, 0.5, 1, 1, 1.5, 2, 3])))
        for code in "ABC"[: draw(st.integers(1, 3))]
    ]
    questions = []
    for number in range(1, draw(st.integers(1, 8)) + 1):
        criterion = draw(st.sampled_from(criteria)).code
        answer_type = draw(st.sampled_from(ANSWER_TYPES))
        extra = {}
        if answer_type == "yes_no":
            extra["expected_answer"] = draw(st.sampled_from([None, "yes", "no"]))
        if answer_type == "numeric":
            extra["min_value"] = draw(st.none() | st.integers(-5, 5))
            extra["max_value"] = draw(st.none() | st.integers(-5, 10))
        if questions and draw(st.booleans()):
            trigger = draw(st.sampled_from(questions))
            extra["condition_question"] = trigger.code
            extra["condition_equals"] = draw(answer_values(trigger))
        questions.append(
            QuestionSpec(
                code=f"{criterion}.{number}",
                criterion=criterion,
                answer_type=answer_type,
                weight=draw(st.integers(0, 5)),
                severity=draw(st.integers(1, 5)),
                required=draw(st.booleans()),
                **extra,
            )
        )
    answers = {}
    for question in questions:
        value = draw(st.none() | answer_values(question))
        if value is not None or draw(st.booleans()):
            answers[question.code] = value
    return criteria, questions, answers


FINDINGS = st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(FINDING_CLASSES)), max_size=6)


def triggers_of(questions):
    return {question.condition_question for question in questions if question.condition_question}


def better_values(question, current):
    """Answers to the same question whose c is at least the current one's (current included)."""
    pools = {
        "compliance": ["compliant", "partial", "non_compliant"],
        "yes_no": ["yes", "no"],
        "maturity": list(range(5)),
        "numeric": [question.min_value, question.max_value, -10, 0, 10],
    }
    floor = compliance_value(question, current)
    candidates = [v for v in pools[question.answer_type] if v is not None]
    return [current] + [v for v in candidates if compliance_value(question, v) >= floor]


def rating_rank(rating):
    return -1 if rating is None else RATINGS.index(rating)


@pytest.mark.slow
@PROPERTY
@given(checklists(), FINDINGS, st.sampled_from(INHERENT_RISKS))
def test_property_scores_are_percentages_and_results_consistent(checklist, findings, inherent):
    criteria, questions, answers = checklist
    result = score_assessment(criteria, questions, answers, findings, inherent, ScoringSettings())
    for criterion in result.criteria:
        assert 0 <= criterion.answered <= criterion.total
        if criterion.score is not None:
            assert 0 <= criterion.score <= 100
            assert round(criterion.score, 1) == criterion.score
    counted = [c.score for c in result.criteria if c.score is not None and c.weight > 0]
    if result.overall is None:
        assert counted == []
    else:
        assert 0 <= result.overall <= 100
        assert min(counted) <= result.overall <= max(counted)
    assert result.recommended_decision == recommended_decision(result.risk_rating)
    assert result.requalification_months == requalification_months(inherent, result.risk_rating, ScoringSettings())
    has_deficiency = any(cls != "observation" for _, cls in findings)
    assert (result.risk_rating is None) == (result.overall is None and not has_deficiency)
    assert sum(result.findings.values()) == len(findings)


@pytest.mark.slow
@PROPERTY
@given(checklists(), st.data())
def test_property_better_answer_never_lowers_scores(checklist, data):
    criteria, questions, answers = checklist
    triggers = triggers_of(questions)  # changing a trigger may reveal questions: see example 2
    candidates = [
        question
        for question in questions
        if question.code not in triggers and compliance_value(question, answers.get(question.code)) is not None
    ]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates))
    better = data.draw(st.sampled_from(better_values(question, answers[question.code])))
    improved = {**answers, question.code: better}

    before = score_assessment(criteria, questions, answers, [], "high", ScoringSettings())
    after = score_assessment(criteria, questions, improved, [], "high", ScoringSettings())
    old, new = by_code(before.criteria)[question.criterion], by_code(after.criteria)[question.criterion]
    assert (old.score is None) == (new.score is None)
    if old.score is not None:
        assert new.score >= old.score
    assert (before.overall is None) == (after.overall is None)
    if before.overall is not None:
        assert after.overall >= before.overall
    assert rating_rank(after.risk_rating) <= rating_rank(before.risk_rating)


@pytest.mark.slow
@PROPERTY
@given(checklists(), FINDINGS, st.data())
def test_property_na_equals_removing_the_question(checklist, findings, data):
    criteria, questions, answers = checklist
    triggers = triggers_of(questions)
    question = data.draw(st.sampled_from([x for x in questions if x.code not in triggers]))
    with_na = score_assessment(criteria, questions, {**answers, question.code: NA}, findings, "medium", None)
    removed = score_assessment(
        criteria,
        [x for x in questions if x.code != question.code],
        {code: value for code, value in answers.items() if code != question.code},
        findings,
        "medium",
        None,
    )
    assert [(c.code, c.score, c.exact_score, c.applicable_weight) for c in with_na.criteria] == [
        (c.code, c.score, c.exact_score, c.applicable_weight) for c in removed.criteria
    ]
    assert (with_na.overall, with_na.risk_rating, with_na.recommended_decision, with_na.requalification_months) == (
        removed.overall,
        removed.risk_rating,
        removed.recommended_decision,
        removed.requalification_months,
    )


@pytest.mark.slow
@PROPERTY
@given(checklists(), FINDINGS, st.sampled_from(INHERENT_RISKS), st.data())
def test_property_deterministic_and_independent_of_order(checklist, findings, inherent, data):
    criteria, questions, answers = checklist
    first = score_assessment(criteria, questions, answers, findings, inherent, ScoringSettings())
    again = score_assessment(criteria, list(questions), dict(answers), list(findings), inherent, ScoringSettings())
    shuffled = score_assessment(
        criteria,
        data.draw(st.permutations(questions)),
        dict(reversed(list(answers.items()))),
        data.draw(st.permutations(findings)),
        inherent,
        ScoringSettings(),
    )
    assert first == again == shuffled
    assert first.as_dict() == shuffled.as_dict()
    assert json.loads(json.dumps(first.as_dict())) == first.as_dict()
    assert visible_questions(questions, answers) == visible_questions(list(reversed(questions)), answers)
    assert missing_for_submission(questions, answers, {}) == missing_for_submission(questions, answers, {})


# =========================================================================== package boundaries

REPO = Path(__file__).resolve().parents[2]


def imported_modules(code):
    """Top-level modules a fresh interpreter has loaded after running ``code`` in the repository."""
    listing = "import sys; print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{listing}"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_engine_and_settings_load_without_django():
    assert "django" not in imported_modules("import assessments.scoring")
    settings_only = imported_modules("import checklists.scoring_settings")
    assert "django" not in settings_only
    assert "assessments" not in settings_only  # the engine depends on the settings, not the reverse


def test_settings_module_can_be_imported_before_the_engine():
    loaded = imported_modules("import checklists.scoring_settings\nfrom assessments.scoring import ScoringSettings")
    assert {"assessments", "checklists"} <= loaded


def test_engine_re_exports_the_settings_and_their_vocabulary():
    assert scoring.ScoringSettings is scoring_settings.ScoringSettings
    assert scoring.RATINGS is scoring_settings.RATINGS
    assert scoring.INHERENT_RISKS is scoring_settings.INHERENT_RISKS
    assert set(scoring.__all__) <= set(dir(scoring))


@pytest.mark.parametrize(
    ("answer_type", "kwargs", "value", "expected"),
    [
        ("compliance", {}, "compliant", "Compliant"),
        ("compliance", {}, "partial", "Partly compliant"),
        ("compliance", {}, "non_compliant", "Not compliant"),
        ("compliance", {}, "na", "N/A"),
        ("yes_no", {"expected_answer": "no"}, "no", "Compliant"),
        ("yes_no", {"expected_answer": "no"}, "yes", "Not compliant"),
        ("maturity", {}, 4, "Compliant"),
        ("maturity", {}, 2, "Partly compliant"),
        ("maturity", {}, 0, "Not compliant"),
        ("numeric", {"max_value": 5}, 7, "Not compliant"),
        ("numeric", {"max_value": 5}, 5, "Compliant"),
        ("text", {}, "na", "Not scored"),
        ("compliance", {}, None, "Not answered"),
        ("numeric", {"max_value": 5}, "  ", "Not answered"),
    ],
)
def test_every_answer_type_has_a_verdict_in_words(answer_type, kwargs, value, expected):
    """How the report marks an answer: from its compliance value c, whatever the type."""
    assert scoring.verdict(q("A.1", answer_type, **kwargs), value).label == expected


def test_a_score_below_one_rounds_to_itself_not_to_its_negative():
    """Half up, away from zero, on both sides of zero and below one."""
    from assessments.scoring.numbers import round1

    assert round1(Fraction(1, 2)) == Fraction(1, 2)
    assert round1(Fraction(96, 100)) == 1
    assert round1(Fraction(-96, 100)) == -1
    assert round1(Fraction(0)) == 0


def test_an_answer_without_the_evidence_its_question_requires_blocks_submission():
    questions = [q("A.1", "compliance", evidence_required=True), q("A.2", "compliance", evidence_required=True)]
    answers = {"A.1": "compliant", "A.2": "compliant"}
    assert scoring.missing_items(questions, answers, {}, with_evidence={"A.2"}) == [
        ("A.1", "evidence required; attach at least one file")
    ]
    assert scoring.missing_items(questions, answers, {}, with_evidence={"A.1", "A.2"}) == []
