"""The assessment lifecycle, in one place:

    planned → in progress → submitted → approved
                  ↑             ↓
                  └── returned ─┘          (and planned / in progress / returned → cancelled;
                                            approved → in progress by reopening)

Each step says who may take it (the rules of assessments/permissions.py), what must be true
first, and refuses with a message listing everything that is missing. Pages and the API call
these functions and nothing else changes `Assessment.status`. Approving and reopening are
signatures (assessments/signatures.py), which call `approve` and `reopen` here.

The content (answers, evidence, findings, action plans) changes while the assessment is planned,
in progress or returned; once submitted it changes only after the reviewer returns it, and every
change after a first submission says why."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from config.exceptions import InvalidInput
from config.limits import LONG_TEXT, REASON, check_length
from config.reasons import require_sentence
from vendors import qualification

from . import evaluation, memo, permissions, record, returns, scoring, signals
from .choices import ACTION_DONE, MAJOR_OR_WORSE, SignatureMeaning
from .exceptions import NotPermitted, ReasonRequired, RecordLocked, TransitionRefused
from .models import Answer, Assessment, CorrectiveAction, Finding, MinorFindingsReview

Status = Assessment.Status
SUBMITTABLE = (Status.IN_PROGRESS, Status.RETURNED)


def _require(user, perm, assessment, action):
    if not user.has_perm(perm, assessment):
        raise NotPermitted(f"You may not {action} {assessment.reference}.")


def _require_status(assessment, allowed, action):
    if assessment.status not in allowed:
        labels = " or ".join(Status(s).label.lower() for s in allowed)
        state = assessment.get_status_display().lower()
        raise TransitionRefused(f"{assessment.reference} is {state}; it can be {action} only when {labels}.")


def needs_reason(assessment: Assessment) -> bool:
    """Once submitted, every change must say why (docs/domain.md §4.1): while submitted, after a
    return and after reopening."""
    return assessment.submitted_at is not None


def _check_not_locked(assessment: Assessment) -> None:
    if assessment.is_locked:
        raise RecordLocked(
            f"{assessment.reference} is {assessment.get_status_display().lower()} and read-only"
            + (
                "; its QA reviewer or an administrator can reopen it with a reason and a signature."
                if assessment.status == Status.APPROVED
                else "."
            )
        )


def _check_content_open(assessment: Assessment) -> None:
    _check_not_locked(assessment)
    if assessment.status == Status.SUBMITTED:
        raise RecordLocked(
            f"{assessment.reference} is submitted: its answers, evidence and findings change only after "
            "the QA reviewer returns it for rework."
        )


def _check_reason(assessment: Assessment, reason: str) -> None:
    check_length("reason", reason, REASON)
    if needs_reason(assessment) and not (reason or "").strip():
        raise ReasonRequired()


def check_editable(assessment: Assessment, user, reason: str = "") -> None:
    """Whether `user` may change the content (answers, evidence, findings, actions) now."""
    if not user.has_perm("assessments.edit_assessment_content", assessment):
        raise NotPermitted(f"You may not change {assessment.reference}: you are not on its audit team.")
    _check_content_open(assessment)
    _check_reason(assessment, reason)


def check_plan_editable(assessment: Assessment, user, reason: str = "") -> None:
    """Whether `user` may change the planning (scope, dates, team, reviewer) now."""
    if not user.has_perm("assessments.change_assessment", assessment):
        raise NotPermitted(f"You may not change the planning of {assessment.reference}.")
    _check_not_locked(assessment)
    _check_reason(assessment, reason)


def may_edit(assessment: Assessment, user) -> bool:
    """For pages: whether to offer `user` the controls that change the content."""
    return (
        not assessment.is_locked
        and assessment.status != Status.SUBMITTED
        and user.has_perm("assessments.edit_assessment_content", assessment)
    )


def may_submit(assessment: Assessment, user) -> bool:
    """For pages: whether to offer the submit button (submission_problems says what still blocks)."""
    return assessment.status in SUBMITTABLE and user.has_perm("assessments.submit_assessment", assessment)


def _is(person, user) -> bool:
    return person is not None and user is not None and person.pk == user.pk


def _who(person, user) -> str:
    return gettext("you") if _is(person, user) else person.full_name


def waiting_for(assessment: Assessment, user, blockers=None) -> str:
    """What the assessment waits for next and who can do it, worded from the rules that decide
    it: the lead submits and signs as performed (`submit_assessment`, signatures.py), the
    assigned reviewer reviews (`review_assessment`), the team answers (`edit_assessment_content`),
    the lead or an administrator plans (`change_assessment`). `blockers`: submission_blockers,
    when the caller already has them."""
    lead = assessment.lead_auditor
    if assessment.status == Status.PLANNED:
        return gettext("Planned: waiting for the audit team (lead auditor %(lead)s) to start answering.") % {
            "lead": lead.full_name
        }
    if assessment.status in SUBMITTABLE:
        if blockers is None:
            blockers = submission_blockers(assessment)
        if assessment.reviewer_id is None:
            return gettext("Waiting for %(who)s or a quality administrator to assign a QA reviewer.") % {
                "who": _who(lead, user)
            }
        if blockers:
            n = len(blockers)
            if _is(lead, user):
                return ngettext(
                    "Waiting for the audit team to resolve %(count)s thing that blocks submission; then you submit.",
                    "Waiting for the audit team to resolve %(count)s things that block submission; then you submit.",
                    n,
                ) % {"count": n}
            return ngettext(
                "Waiting for the audit team to resolve %(count)s thing that blocks submission; then %(lead)s submits.",
                "Waiting for the audit team to resolve %(count)s things that block submission; then %(lead)s submits.",
                n,
            ) % {"count": n, "lead": lead.full_name}
        return gettext("Waiting for %(who)s to submit.") % {"who": _who(lead, user)}
    if assessment.status == Status.SUBMITTED:
        review = gettext("the review by %(who)s") % {"who": _who(assessment.reviewer, user)}
        if not record.has_valid_signature(assessment, SignatureMeaning.PERFORMED, lead):
            return gettext("Waiting for %(who)s to sign as performed, and for %(review)s.") % {
                "who": _who(lead, user),
                "review": review,
            }
        return gettext("Waiting for %(review)s: approve and sign, or return for rework.") % {"review": review}
    if assessment.status == Status.APPROVED:
        who = assessment.reviewer.full_name if assessment.reviewer else gettext("The QA reviewer")
        return gettext(
            "Approved: nothing waits. %(who)s or a quality administrator can reopen it with a reason and a signature."
        ) % {"who": who}
    return gettext("%(status)s: nothing waits.") % {"status": assessment.get_status_display()}


def who_submits(assessment: Assessment, user) -> str:
    """Said to a team member who may not submit: only the lead does."""
    if not open_for_submission(assessment) or user.has_perm("assessments.submit_assessment", assessment):
        return ""
    if not user.has_perm("assessments.edit_assessment_content", assessment):
        return ""
    lead = assessment.lead_auditor.full_name
    return gettext("Only the lead auditor, %(lead)s, submits this assessment and signs it as performed.") % {
        "lead": lead
    }


def open_for_submission(assessment: Assessment) -> bool:
    """Whether the list of what blocks submission means anything in this state."""
    return assessment.status in (Status.PLANNED, *SUBMITTABLE)


def _set_status(assessment, status, reason="", **fields):
    check_length("reason", reason, REASON)  # every step's reason, before anything changes
    assessment._change_reason = reason
    assessment.status = status
    for key, value in fields.items():
        setattr(assessment, key, value)
    assessment.save(update_fields=["status", "updated_at", *fields])


def start(assessment: Assessment, user) -> Assessment:
    _require_status(assessment, (Status.PLANNED,), "started")
    _require(user, "assessments.edit_assessment_content", assessment, "start")
    _set_status(assessment, Status.IN_PROGRESS)
    return assessment


@dataclass(frozen=True)
class Blocker:
    """One thing that blocks submission, and where on the record it sits (for links)."""

    text: str
    question: str | None = None  # question code
    criterion: str | None = None  # criterion code
    finding: int | None = None  # finding number


def submission_blockers(assessment: Assessment) -> list[Blocker]:
    """Everything that still blocks submission, in checklist order; the workspace groups it by
    criterion and links each to its question. Worked out once per request (assessments/memo.py)."""
    return list(
        memo.remember(
            assessment, "submission_blockers", lambda: tuple(_submission_blockers(assessment)), assessment.reviewer_id
        )
    )


def _submission_blockers(assessment: Assessment) -> list[Blocker]:
    blockers = [
        Blocker(f"{code}: {text}", question=code, criterion=criterion)
        for code, criterion, text in evaluation.missing_items(assessment)
    ]
    carried = list(
        Answer.objects.filter(assessment=assessment, carried_over=True).values_list(
            "question__code", "question__criterion__code"
        )
    )
    # A question hidden by its condition is not asked, so its carried-over answer needs no confirmation.
    visible = evaluation.visible_question_codes(assessment) if carried else set()
    blockers += [
        Blocker(f"{code}: carried over from the last assessment; confirm or change it", question=code, criterion=crit)
        for code, crit in carried
        if code in visible
    ]
    blockers += [
        Blocker(
            f"Criterion {code}: three or more minor findings; confirm them as a major finding or justify why not",
            criterion=code,
        )
        for code in unresolved_minor_clusters(assessment)
    ]
    blockers += [
        Blocker(
            f"{f.reference} ({f.classification}) has no corrective action planned",
            question=f.question.code if f.question_id else None,
            criterion=f.criterion.code,
            finding=f.number,
        )
        for f in _findings_without_action(assessment).select_related("question", "criterion")
    ]
    if assessment.reviewer_id is None:
        blockers.append(
            Blocker("No QA reviewer is assigned: the lead auditor or an administrator names one in the planning.")
        )
    return blockers


def submission_problems(assessment: Assessment) -> list[str]:
    """Everything that still blocks submission, as sentences (the API and refusals list them)."""
    return [b.text for b in submission_blockers(assessment)]


def _findings_without_action(assessment: Assessment):
    return (
        Finding.objects.filter(assessment=assessment, classification__in=MAJOR_OR_WORSE)
        .exclude(pk__in=CorrectiveAction.objects.values("finding_id"))
        .order_by("number")
    )


def findings_without_action(assessment: Assessment) -> list[str]:
    """Critical and major findings need a planned corrective action before the record is signed."""
    return [
        f"{f.reference} ({f.classification}) has no corrective action planned"
        for f in _findings_without_action(assessment)
    ]


def unresolved_minor_clusters(assessment: Assessment) -> list[str]:
    flagged = scoring.pics_flagged_criteria(evaluation.finding_classes(assessment))
    reviewed = set(MinorFindingsReview.objects.filter(assessment=assessment).values_list("criterion__code", flat=True))
    return [code for code in flagged if code not in reviewed]


@transaction.atomic
def submit(assessment: Assessment, user, response: str = "") -> Assessment:
    """After a return, `response` answers the reviewer's reason (required then; assessments/returns.py)."""
    _require_status(assessment, SUBMITTABLE, "submitted")
    _require(user, "assessments.submit_assessment", assessment, "submit")
    problems = submission_problems(assessment)
    if problems:
        raise TransitionRefused(f"{assessment.reference} cannot be submitted yet:", problems)
    pending = returns.check_response(assessment, response)
    now = timezone.now()
    if pending is not None:
        returns.respond(pending, user, response, now)
    _set_status(assessment, Status.SUBMITTED, submitted_at=now)
    signals.assessment_submitted.send(sender=Assessment, assessment=assessment, user=user)
    return assessment


