"""Versioned checklists: the same questions, weights and severities for every vendor, frozen
once published so that assessments months apart stay comparable."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from checklists.scoring_settings import ScoringSettings
from config.exceptions import ConflictError
from config.limits import LONG_TEXT, NAME, SHORT_TEXT

from .choices import AnswerType, ChecklistStatus, YesNo

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class ChecklistLocked(ConflictError):
    """A published or retired checklist cannot change; make a new version instead."""


def default_scoring_settings() -> dict:
    return ScoringSettings().to_dict()


class Checklist(models.Model):
    Status = ChecklistStatus

    code = models.SlugField(max_length=40, help_text="Stable identifier shared by all versions, e.g. CGT-CDMO")
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=NAME)
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    scoring_settings = models.JSONField(
        default=default_scoring_settings,
        help_text="Rating thresholds and the requalification-interval matrix (domain brief §3).",
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "assessments_checklist"  # the table it had before checklists became an app
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_checklist_version")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Checklist.objects.filter(pk=self.pk).values("status", *self._content_fields()).first()
            if stored and stored["status"] != self.Status.DRAFT:
                changed = [f.removesuffix("_id") for f in self._content_fields() if stored[f] != getattr(self, f)]
                if changed or (stored["status"], self.status) not in {
                    (self.Status.PUBLISHED, self.Status.PUBLISHED),
                    (self.Status.PUBLISHED, self.Status.RETIRED),
                    (self.Status.RETIRED, self.Status.RETIRED),
                }:
                    raise ChecklistLocked(
                        f"{self} is {stored['status']} and cannot be changed"
                        + (f" ({', '.join(changed)})" if changed else "")
                        + "; create a new version instead."
                    )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("checklists:detail", kwargs={"pk": self.pk})

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    def settings(self) -> ScoringSettings:
        return ScoringSettings.from_dict(self.scoring_settings)

    def clean(self):
        try:
            ScoringSettings.from_dict(self.scoring_settings)
        except (ValueError, TypeError) as exc:
            raise ValidationError({"scoring_settings": str(exc)}) from exc

    def delete(self, *args, **kwargs):
        # The stored status decides: this instance may have been read before it was published.
        stored = Checklist.objects.filter(pk=self.pk).values_list("status", flat=True).first() if self.pk else None
        status = self.status if self.is_locked else stored
        if status and status != self.Status.DRAFT:
            raise ChecklistLocked(f"{self} is {status} and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @staticmethod
    def _content_fields():
        # The content and the record of its publication (who, when, from which version); only the
        # status may still move, from published to retired.
        return [
            "code",
            "version",
            "name",
            "description",
            "scoring_settings",
            "based_on_id",
            "published_at",
            "published_by_id",
        ]


class ChecklistPart(models.Model):
    """Criteria and questions share the lock of their checklist."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_unlocked("changed")
        super().save(*args, **kwargs)

    def save_translations(self):
        """Store the translations only, whatever the status of the checklist: for the
        translations a built-in checklist ships (checklists.translation.add_shipped), never for
        the text, codes or scoring, which stay frozen."""
        super().save(update_fields=["translations"])

    def _checklist(self):
        raise NotImplementedError

    def _check_unlocked(self, verb):
        # The checklist it belongs to now and, for a stored part, the one it is stored in: moving
        # a part out of a published version into a draft would change the published version.
        checklist = self._checklist()
        ids = {checklist.pk} if checklist is not None and checklist.pk else set()
        if self.pk:
            ids.update(type(self).objects.filter(pk=self.pk).values_list("checklist_id", flat=True))
        locked = Checklist.objects.filter(pk__in=ids).exclude(status=Checklist.Status.DRAFT).first()
        if locked is not None:
            raise ChecklistLocked(
                f"{locked} is {locked.status}: {self._meta.verbose_name} {self.code} cannot be {verb}; "
                "create a new version instead."
            )

    def delete(self, *args, **kwargs):
        self._check_unlocked("deleted")
        return super().delete(*args, **kwargs)


class Criterion(ChecklistPart):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10, help_text="e.g. D")
    title = models.CharField(max_length=NAME)
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    weight = models.PositiveSmallIntegerField(default=1, validators=ONE_TO_FIVE)
    order = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Title and description in other languages, e.g. {"zh-hans": {"title": "..."}} '
        "(checklists/translation.py).",
    )

    class Meta:
        db_table = "assessments_criterion"
        ordering = ["checklist", "order", "code"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="unique_criterion_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def _checklist(self):
        return self.checklist if self.checklist_id else None


class Question(ChecklistPart):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    # Denormalised from the criterion so that codes are unique per checklist in the database.
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="questions", editable=False)
    code = models.CharField(max_length=16, help_text="e.g. D.3")
    text = models.TextField(max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    guidance = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="What the auditor should ask for and look at.",
    )
    reference = models.CharField(max_length=SHORT_TEXT, blank=True, help_text="The regulation or guidance it rests on.")
    answer_type = models.CharField(max_length=12, choices=AnswerType.choices, default=AnswerType.COMPLIANCE)
    expected_answer = models.CharField(
        max_length=3,
        blank=True,
        choices=YesNo.choices,
        help_text="Yes/no questions: which answer is compliant.",
    )
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    weight = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    severity = models.PositiveSmallIntegerField(
        default=3,
        validators=ONE_TO_FIVE,
        help_text="Harm to patient or product if this point fails (5 = worst).",
    )
    required = models.BooleanField(default=True)
    evidence_required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    condition_question = models.CharField(
        max_length=16,
        blank=True,
        help_text="Show only when the question with this code ...",
    )
    condition_equals = models.CharField(max_length=40, blank=True, help_text="... has this answer.")
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Text and guidance in other languages, e.g. {"zh-hans": {"text": "...", "guidance": "..."}} '
        "(checklists/translation.py). Not part of any signed record.",
    )

    class Meta:
        db_table = "assessments_question"
        ordering = ["checklist", "criterion__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="unique_question_code")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.criterion_id:
            self.checklist_id = self.criterion.checklist_id
        super().save(*args, **kwargs)

    def _checklist(self):
        return self.criterion.checklist if self.criterion_id else None

    @property
    def condition(self):
        if not self.condition_question:
            return None
        return {"question": self.condition_question, "equals": self.condition_equals}

    @property
    def is_scored(self) -> bool:
        return self.answer_type != AnswerType.TEXT
