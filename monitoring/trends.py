"""Trend charts of environmental-monitoring results: one per location, kind and room state,
drawn on the server as SVG (config/charts.py) with the action limit and the site's alert limit,
so that the page and the PDF report show the same picture."""

from collections import defaultdict

from django.db.models import Q

from config import charts

from .choices import UNITS, Result, RoomState, SampleKind
from .models import Sample

#: Points drawn per chart at most; beyond, each point is the highest value of its stretch of time,
#: so that no excursion disappears from the picture.
MAX_POINTS = 300
#: Charts drawn for one assessment at most (the locations with excursions or alerts first).
MAX_CHARTS = 24


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else "none"


def _thin(samples: list) -> list:
    if len(samples) <= MAX_POINTS:
        return samples
    size = -(-len(samples) // MAX_POINTS)
    return [max(samples[i : i + size], key=lambda s: s.value) for i in range(0, len(samples), size)]


def chart(location: str, kind: str, state: str, samples: list) -> str:
    kind_ = SampleKind(kind)
    unit = UNITS[kind_]
    shown = _thin(samples)
    points = [
        (
            s.sampled_at.timestamp(),
            float(s.value),
            f"{s.sampled_at:%Y-%m-%d %H:%M}: {_number(s.value)} {unit} ({Result(s.result).label.lower()})",
            s.result == Result.EXCURSION,
        )
        for s in shown
    ]
    first, last = samples[0], samples[-1]
    lines = []
    if first.action_limit is not None:
        lines.append((f"action {_number(first.action_limit)}", float(first.action_limit), "bad"))
    if first.alert_limit is not None:
        lines.append((f"alert {_number(first.alert_limit)}", float(first.alert_limit), "warn"))
    labels = [(first.sampled_at.timestamp(), f"{first.sampled_at:%Y-%m-%d}")]
    if last.sampled_at.date() != first.sampled_at.date():
        labels.append((last.sampled_at.timestamp(), f"{last.sampled_at:%Y-%m-%d}"))
    title = f"{location}: {kind_.label}, {RoomState(state).label.lower()} ({unit})"
    return charts.values_with_limits(points, lines, labels, title=title[:90])


def location_charts(pairs: list[tuple]) -> list[dict]:
    """Charts for (data set, location) pairs, in one query: a chart per kind and state measured
    there. Each item: data_set, location, kind, state, samples (count), excursions, svg."""
    pairs = pairs[:MAX_CHARTS]
    if not pairs:
        return []
    condition = Q(pk__in=[])
    for data_set, location in pairs:
        condition |= Q(data_set=data_set, location=location)
    series = defaultdict(list)
    for s in (
        Sample.objects.filter(condition)
        .only("data_set", "location", "kind", "state", "value", "sampled_at", "action_limit", "alert_limit", "result")
        .order_by("sampled_at", "line")
    ):
        series[(s.data_set_id, s.location, s.kind, s.state)].append(s)
    order = {(ds.pk, loc): n for n, (ds, loc) in enumerate(pairs)}
    by_id = {ds.pk: ds for ds, _ in pairs}
    items = []
    for (ds_id, location, kind, state), samples in sorted(
        series.items(), key=lambda kv: (order[kv[0][:2]], SampleKind.values.index(kv[0][2]), kv[0][3])
    ):
        items.append(
            {
                "data_set": by_id[ds_id],
                "location": location,
                "kind": kind,
                "state": state,
                "samples": len(samples),
                "excursions": sum(1 for s in samples if s.result == Result.EXCURSION),
                "svg": chart(location, kind, state, samples),
            }
        )
    return items[: MAX_CHARTS * 2]


def flagged_pairs(summaries) -> list[tuple]:
    """The (data set, location) pairs with an excursion or an alert, most excursions first."""
    pairs = [(s.data_set, loc) for s in summaries for loc in s.flagged_locations]
    pairs.sort(key=lambda p: (-p[1].excursions, -p[1].alerts, p[0].pk, p[1].name))
    return [(ds, loc.name) for ds, loc in pairs]
