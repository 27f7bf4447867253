"""What blocks the submission of an assessment.

Rules: docs/scoring.md, "Submission".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from .answers import QuestionSpec, is_answered, is_na, visible_questions


def _is_justified(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def missing_items(
    questions: Sequence[QuestionSpec],
    answers: Mapping[str, object],
    na_justifications: Mapping[str, str],
    with_evidence: Collection[str] = (),
) -> list[tuple[str, str]]:
    """What blocks submission, in checklist order, as (question code, what is missing):
    unanswered required questions, unjustified N/A, and answers without the evidence their
    question requires (`with_evidence`: the codes of the answers that have at least one file).
    An N/A answer needs a justification, not evidence."""
    answers = answers or {}
    na_justifications = na_justifications or {}
    visible = visible_questions(questions, answers)
    problems = []
    for question in questions:
        if question.code not in visible:
            continue
        value = answers.get(question.code)
        if not is_answered(value):
            if question.required:
                problems.append((question.code, "required question not answered"))
        elif is_na(question, value):
            if not _is_justified(na_justifications.get(question.code)):
                problems.append((question.code, "'not applicable' needs a justification"))
        elif question.evidence_required and question.code not in with_evidence:
            problems.append((question.code, "evidence required; attach at least one file"))
    return problems


def missing_for_submission(
    questions: Sequence[QuestionSpec],
    answers: Mapping[str, object],
    na_justifications: Mapping[str, str],
    with_evidence: Collection[str] = (),
) -> list[str]:
    """`missing_items` as sentences ("A.1: required question not answered")."""
    return [f"{code}: {text}" for code, text in missing_items(questions, answers, na_justifications, with_evidence)]