@transaction.atomic
def return_for_rework(assessment: Assessment, user, reason: str) -> Assessment:
    _require_status(assessment, (Status.SUBMITTED,), "returned")
    _require(user, "assessments.review_assessment", assessment, "return")
    if not (reason or "").strip():
        raise ReasonRequired("Say what must be reworked: a reason is required to return an assessment.")
    _set_status(assessment, Status.RETURNED, reason=reason)
    returns.record_return(assessment, user, reason)
    signals.assessment_returned.send(sender=Assessment, assessment=assessment, user=user, reason=reason)
    return assessment


def approval_problems(assessment: Assessment, user) -> list[str]:
    """Step order (docs/domain.md §4.6): what must be true before `user` may approve."""
    problems = evaluation.missing_for_submission(assessment) + findings_without_action(assessment)
    if not record.has_valid_signature(assessment, SignatureMeaning.PERFORMED, assessment.lead_auditor):
        problems.append("The lead auditor has not signed the assessment as performed (or the record changed since).")
    if user.pk != assessment.reviewer_id:
        problems.append("Only the assigned QA reviewer approves; an administrator can reassign the review.")
    if not permissions.is_independent_of(user, assessment):
        problems.append("The approver must not be on the audit team nor have written any part of the record.")
    return problems


@transaction.atomic
def approve(assessment: Assessment, user, decision: str = "", justification: str = "") -> Assessment:
    """Called by the QA reviewer's "approved" signature; the caller holds the signature."""
    _require_status(assessment, (Status.SUBMITTED,), "approved")
    _require(user, "assessments.review_assessment", assessment, "approve")
    check_length("justification", justification, LONG_TEXT)  # becomes decision_justification
    problems = approval_problems(assessment, user)
    result = evaluation.score(assessment)
    decision = decision or result.recommended_decision or ""
    if decision not in Assessment.Decision.values:
        problems.append("No decision can be recommended yet: nothing applicable was answered.")
    elif decision != result.recommended_decision and not (justification or "").strip():
        problems.append(
            f"Deciding “{decision}” instead of the recommended “{result.recommended_decision}” "
            "needs a written justification."
        )
    if problems:
        raise TransitionRefused(f"{assessment.reference} cannot be approved yet:", problems)
    now = timezone.now()
    months = scoring.requalification_months(
        assessment.vendor.inherent_risk, result.risk_rating, assessment.checklist.settings(), decision=decision
    )
    due = scoring.requalification_due(timezone.localdate(now), months) if months else None
    _set_status(
        assessment,
        Status.APPROVED,
        approved_at=now,
        decision=decision,
        decision_justification=justification or "",
        requalification_due=due,
    )
    evaluation.freeze_scores(assessment, result)  # the scores approved on, kept with the approval
    apply_decision_to_vendor(assessment)
    signals.approval_recorded.send(sender=Assessment, assessment=assessment, user=user)
    transaction.on_commit(
        lambda: signals.assessment_approved.send(sender=Assessment, assessment_id=assessment.pk, user_id=user.pk)
    )
    return assessment


