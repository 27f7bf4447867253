"""The checklist's words: kinds of question, the answers a question can take, and the states
of a checklist version."""

from config.choices import Choices, gettext_noop


class AnswerType(Choices):
    COMPLIANCE = "compliance", gettext_noop("Compliance")
    YES_NO = "yes_no", gettext_noop("Yes / no")
    MATURITY = "maturity", gettext_noop("Maturity 0-4")
    NUMERIC = "numeric", gettext_noop("Number with limits")
    TEXT = "text", gettext_noop("Free text (not scored)")


#: The answer "not applicable", which every scored question accepts (with a justification).
NOT_APPLICABLE = "na"


class Compliance(Choices):
    """The answers of a compliance question."""

    COMPLIANT = "compliant", gettext_noop("Compliant")
    PARTIAL = "partial", gettext_noop("Partially compliant")
    NON_COMPLIANT = "non_compliant", gettext_noop("Non-compliant")
    NOT_APPLICABLE = NOT_APPLICABLE, "Not applicable"


class YesNo(Choices):
    YES = "yes", gettext_noop("Yes")
    NO = "no", gettext_noop("No")


#: The label of every stored answer value that is a word (compliance and yes/no answers, N/A).
VALUE_LABELS = {**dict(Compliance.choices), **dict(YesNo.choices)}


def value_label(question, value) -> str:
    """An answer value as the person chose it ("Non-compliant", "25 %"), never as stored: the one
    place pages, the report and exports turn an answer's stored value into words. `question` has
    `answer_type` and `unit` (a checklist question or a scoring spec)."""
    if value is None or value == "":
        return "(no answer)"
    if question.answer_type in (AnswerType.COMPLIANCE, AnswerType.YES_NO) or value == NOT_APPLICABLE:
        return VALUE_LABELS.get(str(value), str(value))
    unit = getattr(question, "unit", "")
    if question.answer_type == AnswerType.NUMERIC and unit:
        return f"{value} {unit}"
    return str(value)


class ChecklistStatus(Choices):
    DRAFT = "draft", gettext_noop("Draft")
    PUBLISHED = "published", gettext_noop("Published")
    RETIRED = "retired", gettext_noop("Retired")
