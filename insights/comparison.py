"""The horizontal comparison of CDMOs assessed on the same checklist (docs/domain.md §1,
recommendation 3): criterion scores side by side with percentile ranks."""

from __future__ import annotations

from dataclasses import dataclass

from assessments import evaluation
from assessments.models import Assessment
from checklists.models import Checklist, Criterion
from vendors.models import Vendor

from .vocabulary import Status, as_float


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
        return [
            (c, [(r.scores.get(c["code"]), r.percentiles.get(c["code"])) for r in self.rows]) for c in self.criteria
        ]

    def chart_series(self) -> list[dict]:
        return [{"name": r.vendor.name, "scores": r.scores} for r in self.rows]


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


def comparable_vendors(user):
    """Vendors with at least one approved assessment that `user` may see."""
    visible = Assessment.objects.visible_to(user).filter(status=Status.APPROVED).values("vendor_id")
    return Vendor.objects.filter(pk__in=visible).order_by("name")


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


def compare(user, checklist_code: str, version: int | None = None, vendors=None) -> Comparison:
    """Compare vendors on their LATEST APPROVED assessment on checklist `checklist_code` (on that
    `version` when given) among the assessments `user` may see.

    `vendors`: the vendors to compare; None compares every vendor assessed on that checklist (and
    version). Criterion scores come from the scoring engine over each assessment's answers;
    overall score and rating are those stored on the approved assessment. Each score has its
    percentile rank among the compared vendors (see `percentile_ranks`)."""
    approved = (
        Assessment.objects.visible_to(user)
        .filter(status=Status.APPROVED, checklist__code=checklist_code)
        .select_related("vendor", "checklist")
    )
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
    scores_by_assessment = evaluation.criterion_scores_of(assessments)
    rows = []
    for a in assessments:
        scores = {c.code: (None if c.score is None else round(c.score, 1)) for c in scores_by_assessment[a.pk]}
        rows.append(
            ComparisonRow(
                vendor=a.vendor,
                assessment=a,
                scores={code: scores.get(code) for code in order},
                percentiles={},
                overall=as_float(a.overall_score),
            )
        )
    for code in order:
        ranks = percentile_ranks({i: row.scores[code] for i, row in enumerate(rows)})
        for i, row in enumerate(rows):
            row.percentiles[code] = None if ranks[i] is None else round(ranks[i], 1)
    overall_ranks = percentile_ranks({i: row.overall for i, row in enumerate(rows)})
    for i, row in enumerate(rows):
        row.overall_percentile = None if overall_ranks[i] is None else round(overall_ranks[i], 1)
    not_compared = [v for v in vendors if v.pk not in latest] if vendors is not None else []
    return Comparison(
        checklist_code=checklist_code, version=version, criteria=criteria, rows=rows, not_compared=not_compared
    )


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
        line = [
            r.vendor.name,
            a.reference,
            a.checklist.code,
            a.checklist.version,
            a.approved_at.isoformat().replace("+00:00", "Z") if a.approved_at else "",
        ]
        for c in comparison.criteria:
            line += [cell(r.scores.get(c["code"])), cell(r.percentiles.get(c["code"]))]
        line += [cell(r.overall), cell(r.overall_percentile), a.risk_rating, a.decision]
        rows.append(line)
    return header, rows
