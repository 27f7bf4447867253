"""The horizontal comparison of CDMOs assessed on the same checklist (docs/domain.md §1,
recommendation 3): criterion scores side by side with percentile ranks.

The numbers are those frozen at each approval (`ScoreAtApproval`): the comparison reads no answer
and scores nothing. Each vendor is compared on its latest approved assessment that the reader may
see; which vendors are compared is bounded by default (the `RECENT` most recently approved) and
the page shows them `PAGE_SIZE` at a time, while percentiles are among all the compared vendors."""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

from assessments.choices import AssessmentDecision
from assessments.models import Assessment, ScoreAtApproval
from checklists.models import Checklist, Criterion
from vendors.choices import RiskRating

from .vocabulary import Status, as_float

#: Compared by default: the vendors whose latest approval on the checklist is among the most recent.
RECENT = 20
#: Vendors (columns) on one page of the comparison.
PAGE_SIZE = 10
SCOPE_RECENT, SCOPE_ALL = "recent", "all"


def percentile_ranks(scores: dict) -> dict:
    """Percentile rank of each score among the others: {key: score or None} → {key: rank or None}.

    Definition (shown on the comparison page too): the percentage of the compared vendors whose
    score is lower than or equal to this one, where equal scores (the vendor's own included) count
    as half: rank = 100 × (number below + ½ × number equal) / number compared. Vendors without a
    score (None: the criterion was not applicable to them) are left out of the count and get None.
    A vendor compared with no other, or tied with all, is at 50; the best of four distinct scores
    at 87.5, the lowest at 12.5. Scores are compared as given (the page rounds them to 0.1 first,
    so that vendors shown with the same score are ties).

    One sort and two binary searches per score: O(n log n) for n vendors."""
    present = sorted(s for s in scores.values() if s is not None)
    n = len(present)
    result = {}
    for key, score in scores.items():
        if score is None:
            result[key] = None
            continue
        below = bisect_left(present, score)
        equal = bisect_right(present, score) - below
        result[key] = 100 * (below + 0.5 * equal) / n
    return result


@dataclass
class ComparisonRow:
    """One compared vendor: its latest approved assessment and the scores frozen at its approval."""

    vendor_id: int
    vendor_name: str
    vendor_slug: str
    assessment_id: int
    checklist_version: int
    approved_at: datetime.datetime | None
    decision: str
    risk_rating: str
    scores: dict[str, float | None]
    overall: float | None
    percentiles: dict[str, float | None] = field(default_factory=dict)
    overall_percentile: float | None = None

    @property
    def pk(self) -> int:
        """The assessment's id: a row links to its assessment like one (`_assessment_ref.html`)."""
        return self.assessment_id

    reference = property(Assessment.reference.fget, doc="The assessment's reference, as the model writes it.")

    @property
    def decision_label(self) -> str:
        return Assessment.Decision(self.decision).label if self.decision in Assessment.Decision.values else ""


@dataclass
class Comparison:
    checklist_code: str
    version: int | None
    criteria: list[dict]  # {"code", "title"} in checklist order
    rows: list[ComparisonRow]  # every compared vendor, by name
    not_compared: list  # vendors asked for without a visible approved assessment
    scope: str = SCOPE_RECENT
    assessed: int = 0  # vendors that could be compared with these filters (the recent ones are of these)

    @property
    def bounded(self) -> bool:
        """Whether fewer vendors are compared than could be (the default, recent selection)."""
        return self.assessed > len(self.rows)

    def table(self, rows=None) -> list[tuple[dict, list[tuple[float | None, float | None]]]]:
        """One line per criterion: (criterion, [(score, percentile) per vendor of `rows`])."""
        rows = self.rows if rows is None else rows
        return [(c, [(r.scores.get(c["code"]), r.percentiles.get(c["code"])) for r in rows]) for c in self.criteria]

    def chart_series(self, rows=None) -> list[dict]:
        return [{"name": r.vendor_name, "scores": r.scores} for r in (self.rows if rows is None else rows)]


def checklist_codes() -> list[str]:
    """Codes of checklists that have at least one approved assessment (all versions)."""
    codes = (
        Checklist.objects.filter(assessments__status=Status.APPROVED)
        .values_list("code", flat=True)
        .distinct()
        .order_by("code")
    )
    return list(codes)


def checklist_versions(code: str) -> list[int]:
    return list(
        Checklist.objects.filter(code=code)
        .exclude(status=Checklist.Status.DRAFT)
        .values_list("version", flat=True)
        .order_by("version")
    )


def _criteria_of(checklist_ids) -> list[dict]:
    """Criteria of the compared checklist versions, matched by code (versions of one checklist
    keep their codes); the title and order of the newest version win."""
    seen: dict[str, dict] = {}
    for code, title, order in (
        Criterion.objects.filter(checklist_id__in=list(checklist_ids))
        .order_by("-checklist__version")
        .values_list("code", "title", "order")
    ):
        seen.setdefault(code, {"code": code, "title": title, "order": order})
    return sorted(seen.values(), key=lambda c: (c["order"], c["code"]))


def name_terms(search: str) -> list[str]:
    """The parts of a vendor-name search: comma-separated, each matched anywhere in the name."""
    return [term.strip() for term in (search or "").split(",") if term.strip()]


_FIELDS = (
    "assessment__vendor_id",
    "assessment__vendor__name",
    "assessment__vendor__slug",
    "assessment_id",
    "assessment__checklist_id",
    "assessment__checklist__version",
    "assessment__approved_at",
    "assessment__decision",
    "risk_rating",
    "overall_score",
    "criterion_scores",
)


