"""The rules of a plan (assessments/planning.py), each shown both ways: the plan that breaks it
is refused with the field named, and the plan next to it that keeps it is accepted. Written
where mutation testing showed a broken rule would have gone unnoticed."""

from datetime import date

import pytest

from accounts.roles import Role
from assessments import answers, planning
from assessments.exceptions import NotPermitted, ReasonRequired, RecordLocked
from assessments.models import Assessment
from audit.models import AuditEntry
from checklists.models import Checklist
from config.exceptions import InvalidInput
from tests.factories import approved_assessment
from tests.helpers.records import fresh, submitted
from vendors.models import Site, Vendor

pytestmark = pytest.mark.django_db

MAY_1, MAY_3, MAY_5 = date(2031, 5, 1), date(2031, 5, 3), date(2031, 5, 5)


@pytest.fixture
def site(vendor):
    return Site.objects.create(vendor=vendor, name="Munich plant", country="DE")


@pytest.fixture
def other_vendor(db):
    return Vendor.objects.create(name="Viralgen SL", country="ES", inherent_risk="medium")


@pytest.fixture
def values(vendor, site, checklist, lead_auditor, auditor, reviewer):
    """A plan that keeps every rule."""
    return {
        "vendor": vendor,
        "site": site,
        "checklist": checklist,
        "planned_start": MAY_1,
        "planned_end": MAY_3,
        "performed_start": MAY_3,
        "performed_end": MAY_3,
        "lead_auditor": lead_auditor,
        "reviewer": reviewer,
        "audit_team": [auditor],
    }


def latest_entry(assessment):
    return AuditEntry.objects.get_for_object(assessment).order_by("pk").last()


# --- problems: a new plan ---------------------------------------------------------------------
def test_a_plan_that_keeps_every_rule_has_no_problems(values):
    assert planning.problems(values) == {}
    planning.check(values)  # does not raise
    without_optional = {k: v for k, v in values.items() if k not in ("site", "audit_team", "reviewer")}
    assert planning.problems(without_optional) == {}


def test_the_site_must_be_one_of_the_vendor(values, other_vendor):
    elsewhere = Site.objects.create(vendor=other_vendor, name="Barcelona", country="ES")
    assert list(planning.problems({**values, "site": elsewhere})) == ["site"]


def test_only_an_approved_assessment_of_the_same_vendor_is_carried_over(
    values, checklist, vendor, other_vendor, lead_auditor, reviewer, auditor
):
    approved_here = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    assert planning.problems({**values, "based_on": approved_here}) == {}
    approved_there = approved_assessment(checklist, other_vendor, lead_auditor, reviewer, team=[auditor])
    assert list(planning.problems({**values, "based_on": approved_there})) == ["based_on"]
    Assessment.objects.filter(pk=approved_here.pk).update(status=Assessment.Status.SUBMITTED)
    assert list(planning.problems({**values, "based_on": fresh(approved_here)})) == ["based_on"]


def test_a_new_plan_needs_a_published_checklist_and_an_existing_one_keeps_its_own(values, assessment):
    draft = Checklist.objects.create(code="DRAFT-1", version=1, name="Draft")
    assert list(planning.problems({**values, "checklist": draft})) == ["checklist"]
    Checklist.objects.filter(pk=assessment.checklist_id).update(status=Checklist.Status.RETIRED)
    assert planning.problems({"planned_end": MAY_3}, fresh(assessment)) == {}


@pytest.mark.parametrize("period", planning.PERIODS)
def test_a_period_may_not_end_before_it_starts_and_may_be_one_day(values, period):
    assert list(planning.problems({**values, f"{period}_start": MAY_3, f"{period}_end": MAY_1})) == [f"{period}_end"]
    assert planning.problems({**values, f"{period}_start": MAY_3, f"{period}_end": MAY_3}) == {}


def test_the_lead_must_be_a_lead_auditor_and_the_reviewer_a_qa_reviewer(values, auditor, make_user):
    assert list(planning.problems({**values, "lead_auditor": auditor, "audit_team": []})) == ["lead_auditor"]
    not_qa = make_user("notqa", Role.AUDITOR)
    assert list(planning.problems({**values, "reviewer": not_qa})) == ["reviewer"]


def test_the_reviewer_is_neither_the_lead_nor_on_the_team(values, make_user):
    both = make_user("both", Role.LEAD_AUDITOR, Role.AUDITOR, Role.REVIEWER)
    assert list(planning.problems({**values, "audit_team": [*values["audit_team"], both], "reviewer": both})) == [
        "reviewer"
    ]
    assert list(planning.problems({**values, "lead_auditor": both, "reviewer": both})) == ["reviewer"]


def test_check_raises_every_problem_by_field(values, auditor):
    with pytest.raises(InvalidInput) as refused:
        planning.check({**values, "lead_auditor": auditor, "planned_end": date(2031, 4, 1)})
    assert set(refused.value.errors) == {"lead_auditor", "planned_end"}


# --- problems: a change to an existing plan ----------------------------------------------------
def test_a_change_is_checked_against_what_it_does_not_change(assessment):
    Assessment.objects.filter(pk=assessment.pk).update(planned_start=MAY_3, planned_end=MAY_5)
    assessment = fresh(assessment)
    assert list(planning.problems({"planned_end": MAY_1}, assessment)) == ["planned_end"]
    assert list(planning.problems({"planned_start": MAY_5}, assessment)) == []
    assert planning.problems({"planned_end": MAY_3}, assessment) == {}


