"""What the insight pages show, as plain functions over the database: the home dashboard by role,
a vendor's assessment history and trends, the horizontal comparison of CDMOs (domain brief §1,
recommendation 3) and the audit-trail timeline of one assessment.

Views only render what these return. Every function that reads assessments takes the user and
reads through `accounts.permissions.visible_assessments`, so no page shows an assessment (or a
score, rating or finding drawn from one) that its reader may not open. Query counts do not grow
with the number of rows: answers, findings and criteria are read in one query each for all the
assessments of a page."""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.permissions import is_quality_staff, is_reviewer, visible_assessments
from audit import trail
from vendors.models import InherentRisk, QualificationStatus, Vendor

from . import evaluation, scoring
from .models import Answer, Assessment, Checklist, CorrectiveAction, Criterion, Finding

Status = Assessment.Status

RATINGS = ["low", "medium", "high", "critical"]
RATING_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
#: The matrix column, and the `rating` query value, of vendors without an approved assessment.
NOT_ASSESSED = "none"
INHERENT_RISKS = [InherentRisk.HIGH.value, InherentRisk.MEDIUM.value, InherentRisk.LOW.value]
FINDING_CLASSES = [c.value for c in Finding.Classification]
DUE_HORIZON_DAYS = 90
QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)
CLOSED_ACTION = (CorrectiveAction.Status.VERIFIED_EFFECTIVE, CorrectiveAction.Status.CLOSED)


# --------------------------------------------------------------------------- helpers


def _specs_by_checklist(checklists) -> dict[int, tuple]:
    """(criteria specs, question specs) per checklist id; published versions come from a cache."""
    return {c.pk: evaluation.checklist_specs(c) for c in {c.pk: c for c in checklists}.values()}


def _answers_by_assessment(assessment_ids) -> dict[int, dict]:
    """{assessment id: {question code: value}} for many assessments in one query."""
    values: dict[int, dict] = defaultdict(dict)
    for assessment_id, code, value in Answer.objects.filter(assessment_id__in=list(assessment_ids)).values_list(
            "assessment_id", "question__code", "value"):
        values[assessment_id][code] = value
    return values


def _criterion_scores_of(assessments) -> dict[int, list[scoring.CriterionScore]]:
    """Criterion scores of many assessments: one query for all their answers (plus the checklist
    specs, cached per published version). The same engine as `evaluation.score`."""
    assessments = list(assessments)
    specs = _specs_by_checklist(a.checklist for a in assessments)
    answers = _answers_by_assessment(a.pk for a in assessments)
    result = {}
    for a in assessments:
        criteria, questions = specs[a.checklist_id]
        result[a.pk] = scoring.criterion_scores(criteria, questions, answers.get(a.pk, {}))
    return result


def _float(value):
    return None if value is None else float(value)


# --------------------------------------------------------------------------- home dashboard


def attach_progress(assessments) -> list[Assessment]:
    """Set `progress_answered`, `progress_total` (visible questions: a question hidden by its
    condition is not asked) and `progress_percent` on each assessment.

    One query reads the answers of all the assessments at once (conditions need the values, so a
    SQL count alone would miscount conditional questions); the checklist specs are cached."""
    assessments = list(assessments)
    scores = _criterion_scores_of(assessments)
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
    queryset = (visible_assessments(user).filter(pk__in=mine)
                .exclude(status__in=(Status.APPROVED, Status.CANCELLED))
                .select_related("vendor", "checklist", "lead_auditor")
                .order_by("planned_end", "created_at", "pk"))
    rows = attach_progress(queryset)
    # Dates first, undated after (portable across databases, which sort NULLs differently).
    rows.sort(key=lambda a: (a.planned_end is None, a.planned_end or datetime.date.min, a.created_at))
    for a in rows:
        a.is_lead = a.lead_auditor_id == user.pk
    return rows


