"""The value of one answer (its compliance c) and which questions apply (conditional visibility).

Rules: docs/scoring.md, "Compliance value of an answer" and "Conditional questions".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from checklists.choices import NOT_APPLICABLE, AnswerType, Compliance, YesNo
from checklists.scoring_settings import exact, is_number

from ..choices import AnswerVerdict
from .numbers import check_weight

NA = NOT_APPLICABLE
ANSWER_TYPES = tuple(AnswerType.values)

_COMPLIANCE_C = {
    Compliance.COMPLIANT.value: Fraction(1),
    Compliance.PARTIAL.value: Fraction(1, 2),
    Compliance.NON_COMPLIANT.value: Fraction(0),
}
_YES_NO = tuple(YesNo.values)
_MATURITY_MAX = 4


@dataclass(frozen=True)
class QuestionSpec:
    """What the engine needs of a checklist question (docs/api.md "Checklist detail")."""

    code: str
    criterion: str
    answer_type: str
    weight: int = 3
    severity: int = 3
    required: bool = True
    evidence_required: bool = False
    expected_answer: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    condition_question: str | None = None
    condition_equals: object = None

    def __post_init__(self):
        if self.answer_type not in ANSWER_TYPES:
            raise ValueError(f"{self.code}: unknown answer_type {self.answer_type!r}")
        check_weight(self.weight, f"{self.code}.weight")
        if self.expected_answer not in (None, *_YES_NO):
            raise ValueError(f"{self.code}: expected_answer must be 'yes' or 'no', got {self.expected_answer!r}")
        self.limits()

    def limits(self) -> tuple[Fraction | None, Fraction | None]:
        """Exact numeric acceptance limits, both inclusive; None is an open end."""
        return self._limit("min_value"), self._limit("max_value")

    def _limit(self, name: str) -> Fraction | None:
        value = getattr(self, name)
        return None if value is None else exact(value, f"{self.code}.{name}")


def is_answered(value) -> bool:
    """Missing, None and blank strings are unanswered: they block submission, never score."""
    if value is None:
        return False
    if isinstance(value, str) and not value.strip():
        return False
    return True


def is_na(question: QuestionSpec, value) -> bool:
    """N/A exists for every scored type; for text "na" is just text."""
    return question.answer_type != "text" and isinstance(value, str) and value == NA


def _compliance_c(question: QuestionSpec, value) -> Fraction:
    if not isinstance(value, str) or value not in _COMPLIANCE_C:
        raise ValueError(f"{question.code}: invalid compliance answer {value!r}")
    return _COMPLIANCE_C[value]


def _yes_no_c(question: QuestionSpec, value) -> Fraction:
    if not isinstance(value, str) or value not in _YES_NO:
        raise ValueError(f"{question.code}: invalid yes/no answer {value!r}")
    return Fraction(1 if value == (question.expected_answer or "yes") else 0)


def _maturity_c(question: QuestionSpec, value) -> Fraction:
    if not is_number(value):
        raise ValueError(f"{question.code}: invalid maturity answer {value!r}")
    level = exact(value, question.code)
    if level.denominator != 1 or not 0 <= level <= _MATURITY_MAX:
        raise ValueError(f"{question.code}: maturity must be a whole number 0-4, got {value!r}")
    return level / _MATURITY_MAX


def _numeric_c(question: QuestionSpec, value) -> Fraction:
    if not is_number(value):
        raise ValueError(f"{question.code}: invalid numeric answer {value!r}")
    number = exact(value, question.code)
    low, high = question.limits()
    inside = (low is None or number >= low) and (high is None or number <= high)
    return Fraction(1 if inside else 0)


_C_OF_TYPE = {"compliance": _compliance_c, "yes_no": _yes_no_c, "maturity": _maturity_c, "numeric": _numeric_c}


def compliance_exact(question: QuestionSpec, value) -> Fraction | None:
    """Exact c of an answer (docs/domain.md §3 table); None when the answer is not scored."""
    if question.answer_type == "text" or not is_answered(value) or is_na(question, value):
        return None
    return _C_OF_TYPE[question.answer_type](question, value)


def compliance_value(question: QuestionSpec, value) -> float | None:
    """c of one answer (1 = fully compliant); None for text, N/A and unanswered (not scored)."""
    c = compliance_exact(question, value)
    return None if c is None else float(c)


def verdict(question: QuestionSpec, value) -> AnswerVerdict:
    """What one answer means for compliance, whatever its type: compliant (c = 1), partly
    compliant (0 < c < 1), not compliant (c = 0), N/A, not scored (text) or not answered."""
    if not is_answered(value):
        return AnswerVerdict.NOT_ANSWERED
    if is_na(question, value):
        return AnswerVerdict.NOT_APPLICABLE
    c = compliance_exact(question, value)
    if c is None:
        return AnswerVerdict.NOT_SCORED
    if c == 1:
        return AnswerVerdict.COMPLIANT
    return AnswerVerdict.NOT_COMPLIANT if c == 0 else AnswerVerdict.PARTLY


def _index_questions(questions: Sequence[QuestionSpec]) -> dict[str, QuestionSpec]:
    """Questions by code; a duplicate code is a checklist error, not something to guess about."""
    by_code = {}
    for question in questions:
        if question.code in by_code:
            raise ValueError(f"{question.code}: duplicate question code")
        by_code[question.code] = question
    return by_code


def _condition_met(question: QuestionSpec, answers: Mapping) -> bool:
    """The trigger answer equals condition_equals, compared as strings (case-sensitive)."""
    trigger = answers.get(question.condition_question)
    return is_answered(trigger) and str(trigger) == str(question.condition_equals)


def visible_questions(questions: Sequence[QuestionSpec], answers: Mapping[str, object]) -> set[str]:
    """Codes of questions that apply now; hidden ones are neither scored, counted nor required."""
    answers = answers or {}
    by_code = _index_questions(questions)
    known: dict[str, bool] = {}
    for question in questions:
        chain: list[str] = []
        code = question.code
        # Walk up the condition chain (iteratively, so long chains and cycles are safe).
        while code not in known:
            spec = by_code.get(code)
            if spec is None or code in chain:  # unknown trigger or a cycle: does not apply
                break
            if spec.condition_question is None:
                known[code] = True
                break
            chain.append(code)
            code = spec.condition_question
        parent_visible = known.get(code, False)
        for link in reversed(chain):
            parent_visible = parent_visible and _condition_met(by_code[link], answers)
            known[link] = parent_visible
    return {code for code, shown in known.items() if shown and code in by_code}
