"""Feeds an assessment from the database into the pure scoring engine (assessments/scoring.py).
A fixed number of queries whatever the number of answers: the checklist's specs (cached per
published version, which never changes), the answers, and the findings."""
from functools import lru_cache

from . import scoring
from .models import Answer, Assessment, Checklist, Criterion, Finding, Question


@lru_cache(maxsize=64)
def _published_specs(checklist_id: int, published_at) -> tuple:
    return _load_specs(checklist_id)


def _load_specs(checklist_id: int) -> tuple:
    criteria = list(Criterion.objects.filter(checklist_id=checklist_id).order_by("order", "code"))
    codes = {c.pk: c.code for c in criteria}
    questions = Question.objects.filter(checklist_id=checklist_id).order_by("criterion__order", "order", "code")
    return (
        tuple(scoring.CriterionSpec(code=c.code, title=c.title, weight=c.weight) for c in criteria),
        tuple(q.spec(codes[q.criterion_id]) for q in questions),
    )


def checklist_specs(checklist: Checklist) -> tuple:
    """(criteria specs, question specs) of a checklist version, in checklist order."""
    if checklist.is_locked:
        return _published_specs(checklist.pk, checklist.published_at)
    return _load_specs(checklist.pk)


def answer_values(assessment: Assessment) -> tuple[dict, dict]:
    """The answers as the engine reads them: {code: value} and {code: N/A justification}."""
    values, justifications = {}, {}
    for code, value, justification in Answer.objects.filter(assessment=assessment).values_list(
            "question__code", "value", "na_justification"):
        values[code] = value
        justifications[code] = justification
    return values, justifications


def finding_classes(assessment: Assessment) -> list[tuple[str, str]]:
    return list(Finding.objects.filter(assessment=assessment).values_list("criterion__code", "classification"))


def score(assessment: Assessment) -> scoring.AssessmentScore:
    criteria, questions = checklist_specs(assessment.checklist)
    values, _ = answer_values(assessment)
    return scoring.score_assessment(
        criteria, questions, values, finding_classes(assessment), assessment.vendor.inherent_risk,
        assessment.checklist.settings(),
    )


def visible_question_codes(assessment: Assessment, values: dict | None = None) -> set[str]:
    _, questions = checklist_specs(assessment.checklist)
    if values is None:
        values, _ = answer_values(assessment)
    return scoring.visible_questions(questions, values)


def missing_for_submission(assessment: Assessment) -> list[str]:
    _, questions = checklist_specs(assessment.checklist)
    values, justifications = answer_values(assessment)
    return scoring.missing_for_submission(questions, values, justifications)


def refresh(assessment: Assessment) -> scoring.AssessmentScore:
    """Store the current overall score and rating on the assessment (for lists and filters)."""
    result = score(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        overall_score=result.overall, risk_rating=result.risk_rating or "")
    assessment.overall_score, assessment.risk_rating = result.overall, result.risk_rating or ""
    return result
