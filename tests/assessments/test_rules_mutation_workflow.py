"""The lifecycle rules (assessments/workflow.py) called as the pages and the API call them: each
step from the states it is allowed in and refused from the others, by whom, with what it stores.
Written where mutation testing showed a broken rule would have gone unnoticed (docs/domain.md §3
and §4, docs/compliance.md 4.5 and 4.6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessments import answers, findings, planning, scoring, signals, workflow
from assessments.exceptions import NotPermitted, ReasonRequired, RecordLocked, TransitionRefused
from assessments.models import Assessment, CorrectiveAction
from audit.models import AuditEntry
from checklists.models import Criterion
from tests.factories import approved_assessment
from tests.helpers.records import approved, completed, fresh, performed, sign, submitted

pytestmark = pytest.mark.django_db
Status = Assessment.Status
SENTENCE = "A recall of lot 42 was reported."  # 6 words, 32 characters


def set_status(assessment, status):
    """Put the record in a state behind the rules, to show what a rule does in that state."""
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    return fresh(assessment)


def last_reason(assessment):
    return AuditEntry.objects.get_for_object(assessment).order_by("pk").last().reason


# --- start, submit, return, cancel -----------------------------------------------------------
def test_start_takes_a_planned_assessment_in_progress_and_nothing_else(assessment, auditor, outsider, reviewer):
    for user in (outsider, reviewer):
        with pytest.raises(NotPermitted):
            workflow.start(assessment, user)
    workflow.start(assessment, auditor)
    assert fresh(assessment).status == Status.IN_PROGRESS
    for status in (Status.IN_PROGRESS, Status.SUBMITTED, Status.APPROVED, Status.CANCELLED):
        with pytest.raises(TransitionRefused):
            workflow.start(set_status(assessment, status), auditor)


def test_submit_is_the_leads_and_only_for_a_complete_record(assessment, lead_auditor, auditor):
    workflow.start(assessment, lead_auditor)
    with pytest.raises(TransitionRefused) as refused:
        workflow.submit(fresh(assessment), lead_auditor)
    assert refused.value.problems and fresh(assessment).status == Status.IN_PROGRESS
    assessment = completed(assessment, lead_auditor)
    with pytest.raises(NotPermitted):
        workflow.submit(assessment, auditor)
    workflow.submit(assessment, lead_auditor)
    stored = fresh(assessment)
    assert stored.status == Status.SUBMITTED and stored.submitted_at is not None
    with pytest.raises(TransitionRefused):
        workflow.submit(stored, lead_auditor)


def test_return_for_rework_is_the_assigned_reviewers_with_a_reason(assessment, lead_auditor, reviewer):
    with pytest.raises(TransitionRefused):
        workflow.return_for_rework(completed(assessment, lead_auditor), reviewer, "Too early")
    assessment = submitted(assessment, lead_auditor)
    with pytest.raises(NotPermitted):
        workflow.return_for_rework(assessment, lead_auditor, "Mine")
    with pytest.raises(ReasonRequired):
        workflow.return_for_rework(assessment, reviewer, "  ")
    workflow.return_for_rework(assessment, reviewer, "Evidence for D.2 is illegible")
    assert fresh(assessment).status == Status.RETURNED
    assert last_reason(assessment) == "Evidence for D.2 is illegible"


def test_cancel_needs_a_reason_and_is_the_leads_or_an_administrators(assessment, lead_auditor, auditor, quality_admin):
    with pytest.raises(NotPermitted):
        workflow.cancel(assessment, auditor, "Not needed")
    with pytest.raises(ReasonRequired):
        workflow.cancel(assessment, lead_auditor, "")
    workflow.cancel(assessment, lead_auditor, "The contract was not signed")
    assert fresh(assessment).status == Status.CANCELLED
    assert last_reason(assessment) == "The contract was not signed"
    with pytest.raises(TransitionRefused):
        workflow.cancel(set_status(assessment, Status.SUBMITTED), quality_admin, "Too late")


# --- who may change the content and the plan, and when -------------------------------------------
def test_the_content_is_open_to_the_team_until_submission(assessment, lead_auditor, auditor, outsider):
    assert not workflow.needs_reason(assessment)
    workflow.check_editable(assessment, auditor)
    assert workflow.may_edit(assessment, auditor)
    with pytest.raises(NotPermitted):
        workflow.check_editable(assessment, outsider)
    assert not workflow.may_edit(assessment, outsider)
    assessment = submitted(assessment, lead_auditor)
    assert workflow.needs_reason(assessment)
    with pytest.raises(RecordLocked):
        workflow.check_editable(assessment, auditor, "A typo")
    assert not workflow.may_edit(assessment, auditor)


def test_after_a_return_every_change_says_why(assessment, lead_auditor, auditor, reviewer):
    assessment = submitted(assessment, lead_auditor)
    workflow.return_for_rework(assessment, reviewer, "Rework D")
    assessment = fresh(assessment)
    with pytest.raises(ReasonRequired):
        workflow.check_editable(assessment, auditor)
    with pytest.raises(ReasonRequired):
        workflow.check_editable(assessment, auditor, " ")
    workflow.check_editable(assessment, auditor, "D.2 evidence replaced")
    assert workflow.may_edit(assessment, auditor)


def test_an_approved_record_is_read_only_for_content_and_plan(assessment, lead_auditor, reviewer):
    assessment = approved(assessment, lead_auditor, reviewer)
    with pytest.raises(RecordLocked):
        workflow.check_editable(assessment, lead_auditor, "Late change")
    with pytest.raises(RecordLocked):
        workflow.check_plan_editable(assessment, lead_auditor, "Late change")
    assert not workflow.may_edit(assessment, lead_auditor)


def test_the_plan_is_the_leads_and_needs_a_reason_once_submitted(assessment, lead_auditor, auditor):
    workflow.check_plan_editable(assessment, lead_auditor)
    with pytest.raises(NotPermitted):
        workflow.check_plan_editable(assessment, auditor)
    assessment = submitted(assessment, lead_auditor)
    with pytest.raises(ReasonRequired):
        workflow.check_plan_editable(assessment, lead_auditor)
    workflow.check_plan_editable(assessment, lead_auditor, "Dates corrected")


def test_what_the_pages_offer_follows_the_state(assessment, lead_auditor, auditor):
    assert workflow.open_for_submission(assessment) and not workflow.may_submit(assessment, lead_auditor)
    workflow.start(assessment, lead_auditor)
    assessment = fresh(assessment)
    assert workflow.may_submit(assessment, lead_auditor) and not workflow.may_submit(assessment, auditor)
    assert workflow.open_for_submission(assessment)
    assessment = submitted(assessment, lead_auditor)
    assert not workflow.may_submit(assessment, lead_auditor) and not workflow.open_for_submission(assessment)
    assert workflow.open_for_submission(set_status(assessment, Status.RETURNED))


# --- what blocks submission ----------------------------------------------------------------------
def test_a_record_without_a_reviewer_cannot_be_submitted(assessment, lead_auditor):
    assessment = completed(assessment, lead_auditor)
    assert workflow.submission_problems(assessment) == []
    Assessment.objects.filter(pk=assessment.pk).update(reviewer=None)
    problems = workflow.submission_problems(fresh(assessment))
    assert len(problems) == 1 and "No QA reviewer" in problems[0]


def test_carried_over_answers_block_submission_until_confirmed(checklist, vendor, lead_auditor, auditor, reviewer):
    earlier = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    assessment, copied = planning.plan(
        lead_auditor, {"vendor": vendor, "checklist": checklist, "reviewer": reviewer, "based_on": earlier}
    )
    carried = [p for p in workflow.submission_problems(assessment) if "carried over" in p]
    visible = {a.question.code for a in earlier.answers.all()}
    assert len(carried) == copied == len(visible) > 1
    code = sorted(visible)[0]
    value = earlier.answers.get(question__code=code).value
    answers.save_answers(assessment, lead_auditor, [{"question": code, "value": value}])
    still = [p for p in workflow.submission_problems(fresh(assessment)) if "carried over" in p]
    assert len(still) == copied - 1 and not any(p.startswith(f"{code}:") for p in still)


def test_three_minor_findings_of_a_criterion_block_submission_until_reviewed(assessment, lead_auditor, checklist):
    assessment = completed(assessment, lead_auditor)
    criterion = Criterion.objects.filter(checklist=checklist).order_by("order").first()
    for n in range(3):
        findings.raise_finding(
            assessment, lead_auditor, criterion=criterion, classification="minor", description=f"Gap {n}"
        )
    assert workflow.unresolved_minor_clusters(assessment) == [criterion.code]
    assert any(f"Criterion {criterion.code}" in p for p in workflow.submission_problems(assessment))
    findings.review_minor_cluster(
        assessment, lead_auditor, criterion, "justified", justification="Three unrelated logbook slips."
    )
    assert workflow.unresolved_minor_clusters(assessment) == []
    assert workflow.submission_problems(fresh(assessment)) == []


# --- approval --------------------------------------------------------------------------------------
def test_the_approval_problems_name_each_missing_step(assessment, lead_auditor, reviewer, make_user):
    assessment = submitted(assessment, lead_auditor)
    problems = workflow.approval_problems(assessment, reviewer)
    assert len(problems) == 1 and "performed" in problems[0]
    sign(assessment, lead_auditor, "performed")
    assessment = fresh(assessment)
    assert workflow.approval_problems(assessment, reviewer) == []
    other = make_user("other", Role.REVIEWER)
    problems = workflow.approval_problems(assessment, other)
    assert len(problems) == 1 and "assigned QA reviewer" in problems[0]
    assert any("written any part" in p for p in workflow.approval_problems(assessment, lead_auditor))


def test_approve_is_the_assigned_reviewers_on_a_submitted_performed_record(assessment, lead_auditor, reviewer):
    with pytest.raises(TransitionRefused):
        workflow.approve(completed(assessment, lead_auditor), reviewer)
    assessment = submitted(assessment, lead_auditor)
    with pytest.raises(TransitionRefused):  # not signed as performed yet
        workflow.approve(assessment, reviewer)
    sign(assessment, lead_auditor, "performed")
    with pytest.raises(NotPermitted):
        workflow.approve(fresh(assessment), lead_auditor)
    assert fresh(assessment).status == Status.SUBMITTED


def test_approval_stores_the_decision_and_the_due_date_and_the_vendor_follows(
    assessment, lead_auditor, reviewer, vendor, django_capture_on_commit_callbacks
):
    assessment = performed(assessment, lead_auditor)
    sent = []

    def receiver(sender, assessment_id, user_id, **kwargs):
        sent.append((assessment_id, user_id))

    signals.assessment_approved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approve(assessment, reviewer)
    finally:
        signals.assessment_approved.disconnect(receiver)
    assert sent == [(assessment.pk, reviewer.pk)]
    stored = fresh(assessment)
    months = scoring.requalification_months("high", "low", stored.checklist.settings())
    today = timezone.localdate()
    assert (stored.status, stored.decision, stored.decision_justification) == (Status.APPROVED, "approved", "")
    assert stored.approved_at is not None and stored.requalification_due == scoring.requalification_due(today, months)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.risk_rating, vendor.next_requalification_due) == (
        "approved",
        "low",
        stored.requalification_due,
    )


def test_a_decision_other_than_the_recommended_one_needs_a_justification(assessment, lead_auditor, reviewer):
    assessment = performed(assessment, lead_auditor)
    with pytest.raises(TransitionRefused) as refused:
        workflow.approve(assessment, reviewer, decision="maybe")
    assert "No decision" in refused.value.problems[0]
    with pytest.raises(TransitionRefused) as refused:
        workflow.approve(assessment, reviewer, decision="conditionally_approved", justification=" ")
    assert "justification" in refused.value.problems[0]
    assert fresh(assessment).status == Status.SUBMITTED
    why = "Two open deviations of the last inspection are not closed yet."
    workflow.approve(assessment, reviewer, decision="conditionally_approved", justification=why)
    stored = fresh(assessment)
    assert (stored.decision, stored.decision_justification) == ("conditionally_approved", why)


def test_the_recommended_decision_needs_no_justification(assessment, lead_auditor, reviewer):
    assessment = performed(assessment, lead_auditor)
    workflow.approve(assessment, reviewer, decision="approved")
    assert fresh(assessment).decision == "approved"


# --- lifting a conditional approval ----------------------------------------------------------------
@pytest.fixture
def conditional(checklist, vendor, lead_auditor, reviewer):
    """An approval conditional on the corrective action of one major finding."""
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "major")])
    assert assessment.decision == "conditionally_approved"
    return assessment


def verify_actions(assessment):
    CorrectiveAction.objects.filter(finding__assessment=assessment).update(status="verified_effective")


def test_the_condition_is_lifted_only_when_every_major_action_is_done(conditional, vendor):
    assert workflow.lift_condition_if_met(conditional) is False
    vendor.refresh_from_db()
    assert vendor.status == "conditionally_approved"
    verify_actions(conditional)
    assert workflow.lift_condition_if_met(fresh(conditional)) is True
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    entry = AuditEntry.objects.get_for_object(vendor).order_by("pk").last()
    assert "conditional approval is lifted" in entry.reason


@pytest.mark.parametrize(
    "change",
    ["assessment_reopened", "decision_not_conditional", "vendor_no_longer_conditional"],
)
def test_the_condition_is_lifted_only_for_an_approved_conditional_approval_the_vendor_still_has(
    conditional, vendor, change
):
    verify_actions(conditional)
    if change == "assessment_reopened":
        Assessment.objects.filter(pk=conditional.pk).update(status=Status.IN_PROGRESS)
    elif change == "decision_not_conditional":
        Assessment.objects.filter(pk=conditional.pk).update(decision="approved")
    else:
        type(vendor).objects.filter(pk=vendor.pk).update(status="not_approved")
    assert workflow.lift_condition_if_met(fresh(conditional)) is False
    vendor.refresh_from_db()
    assert vendor.status != "approved"


def test_a_condition_met_while_the_vendor_is_disqualified_is_lifted_held(conditional, vendor):
    verify_actions(conditional)
    type(vendor).objects.filter(pk=vendor.pk).update(status="disqualified")
    assert workflow.lift_condition_if_met(fresh(conditional)) is True
    vendor.refresh_from_db()
    assert vendor.status == "disqualified"
    assert vendor.qualification_decisions.order_by("pk").last().decided_status == "approved"


def test_an_older_assessment_lifts_nothing_once_a_newer_one_decides(
    conditional, checklist, vendor, lead_auditor, reviewer
):
    approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.2", "major")])
    Assessment.objects.filter(pk=conditional.pk).update(approved_at=timezone.now() - timedelta(days=30))
    verify_actions(conditional)
    assert workflow.lift_condition_if_met(fresh(conditional)) is False
    vendor.refresh_from_db()
    assert vendor.status == "conditionally_approved"


def test_a_conditional_approval_without_major_findings_is_not_lifted_by_actions(
    assessment, lead_auditor, reviewer, vendor
):
    assessment = performed(assessment, lead_auditor)
    workflow.approve(assessment, reviewer, decision="conditionally_approved", justification="Pending the SOP audit.")
    assert workflow.lift_condition_if_met(fresh(assessment)) is False
    vendor.refresh_from_db()
    assert vendor.status == "conditionally_approved"


# --- reopening -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reason",
    ["A recall of lot.", "Recall reported yesterday", "a b c d e f g", "", None, ["A recall of lot 42 was reported."]],
)
def test_a_reopening_reason_is_at_least_a_sentence(reason):
    with pytest.raises(ReasonRequired):
        workflow.check_reopen_reason(reason)


@pytest.mark.parametrize("reason", [SENTENCE, "Lot 42 was recalled!", "  Lot 42 was recalled!  "])
def test_a_sentence_of_four_words_and_twenty_characters_reopens(reason):
    workflow.check_reopen_reason(reason)


def test_reopen_puts_the_approved_record_back_in_progress_in_a_new_signing_cycle(assessment, lead_auditor, reviewer):
    with pytest.raises(TransitionRefused):
        workflow.reopen(completed(assessment, lead_auditor), reviewer, SENTENCE)
    assessment = approved(assessment, lead_auditor, reviewer)
    with pytest.raises(NotPermitted):
        workflow.reopen(assessment, lead_auditor, SENTENCE)
    with pytest.raises(ReasonRequired):
        workflow.reopen(assessment, reviewer, "Recall")
    assert fresh(assessment).status == Status.APPROVED
    workflow.reopen(assessment, reviewer, SENTENCE)
    stored = fresh(assessment)
    assert (stored.status, stored.signing_cycle, stored.approved_at) == (Status.IN_PROGRESS, 2, None)
    assert last_reason(stored) == SENTENCE


# --- what the record waits for, said to each reader -------------------------------------------
def test_what_the_record_waits_for_in_each_state_and_who_does_it(assessment, lead_auditor, auditor, reviewer):
    blocker = workflow.Blocker("A.1: not answered", question="A.1")
    lead, other = lead_auditor.full_name, reviewer.full_name
    assert workflow.waiting_for(assessment, auditor) == (
        f"Planned: waiting for the audit team (lead auditor {lead}) to start answering."
    )
    started = set_status(assessment, Status.IN_PROGRESS)
    assert workflow.waiting_for(started, lead_auditor, [blocker]) == (
        "Waiting for the audit team to resolve 1 thing that blocks submission; then you submit."
    )
    assert workflow.waiting_for(started, auditor, [blocker, blocker]) == (
        f"Waiting for the audit team to resolve 2 things that block submission; then {lead} submits."
    )
    assert workflow.waiting_for(started, lead_auditor, []) == "Waiting for you to submit."
    assert workflow.waiting_for(started, auditor, []) == f"Waiting for {lead} to submit."
    assert "things that block submission" in workflow.waiting_for(started, auditor)  # works them out itself
    Assessment.objects.filter(pk=assessment.pk).update(reviewer=None)
    unassigned = fresh(assessment)
    assert workflow.waiting_for(unassigned, lead_auditor, []) == (
        "Waiting for you or a quality administrator to assign a QA reviewer."
    )
    assert workflow.waiting_for(unassigned, auditor, [blocker]) == (
        f"Waiting for {lead} or a quality administrator to assign a QA reviewer."
    )
    Assessment.objects.filter(pk=assessment.pk).update(reviewer=reviewer)

    sent = submitted(fresh(assessment), lead_auditor)
    assert workflow.waiting_for(sent, reviewer) == (
        f"Waiting for {lead} to sign as performed, and for the review by you."
    )
    sign(sent, lead_auditor, "performed")
    assert workflow.waiting_for(fresh(assessment), lead_auditor) == (
        f"Waiting for the review by {other}: approve and sign, or return for rework."
    )
    assert workflow.waiting_for(set_status(assessment, Status.APPROVED), auditor) == (
        f"Approved: nothing waits. {other} or a quality administrator can reopen it with a reason and a signature."
    )
    Assessment.objects.filter(pk=assessment.pk).update(reviewer=None)
    assert workflow.waiting_for(fresh(assessment), auditor).startswith("Approved: nothing waits. The QA reviewer or")
    assert workflow.waiting_for(set_status(assessment, Status.CANCELLED), auditor) == "Cancelled: nothing waits."


def test_only_a_team_member_who_may_not_submit_is_told_who_does(assessment, lead_auditor, auditor, reviewer):
    started = set_status(assessment, Status.IN_PROGRESS)
    said = f"Only the lead auditor, {lead_auditor.full_name}, submits this assessment and signs it as performed."
    assert workflow.who_submits(started, auditor) == said
    assert workflow.who_submits(started, lead_auditor) == ""  # they submit
    assert workflow.who_submits(started, reviewer) == ""  # not on the team
    assert workflow.who_submits(set_status(assessment, Status.SUBMITTED), auditor) == ""
