"""Risk-scoring engine for CDMO assessments (docs/domain.md section 3).

Pure standard-library Python: no Django, no database.  The models/API layer turns a checklist
version, its answers and findings into the specs below and calls ``score_assessment``; the result's
``as_dict()`` is exactly the ``GET /api/assessments/{id}/score/`` body (docs/api.md "Score").

Rules from domain.md section 3 (product rules, configurable per checklist version through
``ScoringSettings``):

* Compliance value *c* of an answer: compliance compliant 1 / partial 0.5 / non_compliant 0;
  yes_no 1 if the answer is the question's ``expected_answer`` else 0; maturity value / 4;
  numeric 1 inside the inclusive limits (a ``None`` limit is open) else 0.  Text is never scored;
  ``"na"`` and unanswered questions are excluded (N/A changes only the denominator).
* Criterion score = 100 * sum(w*c) / sum(w) over its visible, answered, scored questions; ``None``
  ("not applicable") when there are none, and then the criterion is left out of the overall.
* Overall = mean of the criterion scores weighted by criterion weight.
* Risk rating, first match wins: critical if any critical finding or overall < 60; high if any
  major finding or overall < 75 or any criterion < 50; medium if any minor finding or
  overall < 90; otherwise low.  Observations never change the rating.
* Recommended decision: critical -> not_approved; high -> conditionally_approved;
  medium/low -> approved.
* Requalification months = matrix[vendor inherent risk][rating] (domain.md defaults; the
  "critical" column is 6 for every inherent risk: re-audit after CAPA within 6 months).
* Proposed finding class from question severity: 5 critical, 4 major, else minor; three or more
  minor findings in one criterion are flagged as a possible major (PIC/S practice).

Decisions taken for the product (beyond the letter of domain.md):

* Rounding: criterion scores and the overall are rounded to one decimal, half up (Decimal
  ROUND_HALF_UP semantics, computed exactly), BEFORE they are compared with the thresholds, so
  that what a user sees is what was rated (59.95 is shown as 60.0 and is not "critical").  The
  overall is computed from the unrounded criterion scores, then rounded.
* Arithmetic is exact (``fractions.Fraction``); a float weight, limit or threshold is taken at
  its shortest decimal ``repr`` (0.1 means one tenth), so no binary-float artefact can move a
  result across a threshold or a limit.
* When nothing applicable was answered (overall is ``None``) the rating comes from the findings
  alone; with no critical, major or minor finding it is ``None`` (no rating yet), and then the
  decision and the requalification months are ``None`` too.  This also covers the degenerate
  checklist whose scored criteria all have weight 0.
* A question or criterion of weight 0 is allowed and contributes nothing; a criterion whose
  scored questions all weigh 0 has no score (0/0).
* Visibility: a question applies when it has no condition, or when its condition question is
  itself visible and answered and ``str(answer) == str(condition_equals)`` (case-sensitive).  A
  condition naming an unknown question, or a cycle of conditions, makes the question not apply.
* Unanswered means missing, ``None`` or a blank/whitespace-only string.  For a text question any
  non-blank string (even ``"na"``) is its answer, never N/A.
* A yes/no question without ``expected_answer`` expects ``"yes"``.
* Values outside the documented domain (e.g. maturity 5, compliance "maybe", NaN) raise
  ``ValueError`` rather than being scored silently.
* ``ScoringSettings`` (checklists/scoring_settings.py) requires 0 <= critical_below_overall <= high_below_overall <=
  medium_below_overall <= 100, a complete inherent-risk x rating matrix of whole months >= 1,
  and rejects unknown keys (a mistyped key must not silently fall back to a default).
* ``requalification_due`` takes a ``date``, not a ``datetime``: the caller decides in which time
  zone the approval signature's date is read.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from checklists.scoring_settings import INHERENT_RISKS, RATINGS, ScoringSettings, exact, is_number

NA = "na"
DECISIONS = ("approved", "conditionally_approved", "not_approved")
FINDING_CLASSES = ("critical", "major", "minor", "observation")
ANSWER_TYPES = ("compliance", "yes_no", "maturity", "numeric", "text")

_COMPLIANCE_C = {"compliant": Fraction(1), "partial": Fraction(1, 2), "non_compliant": Fraction(0)}
_YES_NO = ("yes", "no")
_MATURITY_MAX = 4
_PICS_MINOR_LIMIT = 3
_DECISION_BY_RATING = {
    "critical": "not_approved",
    "high": "conditionally_approved",
    "medium": "approved",
    "low": "approved",
}


# --------------------------------------------------------------------------- numbers


def _round1(value: Fraction) -> Fraction:
    """Round to one decimal, half up (away from zero), exactly: what the user sees is rated."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    return Fraction(tenths if value >= 0 else -tenths, 10)


