"""The workers' side of notifications: e-mail one row (retried while the mail server refuses),
the outbox sweep every minute, and the daily scan of reminders and digests. Idempotent: each
row is e-mailed at most once and each reminder written once per item and threshold."""

import logging

from celery import shared_task
from django.conf import settings

from . import delivery, reminders

log = logging.getLogger(__name__)


@shared_task(
    name="notifications.deliver",
    bind=True,
    max_retries=delivery.MAX_ATTEMPTS,
    default_retry_delay=30,
)
def deliver(self, notification_id: int) -> bool:
    try:
        return delivery.send(notification_id)
    except Exception as exc:
        countdown = min(600, settings.NOTIFICATION_RETRY_SECONDS * 2**self.request.retries)
        log.warning("Notification %s not e-mailed (%s); retry in %s s", notification_id, exc, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="notifications.send_outbox")
def send_outbox(older_than_seconds: int = 120) -> int:
    """Sends what the queue or the mail server kept back; a failure is left for the next sweep."""
    sent = 0
    for pk in delivery.outbox(older_than_seconds).values_list("pk", flat=True)[:200]:
        try:
            sent += delivery.send(pk)
        except Exception as exc:
            log.warning("Outbox: notification %s not e-mailed (%s)", pk, exc)
    return sent


@shared_task(name="notifications.daily_scan")
def daily_scan() -> dict:
    """Reminders of what is due or overdue, then the digests; safe to run more than once a day."""
    return reminders.scan()
