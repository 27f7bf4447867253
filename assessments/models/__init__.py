from .assessments import Answer, Assessment, Evidence
from .checklists import AnswerType, Checklist, ChecklistLocked, Criterion, Question
from .findings import CorrectiveAction, Finding, MinorFindingsReview
from .signatures import Signature

__all__ = [
    "Answer", "AnswerType", "Assessment", "Checklist", "ChecklistLocked", "CorrectiveAction", "Criterion",
    "Evidence", "Finding", "MinorFindingsReview", "Question", "Signature",
]