def _to_display(value: Fraction | None) -> float | None:
    """One-decimal float for JSON; goes through Decimal so 82.5 prints as 82.5."""
    if value is None:
        return None
    rounded = _round1(value)
    return float(Decimal(rounded.numerator) / Decimal(rounded.denominator))


def _check_weight(value, what: str) -> Fraction:
    """Weights must be non-negative numbers: a negative weight would invert the score."""
    weight = exact(value, what)
    if weight < 0:
        raise ValueError(f"{what}: weight must not be negative, got {value!r}")
    return weight


# --------------------------------------------------------------------------- checklist specs


@dataclass(frozen=True)
class QuestionSpec:
    """What the engine needs of a checklist question (docs/api.md "Checklist detail")."""

    code: str
    criterion: str
    answer_type: str
    weight: int = 3
    severity: int = 3
    required: bool = True
    expected_answer: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    condition_question: str | None = None
    condition_equals: object = None

    def __post_init__(self):
        if self.answer_type not in ANSWER_TYPES:
            raise ValueError(f"{self.code}: unknown answer_type {self.answer_type!r}")
        _check_weight(self.weight, f"{self.code}.weight")
        if self.expected_answer not in (None, *_YES_NO):
            raise ValueError(f"{self.code}: expected_answer must be 'yes' or 'no', got {self.expected_answer!r}")
        for limit in ("min_value", "max_value"):
            value = getattr(self, limit)
            if value is not None:
                exact(value, f"{self.code}.{limit}")


@dataclass(frozen=True)
class CriterionSpec:
    """A checklist criterion (A-I in the default checklist) and its weight in the overall."""

    code: str
    title: str
    weight: float = 1

    def __post_init__(self):
        _check_weight(self.weight, f"{self.code}.weight")


@dataclass(frozen=True)
class CriterionScore:
    """One criterion's result; ``score`` is rounded, ``exact_score`` feeds the overall unrounded."""

    code: str
    title: str
    weight: float
    score: float | None
    answered: int
    total: int
    applicable_weight: float
    exact_score: Fraction | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AssessmentScore:
    """Everything the score endpoint returns for one assessment."""

    overall: float | None
    criteria: list[CriterionScore]
    risk_rating: str | None
    recommended_decision: str | None
    requalification_months: int | None
    findings: dict[str, int]

    def as_dict(self) -> dict:
        """Exactly the docs/api.md "Score" JSON shape."""
        return {
            "overall": self.overall,
            "criteria": [
                {"code": c.code, "title": c.title, "score": c.score, "answered": c.answered, "total": c.total}
                for c in self.criteria
            ],
            "risk_rating": self.risk_rating,
            "recommended_decision": self.recommended_decision,
            "requalification_months": self.requalification_months,
            "findings": {cls: self.findings.get(cls, 0) for cls in FINDING_CLASSES},
        }


# --------------------------------------------------------------------------- answers


def _is_answered(value) -> bool:
    """Missing, None and blank strings are unanswered: they block submission, never score."""
    if value is None:
        return False
    if isinstance(value, str) and not value.strip():
        return False
    return True


