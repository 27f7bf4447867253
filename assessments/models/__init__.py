from .assessments import Answer, Assessment, Evidence
from .comments import QuestionComment
from .findings import CorrectiveAction, Finding, FindingAttachment, MinorFindingsReview
from .questionnaires import Questionnaire, VendorAnswer, VendorAnswerEvidence
from .returns import ReviewReturn
from .scores import LatestApproval, ScoreAtApproval
from .signatures import Signature

__all__ = [
    "Answer",
    "Assessment",
    "CorrectiveAction",
    "Evidence",
    "Finding",
    "FindingAttachment",
    "LatestApproval",
    "MinorFindingsReview",
    "QuestionComment",
    "Questionnaire",
    "ReviewReturn",
    "ScoreAtApproval",
    "Signature",
    "VendorAnswer",
    "VendorAnswerEvidence",
]
