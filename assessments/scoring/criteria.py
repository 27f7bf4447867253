"""Criterion scores and the overall score of an assessment.

Rules: docs/scoring.md, "Criterion score" and "Overall score".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from checklists.scoring_settings import exact

from .answers import QuestionSpec, compliance_exact, is_answered, visible_questions
from .numbers import check_weight, to_display


@dataclass(frozen=True)
class CriterionSpec:
    """A checklist criterion (A-I in the default checklist) and its weight in the overall."""

    code: str
    title: str
    weight: float = 1

    def __post_init__(self):
        check_weight(self.weight, f"{self.code}.weight")


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
            answered += is_answered(value)
            c = compliance_exact(question, value)
            if c is not None:
                weight = check_weight(question.weight, f"{question.code}.weight")
                weighted += weight * c
                weight_sum += weight
        exact = 100 * weighted / weight_sum if weight_sum else None
        results.append(
            CriterionScore(
                code=criterion.code,
                title=criterion.title,
                weight=criterion.weight,
                score=to_display(exact),
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
        weight = check_weight(score.weight, f"{score.code}.weight")
        weighted += weight * exact
        weight_sum += weight
    return weighted / weight_sum if weight_sum else None


def overall_score(scores: Sequence[CriterionScore]) -> float | None:
    """Criterion-weighted mean of the unrounded criterion scores, then rounded; None if none."""
    return to_display(_exact_overall(scores))
