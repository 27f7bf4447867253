"""A pre-audit questionnaire: an assessment in questionnaire mode sent to the vendor's contacts,
who answer its checklist's questions themselves. The vendor's answers are their statements, kept
apart from the audit's own answers (`Answer`): the audit team reads them beside each question,
of this assessment and of later on-site audits of the vendor, and judges. Written only by
portal/questionnaires.py; every row is audit-trailed."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from audit.models import Audited
from checklists.models import Question
from config.limits import LONG_TEXT

from .assessments import Assessment


class Questionnaire(Audited):
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="questionnaire")
    contacts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="questionnaires")
    due_date = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Questionnaire of {self.assessment}"

    def audit_assessment_id(self):
        return self.assessment_id

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class VendorAnswer(Audited):
    """The vendor's answer to one question; `version` grows with each change, so that two
    contacts of the vendor writing at once are told (409) instead of overwriting each other."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    version = models.PositiveIntegerField(default=1)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["questionnaire_id", "question__criterion__order", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "question"], name="one_vendor_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question.code} = {self.value!r} (vendor)"

    def audit_assessment_id(self):
        return self.questionnaire.assessment_id


def vendor_evidence_path(instance, filename):
    """Stored under a random name, like the audit's evidence; the original name is a column."""
    return f"questionnaire-evidence/{instance.answer.questionnaire_id}/{uuid.uuid4().hex}"


class VendorAnswerEvidence(Audited):
    """A file the vendor attached to an answer, checked and hashed like the audit's evidence."""

    answer = models.ForeignKey(VendorAnswer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=vendor_evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer_id", "uploaded_at", "pk"]
        verbose_name_plural = "vendor answer evidence"

    def __str__(self):
        return self.original_name

    def audit_assessment_id(self):
        return self.answer.questionnaire.assessment_id

    def stored_digest(self) -> str:
        sha = hashlib.sha256()
        with self.file.open("rb") as stored:
            for chunk in iter(lambda: stored.read(65536), b""):
                sha.update(chunk)
        return sha.hexdigest()
