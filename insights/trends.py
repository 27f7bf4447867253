"""A vendor's assessment history and trends, for the vendor page."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from assessments.models import Assessment, Finding
from vendors.models import Vendor

from .vocabulary import FINDING_CLASSES, Status


@dataclass
class VendorTrend:
    history: list[Assessment]  # every visible assessment, newest first
    approved: list[Assessment]  # approved ones, oldest first, with `finding_counts`
    score_points: list[tuple[str, float]]  # (approval date, overall score) for the chart


def _display_date(a: Assessment) -> tuple[str, datetime.date | None]:
    if a.approved_at:
        return "approved", timezone.localdate(a.approved_at)
    if a.submitted_at:
        return "submitted", timezone.localdate(a.submitted_at)
    if a.performed_end or a.performed_start:
        return "performed", a.performed_end or a.performed_start
    if a.planned_start:
        return "planned", a.planned_start
    return "created", timezone.localdate(a.created_at)


def vendor_trend(user, vendor: Vendor) -> VendorTrend:
    """The assessments of `vendor` that `user` may see, newest first, each with `date_kind` and
    `date`; the approved ones oldest first with their findings counted per class (one aggregate
    query); and the overall score per approved assessment for the score-over-time chart."""
    history = list(
        Assessment.objects.visible_to(user)
        .filter(vendor=vendor)
        .select_related("checklist")
        .order_by("-created_at", "-pk")
    )
    for a in history:
        a.date_kind, a.date = _display_date(a)
    approved = sorted((a for a in history if a.status == Status.APPROVED), key=lambda a: (a.approved_at, a.pk))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, classification, n in (
        Finding.objects.filter(assessment__in=[a.pk for a in approved])
        .values("assessment_id", "classification")
        .annotate(n=Count("pk"))
        .values_list("assessment_id", "classification", "n")
    ):
        counts[assessment_id][classification] = n
    for a in approved:
        a.finding_counts = {cls: counts[a.pk].get(cls, 0) for cls in FINDING_CLASSES}
        a.finding_total = sum(a.finding_counts.values())
    points = [(a.date.isoformat(), float(a.overall_score)) for a in approved if a.overall_score is not None]
    return VendorTrend(history=history, approved=approved, score_points=points)
