"""PDF audit reports: rendered in the background from an assessment, stored privately, and
identified by the SHA-256 of the file so that any copy can be verified later (docs/domain.md §4.8)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from audit.models import Audited

from .choices import ReportKind, ReportSignature, ReportStatus


def report_path(instance, filename):
    return f"reports/{instance.assessment_id}/{uuid.uuid4().hex}.pdf"


class AuditReport(Audited):
    Kind = ReportKind
    Status = ReportStatus
    Signature = ReportSignature

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveIntegerField(help_text="Version of the report within its assessment.")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language it is printed in; the record, and so its content hash, is the same in any.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True, help_text="Why rendering failed, in words a user can act on.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="The assessment's content hash it shows.")
    signature = models.CharField(
        max_length=10,
        choices=Signature.choices,
        blank=True,
        help_text="Whether the stored PDF carries the organisation's signature; blank until it is rendered.",
    )
    signed_by = models.CharField(max_length=300, blank=True, help_text="Subject of the signing certificate.")
    signing_certificate = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 fingerprint of the signing certificate."
    )

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="unique_report_number")]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display().lower()}, {self.status})"

    @property
    def reference(self) -> str:
        return f"RPT-{self.assessment_id:05d}-{self.number:02d}"

    def audit_assessment_id(self):
        return self.assessment_id

    def get_absolute_url(self):
        return reverse("reports:download", kwargs={"pk": self.pk})

    @property
    def filename(self) -> str:
        vendor = slugify(self.assessment.vendor.name)[:40]
        return f"{self.reference}-{vendor}-{self.kind}.pdf"


class ReportArchive(Audited):
    """The final reports of several assessments in one ZIP, built by a worker."""

    Status = AuditReport.Status

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    assessments = models.ManyToManyField("assessments.Assessment", related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="archives/", max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Report archive {self.pk} ({self.status})"
