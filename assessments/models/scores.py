"""The scores of an approval, frozen when it is signed: the criterion scores, the overall score
and the rating the approval was given. They are part of the approved record: written once, in the
approval's own transaction (`assessments.evaluation.freeze_scores`, called by
`workflow.approve`), and never changed, whatever later happens to the checklist's settings. An
assessment that is reopened and approved again gets a new row for its new signing cycle; the
earlier row stays as the record of the earlier approval (docs/scoring.md, "Frozen scores")."""

from django.db import models
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from audit.models import Audited
from config.exceptions import ConflictError
from vendors.choices import RiskRating

from ..choices import AssessmentStatus
from .assessments import Assessment

WRITTEN_ONCE = "The scores of an approval are part of its record: they cannot be changed or deleted."


class ScoreAtApprovalQuerySet(models.QuerySet):
    """Bulk writes bypass `save()` and `delete()`; refuse them too (on PostgreSQL a trigger
    refuses UPDATE and DELETE whatever the client)."""

    def current(self):
        """The scores of each approved assessment's current approval (its signing cycle)."""
        return self.filter(assessment__status=AssessmentStatus.APPROVED, signing_cycle=F("assessment__signing_cycle"))

    def latest_per_vendor(self):
        """Of these scores, only each vendor's latest approval (by approval time, then id):
        ROW_NUMBER() over each vendor's approvals, newest first, so the database picks them in
        one pass rather than a subquery per vendor."""
        newest_first = Window(
            RowNumber(),
            partition_by=[F("assessment__vendor_id")],
            order_by=[F("assessment__approved_at").desc(), F("assessment_id").desc()],
        )
        return self.annotate(newest=newest_first).filter(newest=1)

    def update(self, **kwargs):
        raise ConflictError(WRITTEN_ONCE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ConflictError(WRITTEN_ONCE)

    def delete(self):
        raise ConflictError(WRITTEN_ONCE)

    update.alters_data = bulk_update.alters_data = delete.alters_data = True


class ScoreAtApproval(Audited):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores_at_approval")
    signing_cycle = models.PositiveIntegerField(
        editable=False, help_text="The signing cycle of the approval these scores were frozen at."
    )
    overall_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True, editable=False)
    risk_rating = models.CharField(max_length=8, blank=True, choices=RiskRating.choices, editable=False)
    criterion_scores = models.JSONField(
        default=list,
        editable=False,
        help_text='The criterion scores in checklist order: [{"code", "title", "score", "answered", "total"}], '
        "as the score endpoint gives them.",
    )
    frozen_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScoreAtApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "signing_cycle"]
        verbose_name = "score at approval"
        verbose_name_plural = "scores at approval"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "signing_cycle"], name="one_score_per_approval"),
        ]

    def __str__(self):
        return f"Scores of {self.assessment.reference} at approval (cycle {self.signing_cycle})"

    def audit_assessment_id(self):
        return self.assessment_id

    def save(self, *args, **kwargs):
        if self.pk:
            raise ConflictError(WRITTEN_ONCE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ConflictError(WRITTEN_ONCE)

    @property
    def scores(self) -> dict[str, float | None]:
        """{criterion code: score or None (not applicable)}."""
        return {c["code"]: c["score"] for c in self.criterion_scores}


class LatestApproval(models.Model):
    """Each vendor's latest current approval (by approval time, then assessment id), one row per
    vendor that has one: what the risk matrix, its cells and the dashboards count and filter on,
    where ranking every approval on each request grows with them.

    Not a record but an index of the records, rewritten by the rules that change which approval
    is a vendor's latest (`assessments.evaluation.refresh_latest_approvals`: the approval, the
    reopening, and bulk loads), in their transaction; so it is not audited, and it always equals
    `ScoreAtApproval.objects.current().latest_per_vendor()`."""

    vendor = models.OneToOneField(
        "vendors.Vendor", on_delete=models.CASCADE, primary_key=True, related_name="latest_approval"
    )
    score = models.OneToOneField(ScoreAtApproval, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    approved_at = models.DateTimeField()
    risk_rating = models.CharField(max_length=8, blank=True, choices=RiskRating.choices, db_index=True)
    overall_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = "latest approval"
        verbose_name_plural = "latest approvals"

    def __str__(self):
        return f"Latest approval of vendor {self.vendor_id}: assessment {self.assessment_id}"