def _is_na(question: QuestionSpec, value) -> bool:
    """N/A exists for every scored type; for text "na" is just text."""
    return question.answer_type != "text" and isinstance(value, str) and value == NA


def _compliance_exact(question: QuestionSpec, value) -> Fraction | None:
    """Exact c of an answer (see domain.md table); None when the answer is not scored."""
    if question.answer_type == "text" or not _is_answered(value) or _is_na(question, value):
        return None
    code = question.code
    kind = question.answer_type
    if kind == "compliance":
        if not isinstance(value, str) or value not in _COMPLIANCE_C:
            raise ValueError(f"{code}: invalid compliance answer {value!r}")
        return _COMPLIANCE_C[value]
    if kind == "yes_no":
        if not isinstance(value, str) or value not in _YES_NO:
            raise ValueError(f"{code}: invalid yes/no answer {value!r}")
        return Fraction(1 if value == (question.expected_answer or "yes") else 0)
    if kind == "maturity":
        if not is_number(value):
            raise ValueError(f"{code}: invalid maturity answer {value!r}")
        level = exact(value, code)
        if level.denominator != 1 or not 0 <= level <= _MATURITY_MAX:
            raise ValueError(f"{code}: maturity must be a whole number 0-4, got {value!r}")
        return level / _MATURITY_MAX
    # numeric
    if not is_number(value):
        raise ValueError(f"{code}: invalid numeric answer {value!r}")
    number = exact(value, code)
    low = None if question.min_value is None else exact(question.min_value, f"{code}.min_value")
    high = None if question.max_value is None else exact(question.max_value, f"{code}.max_value")
    inside = (low is None or number >= low) and (high is None or number <= high)
    return Fraction(1 if inside else 0)


def compliance_value(question: QuestionSpec, value) -> float | None:
    """c of one answer (1 = fully compliant); None for text, N/A and unanswered (not scored)."""
    exact = _compliance_exact(question, value)
    return None if exact is None else float(exact)


def _index_questions(questions: Sequence[QuestionSpec]) -> dict:
    """Questions by code; a duplicate code is a checklist error, not something to guess about."""
    by_code = {}
    for question in questions:
        if question.code in by_code:
            raise ValueError(f"{question.code}: duplicate question code")
        by_code[question.code] = question
    return by_code


def _condition_met(question: QuestionSpec, answers: Mapping) -> bool:
    """The trigger answer equals condition_equals, compared as strings (case-sensitive)."""
    trigger = answers.get(question.condition_question)
    return _is_answered(trigger) and str(trigger) == str(question.condition_equals)


def visible_questions(questions: Sequence[QuestionSpec], answers: Mapping[str, object]) -> set[str]:
    """Codes of questions that apply now; hidden ones are neither scored, counted nor required."""
    answers = answers or {}
    by_code = _index_questions(questions)
    known: dict[str, bool] = {}
    for question in questions:
        chain: list[str] = []
        code = question.code
        # Walk up the condition chain (iteratively, so long chains and cycles are safe).
        while code not in known:
            spec = by_code.get(code)
            if spec is None or code in chain:  # unknown trigger or a cycle: does not apply
                break
            if spec.condition_question is None:
                known[code] = True
                break
            chain.append(code)
            code = spec.condition_question
        parent_visible = known.get(code, False)
        for link in reversed(chain):
            parent_visible = parent_visible and _condition_met(by_code[link], answers)
            known[link] = parent_visible
    return {code for code, shown in known.items() if shown and code in by_code}


# --------------------------------------------------------------------------- scores


