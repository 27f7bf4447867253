"""Risk rating of an assessment, the decision it recommends, and when the vendor is requalified.

Rules: docs/scoring.md, "Risk rating", "Recommended decision" and "Requalification".
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction

from checklists.scoring_settings import INHERENT_RISKS, RATINGS, ScoringSettings, check_choice, exact, is_whole
from vendors.choices import RiskRating

from ..choices import AssessmentDecision, FindingClass
from .criteria import CriterionScore
from .findings import count_findings
from .numbers import round1

DECISIONS = tuple(AssessmentDecision.values)

#: docs/domain.md §3: a vendor not approved is re-audited after its CAPA, within 6 months.
REAUDIT_WITHIN_MONTHS = 6

_DECISION_BY_RATING = {
    RiskRating.CRITICAL.value: AssessmentDecision.NOT_APPROVED.value,
    RiskRating.HIGH.value: AssessmentDecision.CONDITIONALLY_APPROVED.value,
    RiskRating.MEDIUM.value: AssessmentDecision.APPROVED.value,
    RiskRating.LOW.value: AssessmentDecision.APPROVED.value,
}


def _rating_from_findings(counts: Mapping[str, int]) -> str | None:
    """The rating the findings alone give; None = no rating yet."""
    if counts[FindingClass.CRITICAL]:
        return RiskRating.CRITICAL.value
    if counts[FindingClass.MAJOR]:
        return RiskRating.HIGH.value
    if counts[FindingClass.MINOR]:
        return RiskRating.MEDIUM.value
    return None


def risk_rating(
    overall: float | None,
    scores: Sequence[CriterionScore],
    finding_counts: Mapping[str, int],
    settings: ScoringSettings | None = None,
) -> str | None:
    """docs/domain.md §3 rating, first match wins, on scores rounded as displayed; None = no rating yet."""
    settings = settings or ScoringSettings()
    counts = count_findings(finding_counts)
    if overall is None or counts[FindingClass.CRITICAL]:  # a critical finding, or nothing applicable answered
        return _rating_from_findings(counts)
    shown = round1(exact(overall, "overall"))
    criterion_shown = [round1(exact(s.score, f"{s.code}.score")) for s in scores if s.score is not None]

    def below(value: Fraction, key: str) -> bool:
        return value < exact(getattr(settings, key), key)

    if below(shown, "critical_below_overall"):
        return RiskRating.CRITICAL.value
    if (
        counts[FindingClass.MAJOR]
        or below(shown, "high_below_overall")
        or any(below(score, "high_below_criterion") for score in criterion_shown)
    ):
        return RiskRating.HIGH.value
    if counts[FindingClass.MINOR] or below(shown, "medium_below_overall"):
        return RiskRating.MEDIUM.value
    return RiskRating.LOW.value


def recommended_decision(rating: str | None) -> str | None:
    """What the product proposes to the reviewer; a different decision needs a justification."""
    if rating is None:
        return None
    check_choice(rating, RATINGS, repr(rating), "rating")
    return _DECISION_BY_RATING[rating]


def requalification_months(
    inherent_risk: str | None,
    rating: str | None,
    settings: ScoringSettings | None = None,
    decision: str | None = None,
) -> int | None:
    """Months until re-audit from vendor inherent risk x assessment rating; None if either unknown.

    A "not approved" decision is not a routine interval: the vendor is re-audited after its CAPA
    within REAUDIT_WITHIN_MONTHS, whatever the rating (a reviewer may decide "not approved" on a
    rating that recommends more), or sooner if the checklist's matrix says so."""
    if decision is not None:
        check_choice(decision, DECISIONS, repr(decision), "decision")
    months = None
    if rating is not None and inherent_risk is not None:
        settings = settings or ScoringSettings()
        check_choice(inherent_risk, INHERENT_RISKS, repr(inherent_risk), "inherent risk")
        check_choice(rating, RATINGS, repr(rating), "rating")
        months = settings.requalification_months[inherent_risk][rating]
    if decision == AssessmentDecision.NOT_APPROVED:
        return min(months, REAUDIT_WITHIN_MONTHS) if months is not None else REAUDIT_WITHIN_MONTHS
    return months


def requalification_due(signed_on: date, months: int) -> date:
    """Approval date + calendar months, clamped to month end (Jan 31 + 1 month = end of Feb)."""
    if isinstance(signed_on, datetime) or not isinstance(signed_on, date):
        raise TypeError("signed_on must be a date; convert the signature time to the local date first")
    if not is_whole(months, 0):
        raise ValueError(f"months must be a whole number >= 0, got {months!r}")
    year, month_index = divmod(signed_on.year * 12 + signed_on.month - 1 + months, 12)
    month = month_index + 1
    day = min(signed_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
