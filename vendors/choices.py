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
    PROSPECTIVE = "prospective", "Prospective"
    APPROVED = "approved", "Approved"
    CONDITIONALLY_APPROVED = "conditionally_approved", "Conditionally approved"
    NOT_APPROVED = "not_approved", "Not approved"
    DISQUALIFIED = "disqualified", "Disqualified"


class LicenceKind(Choices):
    MANUFACTURING_AUTHORISATION = "manufacturing_authorisation", "Manufacturing authorisation"
    GMP_CERTIFICATE = "gmp_certificate", "GMP certificate"
    FDA_REGISTRATION = "fda_registration", "FDA establishment registration"
    OTHER = "other", "Other licence"


class EventKind(Choices):
    FACILITY_EXPANSION = "facility_expansion", "Facility expansion"
    ACQUISITION = "acquisition", "Acquisition"
    CONTRACT = "contract", "Contract"
    GOVERNMENT_FACILITY = "government_facility", "Government-funded facility"
    OTHER = "other", "Other"
