"""The whole score of one assessment: the ``GET /api/assessments/{id}/score/`` body.

Rules: docs/scoring.md; the JSON shape is docs/api.md "Score".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checklists.scoring_settings import ScoringSettings

from .answers import QuestionSpec
from .criteria import CriterionScore, CriterionSpec, criterion_scores, overall_score
from .findings import FINDING_CLASSES, count_findings
from .rating import recommended_decision, requalification_months, risk_rating


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


def score_assessment(
    criteria: Sequence[CriterionSpec],
    questions: Sequence[QuestionSpec],
    answers: Mapping[str, object],
    findings: Iterable[tuple[str, str]] | Mapping[str, int],
    inherent_risk: str | None,
    settings: ScoringSettings | None = None,
    decision: str | None = None,
) -> AssessmentScore:
    """The whole score of one assessment, as the score endpoint and the report show it. The
    requalification interval is that of `decision` once one is taken (an approved assessment),
    else that of the recommended decision."""
    settings = settings or ScoringSettings()
    scores = criterion_scores(criteria, questions, answers)
    overall = overall_score(scores)
    counts = count_findings(findings)
    rating = risk_rating(overall, scores, counts, settings)
    recommended = recommended_decision(rating)
    return AssessmentScore(
        overall=overall,
        criteria=scores,
        risk_rating=rating,
        recommended_decision=recommended,
        requalification_months=requalification_months(inherent_risk, rating, settings, decision or recommended),
        findings=counts,
    )
