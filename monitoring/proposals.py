"""Findings that environmental-monitoring excursions propose in criterion C, and the auditor's
decision on each: confirmed as a finding (raised through assessments/findings.py, like every
finding) or dismissed with a reason. Both are in the audit trail.

One proposal per location of a data set with excursions (docs/em-format.md, "Findings"): two or
more there are a major finding, "repeated"; one in grade A or B is major; one in grade C or D is
minor. The auditor may class a confirmed finding otherwise; lower than proposed needs a rationale."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from assessments import findings, workflow
from assessments.choices import FindingClass
from assessments.models import Assessment
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT
from config.reasons import require_sentence

from . import classification, summary
from .choices import Result, ReviewOutcome, SampleKind
from .models import DataSet, ExcursionReview, Sample

CRITERION = "C"
REQUIREMENT = (
    "EU GMP Annex 1 (2022): environmental monitoring within its action limits (Tables 5 and 6), excursions investigated"
)
#: Excursions named one by one in a finding's description; the others are counted.
LISTED = 12


def question_code(kinds: set[str], grades: set[str]) -> str:
    """The criterion C question the excursions bear on (docs/em-format.md)."""
    if kinds & {SampleKind.AIR_VIABLE, SampleKind.SETTLE_PLATE, SampleKind.CONTACT_PLATE}:
        return "C.3"
    if SampleKind.GLOVE_PRINT in kinds:
        return "C.5"
    return "C.2" if "A" in grades else "C.1"


@dataclass
class Proposal:
    data_set: DataSet
    location: str
    grades: set
    kinds: set
    excursions: int
    decision: ExcursionReview | None = None

    @property
    def repeated(self) -> bool:
        return self.excursions >= summary.REPEATED

    @property
    def classification(self) -> str:
        return classification.finding_class(self.grades, self.excursions)

    @property
    def classification_label(self) -> str:
        """The proposed class in words, as pages and the report print it."""
        return FindingClass(self.classification).label

    @property
    def question_code(self) -> str:
        return question_code(self.kinds, self.grades)


def proposals(assessment: Assessment, summaries=None) -> list[Proposal]:
    """Every location with excursions in the data sets the assessment reviews, with the decision
    taken on it if any; the most excursions first."""
    summaries = summary.summarise(assessment) if summaries is None else summaries
    decisions = {
        (d.data_set_id, d.location): d
        for d in ExcursionReview.objects.filter(assessment=assessment).select_related("decided_by", "finding")
    }
    found = [
        Proposal(
            s.data_set,
            loc.name,
            loc.grades,
            loc.excursion_kinds,
            loc.excursions,
            decisions.get((s.data_set.pk, loc.name)),
        )
        for s in summaries
        for loc in s.locations.values()
        if loc.excursions
    ]
    return sorted(
        found,
        key=lambda p: (p.decision is not None, p.classification != "major", -p.excursions, p.data_set.pk, p.location),
    )


def excursions(data_set: DataSet, location: str):
    return Sample.objects.filter(data_set=data_set, location=location, result=Result.EXCURSION).order_by(
        "sampled_at", "line"
    )


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else "none"


def describe(proposal: Proposal, samples: list[Sample]) -> str:
    ds = proposal.data_set
    lines = [
        f"Environmental monitoring {ds.reference} ({ds.site.name}, {ds.period_start:%Y-%m-%d} to "
        f"{ds.period_end:%Y-%m-%d}): {proposal.excursions} excursion{'s' if proposal.excursions != 1 else ''} "
        f"above the action limit at {proposal.location} (grade {', '.join(sorted(proposal.grades))})"
        + (": repeated excursions at one location." if proposal.repeated else ".")
    ]
    for s in samples[:LISTED]:
        lines.append(
            f"- {s.sampled_at:%Y-%m-%d %H:%M} UTC, {SampleKind(s.kind).label.lower()}, "
            f"{s.get_state_display().lower()}: {_number(s.value)} {s.unit} (action limit {_number(s.action_limit)})"
        )
    if len(samples) > LISTED:
        lines.append(f"- and {len(samples) - LISTED} more.")
    return "\n".join(lines)[:LONG_TEXT]


def find(assessment: Assessment, data_set_id, location: str) -> Proposal:
    """The proposal of this data set and location, or 409 when there is none to decide."""
    try:
        data_set_id = int(data_set_id)
    except (TypeError, ValueError):
        raise InvalidInput({"data_set": ["Name the data set by its id."]}) from None
    for p in proposals(assessment):
        if p.data_set.pk == data_set_id and p.location == location:
            if p.decision is not None:
                raise ConflictError(
                    f"The excursions at {location} in {p.data_set.reference} were already "
                    f"{p.decision.get_outcome_display().lower()} by {p.decision.decided_by.full_name}."
                )
            return p
    raise ConflictError(f"No excursion at {location!r} in the data sets this assessment reviews.")


def _record(assessment, user, proposal: Proposal, outcome: str, reason: str, finding=None) -> ExcursionReview:
    decision = ExcursionReview(
        assessment=assessment,
        data_set=proposal.data_set,
        location=proposal.location,
        outcome=outcome,
        proposed_classification=proposal.classification,
        excursions=proposal.excursions,
        finding=finding,
        reason=reason,
        decided_by=user,
    )
    decision._change_reason = reason
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ConflictError(f"The excursions at {proposal.location} were decided meanwhile.") from None
    return decision


def _lock(assessment: Assessment, user, reason: str) -> Assessment:
    workflow.check_editable(assessment, user, reason)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    workflow.check_editable(locked, user, reason)
    return locked


@transaction.atomic
def confirm(
    assessment: Assessment,
    user,
    data_set_id,
    location: str,
    classification: str = "",
    downgrade_rationale: str = "",
    reason: str = "",
) -> ExcursionReview:
    """Raise the proposed finding (criterion C) and record the decision."""
    locked = _lock(assessment, user, reason)
    proposal = find(locked, data_set_id, location)
    samples = list(excursions(proposal.data_set, location))
    question = Question.objects.filter(checklist_id=locked.checklist_id, code=proposal.question_code).first()
    criterion = Criterion.objects.filter(checklist_id=locked.checklist_id, code=CRITERION).first()
    if question is None and criterion is None:
        raise ConflictError(f"{locked.checklist} has no criterion {CRITERION} to raise the finding in.")
    finding = findings.raise_finding(
        locked,
        user,
        question=question,
        criterion=criterion,
        classification=classification or proposal.classification,
        proposal=proposal.classification,
        description=describe(proposal, samples),
        requirement=REQUIREMENT,
        downgrade_rationale=downgrade_rationale,
        reason=reason,
    )
    return _record(locked, user, proposal, ReviewOutcome.CONFIRMED, reason, finding)


@transaction.atomic
def dismiss(assessment: Assessment, user, data_set_id, location: str, reason: str) -> ExcursionReview:
    """Record why the excursions at a location are no finding: a reason of at least a sentence."""
    locked = _lock(assessment, user, reason)
    proposal = find(locked, data_set_id, location)
    text = require_sentence(reason, "the excursions are not a finding")
    return _record(locked, user, proposal, ReviewOutcome.DISMISSED, text)
