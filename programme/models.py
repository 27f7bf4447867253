"""What the audit programme keeps (README "Decisions": the programme is computed, these rows are
what it cannot compute): a `ProgrammeItem` is a planned audit that was proposed by an event (a
for-cause audit) or scheduled into an assessment; a `FeedToken` lets a calendar read the
programme's iCalendar feed for one user, until it is revoked."""

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from audit.models import Audited
from config.limits import REASON, SHORT_TEXT

from .choices import ItemKind


class ProgrammeItem(Audited):
    Kind = ItemKind

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="programme_items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due = models.DateField(db_index=True)
    reason = models.TextField(max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)])
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_items",
        help_text="The assessment this item was scheduled into.",
    )
    event = models.OneToOneField(
        "vendors.IndustryEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_item",
        help_text="The industry event that proposed this for-cause audit.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A for-cause proposal judged not to need an audit leaves the programme with a reason.
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissal_reason = models.TextField(blank=True, max_length=REASON, validators=[MaxLengthValidator(REASON)])

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            # A computed item (requalification, initial) is kept once, when it is scheduled.
            models.UniqueConstraint(
                fields=["vendor", "kind", "due"],
                condition=Q(event__isnull=True) & ~Q(kind=ItemKind.FOR_CAUSE),
                name="one_kept_item_per_computed_item",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.vendor} due {self.due.isoformat()}"

    def audit_assessment_id(self):
        return self.assessment_id


def new_feed_key() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(Audited):
    """One per user: the `token` of `GET /programme.ics?token=...`. Revoking deletes it (the audit
    trail keeps that it existed, never its key); a new one replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
