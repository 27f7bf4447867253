"""A vendor's assessment history and trends, for the vendor page: a page of its assessments, and
the scores and findings of its latest approvals. Approved assessments show the scores frozen at
their approval (`ScoreAtApproval`), never scored again."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from assessments.models import Assessment, Finding, ScoreAtApproval
from vendors.models import Vendor

from .vocabulary import FINDING_CLASSES, Status

#: Assessments on one page of the vendor's history.
HISTORY_PAGE_SIZE = 20
#: Approvals in the score-over-time chart and the findings trend: the latest ones.
TREND_SIZE = 20


@dataclass
class VendorTrend:
    history: Page  # a page of the visible assessments, newest first
    approved: list[Assessment]  # the latest TREND_SIZE approved ones, oldest first, with `finding_counts`
    score_points: list[tuple[str, float]]  # (approval date, overall score) for the chart
    approved_count: int  # all the vendor's visible approved assessments


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


def vendor_trend(user, vendor: Vendor, page=None) -> VendorTrend:
    """Page `page` of the assessments of `vendor` that `user` may see, newest first, each with
    `date_kind`, `date`, `score_shown` and `rating_shown` (frozen at approval for an approved one,
    the current ones otherwise); the latest approved ones oldest first with their findings counted
    per class (one aggregate query); and their overall scores for the score-over-time chart.
    A fixed number of queries, whatever the number of assessments."""
    visible = Assessment.objects.visible_to(user).filter(vendor=vendor)
    frozen = ScoreAtApproval.objects.filter(assessment=OuterRef("pk"), signing_cycle=OuterRef("signing_cycle"))
    history = Paginator(
        visible.select_related("checklist")
        .annotate(
            frozen_score=Subquery(frozen.values("overall_score")[:1]),
            frozen_rating=Subquery(frozen.values("risk_rating")[:1]),
        )
        .order_by("-created_at", "-pk"),
        HISTORY_PAGE_SIZE,
    ).get_page(page)
    for a in history:
        a.date_kind, a.date = _display_date(a)
        approved = a.status == Status.APPROVED
        a.score_shown = a.frozen_score if approved else a.overall_score
        a.rating_shown = a.frozen_rating if approved else a.risk_rating
    latest = list(
        ScoreAtApproval.objects.current()
        .filter(assessment__in=visible.values("pk"))
        .select_related("assessment__checklist")
        .order_by("-assessment__approved_at", "-assessment_id")[: TREND_SIZE + 1]
    )
    approved_count = len(latest)
    if approved_count > TREND_SIZE:
        latest = latest[:TREND_SIZE]
        approved_count = visible.filter(status=Status.APPROVED).count()
    approved = []
    for scores in reversed(latest):
        a = scores.assessment
        a.date_kind, a.date = _display_date(a)
        a.frozen = scores
        approved.append(a)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if approved:
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
    points = [
        (a.date.isoformat(), float(a.frozen.overall_score)) for a in approved if a.frozen.overall_score is not None
    ]
    return VendorTrend(history=history, approved=approved, score_points=points, approved_count=approved_count)
