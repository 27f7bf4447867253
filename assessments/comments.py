"""Comments on the questions of an assessment: a QA reviewer opens a thread on a question, the
audit team (and the reviewers) answer in it. Every comment is kept and audit-trailed; none is
edited or deleted. Comments are talk about the record, not part of the signed content, so they
may continue while the assessment is submitted; an approved or cancelled record takes none.
A comment may carry an id chosen by the browser (`client_id`): sent again, it is answered with the
comment already stored, never stored twice."""

import uuid

from django.db import IntegrityError, transaction

from checklists.models import Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT, check_length

from .exceptions import NotPermitted, RecordLocked
from .models import Assessment, QuestionComment


def may_open(assessment: Assessment, user) -> bool:
    return not assessment.is_locked and user.has_perm("assessments.open_comment", assessment)


def may_reply(assessment: Assessment, user) -> bool:
    return not assessment.is_locked and user.has_perm("assessments.reply_comment", assessment)


def parse_client_id(value) -> uuid.UUID | None:
    """The id a client chose for its comment (a UUID), None when it sent none, or InvalidInput."""
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput({"client_id": [f"'{value}' is not a comment id: send a UUID, or nothing."]}) from None


def earlier_comment(assessment: Assessment, user, question_code: str, client_id) -> QuestionComment | None:
    """The comment already stored under `client_id`, when this one is a repeat of it; ConflictError
    when the id is that of someone else's comment or of another question."""
    if client_id is None:
        return None
    earlier = QuestionComment.objects.filter(client_id=client_id).select_related("question").first()
    if earlier is None:
        return None
    if earlier.assessment_id != assessment.pk or earlier.question.code != question_code or earlier.author_id != user.pk:
        raise ConflictError(f"The comment id {client_id} belongs to another comment; send this one with a new id.")
    return earlier


@transaction.atomic
def comment(assessment: Assessment, user, question_code: str, body: str, reply_to: int | None = None, client_id=None):
    """A new thread on a question (QA reviewers) or an answer in one (team and reviewers). With a
    `client_id` already stored, nothing is stored again: the earlier comment is returned."""
    if assessment.is_locked:
        raise RecordLocked(
            f"{assessment.reference} is {assessment.get_status_display().lower()} and read-only: it takes no comment."
        )
    question = Question.objects.filter(checklist_id=assessment.checklist_id, code=question_code).first()
    if question is None:
        raise InvalidInput({"question": [f"No question {question_code} in {assessment.checklist}."]})
    body = (body or "").strip() if isinstance(body, str) else body
    if not isinstance(body, str) or not body:
        raise InvalidInput({"body": ["Write the comment."]})
    check_length("body", body, LONG_TEXT)
    thread = None
    if reply_to not in (None, ""):
        thread = QuestionComment.objects.filter(pk=reply_to, assessment=assessment, question=question).first()
        if thread is None:
            raise InvalidInput({"reply_to": [f"No comment {reply_to} on {question_code} of {assessment.reference}."]})
        thread = thread.reply_to or thread  # one level: answers join the thread they answer
        if not user.has_perm("assessments.reply_comment", assessment):
            raise NotPermitted(f"You may not answer comments on {assessment.reference}.")
    elif not user.has_perm("assessments.open_comment", assessment):
        raise NotPermitted(
            f"Only a QA reviewer opens a comment on a question of {assessment.reference}; the audit team answers it."
        )
    client_id = parse_client_id(client_id)
    earlier = earlier_comment(assessment, user, question_code, client_id)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return QuestionComment.objects.create(
                assessment=assessment, question=question, reply_to=thread, body=body, author=user, client_id=client_id
            )
    except IntegrityError:
        # The same comment sent twice at once: the other request stored it first.
        earlier = earlier_comment(assessment, user, question_code, client_id)
        if earlier is None:
            raise
        return earlier


def threads(assessment: Assessment, question_ids=None) -> dict[int, list[QuestionComment]]:
    """{question id: [thread start, with `.answers` listed]} in the order they were written."""
    comments = QuestionComment.objects.filter(assessment=assessment).select_related("author")
    if question_ids is not None:
        comments = comments.filter(question_id__in=list(question_ids))
    by_pk, result = {}, {}
    for c in comments.order_by("created_at", "pk"):
        c.answers = []
        by_pk[c.pk] = c
        if c.reply_to_id is None:
            result.setdefault(c.question_id, []).append(c)
        elif c.reply_to_id in by_pk:
            by_pk[c.reply_to_id].answers.append(c)
    return result
