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

from checklists.scoring_settings import INHERENT_RISKS, RATINGS, ScoringSettings

from .answers import ANSWER_TYPES, NA, QuestionSpec, compliance_value, visible_questions
from .assessment import AssessmentScore, score_assessment
from .criteria import CriterionScore, CriterionSpec, criterion_scores, overall_score
from .findings import FINDING_CLASSES, pics_flagged_criteria, propose_classification
from .rating import DECISIONS, recommended_decision, requalification_due, requalification_months, risk_rating
from .submission import missing_for_submission

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
    "overall_score",
    "pics_flagged_criteria",
    "propose_classification",
    "recommended_decision",
    "requalification_due",
    "requalification_months",
    "risk_rating",
    "score_assessment",
    "visible_questions",
]
