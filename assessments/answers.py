"""Saving answers: every value checked against its question, stale writes refused, and a request
applied whole or not at all (docs/api.md "Answers"). The API and the web workspace both call
`save_answers`."""

import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from checklists.choices import NOT_APPLICABLE as NA
from checklists.choices import AnswerType, Compliance, YesNo
from checklists.models import Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT

from . import evaluation, workflow
from .models import Answer, Assessment, Evidence

#: A text answer, a comment and an N/A justification: the cap of their fields (config/limits.py).
MAX_TEXT = LONG_TEXT
CHOICES = {
    AnswerType.COMPLIANCE: tuple(Compliance.values),
    AnswerType.YES_NO: (*YesNo.values, NA),
}


class AnswerInvalid(InvalidInput):
    """Bad input: {question code or field: [messages]}. Nothing was saved."""


class StaleAnswer(ConflictError):
    """Someone changed an answer after this client read it; `extra["current"]` holds the answers
    as they are now, so that the user can choose."""


def clean_value(question: Question, value):
    """The value to store for this question, or ValueError with a message a user understands."""
    if value is None or value == "":
        return None
    kind = question.answer_type
    if kind in CHOICES:
        if value not in CHOICES[kind]:
            raise ValueError(f"must be one of {', '.join(CHOICES[kind])}")
        return value
    if kind == AnswerType.TEXT:
        if not isinstance(value, str):
            raise ValueError("must be text")
        if len(value) > MAX_TEXT:
            raise ValueError(f"must be at most {MAX_TEXT} characters (it has {len(value)})")
        return value
    if value == NA:
        return NA
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if kind == AnswerType.MATURITY:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or not 0 <= value <= 4:
            raise ValueError("must be a whole number from 0 to 4, or na")
        return value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError("must be a number, or na") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("must be a number, or na")
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


@dataclass
class AnswerInput:
    question: Question
    fields: dict
    version: int | None


def _check_list(items) -> None:
    if not isinstance(items, list):
        raise AnswerInvalid({"detail": ["Send a list of answers."]})