def criterion_scores(
    criteria: Sequence[CriterionSpec], questions: Sequence[QuestionSpec], answers: Mapping[str, object]
) -> list[CriterionScore]:
    """Per-criterion weighted compliance, in checklist order; None where nothing applicable."""
    answers = answers or {}
    codes = [criterion.code for criterion in criteria]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate criterion code")
    visible = visible_questions(questions, answers)
    by_criterion: dict[str, list[QuestionSpec]] = {code: [] for code in codes}
    for question in questions:
        if question.criterion not in by_criterion:
            raise ValueError(f"{question.code}: unknown criterion {question.criterion!r}")
        if question.code in visible:
            by_criterion[question.criterion].append(question)

    results = []
    for criterion in criteria:
        weighted = weight_sum = Fraction(0)
        answered = 0
        shown = by_criterion[criterion.code]
        for question in shown:
            value = answers.get(question.code)
            answered += _is_answered(value)
            c = _compliance_exact(question, value)
            if c is not None:
                weight = _check_weight(question.weight, f"{question.code}.weight")
                weighted += weight * c
                weight_sum += weight
        exact = 100 * weighted / weight_sum if weight_sum else None
        results.append(
            CriterionScore(
                code=criterion.code,
                title=criterion.title,
                weight=criterion.weight,
                score=_to_display(exact),
                answered=answered,
                total=len(shown),
                applicable_weight=float(weight_sum),
                exact_score=exact,
            )
        )
    return results


def _exact_criterion(score: CriterionScore) -> Fraction | None:
    """The unrounded score when known, else the displayed one (hand-built CriterionScore)."""
    if score.exact_score is not None:
        return Fraction(score.exact_score)
    if score.score is None:
        return None
    return exact(score.score, f"{score.code}.score")


def _exact_overall(scores: Sequence[CriterionScore]) -> Fraction | None:
    weighted = weight_sum = Fraction(0)
    for score in scores:
        exact = _exact_criterion(score)
        if exact is None:
            continue
        weight = _check_weight(score.weight, f"{score.code}.weight")
        weighted += weight * exact
        weight_sum += weight
    return weighted / weight_sum if weight_sum else None


def overall_score(scores: Sequence[CriterionScore]) -> float | None:
    """Criterion-weighted mean of the unrounded criterion scores, then rounded; None if none."""
    return _to_display(_exact_overall(scores))


# --------------------------------------------------------------------------- findings and rating


def _finding_counts(findings) -> dict[str, int]:
    """Counts per class (all four present) from (criterion, class) pairs or a class->count map."""
    counts = {cls: 0 for cls in FINDING_CLASSES}
    if findings is None:
        return counts
    if isinstance(findings, Mapping):
        for cls, count in findings.items():
            if cls not in counts:
                raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValueError(f"{cls}: finding count must be a whole number >= 0, got {count!r}")
            counts[cls] = count
        return counts
    for _criterion, cls in findings:
        if cls not in counts:
            raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
        counts[cls] += 1
    return counts


def risk_rating(
    overall: float | None,
    scores: Sequence[CriterionScore],
    finding_counts: Mapping[str, int],
    settings: ScoringSettings | None = None,
) -> str | None:
    """domain.md rating, first match wins, on scores rounded as displayed; None = no rating yet."""
    settings = settings or ScoringSettings()
    counts = _finding_counts(finding_counts)
    if counts["critical"]:
        return "critical"
    if overall is None:  # nothing applicable answered: findings alone decide
        if counts["major"]:
            return "high"
        if counts["minor"]:
            return "medium"
        return None
    shown = _round1(exact(overall, "overall"))
    criterion_shown = [_round1(exact(s.score, f"{s.code}.score")) for s in scores if s.score is not None]

    def below(value: Fraction, key: str) -> bool:
        return value < exact(getattr(settings, key), key)

    if below(shown, "critical_below_overall"):
        return "critical"
    if counts["major"] or below(shown, "high_below_overall"):
        return "high"
    if any(below(score, "high_below_criterion") for score in criterion_shown):
        return "high"
    if counts["minor"] or below(shown, "medium_below_overall"):
        return "medium"
    return "low"


