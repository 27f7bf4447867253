"""Comments on a question of an assessment: a QA reviewer asks, the audit team answers."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from audit.models import Audited
from checklists.models import Question
from config.limits import LONG_TEXT

from .assessments import Assessment


class QuestionComment(Audited):
    """One comment on one question; `reply_to` makes it an answer in the thread it opens.
    Comments are never edited nor deleted: the thread is part of the record."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="question_comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    body = models.TextField(max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Chosen by the browser for each comment it sends, so that a comment sent again (written
    # offline and replayed, a retry after a lost reply) is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["assessment_id", "question_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.question.code}: {self.body[:40]}"

    def audit_assessment_id(self):
        return self.assessment_id