def _parse(assessment: Assessment, items, known: dict[str, Question] | None = None) -> list[AnswerInput]:
    """The items checked against their questions; `known`: questions already read, by code (those
    of the stored answers), so that only the others are read."""
    _check_list(items)
    questions = dict(known or {})
    codes = {item["question"] for item in items if isinstance(item, dict) and isinstance(item.get("question"), str)}
    if codes - set(questions):
        questions.update(
            (q.code, q)
            for q in Question.objects.filter(checklist_id=assessment.checklist_id, code__in=codes - set(questions))
        )
    errors: dict[str, list[str]] = {}
    parsed, seen = [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            errors.setdefault(f"item {index + 1}", []).append("needs 'question': the question's code")
            continue
        code = item["question"]
        question = questions.get(code)
        if question is None:
            errors.setdefault(code, []).append(f"no question {code} in {assessment.checklist}")
            continue
        if code in seen:
            errors.setdefault(code, []).append("answered twice in one request")
            continue
        seen.add(code)
        unknown = set(item) - {"question", "value", "comment", "na_justification", "version", "confirm"}
        if unknown:
            errors.setdefault(code, []).append(f"unknown field(s): {', '.join(sorted(unknown))}")
        fields = {}
        if "value" in item:
            try:
                fields["value"] = clean_value(question, item["value"])
            except ValueError as exc:
                errors.setdefault(code, []).append(f"{question.get_answer_type_display()} answer {exc}")
        for text_field in ("comment", "na_justification"):
            if text_field in item:
                text = item[text_field]
                if text is None:
                    text = ""
                if not isinstance(text, str) or len(text) > MAX_TEXT:
                    length = f" (it has {len(text)})" if isinstance(text, str) else ""
                    errors.setdefault(code, []).append(
                        f"{text_field} must be text of at most {MAX_TEXT} characters{length}"
                    )
                else:
                    fields[text_field] = text
        version = item.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            errors.setdefault(code, []).append("version must be the integer last read")
        parsed.append(AnswerInput(question, fields, version))
    if errors:
        raise AnswerInvalid(errors)
    return parsed


def _would_change(answer: Answer | None, item: AnswerInput) -> bool:
    """Whether saving `item` changes `answer`: a new answer, a carried-over one being confirmed,
    or a field with another value."""
    if answer is None or answer.carried_over:
        return True
    return any(getattr(answer, key) != value for key, value in item.fields.items())


def save_answers(assessment: Assessment, user, items, reason: str = "", *, locked: bool = False) -> list[Answer]:
    """Apply a list of answer items all together, or raise and change nothing; returns the
    answers of the items, as they now are, in the order of the items.

    An item whose content equals what is stored changes nothing (idempotent retries); an item
    carried over from the last assessment is confirmed by being sent again. `locked`: the caller
    has read `assessment` (and its team) with `select_for_update` in the transaction it holds
    (the API does, to see and lock the record in one read); otherwise it is read and locked here.
    Either way every check is made on the locked record."""
    if not locked:
        workflow.check_editable(assessment, user, reason)
        _check_list(items)
    # Locked by the caller: inside its transaction, which any refusal here rolls back whole.
    with transaction.atomic(savepoint=not locked):
        if locked:
            current = assessment
        else:
            current = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.check_editable(current, user, reason)
        # Every answer of the record, locked, with its question and whether it has evidence: the
        # items' rows, the values the score needs, and the answers the reply shows, in one read.
        # of=self: the default ordering joins the checklist's questions, which must not be locked
        # (on PostgreSQL that would make every assessment on this checklist wait for this one).
        stored = list(
            Answer.objects.select_for_update(of=("self",))
            .filter(assessment=assessment)
            .select_related("question", "updated_by")
            .annotate(has_evidence=Exists(Evidence.objects.filter(answer=OuterRef("pk"))))
        )
        parsed = _parse(assessment, items, {a.question.code: a.question for a in stored})
        by_question = {a.question_id: a for a in stored}
        existing = {p.question.pk: by_question[p.question.pk] for p in parsed if p.question.pk in by_question}
        # A stale version is a conflict only when the item would change the answer: a retry of a
        # request that was applied (same content, version read before it) loses nothing, so it is
        # answered like the first time instead of with a 409 (writes are idempotent).
        stale = [
            p
            for p in parsed
            if p.version is not None
            and p.version != (existing[p.question.pk].version if p.question.pk in existing else 0)
            and _would_change(existing.get(p.question.pk), p)
        ]
        if stale:
            current_answers = [existing.get(p.question.pk) for p in stale]
            raise StaleAnswer(
                "Another change was saved after you read "
                + ", ".join(p.question.code for p in stale)
                + "; nothing was saved. Review the current answers and send yours again.",
                current=[
                    answer_dict(a) if a else {"question": p.question.code, "value": None, "version": 0}
                    for a, p in zip(current_answers, stale, strict=True)
                ],
            )
        saved = []
        for p in parsed:
            answer = existing.get(p.question.pk)
            if not _would_change(answer, p):
                saved.append(answer)
                continue
            if answer is None:
                answer = Answer(assessment=assessment, question=p.question, version=0)
                answer.has_evidence = False
                by_question[p.question.pk] = answer
            for key, value in p.fields.items():
                setattr(answer, key, value)
            answer.carried_over = False
            answer.version += 1
            answer.updated_by = user
            answer._change_reason = reason
            answer.save()
            saved.append(answer)
        if current.status == Assessment.Status.PLANNED:
            workflow.start(current, user)
        values = {a.question.code: a.value for a in by_question.values()}
        evaluation.refresh(assessment, values, updated_at=timezone.now())
    return saved


def answer_dict(answer: Answer) -> dict:
    """The API's shape of one answer."""
    return {
        "question": answer.question.code,
        "value": answer.value,
        "comment": answer.comment,
        "na_justification": answer.na_justification,
        "carried_over": answer.carried_over,
        "version": answer.version,
        "updated_at": answer.updated_at.isoformat().replace("+00:00", "Z") if answer.updated_at else None,
        "updated_by": answer.updated_by.username if answer.updated_by_id else None,
    }


@transaction.atomic
def carry_over(target: Assessment, source: Assessment, user) -> int:
    """Copy the answers of an approved assessment onto a new one (same or newer checklist
    version), matching questions by code; each is marked carried over until an auditor confirms
    it. Returns how many answers were copied."""
    if source.status != Assessment.Status.APPROVED:
        raise ConflictError(f"{source.reference} is not approved; only an approved assessment can be a starting point.")
    if source.vendor_id != target.vendor_id:
        raise ConflictError("The starting assessment must be of the same vendor.")
    if source.checklist.code != target.checklist.code or source.checklist.version > target.checklist.version:
        raise ConflictError("Answers can be carried over onto the same or a newer version of the same checklist.")
    questions = {q.code: q for q in Question.objects.filter(checklist_id=target.checklist_id)}
    copied = 0
    for old in Answer.objects.filter(assessment=source).select_related("question"):
        question = questions.get(old.question.code)
        if question is None or old.value is None or question.answer_type != old.question.answer_type:
            continue
        Answer.objects.create(
            assessment=target,
            question=question,
            value=old.value,
            comment=old.comment,
            na_justification=old.na_justification,
            carried_over=True,
            updated_by=user,
        )
        copied += 1
    target.based_on = source
    target.save(update_fields=["based_on", "updated_at"])
    return copied