def test_vendor_checklist_and_carried_over_assessment_are_fixed_once_planned(assessment, other_vendor):
    assert list(planning.problems({"vendor": other_vendor}, assessment)) == ["vendor"]
    same = {"vendor": assessment.vendor, "checklist": assessment.checklist, "based_on": None}
    assert planning.problems(same, assessment) == {}


def test_the_team_changes_freely_until_submission_and_not_while_submitted(assessment, lead_auditor, auditor, make_user):
    newcomer = make_user("newcomer", Role.AUDITOR)
    other_lead = make_user("lead2", Role.LEAD_AUDITOR, Role.AUDITOR)
    assert planning.problems({"audit_team": [auditor, newcomer], "lead_auditor": other_lead}, assessment) == {}
    assessment = submitted(assessment, lead_auditor)
    assert set(planning.problems({"audit_team": [auditor, newcomer], "lead_auditor": other_lead}, assessment)) == {
        "audit_team",
        "lead_auditor",
    }
    unchanged = {"audit_team": [auditor], "lead_auditor": lead_auditor, "planned_end": MAY_3}
    assert planning.problems(unchanged, assessment) == {}


def test_a_reviewer_who_wrote_part_of_the_record_cannot_be_named(assessment, make_user):
    writer = make_user("writer", Role.AUDITOR, Role.REVIEWER)
    bystander = make_user("bystander", Role.REVIEWER)
    assessment.audit_team.add(writer)
    answers.save_answers(assessment, writer, [{"question": "A.3", "value": "compliant"}])
    assessment.audit_team.remove(writer)
    assert list(planning.problems({"reviewer": writer}, assessment)) == ["reviewer"]
    assert planning.problems({"reviewer": bystander}, assessment) == {}


# --- plan and change_plan ----------------------------------------------------------------------
def test_plan_creates_the_assessment_with_its_team_led_by_whoever_plans_it(values, lead_auditor, auditor):
    del values["lead_auditor"]
    assessment, copied = planning.plan(lead_auditor, values)
    assessment = fresh(assessment)
    assert (assessment.lead_auditor, assessment.created_by, copied) == (lead_auditor, lead_auditor, 0)
    assert list(assessment.audit_team.all()) == [auditor]
    assert assessment.status == Assessment.Status.PLANNED and assessment.overall_score is None


def test_plan_refuses_a_broken_plan_and_creates_nothing(values, lead_auditor, auditor):
    with pytest.raises(InvalidInput):
        planning.plan(lead_auditor, {**values, "lead_auditor": auditor})
    assert not Assessment.objects.exists()


def test_a_plan_based_on_an_approved_assessment_carries_its_answers_and_score_over(
    values, checklist, vendor, lead_auditor, reviewer, auditor
):
    earlier = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    assessment, copied = planning.plan(lead_auditor, {**values, "based_on": earlier})
    assert copied == earlier.answers.count() > 0
    assert assessment.answers.count() == copied
    assert fresh(assessment).overall_score == earlier.overall_score is not None


def test_change_plan_saves_the_change_with_its_reason_and_the_new_team(assessment, lead_auditor, auditor, make_user):
    newcomer = make_user("newcomer", Role.AUDITOR)
    planning.change_plan(assessment, lead_auditor, {"planned_end": MAY_5, "audit_team": [newcomer]}, "New dates")
    stored = fresh(assessment)
    assert stored.planned_end == MAY_5 and list(stored.audit_team.all()) == [newcomer]
    assert latest_entry(stored).reason == "New dates"
    planning.change_plan(stored, lead_auditor, {"planned_start": MAY_1})
    assert list(fresh(assessment).audit_team.all()) == [newcomer]  # a change without a team keeps it


def test_change_plan_refuses_a_broken_change_and_changes_nothing(assessment, lead_auditor):
    with pytest.raises(InvalidInput):
        planning.change_plan(assessment, lead_auditor, {"planned_start": MAY_5, "planned_end": MAY_1})
    assert fresh(assessment).planned_start is None


def test_only_the_lead_or_an_administrator_changes_the_plan_and_never_of_a_closed_record(
    assessment, auditor, lead_auditor, reviewer, quality_admin
):
    with pytest.raises(NotPermitted):
        planning.change_plan(assessment, auditor, {"planned_end": MAY_5})
    planning.change_plan(assessment, quality_admin, {"planned_end": MAY_5})
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.CANCELLED)
    with pytest.raises(RecordLocked):
        planning.change_plan(fresh(assessment), lead_auditor, {"planned_end": MAY_3})
    assert fresh(assessment).planned_end == MAY_5


def test_once_submitted_only_an_administrator_reassigns_the_review(
    assessment, lead_auditor, reviewer, quality_admin, make_user
):
    successor = make_user("successor", Role.REVIEWER)
    before = make_user("before", Role.REVIEWER)
    planning.change_plan(assessment, lead_auditor, {"reviewer": before})  # before submission: the lead may
    planning.change_plan(fresh(assessment), lead_auditor, {"reviewer": reviewer})
    assessment = submitted(assessment, lead_auditor)
    with pytest.raises(ReasonRequired):
        planning.change_plan(assessment, lead_auditor, {"planned_end": MAY_5})
    planning.change_plan(assessment, lead_auditor, {"planned_end": MAY_5, "reviewer": reviewer}, "Dates corrected")
    with pytest.raises(NotPermitted):
        planning.change_plan(fresh(assessment), lead_auditor, {"reviewer": successor}, "Reviewer on leave")
    assert fresh(assessment).reviewer == reviewer
    planning.change_plan(fresh(assessment), quality_admin, {"reviewer": successor}, "Reviewer on leave")
    assert fresh(assessment).reviewer == successor
