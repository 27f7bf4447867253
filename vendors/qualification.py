"""The approved supplier list (docs/domain.md §3): the only code that changes a vendor's
qualification status, latest risk rating and next requalification due date.

A vendor's place on the list follows decisions and nothing else:

- the decision of an approved assessment (`follow_assessment_decision`, from
  assessments.workflow.approve),
- lifting a conditional approval once every major finding's action is verified effective
  (`lift_conditional_approval`, from assessments.workflow.lift_condition_if_met),
- "under review" while the assessment that decided it is reopened (`put_under_review`, from
  assessments.workflow.reopen); approving it again is a new decision, cancelling it returns the
  vendor to what the other assessments decided (`withdraw_reopened_decision`, for
  assessments.workflow.cancel),
- disqualification and reinstatement (`disqualify`, `reinstate`): a quality administrator's
  decision with a reason of at least a sentence and a signature (the password again).

Every change locks the vendor row, writes the vendor's audit-trail entry with the reason and one
`QualificationDecision`, the list's durable history. A disqualification holds until an
administrator reinstates the vendor: assessment decisions taken meanwhile are recorded (and the
rating and due date follow them) but the vendor stays disqualified; reinstatement returns it to
what the assessments last decided, or to prospective if they decided nothing.

The registry sits below assessments (import-linter layers): the deciding assessment is passed in
and only its `pk` and `reference` are read."""

import datetime
from collections.abc import Mapping
from contextlib import nullcontext

from django.contrib.auth import authenticate
from django.db import transaction

from accounts.lockout import LOCKED_MESSAGE, is_locked
from audit import context
from config.exceptions import ConflictError, NotAllowed
from config.reasons import require_sentence

from .choices import QualificationEvent, QualificationStatus
from .models import QualificationDecision, Vendor

Status = QualificationStatus
Event = QualificationEvent

#: The vendor's fields only this module sets. The API and the CSV import refuse a value that would
#: change one (400 naming the field; the row errors and nothing of the file is imported), and the
#: admin form shows them read-only. Sending the current value (an export imported again, a body
#: copied from a GET) changes nothing and passes.
DECIDED_FIELDS = ("status", "risk_rating", "next_requalification_due")
NOT_EDITABLE = (
    "Set only by decisions: the approval of an assessment, the lifting of a conditional approval, "
    "a disqualification or a reinstatement (POST /api/vendors/{id}/disqualification/ or "
    ".../reinstatement/, or the buttons of the vendor's admin page). It cannot be edited."
)

#: What an approved assessment can decide (assessments.choices.Decision speaks the same words).
ASSESSMENT_DECISIONS = (Status.APPROVED, Status.CONDITIONALLY_APPROVED, Status.NOT_APPROVED)
#: The events that say what the assessments decided: reinstatement returns to the latest.
ASSESSMENT_EVENTS = (
    Event.ASSESSMENT_DECISION,
    Event.CONDITION_LIFTED,
    Event.UNDER_REVIEW,
    Event.DECISION_WITHDRAWN,
    Event.CARRIED_OVER,
)


def refused_changes(vendor: Vendor, values: Mapping) -> dict[str, list[str]]:
    """{field: [message]} for each decided field of `values` that differs from `vendor`'s (an
    unsaved Vendor() for a new one: prospective, no rating, no due date)."""
    errors = {}
    for name in DECIDED_FIELDS:
        if name in values and not _same(getattr(vendor, name), values[name]):
            current = getattr(vendor, name)
            shown = current.isoformat() if isinstance(current, datetime.date) else (current or "empty")
            errors[name] = [f"{NOT_EDITABLE} It is {shown}."]
    return errors


def _same(current, sent) -> bool:
    if isinstance(current, datetime.date) or current is None:
        if sent in (None, ""):
            return current is None
        if isinstance(sent, str):
            try:
                sent = datetime.date.fromisoformat(sent.strip())
            except ValueError:
                return False
        return isinstance(sent, datetime.date) and not isinstance(sent, datetime.datetime) and sent == current
    return isinstance(sent, str | type(None)) and (sent or "").strip() == (current or "")


