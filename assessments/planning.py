"""Planning an assessment: the vendor and site, the checklist version, the dates, who leads,
who is on the team and who reviews; and the report's narrative (objectives, method, people met,
documents reviewed, the lead's conclusion). The planning form, the API, the admin and the report
summary page all check a plan with `problems` and save it with `plan` or `change_plan`, so the
rules cannot differ by path.

The narrative is content, not planning: the audit team writes it under the rules of the answers
(`workflow.check_editable`: not while submitted, never once approved, a reason after a first
submission), and the signatures cover it (assessments/record.py, content version 4)."""

from django.db import transaction

from accounts.models import User
from accounts.permissions import is_quality_admin
from config.exceptions import InvalidInput

from . import answers, evaluation, permissions, record, signals, workflow
from .exceptions import NotPermitted
from .models import Assessment

#: What a plan sets: the planning page, the API and the admin's form offer these fields.
FIELDS = (
    "vendor",
    "site",
    "checklist",
    "based_on",
    "kind",
    "mode",
    "scope",
    "planned_start",
    "planned_end",
    "performed_start",
    "performed_end",
    "lead_auditor",
    "audit_team",
    "reviewer",
)
#: The report's narrative: written by the audit team while the content is open, signed with it.
NARRATIVE = record.NARRATIVE_FIELDS
#: Fields fixed once the assessment exists: its answers were given to this vendor, on this
#: checklist version, starting from that earlier assessment.
FROZEN = ("vendor", "checklist", "based_on")
PERIODS = ("planned", "performed")


def _current(values: dict, instance: Assessment | None, field: str):
    if field in values:
        return values[field]
    if instance is None:
        return None
    if field == "audit_team":
        return list(instance.audit_team.all())
    return getattr(instance, field, None)


def problems(values: dict, instance: Assessment | None = None) -> dict[str, list[str]]:
    """Every rule the plan breaks, by field; `values` holds the fields being set (for a change,
    only those that change), `instance` the assessment being changed, if any."""
    found: dict[str, list[str]] = {}

    def add(field, message):
        found.setdefault(field, []).append(message)

    def get(field):
        return _current(values, instance, field)

    vendor, site, based_on = get("vendor"), get("site"), get("based_on")
    if site is not None and vendor is not None and site.vendor_id != vendor.pk:
        add("site", f"{site} is not a site of {vendor}.")
    if based_on is not None and vendor is not None and based_on.vendor_id != vendor.pk:
        add("based_on", "Choose an approved assessment of the same vendor.")
    if based_on is not None and based_on.status != Assessment.Status.APPROVED:
        add("based_on", "Only an approved assessment can be carried over.")
    checklist = get("checklist")
    if checklist is not None and instance is None and checklist.status != checklist.Status.PUBLISHED:
        add("checklist", f"{checklist} is not published.")
    for period in PERIODS:
        start, end = get(f"{period}_start"), get(f"{period}_end")
        if start and end and end < start:
            add(f"{period}_end", "The end is before the start.")
    if instance is not None:
        for field in FROZEN:
            if field in values and values[field] != getattr(instance, field):
                add(field, "Cannot change once the assessment exists.")
        if instance.status == Assessment.Status.SUBMITTED:
            _check_people_kept(values, instance, add)
    _check_people(get("lead_auditor"), get("reviewer"), get("audit_team") or [], add)
    reviewer = get("reviewer")
    if instance is not None and reviewer is not None and reviewer.pk in permissions.contributor_ids(instance):
        add("reviewer", f"{reviewer.username} wrote part of this record and cannot review it.")
    return found


def _check_people_kept(values, instance, add) -> None:
    """The lead's "performed" signature covers who did the audit: while the record is submitted
    they stay as they are; the reviewer returns it first."""
    message = "Cannot change while the assessment is submitted: the QA reviewer returns it first."
    if "lead_auditor" in values and values["lead_auditor"] != instance.lead_auditor:
        add("lead_auditor", message)
    if "audit_team" in values and {u.pk for u in values["audit_team"]} != {u.pk for u in instance.audit_team.all()}:
        add("audit_team", message)


def _check_people(lead, reviewer, team, add) -> None:
    if lead is not None and not lead.has_role("lead_auditor"):
        add("lead_auditor", f"{lead.username} is not a lead auditor.")
    if reviewer is not None and not reviewer.has_role("reviewer"):
        add("reviewer", f"{reviewer.username} is not a QA reviewer.")
    members = {u.pk for u in team} | {getattr(lead, "pk", None)}
    if reviewer is not None and reviewer.pk in members:
        add("reviewer", "The reviewer must not be on the audit team.")


def check(values: dict, instance: Assessment | None = None) -> None:
    found = problems(values, instance)
    if found:
        raise InvalidInput(found)


@transaction.atomic
def plan(user, values: dict) -> tuple[Assessment, int]:
    """Create the assessment `user` plans; returns it and how many answers were carried over."""
    values = dict(values)
    values.setdefault("lead_auditor", user)
    check(values)
    team = values.pop("audit_team", [])
    based_on = values.get("based_on")
    assessment = Assessment.objects.create(created_by=user, **values)
    assessment.audit_team.set(team)
    copied = answers.carry_over(assessment, based_on, user) if based_on is not None else 0
    evaluation.refresh(assessment)
    _tell_assigned(assessment, user, set())
    return assessment, copied


def people_on(assessment: Assessment) -> set[int]:
    """The ids of everyone named on the assessment: lead, reviewer and audit team."""
    named = {assessment.lead_auditor_id, assessment.reviewer_id, *assessment.audit_team.values_list("pk", flat=True)}
    return named - {None}


def _tell_assigned(assessment: Assessment, user, before: set[int]) -> None:
    added = people_on(assessment) - before
    if added:
        people = list(User.objects.filter(pk__in=added).order_by("pk"))
        signals.people_assigned.send(sender=Assessment, assessment=assessment, user=user, people=people)


@transaction.atomic
def change_plan(assessment: Assessment, user, values: dict, reason: str = "") -> Assessment:
    """Change the planning of an existing assessment (a reason once it is submitted). Once
    submitted, only an administrator reassigns the review. Narrative fields (`NARRATIVE`) follow
    the content's rules: the audit team changes them while the content is open."""
    narrative = {field for field in values if field in NARRATIVE}
    if narrative:
        workflow.check_editable(assessment, user, reason)
    if not narrative or set(values) - narrative:
        workflow.check_plan_editable(assessment, user, reason)
    if (
        assessment.status == Assessment.Status.SUBMITTED
        and "reviewer" in values
        and values["reviewer"] != assessment.reviewer
        and not is_quality_admin(user)
    ):
        raise NotPermitted("Once submitted, only an administrator reassigns the review, with a reason.")
    check(values, assessment)
    values = dict(values)
    team = values.pop("audit_team", None)
    before = people_on(assessment)
    assessment._change_reason = reason
    for field, value in values.items():
        setattr(assessment, field, value)
    assessment.save()
    if team is not None:
        assessment.audit_team.set(team)
    _tell_assigned(assessment, user, before)
    return assessment
