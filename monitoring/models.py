"""Environmental-monitoring data of a vendor's site, the Annex 1 limits they are judged by, and
the auditor's review of them in an assessment.

- `LimitTable` and `ActionLimit`: the versioned action limits (seeded from docs/domain.md §5 by
  reference_data.py); the newest table in force scores each new data set.
- `AlertLimit`: a site's own alert limit, below the action limit (limits.py checks it).
- `DataSet` and `Sample`: one import of results of one site over the period its samples span.
  Samples are written once, by the import, and never change: each keeps the limits it was judged
  by and its result, and the data set keeps the SHA-256 of their content.
- `DataSetReview`: an assessment reviews a data set. `ExcursionReview`: the auditor's decision on
  the excursions at one location of a data set: confirmed as a finding, or dismissed with a reason."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from audit.models import Audited
from config.exceptions import ConflictError, InvalidInput
from config.limits import REASON

from .choices import UNITS, Grade, Result, ReviewOutcome, RoomState, SampleKind, SourceFormat

LIMIT_DIGITS = {"max_digits": 14, "decimal_places": 3}
WRITTEN_ONCE = "Environmental-monitoring samples are written once, by their import, and never change."


class LimitTable(Audited):
    """One version of the action limits; the newest whose `effective_from` has come is in force."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=500, help_text="The guideline the limits come from.")
    effective_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class ActionLimit(Audited):
    """The action limit of one grade, state and kind; `value` None: the guideline sets none."""

    table = models.ForeignKey(LimitTable, on_delete=models.PROTECT, related_name="limits")
    grade = models.CharField(max_length=1, choices=Grade.choices)
    state = models.CharField(max_length=12, choices=RoomState.choices)
    kind = models.CharField(max_length=16, choices=SampleKind.choices)
    value = models.DecimalField(null=True, blank=True, validators=[MinValueValidator(0)], **LIMIT_DIGITS)

    class Meta:
        ordering = ["table", "grade", "state", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["table", "grade", "state", "kind"], name="one_action_limit_per_key")
        ]

    def __str__(self):
        return f"{self.grade} {self.state} {self.kind}: {self.value if self.value is not None else 'none'}"

    @property
    def unit(self) -> str:
        return UNITS[SampleKind(self.kind)]


class AlertLimit(Audited):
    """A site's alert limit of one grade, state and kind: below the action limit in force."""

    site = models.ForeignKey("vendors.Site", on_delete=models.CASCADE, related_name="em_alert_limits")
    grade = models.CharField(max_length=1, choices=Grade.choices)
    state = models.CharField(max_length=12, choices=RoomState.choices)
    kind = models.CharField(max_length=16, choices=SampleKind.choices)
    value = models.DecimalField(validators=[MinValueValidator(0)], **LIMIT_DIGITS)

    class Meta:
        ordering = ["site", "grade", "state", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "grade", "state", "kind"], name="one_alert_limit_per_key")
        ]

    def __str__(self):
        return f"{self.site}: {self.grade} {self.state} {self.kind} alert above {self.value}"

    def clean(self):
        from . import limits

        try:
            limits.check_alert_limit(self)
        except InvalidInput as exc:
            raise ValidationError(exc.errors) from None


class DataSet(Audited):
    """One import of environmental-monitoring results of a site; its period is that of its samples."""

    site = models.ForeignKey("vendors.Site", on_delete=models.PROTECT, related_name="em_data_sets")
    period_start = models.DateField()
    period_end = models.DateField()
    limit_table = models.ForeignKey(LimitTable, on_delete=models.PROTECT, related_name="+")
    imported_for = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The assessment it was imported into.",
    )
    source_format = models.CharField(max_length=8, choices=SourceFormat.choices)
    source_name = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file (or JSON body) as received.")
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the samples as stored.")
    sample_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "EM data set"

    def __str__(self):
        return f"{self.reference} ({self.site.name}, {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d})"

    @property
    def reference(self) -> str:
        return f"EM-{self.pk:05d}" if self.pk else "EM-new"

    def audit_assessment_id(self):
        return self.imported_for_id

    def get_absolute_url(self):
        return reverse("monitoring:review", kwargs={"pk": self.imported_for_id}) if self.imported_for_id else ""


class SampleQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ConflictError(WRITTEN_ONCE)

    def delete(self):
        raise ConflictError(WRITTEN_ONCE)

    update.alters_data = delete.alters_data = True


class Sample(models.Model):
    """One result. `line` is where it stood in its file (the item number of a JSON list)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="samples")
    line = models.PositiveIntegerField()
    location = models.CharField(max_length=120)
    grade = models.CharField(max_length=1, choices=Grade.choices)
    state = models.CharField(max_length=12, choices=RoomState.choices)
    kind = models.CharField(max_length=16, choices=SampleKind.choices)
    value = models.DecimalField(**LIMIT_DIGITS)
    sampled_at = models.DateTimeField()
    action_limit = models.DecimalField(null=True, blank=True, **LIMIT_DIGITS)
    alert_limit = models.DecimalField(null=True, blank=True, **LIMIT_DIGITS)
    result = models.CharField(max_length=10, choices=Result.choices)

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["data_set", "line"]
        indexes = [
            models.Index(fields=["data_set", "location", "sampled_at"]),
            models.Index(fields=["data_set", "result"]),
        ]
        verbose_name = "EM sample"

    def __str__(self):
        return f"{self.location} {self.grade} {self.kind} {self.value} ({self.result})"

    def save(self, *args, **kwargs):
        raise ConflictError(WRITTEN_ONCE)

    def delete(self, *args, **kwargs):
        raise ConflictError(WRITTEN_ONCE)

    @property
    def unit(self) -> str:
        return UNITS[SampleKind(self.kind)]


class DataSetReview(Audited):
    """An assessment reviews a data set of its site."""

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="em_reviews")
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="reviews")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "data_set"], name="one_review_per_em_data_set")]
        verbose_name = "EM data set review"

    def __str__(self):
        return f"{self.data_set.reference} reviewed in assessment {self.assessment_id}"

    def audit_assessment_id(self):
        return self.assessment_id


class ExcursionReview(Audited):
    """The auditor's decision on the excursions at one location of a data set, in one assessment."""

    Outcome = ReviewOutcome

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="em_decisions")
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(max_length=120)
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices)
    proposed_classification = models.CharField(max_length=12)
    excursions = models.PositiveIntegerField(help_text="How many excursions the decision covers.")
    finding = models.ForeignKey(
        "assessments.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=REASON, validators=[MaxLengthValidator(REASON)])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "data_set", "location"], name="one_decision_per_em_location")
        ]
        verbose_name = "EM excursion decision"

    def __str__(self):
        return f"{self.data_set.reference} {self.location}: {self.outcome}"

    def audit_assessment_id(self):
        return self.assessment_id
