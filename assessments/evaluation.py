"""Feeds an assessment from the database into the pure scoring engine (assessments/scoring/).
A fixed number of queries whatever the number of answers: the checklist's specs (cached per
published version, which never changes), the answers, and the findings."""

from collections import defaultdict
from functools import lru_cache

from checklists.models import Checklist, Criterion, Question

from . import scoring
from .models import Answer, Assessment, Evidence, Finding


@lru_cache(maxsize=64)
def _published_specs(checklist_id: int, published_at) -> tuple:
    return _load_specs(checklist_id)


def _load_specs(checklist_id: int) -> tuple:
    criteria = list(Criterion.objects.filter(checklist_id=checklist_id).order_by("order", "code"))
    codes = {c.pk: c.code for c in criteria}
    questions = Question.objects.filter(checklist_id=checklist_id).order_by("criterion__order", "order", "code")
    return (
        tuple(scoring.CriterionSpec(code=c.code, title=c.title, weight=c.weight) for c in criteria),
        tuple(question_spec(q, codes[q.criterion_id]) for q in questions),
    )


def question_spec(question: Question, criterion_code: str | None = None) -> scoring.QuestionSpec:
    """The scoring engine's view of one checklist question."""
    return scoring.QuestionSpec(
        code=question.code,
        criterion=criterion_code or question.criterion.code,
        answer_type=question.answer_type,
        weight=question.weight,
        severity=question.severity,
        required=question.required,
        evidence_required=question.evidence_required,
        expected_answer=question.expected_answer or None,
        min_value=question.min_value,
        max_value=question.max_value,
        condition_question=question.condition_question or None,
        condition_equals=question.condition_equals if question.condition_question else None,
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
        "question__code", "value", "na_justification"
    ):
        values[code] = value
        justifications[code] = justification
    return values, justifications


def finding_classes(assessment: Assessment) -> list[tuple[str, str]]:
    return list(Finding.objects.filter(assessment=assessment).values_list("criterion__code", "classification"))


def score(assessment: Assessment) -> scoring.AssessmentScore:
    """Once approved, the requalification interval is that of the decision taken."""
    criteria, questions = checklist_specs(assessment.checklist)
    values, _ = answer_values(assessment)
    return scoring.score_assessment(
        criteria,
        questions,
        values,
        finding_classes(assessment),
        assessment.vendor.inherent_risk,
        assessment.checklist.settings(),
        decision=assessment.decision if assessment.status == Assessment.Status.APPROVED else None,
    )


def visible_question_codes(assessment: Assessment, values: dict | None = None) -> set[str]:
    _, questions = checklist_specs(assessment.checklist)
    if values is None:
        values, _ = answer_values(assessment)
    return scoring.visible_questions(questions, values)


def missing_items(assessment: Assessment) -> list[tuple[str, str, str]]:
    """(question code, criterion code, what is missing) for each question that blocks submission."""
    _, questions = checklist_specs(assessment.checklist)
    values, justifications = answer_values(assessment)
    with_evidence = set(
        Evidence.objects.filter(answer__assessment=assessment).values_list("answer__question__code", flat=True)
    )
    criterion_of = {q.code: q.criterion for q in questions}
    return [
        (code, criterion_of[code], text)
        for code, text in scoring.missing_items(questions, values, justifications, with_evidence)
    ]


def missing_for_submission(assessment: Assessment) -> list[str]:
    return [f"{code}: {text}" for code, _, text in missing_items(assessment)]


def refresh(assessment: Assessment) -> scoring.AssessmentScore:
    """Store the current overall score and rating on the assessment (for lists and filters)."""
    result = score(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        overall_score=result.overall, risk_rating=result.risk_rating or ""
    )
    assessment.overall_score, assessment.risk_rating = result.overall, result.risk_rating or ""
    return result


def _specs_by_checklist(checklists) -> dict[int, tuple]:
    """(criteria specs, question specs) per checklist id; published versions come from a cache."""
    return {c.pk: checklist_specs(c) for c in {c.pk: c for c in checklists}.values()}


def _answers_by_assessment(assessment_ids) -> dict[int, dict]:
    """{assessment id: {question code: value}} for many assessments in one query."""
    values: dict[int, dict] = defaultdict(dict)
    for assessment_id, code, value in Answer.objects.filter(assessment_id__in=list(assessment_ids)).values_list(
        "assessment_id", "question__code", "value"
    ):
        values[assessment_id][code] = value
    return values


def criterion_scores_of(assessments) -> dict[int, list[scoring.CriterionScore]]:
    """Criterion scores of many assessments: one query for all their answers (plus the checklist
    specs, cached per published version). The same engine as `score`."""
    assessments = list(assessments)
    specs = _specs_by_checklist(a.checklist for a in assessments)
    answers = _answers_by_assessment(a.pk for a in assessments)
    result = {}
    for a in assessments:
        criteria, questions = specs[a.checklist_id]
        result[a.pk] = scoring.criterion_scores(criteria, questions, answers.get(a.pk, {}))
    return result
