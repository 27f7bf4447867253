"""The programme as iCalendar (RFC 5545, with the icalendar library) and the per-user feed
tokens that let a calendar application read it without a session.

`GET /programme.ics?token=...` is the whole programme as the token's user may read it;
`&mine=1` only the audits they lead or are on the team of. A token is revoked by deleting it (the
page's "Revoke" button, `DELETE /api/programme/feed-token/`), and ends when its user is
deactivated or their password changes; a revoked or unknown token, or one whose user may not read
the programme, is a 404."""

import datetime

import icalendar
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from config.exceptions import NotAllowed

from .models import FeedToken
from .plan import Item

PRODID = "-//CDMO qualification//Audit programme//EN"
UID_DOMAIN = "programme.cdmo-qualification"


# --------------------------------------------------------------------------- tokens


def issue(user) -> FeedToken:
    """A new feed token for `user`; the one they had stops working."""
    if not user.has_perm("programme.use_feed"):
        raise NotAllowed("Only the quality organisation reads the programme's calendar.")
    with transaction.atomic():
        FeedToken.objects.filter(user=user).delete()
        token = FeedToken(user=user)
        token._change_reason = "Calendar feed link issued; any earlier link is revoked."
        token.save()
    return token


def revoke(user) -> bool:
    """Revoke `user`'s feed token; whether there was one."""
    token = FeedToken.objects.filter(user=user).first()
    if token is None:
        return False
    token._change_reason = "Calendar feed link revoked."
    token.delete()
    return True


def current(user) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


def user_for(key) -> object | None:
    """The active user whose feed token `key` is, if they may read the programme; else None."""
    if not isinstance(key, str) or not key or len(key) > 64:
        return None
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active or not token.user.has_perm("programme.use_feed"):
        return None
    return token.user


# --------------------------------------------------------------------------- the calendar


def _event(item: Item, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{item.key}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    a = item.assessment
    if a is not None and a.planned_start is not None:
        start, end = a.planned_start, (a.planned_end or a.planned_start)
        event.add("summary", f"{item.kind_label} audit: {item.vendor.name} ({a.reference})")
    else:
        start = end = item.due
        event.add("summary", f"{item.kind_label} due: {item.vendor.name}")
    event.add("dtstart", start)
    event.add("dtend", end + datetime.timedelta(days=1))  # all-day events end the day after
    lines = [item.reason, f"Due: {item.due.isoformat()}", f"Status: {item.status_label}"]
    if item.people:
        lines.append("Audit team: " + ", ".join(p.full_name for p in item.people))
    event.add("description", "\n".join(lines))
    event.add("categories", [item.kind_label])
    return event


def calendar(shown: list[Item], name: str) -> bytes:
    """One VEVENT per item: an all-day event over the scheduled assessment's planned dates, or on
    the due date while it is not scheduled."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for item in shown:
        cal.add_component(_event(item, stamp))
    return cal.to_ical()


@receiver(post_save, sender=User, dispatch_uid="programme.feeds.revoke_with_credentials")
def revoke_with_credentials(sender, instance, raw=False, **kwargs):
    """A feed token ends with the credentials it was issued for, as API tokens do
    (accounts/signals.py): when its user is deactivated or their password is changed."""
    if raw:
        return
    if not instance.is_active or getattr(instance, "_password", None) is not None:
        FeedToken.objects.filter(user_id=instance.pk).delete()
