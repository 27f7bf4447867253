"""An assessment: one vendor audited against one pinned checklist version by an audit team."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.permissions import is_quality_admin, is_quality_staff, is_reviewer
from audit.models import Audited
from checklists.models import Checklist, Question
from config.limits import LONG_TEXT
from vendors.choices import RiskRating

from ..choices import SUBMITTED_ONCE, AssessmentDecision, AssessmentKind, AssessmentMode, AssessmentStatus


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The assessments `user` may see: the list-level twin of the `view_assessment` rule
        (assessments/permissions.py); pages, the API, the admin and reports all ask this."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if is_quality_admin(user):
            return self
        # One row condition, an OR of plain columns and one IN, that the planner reads with the
        # indexes (no join that repeats rows, no list of ids in Python), and that COUNT reads alike.
        condition = Q()
        if is_quality_staff(user):
            team = Assessment.audit_team.through.objects.filter(user_id=user.pk).values("assessment_id")
            condition |= Q(lead_auditor=user) | Q(pk__in=team)
        if is_reviewer(user):
            condition |= Q(status__in=SUBMITTED_ONCE) | Q(reviewer=user)
        if not condition:
            return self.none()
        return self.filter(condition)


def sees_every_approval(user) -> bool:
    """Whether `visible_to(user)` holds every approved assessment (a quality administrator sees
    all, a QA reviewer all that were ever submitted): such a reader's view of each vendor's latest
    approval is the stored one (`LatestApproval`), with no visibility condition to apply."""
    return bool(user and user.is_authenticated and user.is_active and (is_quality_admin(user) or is_reviewer(user)))


class Assessment(Audited):
    Kind = AssessmentKind

    Mode = AssessmentMode

    Status = AssessmentStatus

    Decision = AssessmentDecision

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="assessments")
    site = models.ForeignKey(
        "vendors.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INITIAL)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.ON_SITE)
    scope = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="Products, processes and areas covered.",
    )
    # The report's narrative (its executive summary), written by the audit team while the content
    # is open and covered by the signatures from content version 4 (assessments/record.py).
    objectives = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="What the audit set out to establish.",
    )
    method = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="How it was done: on site or remotely, areas toured, records sampled, interviews.",
    )
    people_met = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The vendor's people met, with their roles.",
    )
    documents_reviewed = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The vendor's documents and records reviewed.",
    )
    conclusion = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="The lead auditor's conclusion.",
    )
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    performed_start = models.DateField(null=True, blank=True)
    performed_end = models.DateField(null=True, blank=True)
    lead_auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_assessments")
    audit_team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="team_assessments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_assessments",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The approved assessment whose answers this one started from.",
    )
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    decision_justification = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="Required when the decision differs from the recommended one.",
    )
    requalification_due = models.DateField(null=True, blank=True)
    # Kept current by assessments.evaluation.refresh after every change, so lists can filter
    # and sort by them; the score endpoint always computes afresh.
    overall_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True, editable=False)
    risk_rating = models.CharField(max_length=8, blank=True, choices=RiskRating.choices, editable=False, db_index=True)
    signing_cycle = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Grows when an approved assessment is reopened: older signatures are void.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The list API and pages order by creation, newest first, alone or after a filter or a
        # visibility condition on these columns (migration 0010).
        indexes = [
            models.Index(fields=["-created_at"], name="assessment_created"),
            models.Index(fields=["status", "-created_at"], name="assessment_status_created"),
            models.Index(fields=["lead_auditor", "-created_at"], name="assessment_lead_created"),
            models.Index(fields=["reviewer", "-created_at"], name="assessment_reviewer_created"),
            models.Index(fields=["vendor", "-created_at"], name="assessment_vendor_created"),
            models.Index(fields=["checklist", "-created_at"], name="assessment_checklist_created"),
            models.Index(fields=["risk_rating", "-created_at"], name="assessment_rating_created"),
            # The comparison's vendors approved most recently: approvals read newest first.
            models.Index(
                fields=["-approved_at", "-id"], name="assessment_approved_newest", condition=Q(status="approved")
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.vendor.name}"

    def get_absolute_url(self):
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"ASM-{self.pk:05d}" if self.pk else "ASM-new"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.CANCELLED)

    def audit_assessment_id(self):
        return self.pk

    def team_ids(self) -> set[int]:
        """The lead auditor and every team member."""
        ids = {u.pk for u in self.audit_team.all()}
        ids.add(self.lead_auditor_id)
        return ids


class Answer(Audited):
    """One answer per question. `version` grows with every change so that a client that wrote
    from a stale copy is told (409) instead of silently overwriting someone else's answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    na_justification = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    carried_over = models.BooleanField(
        default=False,
        help_text="Copied from the previous assessment and not yet confirmed by an auditor.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        # By the parent's id, never by the parent itself: ordering by a relation follows the
        # parent's own ordering and joins its table into every query of the children (the models
        # of this app and of the portal all order so).
        ordering = ["assessment_id", "question__criterion__order", "question__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question.code} = {self.value!r}"

    def audit_assessment_id(self):
        return self.assessment_id


def evidence_path(instance, filename):
    """Files are stored under a random name: the original name is kept in the database only."""
    return f"evidence/{instance.answer.assessment_id}/{uuid.uuid4().hex}"


class Evidence(Audited):
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    # A JPEG of a HEIC photo, made on upload for the browsers; the hash is of `file`, the original.
    preview = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Chosen by the browser for each file it sends, so that an upload sent again (a page that
    # queued it offline and replays it, a retry after a lost reply) is stored once.
    upload_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["answer_id", "uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name

    def audit_assessment_id(self):
        return self.answer.assessment_id

    @staticmethod
    def digest(file) -> str:
        sha = hashlib.sha256()
        for chunk in file.chunks():
            sha.update(chunk)
        file.seek(0)
        return sha.hexdigest()
