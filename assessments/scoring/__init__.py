"""Risk-scoring engine for CDMO assessments (docs/domain.md §3): pure Python, no Django.

docs/scoring.md states every rule it applies and every decision taken where the domain brief is
silent.  assessments/evaluation.py feeds it from the database; the scoring settings a checklist
version carries are checklists.scoring_settings.ScoringSettings, re-exported here.
"""

from checklists.scoring_settings import INHERENT_RISKS, RATINGS, ScoringSettings

from .answers import ANSWER_TYPES, NA, QuestionSpec, compliance_value, verdict, visible_questions
from .assessment import AssessmentScore, score_assessment
from .criteria import CriterionScore, CriterionSpec, criterion_scores, overall_score
from .findings import FINDING_CLASSES, pics_flagged_criteria, propose_classification
from .rating import DECISIONS, recommended_decision, requalification_due, requalification_months, risk_rating
from .submission import missing_for_submission, missing_items

__all__ = [
    "ANSWER_TYPES",
    "DECISIONS",
    "FINDING_CLASSES",
    "INHERENT_RISKS",
    "NA",
    "RATINGS",
    "AssessmentScore",
    "CriterionScore",
    "CriterionSpec",
    "QuestionSpec",
    "ScoringSettings",
    "compliance_value",
    "criterion_scores",
    "missing_for_submission",
    "missing_items",
    "overall_score",
    "pics_flagged_criteria",
    "propose_classification",
    "recommended_decision",
    "requalification_due",
    "requalification_months",
    "risk_rating",
    "score_assessment",
    "verdict",
    "visible_questions",
]
