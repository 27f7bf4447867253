"""The vocabulary the insight pages share."""
from assessments.models import Assessment, CorrectiveAction, Finding
from vendors.models import InherentRisk, QualificationStatus

Status = Assessment.Status

RATINGS = ["low", "medium", "high", "critical"]
RATING_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
#: The matrix column, and the `rating` query value, of vendors without an approved assessment.
NOT_ASSESSED = "none"
INHERENT_RISKS = [InherentRisk.HIGH.value, InherentRisk.MEDIUM.value, InherentRisk.LOW.value]
FINDING_CLASSES = [c.value for c in Finding.Classification]
DUE_HORIZON_DAYS = 90
QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)
CLOSED_ACTION = (CorrectiveAction.Status.VERIFIED_EFFECTIVE, CorrectiveAction.Status.CLOSED)


def as_float(value):
    return None if value is None else float(value)
