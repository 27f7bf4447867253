"""Checklist versions: publishing freezes a draft, a new version copies a frozen one into a
draft. The admin, the API and the import command all go through these functions."""

from django.db import transaction
from django.utils import timezone

from checklists.scoring_settings import ScoringSettings

from .choices import NOT_APPLICABLE, AnswerType, Compliance, YesNo
from .models import Checklist, ChecklistLocked, Criterion, Question


def publish_problems(checklist: Checklist) -> list[str]:
    """Why this draft cannot be published yet; empty when it can."""
    problems = []
    try:
        ScoringSettings.from_dict(checklist.scoring_settings)
    except (ValueError, TypeError) as exc:
        problems.append(f"Scoring settings: {exc}")
    criteria = list(checklist.criteria.prefetch_related("questions"))
    if not criteria:
        problems.append("The checklist has no criteria.")
    seen_criteria, seen_questions, earlier = set(), set(), {}
    for criterion in criteria:
        if criterion.code in seen_criteria:
            problems.append(f"Criterion {criterion.code}: code used twice.")
        seen_criteria.add(criterion.code)
        if not 1 <= criterion.weight <= 5:
            problems.append(f"Criterion {criterion.code}: weight must be 1-5.")
        questions = list(criterion.questions.all())
        if not any(q.answer_type != AnswerType.TEXT for q in questions):
            problems.append(f"Criterion {criterion.code}: needs at least one scored question.")
        for q in questions:
            where = f"Question {q.code}"
            if q.code in seen_questions:
                problems.append(f"{where}: code used twice.")
            seen_questions.add(q.code)
            if not 1 <= q.weight <= 5:
                problems.append(f"{where}: weight must be 1-5.")
            if not 1 <= q.severity <= 5:
                problems.append(f"{where}: severity must be 1-5.")
            if q.answer_type == AnswerType.YES_NO and q.expected_answer not in YesNo.values:
                problems.append(f"{where}: a yes/no question must say which answer is compliant.")
            if q.answer_type == AnswerType.NUMERIC:
                if q.min_value is None and q.max_value is None:
                    problems.append(f"{where}: a numeric question needs a lower or an upper limit.")
                elif q.min_value is not None and q.max_value is not None and q.min_value > q.max_value:
                    problems.append(f"{where}: the lower limit is above the upper limit.")
            if q.condition_question:
                target = earlier.get(q.condition_question)
                if target is None:
                    problems.append(
                        f"{where}: its condition must point at an earlier question ({q.condition_question} is not one)."
                    )
                elif not condition_value_fits(target, q.condition_equals):
                    problems.append(
                        f"{where}: {q.condition_question} can never have the answer {q.condition_equals!r}."
                    )
            earlier[q.code] = q
    return problems


def condition_value_fits(question: Question, value: str) -> bool:
    """Whether `value` is an answer `question` can have, as a condition compares it."""
    allowed = {
        AnswerType.COMPLIANCE: set(Compliance.values),
        AnswerType.YES_NO: {*YesNo.values, NOT_APPLICABLE},
        AnswerType.MATURITY: {"0", "1", "2", "3", "4", NOT_APPLICABLE},
    }.get(question.answer_type)
    return allowed is None or str(value) in allowed


@transaction.atomic
def publish(checklist: Checklist, user=None) -> Checklist:
    if checklist.status != Checklist.Status.DRAFT:
        raise ChecklistLocked(f"{checklist} is already {checklist.status}.")
    problems = publish_problems(checklist)
    if problems:
        raise ChecklistLocked(f"{checklist} cannot be published yet:", problems)
    checklist.status = Checklist.Status.PUBLISHED
    checklist.published_at = timezone.now()
    checklist.published_by = user
    checklist.save()
    return checklist


def retire(checklist: Checklist) -> Checklist:
    """A retired version stays readable (assessments pin it) but is not offered for new ones."""
    if checklist.status != Checklist.Status.PUBLISHED:
        raise ChecklistLocked(f"Only a published checklist can be retired; {checklist} is {checklist.status}.")
    checklist.status = Checklist.Status.RETIRED
    checklist.save()
    return checklist


@transaction.atomic
def new_version(checklist: Checklist) -> Checklist:
    """A draft copy with the next version number of this checklist code."""
    latest = Checklist.objects.filter(code=checklist.code).order_by("-version").values_list("version", flat=True)[0]
    if Checklist.objects.filter(code=checklist.code, status=Checklist.Status.DRAFT).exists():
        raise ChecklistLocked(f"{checklist.code} already has a draft version; edit that one.")
    draft = Checklist.objects.create(
        code=checklist.code,
        version=latest + 1,
        name=checklist.name,
        description=checklist.description,
        scoring_settings=checklist.scoring_settings,
        based_on=checklist,
    )
    for criterion in checklist.criteria.prefetch_related("questions"):
        questions = list(criterion.questions.all())
        criterion.pk, criterion.checklist = None, draft
        criterion.save()
        for question in questions:
            question.pk, question.criterion = None, criterion
            question.save()
    return draft


def copy_into(checklist: Checklist, criteria: list[dict]) -> None:
    """Create criteria and questions from plain dicts (the import format) in a draft."""
    for c_order, c in enumerate(criteria):
        criterion = Criterion.objects.create(
            checklist=checklist,
            code=c["code"],
            title=c["title"],
            description=c.get("description", ""),
            weight=c.get("weight", 1),
            order=c_order,
            translations=c.get("translations") or {},
        )
        for q_order, q in enumerate(c["questions"]):
            condition = q.get("condition") or {}
            Question.objects.create(
                criterion=criterion,
                code=q["code"],
                text=q["text"],
                guidance=q.get("guidance", ""),
                reference=q.get("reference", ""),
                answer_type=q["answer_type"],
                expected_answer=q.get("expected_answer") or "",
                min_value=q.get("min_value"),
                max_value=q.get("max_value"),
                unit=q.get("unit") or "",
                weight=q.get("weight", 3),
                severity=q.get("severity", 3),
                required=q.get("required", True),
                evidence_required=q.get("evidence_required", False),
                order=q_order,
                condition_question=condition.get("question", ""),
                condition_equals="" if not condition else str(condition.get("equals", "")),
                translations=q.get("translations") or {},
            )
