"""The vendor portal: which vendor a vendor contact speaks for, the corrective actions the audit
team shares with that vendor, and the vendor's responses with their evidence. Every row is
audit-trailed (audit/registration.py); responses are versions, never edited by the vendor."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from assessments.models import CorrectiveAction
from audit.models import Audited
from config.limits import LONG_TEXT
from vendors.models import Vendor

from .choices import ResponseDecision


class VendorAccess(Audited):
    """A user with the vendor-contact role speaks for one vendor (portal/access.py checks it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor_access")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="portal_contacts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vendor contact's access"
        verbose_name_plural = "vendor contacts' access"

    def __str__(self):
        return f"{self.user} for {self.vendor}"

    def clean(self):
        from . import access

        access.check_link(self.user if self.user_id else None)


class SharedAction(Audited):
    """A corrective action the assessment's lead shared with the vendor: an explicit step."""

    action = models.OneToOneField(CorrectiveAction, on_delete=models.CASCADE, related_name="vendor_share")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.action} shared"

    def audit_assessment_id(self):
        return self.action.finding.assessment_id


class VendorResponse(Audited):
    """One version of the vendor's answer to a shared corrective action."""

    Decision = ResponseDecision

    corrective_action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="vendor_responses")
    version = models.PositiveIntegerField(editable=False)
    root_cause = models.TextField(max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    action = models.TextField(
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The actions taken or planned.",
    )
    completion_date = models.DateField(help_text="When the vendor proposes to have completed the action.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_comment = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["corrective_action_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["corrective_action", "version"], name="one_response_per_version")
        ]

    def __str__(self):
        return f"Response {self.version} to {self.corrective_action}"

    def audit_assessment_id(self):
        return self.corrective_action.finding.assessment_id


def response_evidence_path(instance, filename):
    """Stored under a random name, like the assessment's evidence; the original name is a column."""
    return f"vendor-evidence/{instance.response.corrective_action_id}/{uuid.uuid4().hex}"


class ResponseEvidence(Audited):
    """A file the vendor attached to a response, checked and hashed like the audit's evidence."""

    response = models.ForeignKey(VendorResponse, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=response_evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response_id", "uploaded_at", "pk"]
        verbose_name_plural = "response evidence"

    def __str__(self):
        return self.original_name

    def audit_assessment_id(self):
        return self.response.corrective_action.finding.assessment_id

    def stored_digest(self) -> str:
        sha = hashlib.sha256()
        with self.file.open("rb") as stored:
            for chunk in iter(lambda: stored.read(65536), b""):
                sha.update(chunk)
        return sha.hexdigest()