# --- the administrator's decisions -------------------------------------------------------------


def may_disqualify(vendor: Vendor, user) -> bool:
    """For pages: whether to offer `user` the disqualification form now."""
    return vendor.status != Status.DISQUALIFIED and user.has_perm("vendors.disqualify_vendor", vendor)


def may_reinstate(vendor: Vendor, user) -> bool:
    """For pages: whether to offer `user` the reinstatement form now."""
    return vendor.status == Status.DISQUALIFIED and user.has_perm("vendors.reinstate_vendor", vendor)


def check_reason(reason) -> str:
    """The stripped reason, or a 400 (config/reasons.py)."""
    return require_sentence(reason, "the vendor's qualification changes")


def check_signature(request, user, password) -> None:
    """The decision is signed with the password again (21 CFR 11.200(a)). `authenticate` gets the
    request so that django-axes counts a wrong password toward the lock-out; a locked account is
    refused even with the right one."""
    if request is None:
        raise ValueError("check_signature needs the request: django-axes counts failures per request.")
    if is_locked(request, user.get_username()):
        raise NotAllowed(LOCKED_MESSAGE)
    signer = None
    if isinstance(password, str) and password:
        signer = authenticate(request, username=user.get_username(), password=password)
    if signer is None or signer.pk != user.pk:
        raise NotAllowed("The password is not correct; nothing was decided.")


def _check_state(vendor: Vendor, what: str) -> None:
    disqualified = vendor.status == Status.DISQUALIFIED
    if what == "disqualify" and disqualified:
        raise ConflictError(f"{vendor.name} is already disqualified.")
    if what == "reinstate" and not disqualified:
        raise ConflictError(
            f"{vendor.name} is {vendor.get_status_display().lower()}: only a disqualified vendor is reinstated."
        )


def _check_decision(vendor: Vendor, user, perm: str, what: str, reason, password, request) -> str:
    """Who, then the state, then the reason, and the password last: a decision refused for any
    other cause costs no attempt toward the lock-out. Called outside any transaction, so that a
    failed attempt django-axes records is not rolled back with the refusal."""
    vendor = Vendor.objects.get(pk=vendor.pk)
    if not user.has_perm(perm, vendor):
        raise NotAllowed(f"Only a quality administrator may {what} a vendor.")
    _check_state(vendor, what)
    text = check_reason(reason)
    check_signature(request, user, password)
    return text


def disqualify(vendor: Vendor, user, reason, password, request) -> QualificationDecision:
    """Take the vendor off the approved supplier list until an administrator reinstates it."""
    text = _check_decision(vendor, user, "vendors.disqualify_vendor", "disqualify", reason, password, request)
    with transaction.atomic():
        locked = _locked(vendor)
        _check_state(locked, "disqualify")  # again, under the lock: a decision taken meanwhile
        return _record(locked, Event.DISQUALIFICATION, Status.DISQUALIFIED, reason=text, by=user, into=vendor)


def reinstate(vendor: Vendor, user, reason, password, request) -> QualificationDecision:
    """Lift a disqualification: the vendor returns to what its assessments last decided (under
    review if the deciding one is reopened), or to prospective if none was ever approved."""
    text = _check_decision(vendor, user, "vendors.reinstate_vendor", "reinstate", reason, password, request)
    with transaction.atomic():
        locked = _locked(vendor)
        _check_state(locked, "reinstate")
        standing = standing_decision(locked)
        if standing is None:
            return _record(locked, Event.REINSTATEMENT, Status.PROSPECTIVE, reason=text, by=user, into=vendor)
        return _record(
            locked,
            Event.REINSTATEMENT,
            standing.decided_status,
            reason=text,
            by=user,
            into=vendor,
            risk_rating=standing.risk_rating,
            due=standing.requalification_due,
            assessment_id=standing.assessment_id,
            assessment_reference=standing.assessment_reference,
        )


