"""Which models the audit trail records, and which of their fields. Derived or bookkeeping
fields (timestamps kept by Django, cached scores) are left out: the changes that produce them
are recorded."""

from auditlog.registry import auditlog
from django.apps import apps

SKIP = ["updated_at", "created_at"]
AUDITED = {
    "assessments.Assessment": {"m2m_fields": {"audit_team"}, "exclude_fields": [*SKIP, "overall_score", "risk_rating"]},
    "assessments.Answer": {"exclude_fields": SKIP},
    "assessments.Evidence": {},
    "assessments.Finding": {"exclude_fields": SKIP},
    "assessments.MinorFindingsReview": {},
    "assessments.FindingAttachment": {},
    "assessments.CorrectiveAction": {"exclude_fields": SKIP},
    "assessments.Signature": {},
    "assessments.QuestionComment": {"exclude_fields": SKIP},
    "assessments.ReviewReturn": {"exclude_fields": SKIP},
    "assessments.ScoreAtApproval": {},
    "assessments.Questionnaire": {"m2m_fields": {"contacts"}},
    "assessments.VendorAnswer": {"exclude_fields": SKIP},
    "assessments.VendorAnswerEvidence": {},
    "checklists.Checklist": {},
    "checklists.Criterion": {},
    "checklists.Question": {},
    "vendors.Vendor": {"m2m_fields": {"service_lines", "modalities", "therapeutic_areas"}, "exclude_fields": SKIP},
    "vendors.Site": {},
    "vendors.GMPCertificate": {},
    "vendors.Contact": {},
    "vendors.QualificationDecision": {},
    "vendors.QualityAgreement": {"exclude_fields": ["signed_copy"]},
    "vendors.Capability": {},
    "monitoring.LimitTable": {},
    "monitoring.ActionLimit": {},
    "monitoring.AlertLimit": {},
    "monitoring.DataSet": {},
    "monitoring.DataSetReview": {},
    "monitoring.ExcursionReview": {},
    "programme.ProgrammeItem": {"exclude_fields": SKIP},
    "programme.FeedToken": {"exclude_fields": ["key"]},
    "reports.AuditReport": {"exclude_fields": ["file"]},
    "reports.ReportArchive": {"exclude_fields": ["file"]},
    "portal.VendorAccess": {"exclude_fields": SKIP},
    "portal.SharedAction": {},
    "portal.VendorResponse": {},
    "portal.ResponseEvidence": {},
    "accounts.User": {"exclude_fields": ["password", "last_login"], "m2m_fields": {"groups"}},
}


def register_models():
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        # Only the model's own columns: reverse relations ("reports", "answers") are other
        # objects, recorded with their own entries.
        skip = set(options.get("exclude_fields", []))
        include = [f.name for f in model._meta.concrete_fields if f.name not in skip]
        auditlog.register(model, include_fields=include, **options)
