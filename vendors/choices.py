"""The registry's words: how risky a vendor's service is, how its latest assessment rated it
and where it stands on the approved supplier list."""

from config.choices import Choices


class InherentRisk(Choices):
    """Risk of the service the vendor gives (docs/domain.md §3): high for GMP manufacture of drug
    substance, drug product or viral vector; medium for GMP testing and starting materials; low
    for ancillary, non-GMP services."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class RiskRating(Choices):
    """The rating of an assessment's result, and of the vendor by its latest approved assessment."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class QualificationStatus(Choices):
    """Where a vendor stands on the approved supplier list; only vendors/qualification.py sets it."""

    PROSPECTIVE = "prospective", "Prospective"
    APPROVED = "approved", "Approved"
    CONDITIONALLY_APPROVED = "conditionally_approved", "Conditionally approved"
    NOT_APPROVED = "not_approved", "Not approved"
    #: The assessment that decided the status has been reopened: no decision stands until it is
    #: approved again.
    UNDER_REVIEW = "under_review", "Under review"
    DISQUALIFIED = "disqualified", "Disqualified"


class QualificationEvent(Choices):
    """What changed a vendor's place on the approved supplier list (vendors.QualificationDecision)."""

    ASSESSMENT_DECISION = "assessment_decision", "Decision of an approved assessment"
    CONDITION_LIFTED = "condition_lifted", "Conditional approval lifted"
    UNDER_REVIEW = "under_review", "Deciding assessment reopened"
    DECISION_WITHDRAWN = "decision_withdrawn", "Reopened deciding assessment cancelled"
    DISQUALIFICATION = "disqualification", "Disqualification"
    REINSTATEMENT = "reinstatement", "Reinstatement"
    CARRIED_OVER = "carried_over", "Status on record before decisions were kept"


class LicenceKind(Choices):
    MANUFACTURING_AUTHORISATION = "manufacturing_authorisation", "Manufacturing authorisation"
    GMP_CERTIFICATE = "gmp_certificate", "GMP certificate"
    FDA_REGISTRATION = "fda_registration", "FDA establishment registration"
    OTHER = "other", "Other licence"


class EventKind(Choices):
    """What happened to a vendor in the industry. The last four are regulatory or quality signals:
    recorded on an approved vendor, each proposes a for-cause audit (`SERIOUS_EVENTS`)."""

    FACILITY_EXPANSION = "facility_expansion", "Facility expansion"
    ACQUISITION = "acquisition", "Acquisition"
    CONTRACT = "contract", "Contract"
    GOVERNMENT_FACILITY = "government_facility", "Government-funded facility"
    OTHER = "other", "Other"
    WARNING_LETTER = "warning_letter", "Warning letter"
    RECALL = "recall", "Recall"
    OAI_INSPECTION = "oai_inspection", "Inspection classified OAI"
    CRITICAL_FINDING_ELSEWHERE = "critical_finding_elsewhere", "Critical finding in another audit"


#: Industry events that call a vendor's qualification into question: recorded on an approved or
#: conditionally approved vendor, each proposes a for-cause audit in the audit programme.
SERIOUS_EVENTS = (
    EventKind.WARNING_LETTER,
    EventKind.RECALL,
    EventKind.OAI_INSPECTION,
    EventKind.CRITICAL_FINDING_ELSEWHERE,
)
