"""The vocabulary the insight pages share."""

from assessments.choices import FindingClass
from assessments.models import Assessment
from vendors.choices import InherentRisk, QualificationStatus, RiskRating

Status = Assessment.Status

RATINGS = RiskRating.values
RATING_LABELS = dict(RiskRating.choices)
#: The matrix column, and the `rating` query value, of vendors without an approved assessment.
NOT_ASSESSED = "none"
INHERENT_RISKS = InherentRisk.values
FINDING_CLASSES = FindingClass.values
DUE_HORIZON_DAYS = 90
QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)


def as_float(value):
    return None if value is None else float(value)