def _most_recently_approved(approvals, n: int) -> list[tuple]:
    """The latest approval of each of the `n` vendors approved most recently among `approvals`
    (what `latest_per_vendor()` ordered newest first and cut at `n` gives): read newest first, a
    batch at a time, keeping each vendor's first row, its latest. A few batches at any size,
    where ranking every vendor's approvals grows with them."""
    newest_first = approvals.order_by("-assessment__approved_at", "-assessment_id").values_list(*_FIELDS)
    batch = 4 * n
    picked, seen, offset = [], set(), 0
    while len(picked) < n:
        rows = list(newest_first[offset : offset + batch])
        for row in rows:
            if row[0] not in seen and len(picked) < n:
                seen.add(row[0])
                picked.append(row)
        if len(rows) < batch:
            break
        offset += batch
    return picked


def _rows(values) -> tuple[list[ComparisonRow], set[int]]:
    rows, checklists = [], set()
    for (
        vendor_id,
        name,
        slug,
        assessment_id,
        checklist_id,
        version,
        approved_at,
        decision,
        rating,
        overall,
        crit,
    ) in values:
        checklists.add(checklist_id)
        rows.append(
            ComparisonRow(
                vendor_id=vendor_id,
                vendor_name=name,
                vendor_slug=slug,
                assessment_id=assessment_id,
                checklist_version=version,
                approved_at=approved_at,
                decision=decision,
                risk_rating=rating,
                scores={c["code"]: c["score"] for c in crit},
                overall=as_float(overall),
            )
        )
    return rows, checklists


def compare(
    user,
    checklist_code: str,
    version: int | None = None,
    vendors=None,
    search: str = "",
    scope: str = SCOPE_RECENT,
) -> Comparison:
    """Compare vendors on their LATEST APPROVED assessment on checklist `checklist_code` (on that
    `version` when given) among the assessments `user` may see, with the scores frozen at each
    approval.

    Which vendors: the chosen `vendors` (all of them), plus, when there is a `search` or no vendor
    is chosen, the vendors whose name contains any term of `search` (every vendor without one),
    bounded by `scope`: the `RECENT` whose latest approval is the most recent, or all. Each score
    has its percentile rank among all the compared vendors (see `percentile_ranks`)."""
    visible = Assessment.objects.visible_to(user).values("pk")
    approvals = ScoreAtApproval.objects.current().filter(
        assessment__in=visible, assessment__checklist__code=checklist_code
    )
    if version:
        approvals = approvals.filter(assessment__checklist__version=version)
    chosen = list(vendors) if vendors is not None else []
    rows: list[ComparisonRow] = []
    checklist_ids: set[int] = set()
    assessed = 0
    if chosen:
        found, ids = _rows(
            approvals.filter(assessment__vendor__in=[v.pk for v in chosen]).latest_per_vendor().values_list(*_FIELDS)
        )
        rows += found
        checklist_ids |= ids
    if search or not chosen:
        terms = name_terms(search)
        pool = approvals
        if terms:
            pool = pool.filter(reduce(or_, (Q(assessment__vendor__name__icontains=t) for t in terms)))
        if scope == SCOPE_RECENT:
            found, ids = _rows(_most_recently_approved(pool, RECENT))
        else:
            found, ids = _rows(pool.latest_per_vendor().values_list(*_FIELDS))
        assessed = len(found)
        if scope == SCOPE_RECENT and len(found) == RECENT:
            assessed = pool.values("assessment__vendor_id").distinct().count()
        known = {r.vendor_id for r in rows}
        rows += [r for r in found if r.vendor_id not in known]
        checklist_ids |= ids
    rows.sort(key=lambda r: (r.vendor_name.casefold(), r.vendor_id))
    assessed = max(assessed, len(rows))
    criteria = _criteria_of(checklist_ids) if rows else []
    for code in [c["code"] for c in criteria]:
        ranks = percentile_ranks({i: row.scores.get(code) for i, row in enumerate(rows)})
        for i, row in enumerate(rows):
            row.percentiles[code] = None if ranks[i] is None else round(ranks[i], 1)
    overall_ranks = percentile_ranks({i: row.overall for i, row in enumerate(rows)})
    for i, row in enumerate(rows):
        row.overall_percentile = None if overall_ranks[i] is None else round(overall_ranks[i], 1)
    compared = {r.vendor_id for r in rows}
    return Comparison(
        checklist_code=checklist_code,
        version=version,
        criteria=criteria,
        rows=rows,
        not_compared=[v for v in chosen if v.pk not in compared],
        scope=scope,
        assessed=assessed,
    )


def comparison_csv_rows(comparison: Comparison) -> tuple[list[str], list[list]]:
    """Header and rows of the comparison export: one row per compared vendor (all of them, not one
    page), a score and a percentile column per criterion (empty where not applicable)."""
    header = ["Vendor", "Assessment", "Checklist", "Checklist version", "Approved at (UTC)"]
    for c in comparison.criteria:
        header += [f"{c['code']} score", f"{c['code']} percentile"]
    header += ["Overall score", "Overall percentile", "Risk rating", "Decision"]

    def cell(value):
        return "" if value is None else f"{value:.1f}"

    rows = []
    for r in comparison.rows:
        line = [
            r.vendor_name,
            r.reference,
            comparison.checklist_code,
            r.checklist_version,
            r.approved_at.isoformat().replace("+00:00", "Z") if r.approved_at else "",
        ]
        for c in comparison.criteria:
            line += [cell(r.scores.get(c["code"])), cell(r.percentiles.get(c["code"]))]
        line += [
            cell(r.overall),
            cell(r.overall_percentile),
            RiskRating.label_of(r.risk_rating),
            AssessmentDecision.label_of(r.decision),
        ]
        rows.append(line)
    return header, rows
