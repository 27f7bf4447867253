"""The daily scan: corrective actions due in 14 days or overdue (to the assessment's lead; the
owner is a person named in text, often at the vendor), requalifications due in 90 and 30 days or
overdue, and GMP certificates and licences of a qualified vendor's sites expiring within 60 days
or expired (to the quality administrators), then the digest of each person who chose one. Each
reminder is keyed by its item, threshold and due date, so a second scan tells nobody twice and a
new due date is a new reminder."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from assessments.choices import ACTION_DONE
from assessments.models import CorrectiveAction
from vendors.models import GMPCertificate, Vendor

from . import delivery, events
from .models import Event, Notification, Preference

ACTION_WARNING_DAYS = 14
REQUALIFICATION_WARNINGS = (90, 30)
QUALIFIED = ("approved", "conditionally_approved")
CERTIFICATE_WARNING_DAYS = 60


def scan(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = {"action_due": 0, "action_overdue": 0, "requalification": 0, "certificates": 0, "digests": 0}
    actions = (
        CorrectiveAction.objects.exclude(status__in=ACTION_DONE)
        .filter(due_date__isnull=False, due_date__lte=today + datetime.timedelta(days=ACTION_WARNING_DAYS))
        .select_related("finding__assessment__vendor", "finding__assessment__lead_auditor")
    )
    for action in actions:
        assessment = action.finding.assessment
        url = reverse("assessments:findings", args=[assessment.pk]) + f"#finding-{action.finding.number}"
        what = f"The corrective action of {action.finding.reference} ({assessment.vendor.name}, owner {action.owner})"
        if action.due_date < today:
            made = events.tell(
                [assessment.lead_auditor],
                Event.ACTION_OVERDUE,
                f"Overdue: corrective action of {action.finding.reference}",
                f"{what} was due on {action.due_date:%d %b %Y} and is not done.",
                url,
                key=f"action-overdue:{action.pk}:{action.due_date}",
            )
            counts["action_overdue"] += len(made)
        else:
            made = events.tell(
                [assessment.lead_auditor],
                Event.ACTION_DUE,
                f"Due on {action.due_date:%d %b %Y}: corrective action of {action.finding.reference}",
                f"{what} is due on {action.due_date:%d %b %Y}.",
                url,
                key=f"action-due-{ACTION_WARNING_DAYS}:{action.pk}:{action.due_date}",
            )
            counts["action_due"] += len(made)

    admins = list(User.objects.filter(groups__name=str(Role.ADMIN), is_active=True).distinct())
    soon = today + datetime.timedelta(days=max(REQUALIFICATION_WARNINGS))
    for vendor in Vendor.objects.filter(status__in=QUALIFIED, next_requalification_due__lte=soon):
        due = vendor.next_requalification_due
        if due < today:
            threshold, event = "overdue", Event.REQUALIFICATION_OVERDUE
            subject = f"Requalification overdue: {vendor.name}"
        else:
            days = min(d for d in REQUALIFICATION_WARNINGS if due <= today + datetime.timedelta(days=d))
            threshold, event = str(days), Event.REQUALIFICATION_DUE
            subject = f"Requalification due in {days} days: {vendor.name}"
        made = events.tell(
            admins,
            event,
            subject,
            f"{vendor.name} ({vendor.get_status_display().lower()}) is due for requalification on {due:%d %b %Y}.",
            vendor.get_absolute_url(),
            key=f"requalification-{threshold}:{vendor.pk}:{due}",
        )
        counts["requalification"] += len(made)

    expiring = GMPCertificate.objects.filter(
        site__vendor__status__in=QUALIFIED,
        expires_on__lte=today + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS),
    ).select_related("site__vendor")
    for certificate in expiring:
        site, expires = certificate.site, certificate.expires_on
        what = f"{certificate.get_kind_display()} {certificate.number} of {site.vendor.name}, {site.name}"
        expired = expires < today
        made = events.tell(
            admins,
            Event.CERTIFICATE_EXPIRED if expired else Event.CERTIFICATE_EXPIRING,
            f"{'Expired' if expired else 'Expiring'}: {what}"[:200],
            f"{what} {'expired' if expired else 'expires'} on {expires:%d %b %Y}. Ask the vendor for the renewed one.",
            site.vendor.get_absolute_url(),
            key=f"certificate-{'expired' if expired else CERTIFICATE_WARNING_DAYS}:{certificate.pk}:{expires}",
        )
        counts["certificates"] += len(made)

    digest_users = User.objects.filter(notification_preference__delivery=Preference.Delivery.DAILY, is_active=True)
    for user in digest_users.exclude(email=""):
        rows = list(Notification.objects.filter(recipient=user, emailed_at__isnull=True).order_by("created_at", "pk"))
        counts["digests"] += delivery.send_digest(user, rows)
    return counts
