"""The home dashboard by role: open work, the reviewer's queue, requalifications due, open
corrective actions and the risk matrix. Every function that reads assessments reads through
`Assessment.objects.visible_to(user)`, so no page shows an assessment (or a score, rating or
finding drawn from one) that its reader may not open.

Each card shows the `CARD_SIZE` most urgent rows and the count of all of them (up to
`counting.CARD_COUNT_CAP`, past which it says "more than": a count of every row would grow with
them), and links to the paginated list of them all (`insights/views.py`), built from the same
queryset. Query counts do not grow with the rows; ratings and scores of approved assessments are
the ones frozen at approval (`ScoreAtApproval`), never scored again."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.permissions import is_quality_staff, is_reviewer
from assessments import evaluation
from assessments.choices import ACTION_DONE
from assessments.models import Assessment, CorrectiveAction, LatestApproval, ScoreAtApproval
from assessments.models.assessments import sees_every_approval
from config import counting
from vendors import documents
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

#: Rows a dashboard card shows; the rest are one "see all" link away.
CARD_SIZE = 10
#: The states of an assessment that is still someone's work.
OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED)


def attach_progress(assessments) -> list[Assessment]:
    """Set `progress_answered`, `progress_total` (visible questions: a question hidden by its
    condition is not asked) and `progress_percent` on each assessment. Call it with the rows a
    page shows, not with a whole list.

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


def _top(queryset, n: int = CARD_SIZE) -> tuple[list, int]:
    """(the first `n` rows, how many rows in all up to `counting.CARD_COUNT_CAP` + 1): no count
    query when fewer than `n` came back."""
    rows = list(queryset[:n])
    return rows, (len(rows) if len(rows) < n else counting.count_up_to(queryset))


# --------------------------------------------------------------------------- my assessments


def my_open_assessments(user):
    """Open assessments (planned, in progress, submitted, returned) that `user` leads or is on the
    team of; soonest planned end first, unplanned last."""
    team = Assessment.audit_team.through.objects.filter(user_id=user.pk).values("assessment_id")
    return (
        Assessment.objects.visible_to(user)
        .filter(Q(lead_auditor=user) | Q(pk__in=team), status__in=OPEN_STATUSES)
        .select_related("vendor", "checklist", "lead_auditor")
        .order_by(F("planned_end").asc(nulls_last=True), "created_at", "pk")
    )


def with_progress(user, assessments) -> list[Assessment]:
    """The rows shown, with their progress and `is_lead` (whether `user` leads it)."""
    rows = attach_progress(assessments)
    for a in rows:
        a.is_lead = a.lead_auditor_id == user.pk
    return rows


def my_assessments(user, n: int = CARD_SIZE) -> tuple[list[Assessment], int]:
    rows, count = _top(my_open_assessments(user), n)
    return with_progress(user, rows), count


# --------------------------------------------------------------------------- reviewer queue


def review_queue(user):
    """Submitted assessments waiting for this QA reviewer: the ones assigned to them (only the
    assigned reviewer approves, assessments/permissions.py), never those they are on the team of;
    oldest first. Empty for anyone who is not a QA reviewer."""
    if not is_reviewer(user):
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(status=Status.SUBMITTED, reviewer=user)
        .exclude(lead_auditor=user)
        .exclude(audit_team=user)
        .select_related("vendor", "checklist", "lead_auditor", "reviewer")
        .order_by("submitted_at", "pk")
    )


def reviewer_queue(user, n: int = CARD_SIZE) -> tuple[list[Assessment], int]:
    return _top(review_queue(user), n)


# --------------------------------------------------------------------------- requalification due


def due_for_requalification(today: datetime.date | None = None, horizon_days: int = DUE_HORIZON_DAYS):
    """Approved and conditionally approved vendors whose requalification is overdue or due within
    `horizon_days`; most overdue first."""
    today = today or timezone.localdate()
    return Vendor.objects.filter(
        status__in=QUALIFIED,
        next_requalification_due__isnull=False,
        next_requalification_due__lte=today + datetime.timedelta(days=horizon_days),
    ).order_by("next_requalification_due", "name")


def mark_due(vendors, today: datetime.date | None = None) -> list[Vendor]:
    """Set `days_left` (negative when overdue), `overdue` and `days_overdue` on the rows shown."""
    today = today or timezone.localdate()
    vendors = list(vendors)
    for v in vendors:
        v.days_left = (v.next_requalification_due - today).days
        v.overdue = v.days_left < 0
        v.days_overdue = max(0, -v.days_left)
    return vendors


