"""The assessment's words: its kind, mode and lifecycle, the decision, finding classes, the
states of a corrective action and the meanings of a signature."""

from config.choices import Choices


class AssessmentKind(Choices):
    INITIAL = "initial", "Initial qualification"
    REQUALIFICATION = "requalification", "Requalification"
    FOR_CAUSE = "for_cause", "For cause"


class AssessmentMode(Choices):
    ON_SITE = "on_site", "On-site audit"
    REMOTE = "remote", "Remote audit"
    QUESTIONNAIRE = "questionnaire", "Questionnaire"


class AssessmentStatus(Choices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"


#: The states a QA reviewer sees any assessment in (not only those assigned to them).
SUBMITTED_ONCE = (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.APPROVED)


class AssessmentDecision(Choices):
    APPROVED = "approved", "Approved"
    CONDITIONALLY_APPROVED = "conditionally_approved", "Conditionally approved"
    NOT_APPROVED = "not_approved", "Not approved"


class AnswerVerdict(Choices):
    """What an answer means for compliance, whatever its type (assessments/scoring/answers.py
    `verdict`): how the report marks each answer, in words and colour."""

    COMPLIANT = "compliant", "Compliant"
    PARTLY = "partial", "Partly compliant"
    NOT_COMPLIANT = "non_compliant", "Not compliant"
    NOT_APPLICABLE = "na", "N/A"
    NOT_SCORED = "not_scored", "Not scored"
    NOT_ANSWERED = "unanswered", "Not answered"


class FindingClass(Choices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    OBSERVATION = "observation", "Observation"


def is_lower_class(classification: str, than: str) -> bool:
    """Whether `classification` is less serious than `than` (the classes are listed most serious
    first); unknown values compare as not lower, so that a bad value fails validation instead."""
    order = FindingClass.values
    if classification not in order or than not in order:
        return False
    return order.index(classification) > order.index(than)


#: Findings whose corrective actions decide a conditional approval and must be planned first.
MAJOR_OR_WORSE = (FindingClass.CRITICAL, FindingClass.MAJOR)


class MinorReviewOutcome(Choices):
    CONFIRMED_MAJOR = "confirmed_major", "Confirmed as a major finding"
    JUSTIFIED = "justified", "Not a major finding (justified)"


class ActionStatus(Choices):
    OPEN = "open", "Open"
    RESPONSE_RECEIVED = "response_received", "Response received"
    ACCEPTED = "accepted", "Accepted"
    VERIFIED_EFFECTIVE = "verified_effective", "Verified effective"
    CLOSED = "closed", "Closed"


#: A corrective action in one of these states is done, and read-only: only an independent QA
#: reviewer's verification signature makes it verified effective, and only from there can a QA
#: reviewer close it (assessments/findings.py).
ACTION_DONE = (ActionStatus.VERIFIED_EFFECTIVE, ActionStatus.CLOSED)
#: The states the follow-up (vendor's response, acceptance) moves an action through.
ACTION_FOLLOW_UP = (ActionStatus.OPEN, ActionStatus.RESPONSE_RECEIVED, ActionStatus.ACCEPTED)


class SignatureMeaning(Choices):
    PERFORMED = "performed", "Performed (lead auditor)"
    REVIEWED = "reviewed", "Reviewed (QA reviewer)"
    APPROVED = "approved", "Approved (QA reviewer)"
    REOPENED = "reopened", "Reopened (QA reviewer or administrator)"
    VERIFIED = "verified", "Verified effective (QA reviewer)"