def reviewer_queue(user) -> list[Assessment]:
    """Submitted assessments a QA reviewer may review: not those they are on the team of (they
    may never approve their own work). The ones assigned to them first, then oldest first."""
    if not is_reviewer(user):
        return []
    queryset = (visible_assessments(user).filter(status=Status.SUBMITTED)
                .exclude(lead_auditor=user).exclude(audit_team=user)
                .select_related("vendor", "checklist", "lead_auditor", "reviewer"))
    rows = list(queryset)
    far = timezone.now() + datetime.timedelta(days=36500)
    rows.sort(key=lambda a: (a.reviewer_id != user.pk, a.submitted_at or far, a.pk))
    for a in rows:
        a.assigned_to_me = a.reviewer_id == user.pk
    return rows


def vendors_due(today: datetime.date | None = None, horizon_days: int = DUE_HORIZON_DAYS) -> list[Vendor]:
    """Approved and conditionally approved vendors whose requalification is overdue or due within
    `horizon_days`; most overdue first. Sets `overdue` and `days_left` (negative when overdue)."""
    today = today or timezone.localdate()
    vendors = list(Vendor.objects.filter(
        status__in=QUALIFIED, next_requalification_due__isnull=False,
        next_requalification_due__lte=today + datetime.timedelta(days=horizon_days),
    ).order_by("next_requalification_due", "name"))
    for v in vendors:
        v.days_left = (v.next_requalification_due - today).days
        v.overdue = v.days_left < 0
        v.days_overdue = max(0, -v.days_left)
    return vendors


def open_actions(user, today: datetime.date | None = None) -> list[CorrectiveAction]:
    """Corrective actions not yet verified effective or closed, of the (not cancelled)
    assessments `user` may see; earliest due first. Sets `is_overdue` and `days_left`."""
    today = today or timezone.localdate()
    visible = visible_assessments(user).exclude(status=Status.CANCELLED).values("pk")
    actions = list(CorrectiveAction.objects.filter(finding__assessment__in=visible)
                   .exclude(status__in=CLOSED_ACTION)
                   .select_related("finding__assessment__vendor", "finding__criterion")
                   .order_by("due_date", "pk"))
    for action in actions:
        action.days_left = (action.due_date - today).days
        action.is_overdue = action.days_left < 0
    return actions


def _latest_approved(user, queryset=None):
    """The latest approved assessment (that `user` may see) of the outer vendor row."""
    visible = visible_assessments(user).values("pk")
    queryset = Assessment.objects.all() if queryset is None else queryset
    return (queryset.filter(vendor=OuterRef("pk"), status=Status.APPROVED, pk__in=visible)
            .order_by("-approved_at", "-pk"))


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
    rows = [(risk, labels[risk], [MatrixCell(risk, key, counts[(risk, key)]) for key, _ in columns])
            for risk in INHERENT_RISKS]
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


# --------------------------------------------------------------------------- vendor page


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
    history = list(visible_assessments(user).filter(vendor=vendor)
                   .select_related("checklist").order_by("-created_at", "-pk"))
    for a in history:
        a.date_kind, a.date = _display_date(a)
    approved = sorted((a for a in history if a.status == Status.APPROVED), key=lambda a: (a.approved_at, a.pk))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, classification, n in (Finding.objects.filter(assessment__in=[a.pk for a in approved])
                                             .values("assessment_id", "classification")
                                             .annotate(n=Count("pk")).values_list("assessment_id", "classification", "n")):
        counts[assessment_id][classification] = n
    for a in approved:
        a.finding_counts = {cls: counts[a.pk].get(cls, 0) for cls in FINDING_CLASSES}
        a.finding_total = sum(a.finding_counts.values())
    points = [(a.date.isoformat(), float(a.overall_score)) for a in approved if a.overall_score is not None]
    return VendorTrend(history=history, approved=approved, score_points=points)


# --------------------------------------------------------------------------- comparison


def percentile_ranks(scores: dict) -> dict:
    """Percentile rank of each score among the others: {key: score or None} → {key: rank or None}.

    Definition (shown on the comparison page too): the percentage of the compared vendors whose
    score is lower than or equal to this one, where equal scores (the vendor's own included) count
    as half: rank = 100 × (number below + ½ × number equal) / number compared. Vendors without a
    score (None: the criterion was not applicable to them) are left out of the count and get None.
    A vendor compared with no other, or tied with all, is at 50; the best of four distinct scores
    at 87.5, the lowest at 12.5. Scores are compared as given (the page rounds them to 0.1 first,
    so that vendors shown with the same score are ties)."""
    present = [s for s in scores.values() if s is not None]
    n = len(present)
    result = {}
    for key, score in scores.items():
        if score is None:
            result[key] = None
            continue
        below = sum(1 for s in present if s < score)
        equal = sum(1 for s in present if s == score)
        result[key] = 100 * (below + 0.5 * equal) / n
    return result