def apply_decision_to_vendor(assessment: Assessment) -> None:
    """The approved supplier list follows the latest approved assessment (docs/domain.md §3),
    through vendors/qualification.py; the approver is the assigned reviewer."""
    qualification.follow_assessment_decision(
        assessment.vendor,
        assessment,
        status=assessment.decision,
        risk_rating=assessment.risk_rating,
        due=assessment.requalification_due,
        by=assessment.reviewer,
    )


def lift_condition_if_met(assessment: Assessment) -> bool:
    """A conditional approval holds "until the corrective actions for every major finding are
    verified effective" (docs/domain.md §3): then the vendor becomes approved (held until its
    reinstatement, if it is disqualified meanwhile)."""
    vendor = assessment.vendor
    if (
        assessment.status != Status.APPROVED
        or assessment.decision != Assessment.Decision.CONDITIONALLY_APPROVED
        or not qualification.condition_set_by(vendor, assessment)
    ):
        return False
    latest = Assessment.objects.filter(vendor=vendor, status=Status.APPROVED).order_by("-approved_at").first()
    if latest is None or latest.pk != assessment.pk:
        return False
    majors = Finding.objects.filter(assessment=assessment, classification__in=MAJOR_OR_WORSE)
    if not majors.exists() or any(
        not f.actions.exists() or f.actions.exclude(status__in=ACTION_DONE).exists() for f in majors
    ):
        return False
    qualification.lift_conditional_approval(
        vendor,
        assessment,
        f"Corrective actions for every major finding of {assessment.reference} "
        "verified effective: the conditional approval is lifted.",
    )
    return True


