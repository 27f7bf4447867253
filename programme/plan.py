"""The audit programme: which vendor is audited when, and why (README "Decisions").

The programme is worked out from the registry and the assessments each time it is read, so that
it can never disagree with them:

- a **requalification** item for every vendor with a next requalification due date (set by
  vendors/qualification.py from the checklist's requalification matrix, by the vendor's inherent
  risk and the rating of its latest approval; a "not approved" decision sets a re-audit within 6
  months), due on that date;
- an **initial** item for every prospective vendor with no assessment, due `INITIAL_WITHIN_DAYS`
  after it was registered;
- the kept `ProgrammeItem` rows: for-cause audits proposed by a serious industry event
  (programme/proposals.py) and every item scheduled into an assessment (`schedule`).

A computed item that was scheduled is read from its kept row from then on. A computed item not
scheduled through the programme still shows an open assessment of its vendor and kind that
someone planned directly, so that an audit is never planned twice. The page, the CSV, the
calendar feeds and the API all read `items`."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import planning
from assessments.models import Assessment
from checklists.models import Checklist
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.reasons import require_sentence
from vendors.choices import QualificationStatus
from vendors.models import Vendor

from .choices import ItemKind, ItemStatus
from .models import ProgrammeItem

#: An initial qualification is due this many days after the vendor was registered.
INITIAL_WITHIN_DAYS = 90
#: A for-cause audit is due this many days after the event that proposed it was recorded.
FOR_CAUSE_WITHIN_DAYS = 30

OPEN = (
    Assessment.Status.PLANNED,
    Assessment.Status.IN_PROGRESS,
    Assessment.Status.SUBMITTED,
    Assessment.Status.RETURNED,
)
STARTED = (Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED, Assessment.Status.RETURNED)
#: Vendors whose due date is a requalification (or a re-audit after "not approved").
REQUALIFIED = (
    QualificationStatus.APPROVED,
    QualificationStatus.CONDITIONALLY_APPROVED,
    QualificationStatus.UNDER_REVIEW,
    QualificationStatus.NOT_APPROVED,
)
#: An item's key (ids of at most 18 digits: a longer one names no row and must not reach the database).
_KEY = re.compile(
    r"(?:item-(?P<pk>[0-9]{1,18})|(?P<kind>[a-z_]{1,20})-(?P<vendor>[0-9]{1,18})-(?P<due>\d{4}-\d{2}-\d{2}))"
)


@dataclass
class Item:
    """One planned audit. `key` names it in URLs: `item-<pk>` for a kept row, otherwise
    `<kind>-<vendor id>-<due>`."""

    key: str
    vendor: Vendor
    kind: str
    due: datetime.date
    reason: str
    assessment: Assessment | None = None
    status: str = ItemStatus.UNSCHEDULED
    kept: ProgrammeItem | None = None
    people: list = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return ItemKind(self.kind).label

    @property
    def status_label(self) -> str:
        return ItemStatus(self.status).label

    @property
    def stands_out(self) -> bool:
        return self.status in (ItemStatus.OVERDUE, ItemStatus.UNSCHEDULED)

    @property
    def may_schedule(self) -> bool:
        return self.assessment is None or self.assessment.status == Assessment.Status.CANCELLED


def window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The rolling plan: this year and next."""
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), datetime.date(today.year + 1, 12, 31)


def status_of(assessment: Assessment | None, due: datetime.date, today: datetime.date) -> str:
    """Done once the assessment is approved, in progress once it started; otherwise overdue past
    the due date, else scheduled or unscheduled. A cancelled assessment schedules nothing."""
    if assessment is not None and assessment.status == Assessment.Status.APPROVED:
        return ItemStatus.DONE
    if assessment is not None and assessment.status in STARTED:
        return ItemStatus.IN_PROGRESS
    if due < today:
        return ItemStatus.OVERDUE
    if assessment is not None and assessment.status == Assessment.Status.PLANNED:
        return ItemStatus.SCHEDULED
    return ItemStatus.UNSCHEDULED


def _requalification_reason(vendor: Vendor) -> str:
    if vendor.status == QualificationStatus.NOT_APPROVED:
        return "Re-audit after a “not approved” decision."
    rating = vendor.get_risk_rating_display().lower() if vendor.risk_rating else "not rated"
    return (
        f"Requalification due: {vendor.get_inherent_risk_display().lower()} inherent risk, "
        f"rated {rating} at the latest approval."
    )


