"""Criterion scores and the overall score of an assessment.

Rules: docs/scoring.md, "Criterion score" and "Overall score".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from checklists.scoring_settings import exact

from .answers import QuestionSpec, compliance_exact, is_answered, visible_questions
from .numbers import check_weight, to_display, weighted_mean


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


def _visible_by_criterion(
    criteria: Sequence[CriterionSpec], questions: Sequence[QuestionSpec], answers: Mapping[str, object]
) -> dict[str, list[QuestionSpec]]:
    """The questions that apply now, grouped by criterion code in checklist order."""
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
    return by_criterion


def _score_criterion(
    criterion: CriterionSpec, shown: Sequence[QuestionSpec], answers: Mapping[str, object]
) -> CriterionScore:
    """100 * sum(w*c) / sum(w) over the scored answers of the questions shown."""
    mean, weight_sum = weighted_mean(
        (question.code, question.weight, compliance_exact(question, answers.get(question.code))) for question in shown
    )
    exact_score = None if mean is None else 100 * mean
    return CriterionScore(
        code=criterion.code,
        title=criterion.title,
        weight=criterion.weight,
        score=to_display(exact_score),
        answered=sum(is_answered(answers.get(question.code)) for question in shown),
        total=len(shown),
        applicable_weight=float(weight_sum),
        exact_score=exact_score,
    )


def criterion_scores(
    criteria: Sequence[CriterionSpec], questions: Sequence[QuestionSpec], answers: Mapping[str, object]
) -> list[CriterionScore]:
    """Per-criterion weighted compliance, in checklist order; None where nothing applicable."""
    answers = answers or {}
    by_criterion = _visible_by_criterion(criteria, questions, answers)
    return [_score_criterion(criterion, by_criterion[criterion.code], answers) for criterion in criteria]


def _exact_criterion(score: CriterionScore) -> Fraction | None:
    """The unrounded score when known, else the displayed one (hand-built CriterionScore)."""
    if score.exact_score is not None:
        return Fraction(score.exact_score)
    if score.score is None:
        return None
    return exact(score.score, f"{score.code}.score")


def overall_score(scores: Sequence[CriterionScore]) -> float | None:
    """Criterion-weighted mean of the unrounded criterion scores, then rounded; None if none."""
    mean, _total = weighted_mean((score.code, score.weight, _exact_criterion(score)) for score in scores)
    return to_display(mean)
