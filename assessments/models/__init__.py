from .assessments import Answer, Assessment, Evidence
from .findings import CorrectiveAction, Finding, MinorFindingsReview
from .scores import ScoreAtApproval
from .signatures import Signature

__all__ = [
    "Answer",
    "Assessment",
    "CorrectiveAction",
    "Evidence",
    "Finding",
    "MinorFindingsReview",
    "ScoreAtApproval",
    "Signature",
]
