"""Findings an auditor raises and the corrective actions the vendor owes for them."""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from audit.models import Audited
from checklists.models import Criterion, Question
from config.limits import LONG_TEXT, SHORT_TEXT

from ..choices import ACTION_DONE, ActionStatus, FindingClass, MinorReviewOutcome, SignatureMeaning, is_lower_class
from .assessments import Assessment

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Finding(Audited):
    Classification = FindingClass

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(editable=False, help_text="Sequence within the assessment.")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    classification = models.CharField(max_length=12, choices=Classification.choices)
    proposed_classification = models.CharField(
        max_length=12,
        choices=Classification.choices,
        blank=True,
        editable=False,
        help_text="What the product proposed from the question's severity.",
    )
    description = models.TextField(max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    downgrade_rationale = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="Why the finding is classed lower than the class proposed from the question's severity.",
    )
    requirement = models.CharField(max_length=SHORT_TEXT, blank=True, help_text="The requirement not met.")
    fmea_severity = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    fmea_occurrence = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    fmea_detectability = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment_id", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="unique_finding_number")]

    def __str__(self):
        return f"{self.reference} ({self.classification})"

    @property
    def reference(self) -> str:
        return f"F-{self.number:02d}"

    def audit_assessment_id(self):
        return self.assessment_id

    @property
    def rpn(self) -> int | None:
        """FMEA risk priority number, 1-125, when all three factors are scored."""
        factors = (self.fmea_severity, self.fmea_occurrence, self.fmea_detectability)
        if any(f is None for f in factors):
            return None
        return factors[0] * factors[1] * factors[2]

    @property
    def needs_corrective_action(self) -> bool:
        return self.classification in (self.Classification.CRITICAL, self.Classification.MAJOR)

    @property
    def is_downgraded(self) -> bool:
        """Classed lower than the product proposed: a written rationale must say why."""
        return bool(self.proposed_classification) and is_lower_class(self.classification, self.proposed_classification)


class MinorFindingsReview(Audited):
    """PIC/S practice: three or more minor findings in one criterion may add up to a major one.
    The auditor either confirms it (a major finding is raised) or writes why not."""

    Outcome = MinorReviewOutcome

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="minor_reviews")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    justification = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    major_finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_review_per_criterion")]

    def audit_assessment_id(self):
        return self.assessment_id


class CorrectiveAction(Audited):
    Status = ActionStatus

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="What must be corrected or prevented.",
    )
    owner = models.CharField(max_length=160, help_text="Name of the person responsible at the vendor.")
    due_date = models.DateField()
    root_cause = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The vendor's root-cause analysis.",
    )
    vendor_action = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The vendor's corrective and preventive action.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    verification = models.TextField(
        blank=True,
        editable=False,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="How effectiveness was verified; written only with the QA reviewer's verification signature.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["finding_id", "due_date"]
        indexes = [
            # The home page's "open corrective actions, earliest due first": read in index order and
            # stopped after a card's rows, instead of sorting every open action.
            models.Index(
                fields=["due_date", "id"], name="action_open_by_due", condition=~models.Q(status__in=ACTION_DONE)
            ),
        ]

    def __str__(self):
        return f"CA for {self.finding.reference}: {self.description[:40]}"

    def audit_assessment_id(self):
        return self.finding.assessment_id

    @property
    def is_open(self) -> bool:
        return self.status not in ACTION_DONE

    @property
    def verification_signature(self):
        """The QA reviewer's "verified" signature, once the action is verified effective."""
        verified = [s for s in self.signatures.all() if s.meaning == SignatureMeaning.VERIFIED]
        return max(verified, key=lambda s: (s.signed_at, s.pk)) if verified else None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


def finding_file_path(instance, filename):
    """Stored under a random name, like the evidence; the original name is a column."""
    return f"finding-files/{instance.finding.assessment_id}/{uuid.uuid4().hex}"


class FindingAttachment(Audited):
    """A file that supports a finding (the photo of the deviation, the page of the SOP), or, with
    `action`, evidence that the corrective action worked, attached by the QA reviewer who verifies
    and closes it. Checked and hashed like the evidence of an answer (assessments/evidence.py)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    action = models.ForeignKey(
        "CorrectiveAction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closure_evidence",
        help_text="Set: evidence of the action's effectiveness, for its closure.",
    )
    file = models.FileField(upload_to=finding_file_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def audit_assessment_id(self):
        return self.finding.assessment_id
