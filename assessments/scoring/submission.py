"""What blocks the submission of an assessment.

Rules: docs/scoring.md, "Submission".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from .answers import QuestionSpec, is_answered, is_na, visible_questions


def _is_justified(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def missing_for_submission(
    questions: Sequence[QuestionSpec],
    answers: Mapping[str, object],
    na_justifications: Mapping[str, str],
    with_evidence: Collection[str] = (),
) -> list[str]:
    """What blocks submission, in checklist order: unanswered required questions, unjustified N/A,
    and answers without the evidence their question requires (`with_evidence`: the codes of the
    answers that have at least one file). An N/A answer needs a justification, not evidence."""
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
                problems.append(f"{question.code}: required question not answered")
        elif is_na(question, value):
            if not _is_justified(na_justifications.get(question.code)):
                problems.append(f"{question.code}: 'not applicable' needs a justification")
        elif question.evidence_required and question.code not in with_evidence:
            problems.append(f"{question.code}: evidence required; attach at least one file")
    return problems
