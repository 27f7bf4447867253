"""The home dashboard by role: open work, the reviewer's queue, requalifications due, open
corrective actions and the risk matrix. Every function that reads assessments reads through
`Assessment.objects.visible_to(user)`, so no page shows an assessment (or a score, rating or
finding drawn from one) that its reader may not open; query counts do not grow with the rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.permissions import is_quality_staff, is_reviewer
from assessments import evaluation
from assessments.choices import ACTION_DONE
from assessments.models import Assessment, CorrectiveAction
from vendors.choices import InherentRisk
from vendors.models import Vendor

from .vocabulary import (
    DUE_HORIZON_DAYS,
    INHERENT_RISKS,
    NOT_ASSESSED,
    QUALIFIED,
    RATING_LABELS,
    RATINGS,
    Status,
)


def attach_progress(assessments) -> list[Assessment]:
    """Set `progress_answered`, `progress_total` (visible questions: a question hidden by its
    condition is not asked) and `progress_percent` on each assessment.

    One query reads the answers of all the assessments at once (conditions need the values, so a
    SQL count alone would miscount conditional questions); the checklist specs are cached."""
    assessments = list(assessments)
    scores = evaluation.criterion_scores_of(assessments)
    for a in assessments:
        answered = sum(c.answered for c in scores[a.pk])
        total = sum(c.total for c in scores[a.pk])
        a.progress_answered, a.progress_total = answered, total
        a.progress_percent = round(100 * answered / total) if total else 0
    return assessments


def my_assessments(user) -> list[Assessment]:
    """Open assessments (not approved, not cancelled) that `user` leads or is on the team of,
    with their progress; soonest planned end first, unplanned last."""
    mine = Assessment.objects.filter(Q(lead_auditor=user) | Q(audit_team=user)).values("pk")
    queryset = (
        Assessment.objects.visible_to(user)
        .filter(pk__in=mine)
        .exclude(status__in=(Status.APPROVED, Status.CANCELLED))
        .select_related("vendor", "checklist", "lead_auditor")
        .order_by("planned_end", "created_at", "pk")
    )
    rows = attach_progress(queryset)
    # Dates first, undated after (portable across databases, which sort NULLs differently).
    rows.sort(key=lambda a: (a.planned_end is None, a.planned_end or datetime.date.min, a.created_at))
    for a in rows:
        a.is_lead = a.lead_auditor_id == user.pk
    return rows


def reviewer_queue(user) -> list[Assessment]:
    """Submitted assessments waiting for this QA reviewer: the ones assigned to them (only the
    assigned reviewer approves, assessments/permissions.py), never those they are on the team of;
    oldest first."""
    if not is_reviewer(user):
        return []
    queryset = (
        Assessment.objects.filter(status=Status.SUBMITTED, reviewer=user)
        .exclude(lead_auditor=user)
        .exclude(audit_team=user)
        .select_related("vendor", "checklist", "lead_auditor", "reviewer")
        .order_by("submitted_at", "pk")
    )
    return list(queryset)


def vendors_due(today: datetime.date | None = None, horizon_days: int = DUE_HORIZON_DAYS) -> list[Vendor]:
    """Approved and conditionally approved vendors whose requalification is overdue or due within
    `horizon_days`; most overdue first. Sets `overdue` and `days_left` (negative when overdue)."""
    today = today or timezone.localdate()
    vendors = list(
        Vendor.objects.filter(
            status__in=QUALIFIED,
            next_requalification_due__isnull=False,
            next_requalification_due__lte=today + datetime.timedelta(days=horizon_days),
        ).order_by("next_requalification_due", "name")
    )
    for v in vendors:
        v.days_left = (v.next_requalification_due - today).days
        v.overdue = v.days_left < 0
        v.days_overdue = max(0, -v.days_left)
    return vendors


def open_actions(user, today: datetime.date | None = None) -> list[CorrectiveAction]:
    """Corrective actions not yet verified effective or closed, of the (not cancelled)
    assessments `user` may see; earliest due first. Sets `is_overdue` and `days_left`."""
    today = today or timezone.localdate()
    visible = Assessment.objects.visible_to(user).exclude(status=Status.CANCELLED).values("pk")
    actions = list(
        CorrectiveAction.objects.filter(finding__assessment__in=visible)
        .exclude(status__in=ACTION_DONE)
        .select_related("finding__assessment__vendor", "finding__criterion")
        .order_by("due_date", "pk")
    )
    for action in actions:
        action.days_left = (action.due_date - today).days
        action.is_overdue = action.days_left < 0
    return actions


def _latest_approved(user, queryset=None):
    """The latest approved assessment (that `user` may see) of the outer vendor row."""
    visible = Assessment.objects.visible_to(user).values("pk")
    queryset = Assessment.objects.all() if queryset is None else queryset
    return queryset.filter(vendor=OuterRef("pk"), status=Status.APPROVED, pk__in=visible).order_by(
        "-approved_at", "-pk"
    )


def vendors_with_latest_rating(user):
    """Vendors annotated with `latest_rating` and `latest_assessment_id`: the risk rating of their
    latest approved assessment that `user` may see (None: not assessed, or not visible)."""
    latest = _latest_approved(user)
    return Vendor.objects.annotate(
        latest_rating=Subquery(latest.values("risk_rating")[:1]),
        latest_assessment_id=Subquery(latest.values("pk")[:1]),
        latest_score=Subquery(latest.values("overall_score")[:1]),
        latest_approved_at=Subquery(latest.values("approved_at")[:1]),
    )


def _rating_key(rating) -> str:
    return rating if rating in RATINGS else NOT_ASSESSED


@dataclass
class MatrixCell:
    inherent_risk: str
    rating: str
    count: int

    @property
    def query(self) -> str:
        return f"inherent_risk={self.inherent_risk}&rating={self.rating}"


@dataclass
class RiskMatrix:
    columns: list[tuple[str, str]]  # (rating key, label)
    rows: list[tuple[str, str, list[MatrixCell]]]  # (inherent risk, label, cells)
    total: int


def risk_matrix(user) -> RiskMatrix:
    """Vendors counted by inherent risk (rows: high, medium, low) × the rating of their latest
    approved assessment that `user` may see (columns: low, medium, high, critical, not assessed).
    One query."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for inherent, rating in vendors_with_latest_rating(user).values_list("inherent_risk", "latest_rating"):
        counts[(inherent, _rating_key(rating))] += 1
    columns = [(r, RATING_LABELS[r]) for r in RATINGS] + [(NOT_ASSESSED, "Not assessed")]
    labels = dict(InherentRisk.choices)
    rows = [
        (risk, labels[risk], [MatrixCell(risk, key, counts[(risk, key)]) for key, _ in columns])
        for risk in INHERENT_RISKS
    ]
    return RiskMatrix(columns=columns, rows=rows, total=sum(counts.values()))


def vendors_in_cell(user, inherent_risk: str | None = None, rating: str | None = None):
    """The vendors behind one cell of the risk matrix (either filter may be left out)."""
    queryset = vendors_with_latest_rating(user).order_by("name")
    if inherent_risk:
        queryset = queryset.filter(inherent_risk=inherent_risk)
    if rating == NOT_ASSESSED:
        queryset = queryset.filter(Q(latest_rating__isnull=True) | Q(latest_rating=""))
    elif rating:
        queryset = queryset.filter(latest_rating=rating)
    return queryset


def dashboard(user, today: datetime.date | None = None) -> dict:
    """Everything the home page shows `user`; sections a role does not use are None."""
    if not is_quality_staff(user):
        return {"staff": False}
    actions = open_actions(user, today)
    due = vendors_due(today)
    return {
        "staff": True,
        "my_assessments": my_assessments(user),
        "reviewer_queue": reviewer_queue(user) if is_reviewer(user) else None,
        "vendors_due": due,
        "vendors_overdue_count": sum(1 for v in due if v.overdue),
        "open_actions": actions,
        "actions_overdue_count": sum(1 for a in actions if a.is_overdue),
        "risk_matrix": risk_matrix(user),
    }
