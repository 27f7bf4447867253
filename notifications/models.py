"""What a person was told, and when: the in-app inbox and the e-mail that carries it. A row is
written in the same transaction as the action it reports, so it exists exactly when the action
does; the e-mail follows after the commit (notifications/delivery.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop


class Event(models.TextChoices):
    ASSIGNED = "assigned", gettext_noop("Assigned to an assessment")
    SUBMITTED = "submitted", gettext_noop("Assessment submitted for review")
    RETURNED = "returned", gettext_noop("Assessment returned for rework")
    APPROVED = "approved", gettext_noop("Assessment approved")
    ACTION_DUE = "action_due", gettext_noop("Corrective action due in 14 days")
    ACTION_OVERDUE = "action_overdue", gettext_noop("Corrective action overdue")
    REQUALIFICATION_DUE = "requalification_due", gettext_noop("Requalification due")
    REQUALIFICATION_OVERDUE = "requalification_overdue", gettext_noop("Requalification overdue")
    CERTIFICATE_EXPIRING = "certificate_expiring", gettext_noop("GMP certificate or licence expiring")
    CERTIFICATE_EXPIRED = "certificate_expired", gettext_noop("GMP certificate or licence expired")
    AGREEMENT_DUE = "agreement_due", gettext_noop("Quality agreement expiring or due for review")
    AGREEMENT_EXPIRED = "agreement_expired", gettext_noop("Quality agreement expired")
    ACCOUNT_LOCKED = "account_locked", gettext_noop("Account locked")
    ACTION_SHARED = "action_shared", gettext_noop("Corrective action shared with the vendor")
    VENDOR_RESPONSE = "vendor_response", gettext_noop("Vendor response received")
    RESPONSE_DECIDED = "response_decided", gettext_noop("Vendor response accepted or rejected")
    QUESTIONNAIRE_SENT = "questionnaire_sent", gettext_noop("Questionnaire sent to the vendor")
    QUESTIONNAIRE_DUE = "questionnaire_due", gettext_noop("Questionnaire due in 7 days")
    QUESTIONNAIRE_OVERDUE = "questionnaire_overdue", gettext_noop("Questionnaire overdue")
    QUESTIONNAIRE_SUBMITTED = "questionnaire_submitted", gettext_noop("Questionnaire submitted by the vendor")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40, choices=Event.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True, help_text="The page the notification is about.")
    # A reminder's item and threshold ("action-due-14:17"): the daily scan tells each person once.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_outbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="one_reminder_per_item_and_threshold"
            )
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"


class Preference(models.Model):
    """How a person wants their e-mail: each notification as it happens, or one digest a day."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", gettext_noop("Each as it happens")
        DAILY = "daily", gettext_noop("One daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    def __str__(self):
        return f"{self.user}: {self.get_delivery_display()}"