@dataclass
class ComparisonRow:
    vendor: Vendor
    assessment: Assessment
    scores: dict[str, float | None]
    percentiles: dict[str, float | None]
    overall: float | None
    overall_percentile: float | None = None


@dataclass
class Comparison:
    checklist_code: str
    version: int | None
    criteria: list[dict]  # {"code", "title"} in checklist order
    rows: list[ComparisonRow]
    not_compared: list[Vendor]  # vendors asked for without a visible approved assessment

    def table(self) -> list[tuple[dict, list[tuple[float | None, float | None]]]]:
        """One line per criterion: (criterion, [(score, percentile) per compared vendor])."""
        return [(c, [(r.scores.get(c["code"]), r.percentiles.get(c["code"])) for r in self.rows])
                for c in self.criteria]

    def chart_series(self) -> list[dict]:
        return [{"name": r.vendor.name, "scores": r.scores} for r in self.rows]


def checklist_codes() -> list[str]:
    """Codes of checklists that have at least one approved assessment (all versions)."""
    codes = (Checklist.objects.filter(assessments__status=Status.APPROVED)
             .values_list("code", flat=True).distinct().order_by("code"))
    return list(codes)


def checklist_versions(code: str) -> list[int]:
    return list(Checklist.objects.filter(code=code).exclude(status=Checklist.Status.DRAFT)
                .values_list("version", flat=True).order_by("version"))


def comparable_vendors(user):
    """Vendors with at least one approved assessment that `user` may see."""
    visible = visible_assessments(user).filter(status=Status.APPROVED).values("vendor_id")
    return Vendor.objects.filter(pk__in=visible).order_by("name")


def _criteria_of(checklist_ids) -> list[dict]:
    """Criteria of the compared checklist versions, matched by code (versions of one checklist
    keep their codes); the title and order of the newest version win."""
    seen: dict[str, dict] = {}
    for code, title, order in (Criterion.objects.filter(checklist_id__in=list(checklist_ids))
                               .order_by("-checklist__version").values_list("code", "title", "order")):
        seen.setdefault(code, {"code": code, "title": title, "order": order})
    return sorted(seen.values(), key=lambda c: (c["order"], c["code"]))


def compare(user, checklist_code: str, version: int | None = None, vendors=None) -> Comparison:
    """Compare vendors on their LATEST APPROVED assessment on checklist `checklist_code` (on that
    `version` when given) among the assessments `user` may see.

    `vendors`: the vendors to compare; None compares every vendor assessed on that checklist (and
    version). Criterion scores come from the scoring engine over each assessment's answers;
    overall score and rating are those stored on the approved assessment. Each score has its
    percentile rank among the compared vendors (see `percentile_ranks`)."""
    approved = (visible_assessments(user).filter(status=Status.APPROVED, checklist__code=checklist_code)
                .select_related("vendor", "checklist"))
    if version:
        approved = approved.filter(checklist__version=version)
    if vendors is not None:
        vendors = list(vendors)
        approved = approved.filter(vendor__in=[v.pk for v in vendors])
    latest: dict[int, Assessment] = {}
    for a in approved.order_by("vendor__name", "vendor_id", "-approved_at", "-pk"):
        latest.setdefault(a.vendor_id, a)
    assessments = list(latest.values())
    criteria = _criteria_of({a.checklist_id for a in assessments})
    order = [c["code"] for c in criteria]  # criteria are matched by code across versions
    scores_by_assessment = _criterion_scores_of(assessments)
    rows = []
    for a in assessments:
        scores = {c.code: (None if c.score is None else round(c.score, 1)) for c in scores_by_assessment[a.pk]}
        rows.append(ComparisonRow(vendor=a.vendor, assessment=a, scores={code: scores.get(code) for code in order},
                                  percentiles={}, overall=_float(a.overall_score)))
    for code in order:
        ranks = percentile_ranks({i: row.scores[code] for i, row in enumerate(rows)})
        for i, row in enumerate(rows):
            row.percentiles[code] = None if ranks[i] is None else round(ranks[i], 1)
    overall_ranks = percentile_ranks({i: row.overall for i, row in enumerate(rows)})
    for i, row in enumerate(rows):
        row.overall_percentile = None if overall_ranks[i] is None else round(overall_ranks[i], 1)
    not_compared = [v for v in vendors if v.pk not in latest] if vendors is not None else []
    return Comparison(checklist_code=checklist_code, version=version, criteria=criteria, rows=rows,
                      not_compared=not_compared)


