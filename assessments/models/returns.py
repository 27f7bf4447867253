"""A return for rework: the reviewer's reason, and the lead's response when resubmitting."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from audit.models import Audited
from config.limits import LONG_TEXT

from .assessments import Assessment


class ReviewReturn(Audited):
    """One return of a submitted assessment. It is open until the lead resubmits with a response;
    both texts are part of the record and never edited afterwards."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="returns")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    response = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment_id", "returned_at", "pk"]
        get_latest_by = ["returned_at", "pk"]

    def __str__(self):
        return f"Return of {self.assessment.reference}: {self.reason[:40]}"

    def audit_assessment_id(self):
        return self.assessment_id

    @property
    def is_open(self) -> bool:
        return self.responded_at is None
