"""The numeric questions of criterion C that environmental-monitoring data answer, written
through assessments/answers.py `save_answers` like every answer, with the data sets cited in the
comment.

In the built-in checklist that is C.4: grade A viable results with any growth in the 12 months
before the assessment date. The data say how many there were, not which were investigated, so
each is counted until the auditor has seen its investigation and lowers the count. An import
answers the question when nobody has; `apply` (the page's and the API's "answer from the data")
writes the figure over an earlier answer."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from assessments import workflow
from assessments.answers import save_answers
from assessments.models import Answer
from checklists.choices import AnswerType
from checklists.models import Question

from . import summary
from .choices import VIABLE_KINDS, Grade
from .models import Sample

GRADE_A_GROWTH = "grade_a_viable_growth"
#: Question code -> what the data measure for it.
MEASURES = {"C.4": GRADE_A_GROWTH}


@dataclass
class EMAnswer:
    question: str
    value: int
    comment: str
    current: object  # the stored value, None when unanswered

    @property
    def differs(self) -> bool:
        return self.current != self.value


def _window(assessment):
    end = summary.assessment_date(assessment)
    start = summary.months_before(end, 12)
    return start, end


def grade_a_viable_growth(data_sets, start, end) -> int:
    return Sample.objects.filter(
        data_set__in=data_sets,
        grade=Grade.A,
        kind__in=VIABLE_KINDS,
        value__gt=0,
        sampled_at__gte=datetime.combine(start, time(), tzinfo=UTC),
        sampled_at__lt=datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
    ).count()


def _cite(data_sets) -> str:
    return "; ".join(
        f"{ds.reference} ({ds.site.name}, {ds.period_start:%Y-%m-%d} to {ds.period_end:%Y-%m-%d}, "
        f"{ds.sample_count} samples, SHA-256 {ds.content_sha256[:12]}…)"
        for ds in data_sets
    )


def em_answers(assessment, data_sets=None) -> list[EMAnswer]:
    """What the data answer, for the numeric questions of MEASURES that the checklist has."""
    data_sets = summary.reviewed_data_sets(assessment) if data_sets is None else data_sets
    if not data_sets:
        return []
    questions = Question.objects.filter(
        checklist_id=assessment.checklist_id, code__in=list(MEASURES), answer_type=AnswerType.NUMERIC
    )
    stored = dict(
        Answer.objects.filter(assessment=assessment, question__in=questions).values_list("question__code", "value")
    )
    start, end = _window(assessment)
    found = []
    for question in questions:
        count = grade_a_viable_growth(data_sets, start, end)
        comment = (
            f"From environmental-monitoring data {_cite(data_sets)}: {count} grade A viable result"
            f"{'s' if count != 1 else ''} with growth (air, settle, contact and glove samples) sampled from "
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d}. Each is counted until its completed investigation with a "
            "product impact assessment has been seen; lower the count for those that have one."
        )
        found.append(EMAnswer(question.code, count, comment, stored.get(question.code)))
    return found


def _save(assessment, user, items, reason):
    if items:
        save_answers(assessment, user, items, reason=reason)


def answer_unanswered(assessment, user, reason: str = "") -> list[EMAnswer]:
    """Answer from the data each question nobody has answered yet (an import does this)."""
    todo = [a for a in em_answers(assessment) if a.current is None]
    _save(assessment, user, [{"question": a.question, "value": a.value, "comment": a.comment} for a in todo], reason)
    return todo


def apply(assessment, user, reason: str = "") -> list[EMAnswer]:
    """Answer every question the data answer with the data's figure, over an earlier answer."""
    workflow.check_editable(assessment, user, reason)
    found = em_answers(assessment)
    _save(assessment, user, [{"question": a.question, "value": a.value, "comment": a.comment} for a in found], reason)
    return found
