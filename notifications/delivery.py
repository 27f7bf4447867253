"""E-mail for inbox rows, through Django's mail framework (EMAIL_URL; files under var/mail
without it). Sent by Celery tasks after the commit, each row at most once: the row is locked and
`emailed_at` checked while sending. A failure is counted on the row and retried by the task; the
outbox sweep sends whatever the queue or the mail server kept back, so nothing is lost."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import Notification, Preference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12  # with the task's back-off, about two hours before a message is left to an administrator


def wants_each(user) -> bool:
    """Whether `user` gets each notification as it happens (the default) rather than a digest."""
    pref = Preference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref != Preference.Delivery.DAILY


def send_after_commit(notifications) -> None:
    """Queue the e-mail of each row for a person who wants each one, once the transaction commits.
    A queue that is down costs nothing here: the outbox sweep sends those rows later."""
    ids = [n.pk for n in notifications if n.recipient.email and wants_each(n.recipient)]
    if not ids:
        return

    def publish():
        from .tasks import deliver

        for pk in ids:
            try:
                deliver.delay(pk)
            except Exception:  # the broker is down; the sweep sends it
                log.warning("Notification %s not queued; the outbox sweep will send it", pk, exc_info=True)

    transaction.on_commit(publish)


def absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def language_of(recipient) -> str:
    """The language a person reads their e-mail in: the one they chose for the pages; an e-mail
    has no browser to ask, so without a choice it is the site's."""
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def message_for(recipient, subject: str, items: list[Notification]) -> EmailMultiAlternatives:
    context = {"recipient": recipient, "items": [(n, absolute(n.url)) for n in items], "site_url": settings.SITE_URL}
    with translation.override(language_of(recipient)):
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send(notification_id: int) -> bool:
    """E-mail one row if it has not been: True when sent now. A failure is recorded on the row and
    raised, for the task to retry."""
    failure = None
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if row is None or not row.recipient.email:
            return False
        try:
            message_for(row.recipient, row.subject, [row]).send()
        except Exception as exc:  # SMTP refusals, connections refused or dropped
            failure = exc
        else:
            row.emailed_at = timezone.now()
            row.email_error = ""
            row.save(update_fields=["emailed_at", "email_error"])
    if failure is not None:
        Notification.objects.filter(pk=notification_id).update(
            email_attempts=row.email_attempts + 1, email_error=str(failure)[:300]
        )
        raise failure
    return True


def send_digest(user, rows: list[Notification]) -> bool:
    """One e-mail with every row not yet e-mailed to a person who chose the daily digest."""
    if not rows or not user.email:
        return False
    with translation.override(language_of(user)):
        subject = ngettext(
            "Your daily digest: %(count)s notification", "Your daily digest: %(count)s notifications", len(rows)
        ) % {"count": len(rows)}
    message_for(user, subject, rows).send()
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=timezone.now(), email_error="")
    return True


def outbox(older_than_seconds: int = 120):
    """Rows a person wants at once that are still not e-mailed a while after they were written."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return (
        Notification.objects.filter(emailed_at__isnull=True, created_at__lte=cutoff, email_attempts__lt=MAX_ATTEMPTS)
        .exclude(recipient__email="")
        .exclude(recipient__notification_preference__delivery=Preference.Delivery.DAILY)
        .order_by("pk")
    )