def recommended_decision(rating: str | None) -> str | None:
    """What the product proposes to the reviewer; a different decision needs a justification."""
    if rating is None:
        return None
    if rating not in _DECISION_BY_RATING:
        raise ValueError(f"{rating!r}: unknown rating (use {', '.join(RATINGS)})")
    return _DECISION_BY_RATING[rating]


def requalification_months(
    inherent_risk: str | None, rating: str | None, settings: ScoringSettings | None = None
) -> int | None:
    """Months until re-audit from vendor inherent risk x assessment rating; None if either unknown."""
    if rating is None or inherent_risk is None:
        return None
    settings = settings or ScoringSettings()
    if inherent_risk not in INHERENT_RISKS:
        raise ValueError(f"{inherent_risk!r}: unknown inherent risk (use {', '.join(INHERENT_RISKS)})")
    if rating not in RATINGS:
        raise ValueError(f"{rating!r}: unknown rating (use {', '.join(RATINGS)})")
    return settings.requalification_months[inherent_risk][rating]


def requalification_due(signed_on: date, months: int) -> date:
    """Approval date + calendar months, clamped to month end (Jan 31 + 1 month = end of Feb)."""
    if isinstance(signed_on, datetime) or not isinstance(signed_on, date):
        raise TypeError("signed_on must be a date; convert the signature time to the local date first")
    if not isinstance(months, int) or isinstance(months, bool) or months < 0:
        raise ValueError(f"months must be a whole number >= 0, got {months!r}")
    year, month_index = divmod(signed_on.year * 12 + signed_on.month - 1 + months, 12)
    month = month_index + 1
    day = min(signed_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def propose_classification(severity: int) -> str:
    """Proposed finding class from question severity (5 critical, 4 major, else minor)."""
    if not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= 5:
        raise ValueError(f"severity must be a whole number 1-5, got {severity!r}")
    if severity == 5:
        return "critical"
    if severity == 4:
        return "major"
    return "minor"


def pics_flagged_criteria(findings: Iterable[tuple[str, str]]) -> list[str]:
    """Criteria with >= 3 minor findings: a possible major the auditor must confirm or justify."""
    minors: dict[str, int] = {}
    for criterion, cls in findings:
        if cls not in FINDING_CLASSES:
            raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
        if cls == "minor":
            minors[criterion] = minors.get(criterion, 0) + 1
    return sorted(code for code, count in minors.items() if count >= _PICS_MINOR_LIMIT)


def missing_for_submission(
    questions: Sequence[QuestionSpec], answers: Mapping[str, object], na_justifications: Mapping[str, str]
) -> list[str]:
    """What blocks submission, in checklist order: unanswered required and unjustified N/A."""
    answers = answers or {}
    na_justifications = na_justifications or {}
    visible = visible_questions(questions, answers)
    problems = []
    for question in questions:
        if question.code not in visible:
            continue
        value = answers.get(question.code)
        if not _is_answered(value):
            if question.required:
                problems.append(f"{question.code}: required question not answered")
        elif _is_na(question, value):
            justification = na_justifications.get(question.code)
            if not isinstance(justification, str) or not justification.strip():
                problems.append(f"{question.code}: 'not applicable' needs a justification")
    return problems


def score_assessment(
    criteria: Sequence[CriterionSpec],
    questions: Sequence[QuestionSpec],
    answers: Mapping[str, object],
    findings: Iterable[tuple[str, str]] | Mapping[str, int],
    inherent_risk: str | None,
    settings: ScoringSettings | None = None,
) -> AssessmentScore:
    """The whole score of one assessment, as the score endpoint and the report show it."""
    settings = settings or ScoringSettings()
    scores = criterion_scores(criteria, questions, answers)
    overall = overall_score(scores)
    counts = _finding_counts(findings)
    rating = risk_rating(overall, scores, counts, settings)
    return AssessmentScore(
        overall=overall,
        criteria=scores,
        risk_rating=rating,
        recommended_decision=recommended_decision(rating),
        requalification_months=requalification_months(inherent_risk, rating, settings),
        findings=counts,
    )
