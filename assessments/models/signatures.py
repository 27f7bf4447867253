"""Electronic signatures (21 CFR 11.50, 11.70, 11.200): who, printed name, meaning, when, and the
hash of the record's content they cover. A signature row is written once and never changed."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import Audited
from config.exceptions import ConflictError

from ..choices import SignatureMeaning
from .assessments import Assessment


class Signature(Audited):
    Meaning = SignatureMeaning

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    printed_name = models.CharField(max_length=200)
    meaning = models.CharField(max_length=10, choices=Meaning.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the record's canonical content at signing.")
    cycle = models.PositiveIntegerField(help_text="The assessment's signing cycle; reopening starts a new one.")
    content_version = models.PositiveSmallIntegerField(
        default=2,
        editable=False,
        help_text="The version of the canonical content the hash was computed with (assessments/record.py).",
    )

    class Meta:
        ordering = ["assessment", "signed_at"]

    def __str__(self):
        return f"{self.printed_name}, {self.get_meaning_display()}, {self.signed_at:%Y-%m-%d %H:%M} UTC"

    def audit_assessment_id(self):
        return self.assessment_id

    def save(self, *args, **kwargs):
        if self.pk:
            raise ConflictError("A signature cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ConflictError("A signature cannot be deleted.")