def _top_with_overdue(queryset, mark, overdue: Q, flag: str, n: int, today: datetime.date):
    """(the first `n` rows marked by `mark`, how many rows in all, how many of them `overdue`
    selects, which `mark` flags as `flag` on a row; both counted up to `counting.CARD_COUNT_CAP`
    + 1): no count query when fewer than `n` came back."""
    rows = mark(queryset[:n], today)
    if len(rows) < n:
        return rows, len(rows), sum(1 for row in rows if getattr(row, flag))
    return rows, counting.count_up_to(queryset), counting.count_up_to(queryset.filter(overdue))


def vendors_due(today: datetime.date | None = None, n: int = CARD_SIZE) -> tuple[list[Vendor], int, int]:
    """(the `n` most overdue, how many are due, how many of them are overdue)."""
    today = today or timezone.localdate()
    overdue = Q(next_requalification_due__lt=today)
    return _top_with_overdue(due_for_requalification(today), mark_due, overdue, "overdue", n, today)


# --------------------------------------------------------------------------- documents that expire


def documents_due(today: datetime.date | None = None, n: int = CARD_SIZE):
    """(the `n` soonest GMP certificates, licences and quality agreements of approved vendors
    expired, expiring or due for review within 90 days; how many in all; how many expired)."""
    return documents.first_due(n, today)


# --------------------------------------------------------------------------- open corrective actions


def open_corrective_actions(user):
    """Corrective actions not yet verified effective or closed, of the (not cancelled)
    assessments `user` may see; earliest due first."""
    visible = Assessment.objects.visible_to(user).exclude(status=Status.CANCELLED).values("pk")
    return (
        CorrectiveAction.objects.filter(finding__assessment__in=visible)
        .exclude(status__in=ACTION_DONE)
        .select_related("finding__assessment__vendor", "finding__criterion")
        .order_by("due_date", "pk")
    )


def mark_actions(actions, today: datetime.date | None = None) -> list[CorrectiveAction]:
    """Set `days_left` and `is_overdue` on the rows shown."""
    today = today or timezone.localdate()
    actions = list(actions)
    for action in actions:
        action.days_left = (action.due_date - today).days
        action.is_overdue = action.days_left < 0
    return actions


def open_actions(user, today: datetime.date | None = None, n: int = CARD_SIZE):
    """(the `n` due first, how many are open, how many of them are overdue)."""
    today = today or timezone.localdate()
    overdue = Q(due_date__lt=today)
    return _top_with_overdue(open_corrective_actions(user), mark_actions, overdue, "is_overdue", n, today)


# --------------------------------------------------------------------------- risk matrix


def latest_approval_scores(user):
    """Each vendor's latest approval that `user` may see, one row per vendor that has one, for the
    database to count or filter on as a whole: `vendor_ref` (the vendor's id), `inherent` (its
    inherent risk) and `rating` (the rating frozen at that approval).

    For a reader who sees every approval these are the stored rows (`LatestApproval`, kept by the
    approvals and reopenings); for anyone else each vendor's latest among the approvals they may
    see (a lead's or auditor's own), ranked by the database."""
    if sees_every_approval(user):
        return LatestApproval.objects.annotate(
            vendor_ref=F("vendor_id"), inherent=F("vendor__inherent_risk"), rating=F("risk_rating")
        )
    visible = Assessment.objects.visible_to(user).values("pk")
    latest = ScoreAtApproval.objects.current().filter(assessment__in=visible).latest_per_vendor()
    return ScoreAtApproval.objects.filter(pk__in=latest.order_by().values("pk")).annotate(
        vendor_ref=F("assessment__vendor_id"), inherent=F("assessment__vendor__inherent_risk"), rating=F("risk_rating")
    )