def _computed(vendors) -> list[Item]:
    found = []
    for vendor in vendors.filter(status__in=REQUALIFIED, next_requalification_due__isnull=False):
        due = vendor.next_requalification_due
        found.append(
            Item(
                f"{ItemKind.REQUALIFICATION}-{vendor.pk}-{due.isoformat()}",
                vendor,
                ItemKind.REQUALIFICATION,
                due,
                _requalification_reason(vendor),
            )
        )
    prospective = vendors.filter(status=QualificationStatus.PROSPECTIVE).exclude(
        pk__in=Assessment.objects.exclude(status=Assessment.Status.CANCELLED).values("vendor_id")
    )
    for vendor in prospective:
        due = timezone.localdate(vendor.created_at) + datetime.timedelta(days=INITIAL_WITHIN_DAYS)
        found.append(
            Item(
                f"{ItemKind.INITIAL}-{vendor.pk}-{due.isoformat()}",
                vendor,
                ItemKind.INITIAL,
                due,
                "Initial qualification: a prospective vendor with no assessment yet.",
            )
        )
    return found


def _kept_item(row: ProgrammeItem) -> Item:
    return Item(f"item-{row.pk}", row.vendor, row.kind, row.due, row.reason, row.assessment, kept=row)


def items(vendors=None, *, start=None, end=None, kind=None, status=None, today=None) -> list[Item]:
    """The programme's items of `vendors` (a queryset; every vendor by default) due from `start`
    to `end` (both included; no bound when None), of a `kind` and `status` if given, by due date."""
    today = today or timezone.localdate()
    vendors = Vendor.objects.all() if vendors is None else vendors
    kept_rows = ProgrammeItem.objects.filter(vendor__in=vendors, dismissed_at__isnull=True).select_related(
        "vendor", "assessment__lead_auditor"
    )
    found = [_kept_item(row) for row in kept_rows]
    kept_keys = {(row.vendor_id, row.kind, row.due) for row in kept_rows if row.kind != ItemKind.FOR_CAUSE}
    linked = {row.assessment_id for row in kept_rows if row.assessment_id}
    computed = [i for i in _computed(vendors) if (i.vendor.pk, i.kind, i.due) not in kept_keys]
    # An open assessment planned directly (not through the programme) answers a computed item.
    open_ones = {}
    vendor_ids = {i.vendor.pk for i in computed}
    if vendor_ids:
        candidates = (
            Assessment.objects.filter(vendor_id__in=vendor_ids, status__in=OPEN)
            .exclude(pk__in=linked)
            .select_related("lead_auditor")
            .order_by("planned_start", "pk")
        )
        for a in candidates:
            open_ones.setdefault((a.vendor_id, a.kind), a)
    for i in computed:
        i.assessment = open_ones.get((i.vendor.pk, i.kind))
    found += computed
    shown = []
    for i in found:
        i.status = status_of(i.assessment, i.due, today)
        if start is not None and i.due < start or end is not None and i.due > end:
            continue
        if kind and i.kind != kind or status and i.status != status:
            continue
        shown.append(i)
    _add_people(shown)
    shown.sort(key=lambda i: (i.due, i.vendor.name, i.kind))
    return shown


def _add_people(shown: list[Item]) -> None:
    """Each item's lead and team (one query for every item's team)."""
    ids = [i.assessment.pk for i in shown if i.assessment is not None]
    teams: dict[int, list] = {}
    for through in Assessment.audit_team.through.objects.filter(assessment_id__in=ids).select_related("user"):
        teams.setdefault(through.assessment_id, []).append(through.user)
    for i in shown:
        if i.assessment is not None:
            i.people = [i.assessment.lead_auditor, *teams.get(i.assessment.pk, [])]


def for_user(shown: list[Item], user) -> list[Item]:
    """The items whose assessment `user` leads or is on the team of (their own calendar)."""
    return [i for i in shown if any(p.pk == user.pk for p in i.people)]


# --------------------------------------------------------------------------- workload


def workload(shown: list[Item]) -> tuple[list[datetime.date], list[tuple[object, list[int]]]]:
    """Audits per auditor per month: the months (first days) with any scheduled audit, and for
    each auditor (lead or team member) the number of audits starting in each. An audit counts in
    the month of its planned start; cancelled and unplanned ones count nowhere."""
    counts: dict[int, dict[datetime.date, int]] = {}
    people = {}
    for i in shown:
        a = i.assessment
        if a is None or a.status == Assessment.Status.CANCELLED or a.planned_start is None:
            continue
        month = a.planned_start.replace(day=1)
        for person in i.people:
            people[person.pk] = person
            row = counts.setdefault(person.pk, {})
            row[month] = row.get(month, 0) + 1
    months = sorted({m for row in counts.values() for m in row})
    rows = [
        (people[pk], [counts[pk].get(m, 0) for m in months])
        for pk in sorted(people, key=lambda pk: (people[pk].last_name, people[pk].first_name, people[pk].username))
    ]
    return months, rows


