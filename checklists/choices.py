"""The checklist's words: kinds of question, the answers a question can take, and the states
of a checklist version."""

from config.choices import Choices


class AnswerType(Choices):
    COMPLIANCE = "compliance", "Compliance"
    YES_NO = "yes_no", "Yes / no"
    MATURITY = "maturity", "Maturity 0-4"
    NUMERIC = "numeric", "Number with limits"
    TEXT = "text", "Free text (not scored)"


#: The answer "not applicable", which every scored question accepts (with a justification).
NOT_APPLICABLE = "na"


class Compliance(Choices):
    """The answers of a compliance question."""

    COMPLIANT = "compliant", "Compliant"
    PARTIAL = "partial", "Partially compliant"
    NON_COMPLIANT = "non_compliant", "Non-compliant"
    NOT_APPLICABLE = NOT_APPLICABLE, "Not applicable"


class YesNo(Choices):
    YES = "yes", "Yes"
    NO = "no", "No"


class ChecklistStatus(Choices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"