def latest_approvals(user, vendor_ids) -> dict[int, dict]:
    """{vendor id: {"assessment_id", "rating", "score", "approved_at"}} of the latest approval that
    `user` may see of each of these vendors (the rows of one page): one query. For a reader who
    sees every approval these are the stored rows (`LatestApproval`), as in the risk matrix."""
    vendor_ids = list(vendor_ids)
    if sees_every_approval(user):
        rows = LatestApproval.objects.filter(vendor_id__in=vendor_ids).values_list(
            "vendor_id", "assessment_id", "risk_rating", "overall_score", "approved_at"
        )
    else:
        visible = Assessment.objects.visible_to(user).values("pk")
        rows = (
            ScoreAtApproval.objects.current()
            .filter(assessment__vendor_id__in=vendor_ids, assessment__in=visible)
            .order_by("assessment__vendor_id", "-assessment__approved_at", "-assessment_id")
            .values_list(
                "assessment__vendor_id", "assessment_id", "risk_rating", "overall_score", "assessment__approved_at"
            )
        )
    latest: dict[int, dict] = {}
    for vendor_id, assessment_id, rating, score, approved_at in rows:  # the latest first of each vendor
        latest.setdefault(
            vendor_id, {"assessment_id": assessment_id, "rating": rating, "score": score, "approved_at": approved_at}
        )
    return latest


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
    Two aggregate queries: the rated vendors grouped by both, and all vendors by inherent risk
    (the rest of each row is not assessed)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rated = (
        latest_approval_scores(user)
        .values("inherent", "rating")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("inherent", "rating", "n")
    )
    for inherent, rating, n in rated:
        if rating in RATINGS:
            counts[(inherent, rating)] += n
    all_vendors = Vendor.objects.values("inherent_risk").annotate(n=Count("pk")).order_by()
    for inherent, n in all_vendors.values_list("inherent_risk", "n"):
        counts[(inherent, NOT_ASSESSED)] = n - sum(counts[(inherent, r)] for r in RATINGS)
    columns = [(r, RATING_LABELS[r]) for r in RATINGS] + [(NOT_ASSESSED, "Not assessed")]
    labels = dict(InherentRisk.choices)
    rows = [
        (risk, labels[risk], [MatrixCell(risk, key, counts[(risk, key)]) for key, _ in columns])
        for risk in INHERENT_RISKS
    ]
    return RiskMatrix(columns=columns, rows=rows, total=sum(counts.values()))


def vendors_in_cell(user, inherent_risk: str | None = None, rating: str | None = None):
    """The vendors behind one cell of the risk matrix (either filter may be left out), by name;
    `latest_approvals` gives the details of the rows a page shows."""
    queryset = Vendor.objects.order_by("name", "pk")
    if inherent_risk:
        queryset = queryset.filter(inherent_risk=inherent_risk)
    latest = latest_approval_scores(user)
    if rating == NOT_ASSESSED:
        queryset = queryset.exclude(pk__in=latest.filter(rating__in=RATINGS).values("vendor_ref"))
    elif rating:
        queryset = queryset.filter(pk__in=latest.filter(rating=rating).values("vendor_ref"))
    return queryset


def with_latest_approval(user, vendors) -> list[Vendor]:
    """Set `latest_rating`, `latest_score`, `latest_approved_at` and `latest_assessment_id` on the
    vendors of one page."""
    vendors = list(vendors)
    latest = latest_approvals(user, [v.pk for v in vendors])
    for v in vendors:
        facts = latest.get(v.pk, {})
        v.latest_assessment_id = facts.get("assessment_id")
        v.latest_rating = facts.get("rating") or None
        v.latest_score = facts.get("score")
        v.latest_approved_at = facts.get("approved_at")
    return vendors


# --------------------------------------------------------------------------- the page


def dashboard(user, today: datetime.date | None = None) -> dict:
    """Everything the home page shows `user`; sections a role does not use are None."""
    if not is_quality_staff(user):
        return {"staff": False}
    mine, mine_count = my_assessments(user)
    queue, queue_count = reviewer_queue(user) if is_reviewer(user) else (None, 0)
    due, due_count, overdue_count = vendors_due(today)
    actions, actions_count, actions_overdue = open_actions(user, today)
    papers, papers_count, papers_expired = documents_due(today)
    return {
        "staff": True,
        "card_size": CARD_SIZE,
        "my_assessments": mine,
        "my_assessments_count": mine_count,
        "reviewer_queue": queue,
        "reviewer_queue_count": queue_count,
        "vendors_due": due,
        "vendors_due_count": due_count,
        "vendors_overdue_count": overdue_count,
        "open_actions": actions,
        "open_actions_count": actions_count,
        "actions_overdue_count": actions_overdue,
        "documents_due": papers,
        "documents_due_count": papers_count,
        "documents_expired_count": papers_expired,
        "risk_matrix": risk_matrix(user),
    }
