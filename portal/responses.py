"""The vendor's responses to a shared corrective action and the lead's decision on them.

Each response is a new version (1, 2, ...) of root cause, actions taken or planned and a proposed
completion date, with evidence files checked and hashed by assessments/evidence.py. The lead
auditor accepts or rejects the latest version with a comment; an accepted response fills the
corrective action's root cause and vendor action and moves it to "accepted" through
`assessments.findings.update_action`, so the follow-up rules of the record apply unchanged.
Verification of effectiveness stays with QA (`findings.verify_action`)."""

from pathlib import PurePath

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from assessments import evidence, findings
from assessments.exceptions import NotPermitted
from assessments.models import CorrectiveAction, Evidence
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT, REASON, check_length

from . import notices
from .dates import day_from_today
from .models import ResponseEvidence, VendorResponse


def _text(name: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput({name: ["This field is required."]})
    check_length(name, value, LONG_TEXT)
    return value.strip()


def latest(action: CorrectiveAction) -> VendorResponse | None:
    return action.vendor_responses.order_by("-version").first()


def response_problem(action: CorrectiveAction) -> str:
    """Why the vendor cannot respond to `action` now, or "" when they can."""
    if not action.is_open:
        return (
            f"The corrective action for {action.finding.reference} is {action.get_status_display().lower()}: "
            "it takes no more responses."
        )
    if action.vendor_responses.filter(decision=VendorResponse.Decision.ACCEPTED).exists():
        return f"A response to the corrective action for {action.finding.reference} was accepted already."
    return ""


@transaction.atomic
def respond(action: CorrectiveAction, user, *, root_cause, action_text, completion_date) -> VendorResponse:
    """A new version of the vendor's response to `action` (a shared action of `user`'s vendor,
    as portal/access.py gives it); the lead is told."""
    action = CorrectiveAction.objects.select_for_update().select_related("finding__assessment").get(pk=action.pk)
    fields = {
        "root_cause": _text("root_cause", root_cause),
        "action": _text("action", action_text),
        "completion_date": day_from_today("completion_date", completion_date),
    }
    problem = response_problem(action)
    if problem:
        raise ConflictError(problem)
    version = (action.vendor_responses.aggregate(n=Max("version"))["n"] or 0) + 1
    response = VendorResponse(corrective_action=action, version=version, submitted_by=user, **fields)
    response._change_reason = f"Vendor response {version} to the corrective action for {action.finding.reference}."
    response.full_clean()
    response.save()
    notices.vendor_response(response, user)
    return response


@transaction.atomic
def attach(response: VendorResponse, user, upload) -> ResponseEvidence:
    """An evidence file on the latest, undecided version of a response, checked and hashed like
    the audit's own evidence (assessments/evidence.py)."""
    response = (
        VendorResponse.objects.select_for_update().select_related("corrective_action__finding").get(pk=response.pk)
    )
    content_type = evidence.check_file(upload)
    current = latest(response.corrective_action)
    if current is None or current.pk != response.pk:
        raise ConflictError(f"Response {response.version} was replaced by a newer one: attach files to that.")
    if response.decision:
        raise ConflictError(f"Response {response.version} was {response.decision} already: it takes no more files.")
    item = ResponseEvidence(
        response=response,
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=Evidence.digest(upload),
        uploaded_by=user,
    )
    item.file.save("evidence", upload, save=False)
    item._change_reason = f"Evidence {item.original_name} of vendor response {response.version}."
    item.save()
    return item


def may_decide(response: VendorResponse, user) -> bool:
    """For pages: whether to offer the accept and reject buttons."""
    action = response.corrective_action
    return (
        user.has_perm("portal.decide_response", action.finding.assessment)
        and not response.decision
        and latest(action) == response
        and action.is_open
    )


@transaction.atomic
def decide(response: VendorResponse, user, decision, comment, reason: str = "") -> VendorResponse:
    """The lead accepts or rejects the latest version of a response, with a comment. Those who
    may not see the assessment get 404, others who see it 403."""
    assessment = response.corrective_action.finding.assessment
    if not user.has_perm("assessments.view_assessment", assessment):
        raise Http404("Not found.")
    if not user.has_perm("portal.decide_response", assessment):
        raise NotPermitted(f"Only the lead auditor of {assessment.reference} decides on the vendor's responses.")
    if decision not in VendorResponse.Decision.values:
        raise InvalidInput({"decision": [f"Decision is one of {', '.join(VendorResponse.Decision.values)}."]})
    comment = _text("comment", comment)
    response = VendorResponse.objects.select_for_update().get(pk=response.pk)
    action = CorrectiveAction.objects.select_related("finding__assessment").get(pk=response.corrective_action_id)
    if response.decision:
        raise ConflictError(f"Response {response.version} was {response.decision} already.")
    current = latest(action)
    if current.pk != response.pk:
        raise ConflictError(f"Response {response.version} was replaced by response {current.version}: decide on that.")
    why = f"Vendor response {response.version} {decision}: {comment}"
    if decision == VendorResponse.Decision.ACCEPTED:
        findings.update_action(
            action,
            user,
            reason=reason or why[:REASON],
            root_cause=response.root_cause,
            vendor_action=response.action,
            status=CorrectiveAction.Status.ACCEPTED,
        )
    response.decision = decision
    response.decision_comment = comment
    response.decided_by = user
    response.decided_at = timezone.now()
    response._change_reason = why
    response.save()
    notices.response_decided(response, user)
    return response