# --- what the assessments decide -----------------------------------------------------------------


def follow_assessment_decision(
    vendor: Vendor, assessment, *, status: str, risk_rating: str, due, by=None
) -> QualificationDecision:
    """The list follows the latest approved assessment: its decision, risk rating and due date."""
    if status not in ASSESSMENT_DECISIONS:
        raise ValueError(f"An assessment decides one of {', '.join(ASSESSMENT_DECISIONS)}, not {status!r}.")
    with transaction.atomic():
        return _record(
            _locked(vendor),
            Event.ASSESSMENT_DECISION,
            status,
            reason=f"{assessment.reference} approved with the decision “{Status(status).label.lower()}”.",
            by=by,
            into=vendor,
            risk_rating=risk_rating or "",
            due=due,
            assessment_id=assessment.pk,
            assessment_reference=assessment.reference,
        )


def condition_set_by(vendor: Vendor, assessment) -> bool:
    """Whether the decision that stands for the vendor is the conditional approval this
    assessment gave. A disqualification does not change it: a condition met meanwhile is lifted
    then, held, and the reinstatement returns the vendor to approved."""
    standing = standing_decision(vendor)
    return (
        vendor.status in (Status.CONDITIONALLY_APPROVED, Status.DISQUALIFIED)
        and standing is not None
        and standing.decided_status == Status.CONDITIONALLY_APPROVED
        and standing.assessment_id in (None, assessment.pk)
    )


def lift_conditional_approval(vendor: Vendor, assessment, reason: str, by=None) -> QualificationDecision:
    """A conditional approval becomes an approval; the rating and due date stay as decided. Only
    the condition the assessment itself set is lifted; while the vendor is disqualified the lift
    is kept but held, like any decision then."""
    with transaction.atomic():
        locked = _locked(vendor)
        if not condition_set_by(locked, assessment):
            raise ConflictError(
                f"{vendor.name} is not conditionally approved by {assessment.reference}: there is no condition to lift."
            )
        return _record(
            locked,
            Event.CONDITION_LIFTED,
            Status.APPROVED,
            reason=reason,
            by=by,
            into=vendor,
            assessment_id=assessment.pk,
            assessment_reference=assessment.reference,
        )


def put_under_review(vendor: Vendor, assessment, reason: str, by=None) -> QualificationDecision | None:
    """While the assessment that decided the vendor's status is reopened, no decision stands: the
    vendor is under review until that assessment is approved again. Reopening any other
    assessment changes nothing (None)."""
    with transaction.atomic():
        locked = _locked(vendor)
        standing = standing_decision(locked)
        if (
            standing is None
            or standing.assessment_id != assessment.pk
            or standing.decided_status == Status.UNDER_REVIEW
        ):
            return None
        return _record(
            locked,
            Event.UNDER_REVIEW,
            Status.UNDER_REVIEW,
            reason=f"{assessment.reference} reopened: {reason}",
            by=by,
            into=vendor,
            assessment_id=assessment.pk,
            assessment_reference=assessment.reference,
        )


def withdraw_reopened_decision(vendor: Vendor, assessment, reason: str, by=None) -> QualificationDecision | None:
    """A reopened deciding assessment that is cancelled decides nothing any more: the vendor
    returns to what the latest of its other assessments decided, or to prospective. Cancelling
    any other assessment changes nothing (None)."""
    with transaction.atomic():
        locked = _locked(vendor)
        standing = standing_decision(locked)
        if (
            standing is None
            or standing.assessment_id != assessment.pk
            or standing.decided_status != Status.UNDER_REVIEW
        ):
            return None
        others = (
            QualificationDecision.objects.filter(vendor=locked, event__in=ASSESSMENT_EVENTS)
            .exclude(assessment_id=assessment.pk)
            .exclude(decided_status=Status.DISQUALIFIED)
            .order_by("-pk")
            .first()
        )
        fields = {"risk_rating": "", "due": None}
        if others is not None:
            fields = {
                "risk_rating": others.risk_rating,
                "due": others.requalification_due,
                "assessment_id": others.assessment_id,
                "assessment_reference": others.assessment_reference,
            }
        return _record(
            locked,
            Event.DECISION_WITHDRAWN,
            others.decided_status if others is not None else Status.PROSPECTIVE,
            reason=f"{assessment.reference} cancelled after reopening: {reason}",
            by=by,
            into=vendor,
            **fields,
        )


