"""What the auditor sees of the environmental-monitoring data an assessment reviews: per data set
a summary by grade, state, kind and location (samples, excursions, alerts, the highest value
against its limit) from one aggregate query over the samples, the locations with repeated
excursions, and data older than 12 months at the assessment date."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from .choices import UNITS, Result, SampleKind
from .models import DataSet, Sample

#: Data sampled longer ago than this before the assessment date is flagged (docs/em-format.md).
STALE_MONTHS = 12
#: Excursions at one location that make them "repeated".
REPEATED = 2


def assessment_date(assessment) -> date:
    """The day the assessment looks at: when it was performed, else planned, else today."""
    return assessment.performed_end or assessment.performed_start or assessment.planned_start or timezone.localdate()


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale_before(assessment) -> datetime:
    """Samples taken before this moment are older than 12 months at the assessment date."""
    return datetime.combine(months_before(assessment_date(assessment), STALE_MONTHS), time(), tzinfo=UTC)


def reviewed_data_sets(assessment) -> list[DataSet]:
    return list(
        DataSet.objects.filter(reviews__assessment=assessment)
        .select_related("site", "limit_table", "imported_by")
        .order_by("period_start", "pk")
    )


@dataclass
class Group:
    grade: str
    state: str
    kind: str
    location: str
    samples: int
    excursions: int
    alerts: int
    highest: object
    limit: object
    alert_limit: object
    first: datetime
    last: datetime

    @property
    def unit(self) -> str:
        return UNITS[SampleKind(self.kind)]

    @property
    def kind_label(self) -> str:
        return SampleKind(self.kind).label

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.highest > self.limit


@dataclass
class Location:
    name: str
    grades: set = field(default_factory=set)
    excursion_kinds: set = field(default_factory=set)
    samples: int = 0
    excursions: int = 0
    alerts: int = 0

    @property
    def repeated(self) -> bool:
        return self.excursions >= REPEATED


@dataclass
class DataSetSummary:
    data_set: DataSet
    groups: list = field(default_factory=list)
    locations: dict = field(default_factory=dict)
    samples: int = 0
    excursions: int = 0
    alerts: int = 0
    no_limit: int = 0
    older: int = 0

    @property
    def stale(self) -> bool:
        """Some of its data is older than 12 months at the assessment date."""
        return self.older > 0

    @property
    def repeated_locations(self) -> list[Location]:
        return [loc for loc in self.locations.values() if loc.repeated]

    @property
    def flagged_locations(self) -> list[Location]:
        """Locations with an excursion or an alert, most excursions first."""
        flagged = [loc for loc in self.locations.values() if loc.excursions or loc.alerts]
        return sorted(flagged, key=lambda loc: (-loc.excursions, -loc.alerts, loc.name))


def group_rows(data_sets, cutoff: datetime):
    """The one aggregate query: a row per data set, grade, state, kind and location."""
    return (
        Sample.objects.filter(data_set__in=data_sets)
        .values("data_set_id", "grade", "state", "kind", "location")
        .annotate(
            samples=Count("id"),
            excursions=Count("id", filter=Q(result=Result.EXCURSION)),
            alerts=Count("id", filter=Q(result=Result.ALERT)),
            no_limit=Count("id", filter=Q(result=Result.NO_LIMIT)),
            older=Count("id", filter=Q(sampled_at__lt=cutoff)),
            highest=Max("value"),
            limit=Max("action_limit"),
            alert_limit=Max("alert_limit"),
            first=Min("sampled_at"),
            last=Max("sampled_at"),
        )
        .order_by("data_set_id", "grade", "state", "kind", "location")
    )


def summarise(assessment, data_sets: list[DataSet] | None = None) -> list[DataSetSummary]:
    """One summary per reviewed data set, oldest period first."""
    data_sets = reviewed_data_sets(assessment) if data_sets is None else data_sets
    if not data_sets:
        return []
    summaries = {ds.pk: DataSetSummary(ds) for ds in data_sets}
    for row in group_rows(data_sets, stale_before(assessment)):
        s = summaries[row.pop("data_set_id")]
        no_limit, older = row.pop("no_limit"), row.pop("older")
        group = Group(**row)
        s.groups.append(group)
        s.samples += group.samples
        s.excursions += group.excursions
        s.alerts += group.alerts
        s.no_limit += no_limit
        s.older += older
        loc = s.locations.setdefault(group.location, Location(group.location))
        loc.grades.add(group.grade)
        if group.excursions:
            loc.excursion_kinds.add(group.kind)
        loc.samples += group.samples
        loc.excursions += group.excursions
        loc.alerts += group.alerts
    return list(summaries.values())


def totals(summaries: list[DataSetSummary]) -> dict:
    counts = defaultdict(int)
    for s in summaries:
        for key in ("samples", "excursions", "alerts", "no_limit", "older"):
            counts[key] += getattr(s, key)
        counts["repeated_locations"] += len(s.repeated_locations)
    return dict(counts)
