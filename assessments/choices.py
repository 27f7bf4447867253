"""The assessment's words: its kind, mode and lifecycle, the decision, finding classes, the
states of a corrective action and the meanings of a signature."""

from config.choices import Choices, gettext_noop


class AssessmentKind(Choices):
    INITIAL = "initial", gettext_noop("Initial qualification")
    REQUALIFICATION = "requalification", gettext_noop("Requalification")
    FOR_CAUSE = "for_cause", gettext_noop("For cause")


class AssessmentMode(Choices):
    ON_SITE = "on_site", gettext_noop("On-site audit")
    REMOTE = "remote", gettext_noop("Remote audit")
    QUESTIONNAIRE = "questionnaire", gettext_noop("Questionnaire")


class AssessmentStatus(Choices):
    PLANNED = "planned", gettext_noop("Planned")
    IN_PROGRESS = "in_progress", gettext_noop("In progress")
    SUBMITTED = "submitted", gettext_noop("Submitted")
    RETURNED = "returned", gettext_noop("Returned")
    APPROVED = "approved", gettext_noop("Approved")
    CANCELLED = "cancelled", gettext_noop("Cancelled")


#: The states a QA reviewer sees any assessment in (not only those assigned to them).
SUBMITTED_ONCE = (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.APPROVED)


class AssessmentDecision(Choices):
    APPROVED = "approved", gettext_noop("Approved")
    CONDITIONALLY_APPROVED = "conditionally_approved", gettext_noop("Conditionally approved")
    NOT_APPROVED = "not_approved", gettext_noop("Not approved")


class AnswerVerdict(Choices):
    """What an answer means for compliance, whatever its type (assessments/scoring/answers.py
    `verdict`): how the report marks each answer, in words and colour."""

    COMPLIANT = "compliant", gettext_noop("Compliant")
    PARTLY = "partial", gettext_noop("Partly compliant")
    NOT_COMPLIANT = "non_compliant", gettext_noop("Not compliant")
    NOT_APPLICABLE = "na", gettext_noop("N/A")
    NOT_SCORED = "not_scored", gettext_noop("Not scored")
    NOT_ANSWERED = "unanswered", gettext_noop("Not answered")


class FindingClass(Choices):
    CRITICAL = "critical", gettext_noop("Critical")
    MAJOR = "major", gettext_noop("Major")
    MINOR = "minor", gettext_noop("Minor")
    OBSERVATION = "observation", gettext_noop("Observation")


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
    CONFIRMED_MAJOR = "confirmed_major", gettext_noop("Confirmed as a major finding")
    JUSTIFIED = "justified", gettext_noop("Not a major finding (justified)")


class ActionStatus(Choices):
    OPEN = "open", gettext_noop("Open")
    RESPONSE_RECEIVED = "response_received", gettext_noop("Response received")
    ACCEPTED = "accepted", gettext_noop("Accepted")
    VERIFIED_EFFECTIVE = "verified_effective", gettext_noop("Verified effective")
    CLOSED = "closed", gettext_noop("Closed")


#: A corrective action in one of these states is done, and read-only: only an independent QA
#: reviewer's verification signature makes it verified effective, and only from there can a QA
#: reviewer close it (assessments/findings.py).
ACTION_DONE = (ActionStatus.VERIFIED_EFFECTIVE, ActionStatus.CLOSED)
#: The states the follow-up (vendor's response, acceptance) moves an action through.
ACTION_FOLLOW_UP = (ActionStatus.OPEN, ActionStatus.RESPONSE_RECEIVED, ActionStatus.ACCEPTED)


class SignatureMeaning(Choices):
    PERFORMED = "performed", gettext_noop("Performed (lead auditor)")
    REVIEWED = "reviewed", gettext_noop("Reviewed (QA reviewer)")
    APPROVED = "approved", gettext_noop("Approved (QA reviewer)")
    REOPENED = "reopened", gettext_noop("Reopened (QA reviewer or administrator)")
    VERIFIED = "verified", gettext_noop("Verified effective (QA reviewer)")
