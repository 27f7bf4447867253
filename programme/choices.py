"""The programme's words: the kind of a planned audit and where it stands."""

from assessments.choices import AssessmentKind
from config.choices import Choices, gettext_noop

#: A programme item is of one of the assessment kinds: scheduling it plans an assessment of that kind.
ItemKind = AssessmentKind


class ItemStatus(Choices):
    UNSCHEDULED = "unscheduled", gettext_noop("Unscheduled")
    SCHEDULED = "scheduled", gettext_noop("Scheduled")
    IN_PROGRESS = "in_progress", gettext_noop("In progress")
    DONE = "done", gettext_noop("Done")
    OVERDUE = "overdue", gettext_noop("Overdue")