def check_reopen_reason(reason) -> None:
    try:
        require_sentence(reason, "the approved assessment must be reopened")
    except InvalidInput as exc:
        raise ReasonRequired(exc.errors["reason"][0]) from exc


def check_may_reopen(assessment: Assessment, user) -> None:
    _require_status(assessment, (Status.APPROVED,), "reopened")
    _require(user, "assessments.reopen_assessment", assessment, "reopen")


@transaction.atomic
def reopen(assessment: Assessment, user, reason: str) -> Assessment:
    """Called by the "reopened" signature; the caller holds the signature. Reopening voids every
    signature: the next approval is a new signing cycle."""
    check_may_reopen(assessment, user)
    check_reopen_reason(reason)
    _set_status(
        assessment, Status.IN_PROGRESS, reason=reason, signing_cycle=assessment.signing_cycle + 1, approved_at=None
    )
    evaluation.refresh_latest_approvals([assessment.vendor_id])  # the vendor's latest may now be an earlier one
    qualification.put_under_review(assessment.vendor, assessment, reason, by=user)
    return assessment


@transaction.atomic
def cancel(assessment: Assessment, user, reason: str) -> Assessment:
    _require_status(assessment, (Status.PLANNED, Status.IN_PROGRESS, Status.RETURNED), "cancelled")
    _require(user, "assessments.cancel_assessment", assessment, "cancel")
    if not (reason or "").strip():
        raise ReasonRequired("A reason is required to cancel an assessment.")
    _set_status(assessment, Status.CANCELLED, reason=reason)
    qualification.withdraw_reopened_decision(assessment.vendor, assessment, reason, by=user)
    return assessment


TRANSITIONS = {
    "submit": submit,
    "return": return_for_rework,
    "cancel": cancel,
}
