"""The registry's words: how risky a vendor's service is, how its latest assessment rated it
and where it stands on the approved supplier list."""

from config.choices import Choices, gettext_noop


class InherentRisk(Choices):
    """Risk of the service the vendor gives (docs/domain.md §3): high for GMP manufacture of drug
    substance, drug product or viral vector; medium for GMP testing and starting materials; low
    for ancillary, non-GMP services."""

    HIGH = "high", gettext_noop("High")
    MEDIUM = "medium", gettext_noop("Medium")
    LOW = "low", gettext_noop("Low")


class RiskRating(Choices):
    """The rating of an assessment's result, and of the vendor by its latest approved assessment."""

    LOW = "low", gettext_noop("Low")
    MEDIUM = "medium", gettext_noop("Medium")
    HIGH = "high", gettext_noop("High")
    CRITICAL = "critical", gettext_noop("Critical")


class QualificationStatus(Choices):
    """Where a vendor stands on the approved supplier list; only vendors/qualification.py sets it."""

    PROSPECTIVE = "prospective", gettext_noop("Prospective")
    APPROVED = "approved", gettext_noop("Approved")
    CONDITIONALLY_APPROVED = "conditionally_approved", gettext_noop("Conditionally approved")
    NOT_APPROVED = "not_approved", gettext_noop("Not approved")
    #: The assessment that decided the status has been reopened: no decision stands until it is
    #: approved again.
    UNDER_REVIEW = "under_review", gettext_noop("Under review")
    DISQUALIFIED = "disqualified", gettext_noop("Disqualified")


class QualificationEvent(Choices):
    """What changed a vendor's place on the approved supplier list (vendors.QualificationDecision)."""

    ASSESSMENT_DECISION = "assessment_decision", gettext_noop("Decision of an approved assessment")
    CONDITION_LIFTED = "condition_lifted", gettext_noop("Conditional approval lifted")
    UNDER_REVIEW = "under_review", gettext_noop("Deciding assessment reopened")
    DECISION_WITHDRAWN = "decision_withdrawn", gettext_noop("Reopened deciding assessment cancelled")
    DISQUALIFICATION = "disqualification", gettext_noop("Disqualification")
    REINSTATEMENT = "reinstatement", gettext_noop("Reinstatement")
    CARRIED_OVER = "carried_over", gettext_noop("Status on record before decisions were kept")


class LicenceKind(Choices):
    MANUFACTURING_AUTHORISATION = "manufacturing_authorisation", gettext_noop("Manufacturing authorisation")
    GMP_CERTIFICATE = "gmp_certificate", gettext_noop("GMP certificate")
    FDA_REGISTRATION = "fda_registration", gettext_noop("FDA establishment registration")
    OTHER = "other", gettext_noop("Other licence")


class EventKind(Choices):
    """What happened to a vendor in the industry. The last four are regulatory or quality signals:
    recorded on an approved vendor, each proposes a for-cause audit (`SERIOUS_EVENTS`)."""

    FACILITY_EXPANSION = "facility_expansion", gettext_noop("Facility expansion")
    ACQUISITION = "acquisition", gettext_noop("Acquisition")
    CONTRACT = "contract", gettext_noop("Contract")
    GOVERNMENT_FACILITY = "government_facility", gettext_noop("Government-funded facility")
    OTHER = "other", gettext_noop("Other")
    WARNING_LETTER = "warning_letter", gettext_noop("Warning letter")
    RECALL = "recall", gettext_noop("Recall")
    OAI_INSPECTION = "oai_inspection", gettext_noop("Inspection classified OAI")
    CRITICAL_FINDING_ELSEWHERE = "critical_finding_elsewhere", gettext_noop("Critical finding in another audit")


#: Industry events that call a vendor's qualification into question: recorded on an approved or
#: conditionally approved vendor, each proposes a for-cause audit in the audit programme.
SERIOUS_EVENTS = (
    EventKind.WARNING_LETTER,
    EventKind.RECALL,
    EventKind.OAI_INSPECTION,
    EventKind.CRITICAL_FINDING_ELSEWHERE,
)
