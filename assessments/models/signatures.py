"""Electronic signatures (21 CFR 11.50, 11.70, 11.200): who, printed name, meaning, when, and the
hash of the record's content they cover. A signature row is written once and never changed.

Most signatures are of the assessment; a "verified" one is of one corrective action (it names it),
and its hash covers that action only (assessments/record.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import Audited
from config.exceptions import ConflictError
from config.limits import PERSON_NAME

from ..choices import SignatureMeaning
from .assessments import Assessment
from .findings import CorrectiveAction


class Signature(Audited):
    Meaning = SignatureMeaning

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="signatures")
    corrective_action = models.ForeignKey(
        CorrectiveAction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="The corrective action a “verified” signature is of; empty for the assessment's own signatures.",
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    printed_name = models.CharField(max_length=PERSON_NAME)
    meaning = models.CharField(max_length=10, choices=Meaning.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the record's canonical content at signing.")
    cycle = models.PositiveIntegerField(help_text="The assessment's signing cycle; reopening starts a new one.")
    content_version = models.PositiveSmallIntegerField(
        default=2,
        editable=False,
        help_text="The version of the canonical content the hash was computed with (assessments/record.py); "
        "for a “verified” signature, the version of the corrective action's content.",
    )

    class Meta:
        ordering = ["assessment_id", "signed_at"]
        constraints = [
            # A "verified" signature is always of one corrective action, and only it is.
            models.CheckConstraint(
                condition=models.Q(meaning=SignatureMeaning.VERIFIED.value, corrective_action__isnull=False)
                | (~models.Q(meaning=SignatureMeaning.VERIFIED.value) & models.Q(corrective_action__isnull=True)),
                name="verified_signature_names_its_action",
            )
        ]

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