def comparison_csv_rows(comparison: Comparison) -> tuple[list[str], list[list]]:
    """Header and rows of the comparison export: one row per vendor, a score and a percentile
    column per criterion (empty where not applicable)."""
    header = ["vendor", "assessment", "checklist", "checklist_version", "approved_at"]
    for c in comparison.criteria:
        header += [f"{c['code']}_score", f"{c['code']}_percentile"]
    header += ["overall_score", "overall_percentile", "risk_rating", "decision"]

    def cell(value):
        return "" if value is None else f"{value:.1f}"

    rows = []
    for r in comparison.rows:
        a = r.assessment
        line = [r.vendor.name, a.reference, a.checklist.code, a.checklist.version,
                a.approved_at.isoformat().replace("+00:00", "Z") if a.approved_at else ""]
        for c in comparison.criteria:
            line += [cell(r.scores.get(c["code"])), cell(r.percentiles.get(c["code"]))]
        line += [cell(r.overall), cell(r.overall_percentile), a.risk_rating, a.decision]
        rows.append(line)
    return header, rows


# --------------------------------------------------------------------------- audit trail


@dataclass
class TimelineGroup:
    """The changes made by one user action (one request id)."""

    request_id: str | None
    timestamp: datetime.datetime  # of its latest entry
    username: str
    user_full_name: str
    reasons: list[str]
    changes: list[dict]  # rows of audit.trail.rows, in the order they were made
    last_entry: int = 0  # orders actions made within the same microsecond

    @property
    def objects(self) -> list[str]:
        """The records this action changed, in order, each once."""
        return list(dict.fromkeys(change["object"] for change in self.changes))


def audit_entries(assessment: Assessment, username: str = "", object_type: str = ""):
    """The assessment's audit-trail entries, optionally of one user and one kind of object
    (the content type's model name, e.g. "answer")."""
    entries = trail.entries_for_assessment(assessment.pk)
    if username:
        entries = entries.filter(username=username)
    if object_type:
        entries = entries.filter(content_type__model=object_type)
    return entries


def audit_filter_choices(assessment: Assessment) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(users, object types) that occur in the assessment's trail, as (value, label) pairs."""
    entries = trail.entries_for_assessment(assessment.pk).order_by()
    users = sorted({(u, f"{n or u} ({u})") for u, n in entries.values_list("username", "user_full_name").distinct()},
                   key=lambda pair: pair[1].lower())
    types = set()
    for app_label, model in entries.values_list("content_type__app_label", "content_type__model").distinct():
        try:
            label = apps.get_model(app_label, model)._meta.verbose_name
        except LookupError:
            label = model
        types.add((model, str(label)))
    return users, sorted(types, key=lambda pair: pair[1])


def timeline(entries) -> list[TimelineGroup]:
    """Entries grouped by request id (one user action), newest action first; an entry written
    outside a request (no id) is an action of its own."""
    groups: dict[object, TimelineGroup] = {}
    for entry in entries:
        key = entry.cid or ("entry", entry.pk)
        group = groups.get(key)
        if group is None:
            group = groups[key] = TimelineGroup(
                request_id=entry.cid, timestamp=entry.timestamp, username=entry.username,
                user_full_name=entry.user_full_name or entry.username, reasons=[], changes=[])
        group.timestamp = max(group.timestamp, entry.timestamp)
        group.last_entry = max(group.last_entry, entry.pk)
        if entry.reason and entry.reason not in group.reasons:
            group.reasons.append(entry.reason)
        group.changes.extend(trail.rows([entry]))
    return sorted(groups.values(), key=lambda g: (g.timestamp, g.last_entry), reverse=True)