def standing_decision(vendor: Vendor) -> QualificationDecision | None:
    """The latest of what the assessments decided for the vendor (administrators' decisions
    aside): what a reinstatement returns to."""
    return (
        QualificationDecision.objects.filter(vendor=vendor, event__in=ASSESSMENT_EVENTS)
        .exclude(decided_status=Status.DISQUALIFIED)
        .order_by("-pk")
        .first()
    )


def disqualification_in_force(vendor: Vendor) -> QualificationDecision | None:
    """The decision that disqualified the vendor, while it holds: the vendor page says why."""
    if vendor.status != Status.DISQUALIFIED:
        return None
    return QualificationDecision.objects.filter(vendor=vendor, event=Event.DISQUALIFICATION).order_by("-pk").first()


def history(vendor: Vendor):
    """The vendor's decisions, latest first (quality administrators: vendors.view_qualificationdecision)."""
    return QualificationDecision.objects.filter(vendor=vendor).select_related("decided_by").order_by("-pk")


# --- writing a change -----------------------------------------------------------------------------

_UNCHANGED = object()


def _locked(vendor: Vendor) -> Vendor:
    """The vendor row, locked until the end of the transaction, so that two decisions are taken
    one after the other (the history's order is the order of the rows)."""
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


def _record(
    vendor: Vendor,
    event: str,
    decided: str,
    *,
    reason: str,
    by=None,
    into: Vendor | None = None,
    risk_rating=_UNCHANGED,
    due=_UNCHANGED,
    assessment_id=None,
    assessment_reference="",
) -> QualificationDecision:
    """Apply one decision to the locked `vendor` and keep it; `into` (the caller's instance of the
    vendor) is brought up to date. An assessment's decision taken while the vendor is
    disqualified is kept but held: the status stays disqualified."""
    held = vendor.status == Status.DISQUALIFIED and event not in (Event.DISQUALIFICATION, Event.REINSTATEMENT)
    previous = vendor.status
    vendor.status = previous if held else decided
    if risk_rating is not _UNCHANGED:
        vendor.risk_rating = risk_rating
    if due is not _UNCHANGED:
        vendor.next_requalification_due = due
    if held:
        reason = f"{reason} {vendor.name} stays disqualified until a quality administrator reinstates it."
    actor = by or context.current_actor()
    decision = QualificationDecision(
        vendor=vendor,
        event=event,
        from_status=previous,
        to_status=vendor.status,
        decided_status=decided,
        risk_rating=vendor.risk_rating,
        requalification_due=vendor.next_requalification_due,
        assessment_id=assessment_id,
        assessment_reference=assessment_reference,
        reason=reason,
        decided_by=actor,
        printed_name=actor.full_name if actor is not None else (context.current_label() or "system"),
    )
    vendor._change_reason = decision._change_reason = reason
    # The audit trail names the decider even outside a request (a command, a test, a task).
    with context.acting(actor, request_id=context.get_request_id()) if actor is not None else nullcontext():
        vendor.save(update_fields=[*DECIDED_FIELDS, "updated_at"])
        decision.save()
    if into is not None and into is not vendor:
        for field in (*DECIDED_FIELDS, "updated_at"):
            setattr(into, field, getattr(vendor, field))
    return decision
