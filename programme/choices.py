"""The programme's words: the kind of a planned audit and where it stands."""

from assessments.choices import AssessmentKind
from config.choices import Choices

#: A programme item is of one of the assessment kinds: scheduling it plans an assessment of that kind.
ItemKind = AssessmentKind


class ItemStatus(Choices):
    UNSCHEDULED = "unscheduled", "Unscheduled"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    OVERDUE = "overdue", "Overdue"
