"""Charts drawn on the server as SVG, so the page and the PDF report show the very same
picture and nothing needs a JavaScript library or a network connection."""

import math
import textwrap

from django.utils.html import escape
from django.utils.safestring import mark_safe

RATING_COLOURS = {"ok": "#2e7d32", "warn": "#b26a00", "bad": "#c62828", "none": "#9e9e9e"}


def band(score) -> str:
    """The score band a bar is coloured by: "bad" below 50, "warn" below 75, "ok" from 75,
    "none" without a score (the chart's grid lines mark the same 50 and 75)."""
    if score is None:
        return "none"
    if score < 50:
        return "bad"
    if score < 75:
        return "warn"
    return "ok"


def _colour(score):
    return RATING_COLOURS[band(score)]


def wrap_label(text: str, width: int, lines: int = 2) -> list[str]:
    """A label broken at spaces into at most `lines` lines of about `width` characters; only a
    label longer than that is shortened, at a word, with an ellipsis."""
    wrapped = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = wrapped[: lines - 1] + [textwrap.shorten(last, width=width, placeholder=" …")]
    return wrapped


def _text_lines(x, y, lines, line_height=13, **attrs) -> str:
    """An SVG <text> of one or more lines (<tspan>s), the first at `y`."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else line_height}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}"{extra}>{spans}</text>'


def criterion_bars(criteria, title="Criterion scores", width=640) -> str:
    """Horizontal bars, one per criterion: items with `code`, `title`, `score` (0-100 or None)."""
    label_w, top = 230, 30
    labels = [wrap_label(f"{c['code']}. {c['title']}", 34) for c in criteria]
    row = 34 if any(len(lines) > 1 for lines in labels) else 26
    plot_w = width - label_w - 60
    height = top + row * len(criteria) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for tick in (0, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" stroke="#ccc" stroke-dasharray="3,3"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#555">{tick}</text>')
    for i, c in enumerate(criteria):
        y = top + i * row
        label = f"{c['code']}. {c['title']}"
        parts.append(_text_lines(0, y + 15 - (6 if len(labels[i]) > 1 else 0), labels[i], fill="#222"))
        mid = y + row / 2 - 13 + 15  # the baseline of text centred on the row
        score = c.get("score")
        if score is None:
            parts.append(f'<text x="{label_w + 4}" y="{mid:.1f}" fill="#555">not applicable</text>')
            continue
        bar = plot_w * max(0.0, min(100.0, float(score))) / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row - 10}" fill="{_colour(score)}" '
            f'class="band-{band(score)}"><title>{escape(label)}: {score:.1f}</title></rect>'
        )
        parts.append(f'<text x="{label_w + bar + 4:.1f}" y="{mid:.1f}" fill="#222">{score:.1f}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def grouped_bars(series: list[dict], categories: list[dict], title="Comparison", width=720) -> str:
    """Several vendors side by side per criterion: series items have `name` and `scores`
    ({criterion code: score or None}); categories have `code` and `title`."""
    palette = ["#1565c0", "#2e7d32", "#b26a00", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#37474f"]
    group_h = 12 * max(1, len(series)) + 14
    label_w, top = 200, 30 + 18 * ((len(series) + 2) // 3)
    plot_w = width - label_w - 50
    height = top + group_h * len(categories) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for i, s in enumerate(series):
        x, y = (i % 3) * (width // 3), 30 + 18 * (i // 3)
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{palette[i % len(palette)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" class="legend">{escape(s["name"][:38])}</text>')
    for tick in (0, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" stroke="#ccc" stroke-dasharray="3,3"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#555">{tick}</text>')
    for g, cat in enumerate(categories):
        y0 = top + g * group_h
        lines = wrap_label(f"{cat['code']}. {cat['title']}", 30, lines=max(1, min(3, int(group_h // 13))))
        first = y0 + group_h / 2 + 4 - 6.5 * (len(lines) - 1)
        parts.append(_text_lines(0, f"{first:.1f}", lines))
        for i, s in enumerate(series):
            score = s["scores"].get(cat["code"])
            y = y0 + 4 + i * 12
            if score is None:
                continue
            bar = plot_w * max(0.0, min(100.0, float(score))) / 100
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="10" fill="{palette[i % len(palette)]}">'
                f"<title>{escape(s['name'])}, {escape(cat['code'])}: {score:.1f}</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def score_line(points: list[tuple[str, float]], title="Overall score over time", width=640, height=220) -> str:
    """Overall score per approved assessment, oldest first: (label, score) pairs."""
    left, right, top, bottom = 40, 40, 30, 40  # room for the last point's centred label
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for tick in (0, 50, 75, 100):
        y = top + plot_h * (1 - tick / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    if not points:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" fill="#555">No approved assessment yet.</text>')
    step = plot_w / max(1, len(points) - 1)
    coords = [
        (left + (i * step if len(points) > 1 else plot_w / 2), top + plot_h * (1 - s / 100))
        for i, (_, s) in enumerate(points)
    ]
    if len(coords) > 1:
        parts.append(
            '<polyline fill="none" stroke="#1565c0" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            + '"/>'
        )
    for (label, score), (x, y) in zip(points, coords, strict=True):
        title = f"<title>{escape(label)}: {score:.1f}</title>"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1565c0">{title}</circle>')
        parts.append(f'<text x="{x:.1f}" y="{height - 16}" text-anchor="middle" fill="#333">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


FINDING_COLOURS = {"critical": "#8e0000", "major": "#d84315", "minor": "#f9a825", "observation": "#546e7a"}


def finding_bars(items: list[dict], title="Findings per approved assessment", width=640, height=240) -> str:
    """Stacked vertical bars, one per assessment (oldest first), of its findings by class:
    items have `label` and `counts` ({class: number}). Each bar carries its total as text, each
    segment a tooltip, and the legend names the classes, so colour is never the only cue."""
    classes = list(FINDING_COLOURS)
    left, right, top, bottom = 40, 20, 48, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([sum(i["counts"].get(c, 0) for c in classes) for i in items] + [1])
    step = max(1, -(-highest // 4))  # about four gridlines, whole numbers
    scale_max = step * -(-highest // step)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for i, cls in enumerate(classes):
        x = left + i * 120
        parts.append(f'<rect x="{x}" y="{24}" width="10" height="10" fill="{FINDING_COLOURS[cls]}"/>')
        parts.append(f'<text x="{x + 14}" y="{33}" class="legend">{escape(cls)}</text>')
    for tick in range(0, scale_max + 1, step):
        y = top + plot_h * (1 - tick / scale_max)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    if not items:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" fill="#555">No approved assessment yet.</text>')
    slot = plot_w / max(1, len(items))
    bar_w = min(48.0, slot * 0.6)
    for n, item in enumerate(items):
        x = left + slot * n + (slot - bar_w) / 2
        y = top + plot_h
        total = 0
        for cls in classes:
            count = item["counts"].get(cls, 0)
            if not count:
                continue
            h = plot_h * count / scale_max
            y -= h
            total += count
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{FINDING_COLOURS[cls]}">'
                f"<title>{escape(item['label'])}: {count} {escape(cls)}</title></rect>"
            )
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#222">{total}</text>')
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 16}" text-anchor="middle" fill="#333">'
            f"{escape(item['label'])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that covers 0..top in about `ticks` steps."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _number(value: float) -> str:
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def values_with_limits(
    points: list[tuple[float, float, str, bool]],
    lines: list[tuple[str, float, str]] = (),
    x_labels: list[tuple[float, str]] = (),
    title="Values over time",
    width=640,
    height=220,
) -> str:
    """Values along an axis (time, say) with horizontal reference lines (limits). `points` are
    (x, y, tooltip, marked): a marked point is drawn red and larger, so that colour is never the
    only cue; `lines` are (label, y, "bad" or "warn"), drawn dashed and labelled at the right;
    `x_labels` are (x, text) under the axis. The y axis starts at 0."""
    left, right, top, bottom = 58, 120, 30, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([p[1] for p in points] + [line[1] for line in lines] + [1])
    step = _nice_step(highest * 1.05)
    scale_max = step * math.ceil(highest * 1.05 / step)
    xs = [p[0] for p in points] + [x for x, _ in x_labels]
    x_min, x_max = (min(xs), max(xs)) if xs else (0.0, 1.0)
    span = (x_max - x_min) or 1.0

    def px(x):
        return left + plot_w * ((x - x_min) / span if x_max > x_min else 0.5)

    def py(y):
        return top + plot_h * (1 - y / scale_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>',
    ]
    tick = 0.0
    while tick <= scale_max + step / 2:
        y = py(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_number(tick)}</text>')
        tick += step
    for x, text in x_labels:
        parts.append(f'<text x="{px(x):.1f}" y="{height - 14}" text-anchor="middle" fill="#333">{escape(text)}</text>')
    if not points:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" fill="#555">No values.</text>')
    if len(points) > 1:
        parts.append(
            '<polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="'
            + " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y, _, _ in points)
            + '"/>'
        )
    for x, y, tooltip, marked in points:
        colour, radius = (RATING_COLOURS["bad"], 4) if marked else ("#1565c0", 2.5)
        parts.append(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="{radius}" fill="{colour}">'
            f"<title>{escape(tooltip)}</title></circle>"
        )
    for label, value, kind in lines:
        y = py(value)
        colour = RATING_COLOURS.get(kind, RATING_COLOURS["bad"])
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{colour}" stroke-width="1.5" '
            f'stroke-dasharray="6,3"><title>{escape(label)}</title></line>'
        )
        parts.append(f'<text x="{left + plot_w + 4}" y="{y + 4:.1f}" fill="{colour}">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
