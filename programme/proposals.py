"""For-cause audits: a serious industry event (vendors.choices.SERIOUS_EVENTS: a warning letter,
a recall, an inspection classified OAI, a critical finding in another audit) recorded on an
approved or conditionally approved vendor proposes a for-cause audit in the programme.

It listens to the event's `post_save`, so that every path that records one proposes it alike:
the admin, the reference data import, a command. The proposal is written in the same transaction
as the event, attributed to whoever recorded it (the audit trail's current actor)."""

import datetime

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from audit import context
from vendors.choices import SERIOUS_EVENTS, QualificationStatus
from vendors.models import IndustryEvent

from .choices import ItemKind
from .models import ProgrammeItem
from .plan import FOR_CAUSE_WITHIN_DAYS

QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)


def propose_for_cause(event: IndustryEvent, today: datetime.date | None = None) -> ProgrammeItem | None:
    """The for-cause item `event` proposes, or None when it proposes none (not a serious kind, a
    vendor not on the approved supplier list, already proposed)."""
    vendor = event.vendor
    if event.kind not in SERIOUS_EVENTS or vendor.status not in QUALIFIED:
        return None
    if ProgrammeItem.objects.filter(event=event).exists():
        return None
    today = today or timezone.localdate()
    detail = " ".join(event.detail.split())
    reason = f"{event.get_kind_display()} recorded ({event.date_label}): {detail}"[:500]
    item = ProgrammeItem(
        vendor=vendor,
        kind=ItemKind.FOR_CAUSE,
        due=today + datetime.timedelta(days=FOR_CAUSE_WITHIN_DAYS),
        reason=reason,
        event=event,
        created_by=context.current_actor(),
    )
    item._change_reason = f"Proposed by a serious industry event on {vendor.name}."
    item.save()
    return item


@receiver(post_save, sender=IndustryEvent, dispatch_uid="programme.propose_for_cause")
def on_event_saved(sender, instance, created, raw=False, **kwargs):
    """A new event, or one changed to a serious kind; an event proposes at most once."""
    if not raw:
        propose_for_cause(instance)