# --------------------------------------------------------------------------- one item


def find(key: str, today=None) -> Item | None:
    """The item `key` names, as the programme shows it now, or None."""
    match = _KEY.fullmatch(key or "")
    if match is None:
        return None
    if match["pk"]:
        row = ProgrammeItem.objects.filter(pk=int(match["pk"]), dismissed_at__isnull=True).first()
        if row is None:
            return None
        vendors = Vendor.objects.filter(pk=row.vendor_id)
    else:
        vendors = Vendor.objects.filter(pk=int(match["vendor"]))
    for i in items(vendors, today=today):
        if i.key == key:
            return i
    return None


def default_checklist() -> Checklist | None:
    """The checklist offered when scheduling: the latest published version of the built-in one,
    else of any."""
    published = Checklist.objects.filter(status=Checklist.Status.PUBLISHED)
    return published.filter(code="CGT-CDMO").order_by("-version").first() or published.order_by("-pk").first()


def check_schedulable(item: Item, user) -> None:
    if not user.has_perm("programme.schedule_item") or not user.has_perm("assessments.add_assessment"):
        raise NotAllowed("Only quality administrators and lead auditors schedule audits of the programme.")
    if not item.may_schedule:
        raise ConflictError(f"This item is already scheduled into {item.assessment.reference}.")


def schedule(item: Item, user, values: dict) -> Assessment:
    """Plan the assessment of `item` in one step (assessments/planning.py checks the plan: the
    kind, the dates, the lead and the team) and link the item to it. `values` are planning
    fields; the vendor is the item's, the kind and checklist default to the item's and
    `default_checklist()`, and a planned start is required."""
    check_schedulable(item, user)
    values = dict(values)
    values["vendor"] = item.vendor
    values["kind"] = values.get("kind") or item.kind
    if values.get("checklist") is None:
        values["checklist"] = default_checklist()
    errors = {}
    if values["checklist"] is None:
        errors["checklist"] = ["No published checklist: publish one first."]
    if not values.get("planned_start"):
        errors["planned_start"] = ["A scheduled audit needs a planned start."]
    if errors:
        raise InvalidInput(errors)
    if not values.get("planned_end"):
        values["planned_end"] = values["planned_start"]
    values.setdefault("scope", f"{item.kind_label}: {item.reason}")
    with transaction.atomic():
        assessment, _ = planning.plan(user, values)
        row = item.kept
        if row is None:
            row = ProgrammeItem(vendor=item.vendor, kind=item.kind, due=item.due, reason=item.reason, created_by=user)
        else:
            row = ProgrammeItem.objects.select_for_update().get(pk=row.pk)
            if row.assessment_id and row.assessment.status != Assessment.Status.CANCELLED:
                raise ConflictError(f"This item is already scheduled into {row.assessment.reference}.")
        row.assessment = assessment
        row._change_reason = f"Scheduled into {assessment.reference}."
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # scheduled by someone else meanwhile
            raise ConflictError("This item was scheduled meanwhile; reload the programme.") from None
    return assessment


def dismiss(item: Item, user, reason) -> ProgrammeItem:
    """Take a for-cause proposal out of the programme: the event was judged not to need an audit.
    Only those who schedule do it, only while it is not scheduled, with a reason of at least a
    sentence (config/reasons.py); the row and its reason stay, in the audit trail too."""
    if not user.has_perm("programme.schedule_item"):
        raise NotAllowed("Only quality administrators and lead auditors dismiss a proposed audit.")
    if item.kind != ItemKind.FOR_CAUSE or item.kept is None:
        raise ConflictError("Only a proposed for-cause audit is dismissed; the others follow from the registry.")
    if not item.may_schedule:
        raise ConflictError(f"This item is scheduled into {item.assessment.reference}: cancel that assessment first.")
    text = require_sentence(reason, "the proposed audit is not needed")
    with transaction.atomic():
        row = ProgrammeItem.objects.select_for_update().get(pk=item.kept.pk)
        if row.dismissed_at is not None:
            raise ConflictError("This proposal was dismissed meanwhile.")
        row.dismissed_by, row.dismissed_at, row.dismissal_reason = user, timezone.now(), text
        row._change_reason = text
        row.save()
    return row
