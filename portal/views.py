"""The portal's pages: a vendor contact's shared corrective actions and their responses; the
lead's share and decision buttons on the findings tab (portal/panels.py) post here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from assessments.evidence import file_response
from assessments.models import CorrectiveAction
from config.exceptions import ConflictError, InvalidInput, NotAllowed

from . import access, questionnaires, responses, sharing
from .api.views import RESPONSES
from .forms import ResponseForm
from .models import ResponseEvidence, VendorResponse


def _report(request, exc):
    if isinstance(exc, InvalidInput):
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, str(exc))


def _portal_user(request):
    if not request.user.has_perm("portal.use_portal"):
        raise PermissionDenied("The portal is for the contacts of a vendor.")
    return request.user


@login_required
@require_GET
def home(request):
    user = _portal_user(request)
    actions = list(access.shared_actions(user).prefetch_related(RESPONSES))
    for action in actions:
        versions = list(action.vendor_responses.all())
        action.latest_response = versions[-1] if versions else None
    return render(
        request,
        "portal/home.html",
        {
            "vendor": access.vendor_of(user),
            "actions": actions,
            "questionnaires": list(questionnaires.questionnaires_of(user)),
        },
    )


@login_required
@require_GET
def action_page(request, pk):
    user = _portal_user(request)
    access.shared_action_or_404(user, pk)
    action = access.shared_actions(user).prefetch_related(RESPONSES).get(pk=pk)
    return render(
        request,
        "portal/action.html",
        {
            "vendor": access.vendor_of(user),
            "action": action,
            "finding": action.finding,
            "responses": list(action.vendor_responses.all()),
            "problem": responses.response_problem(action),
            "form": ResponseForm(),
        },
    )


@login_required
@require_POST
def respond(request, pk):
    """A new version of the response, with its evidence files, all or nothing."""
    user = _portal_user(request)
    action = access.shared_action_or_404(user, pk)
    page = reverse("portal:action", args=[action.pk])
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            gettext("The response was not sent:")
            + " "
            + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect(page)
    try:
        with transaction.atomic():
            response = responses.respond(
                action,
                user,
                root_cause=form.cleaned_data["root_cause"],
                action_text=form.cleaned_data["action"],
                completion_date=form.cleaned_data["completion_date"],
            )
            for upload in request.FILES.getlist("files"):
                responses.attach(response, user, upload)
        messages.success(
            request, gettext("Response %(version)s sent to the audit team.") % {"version": response.version}
        )
    except (ConflictError, InvalidInput, NotAllowed) as exc:
        _report(request, exc)
    return redirect(page)


@login_required
@require_GET
def download(request, pk):
    """A file of a response: for the vendor's contacts and for those who may see the assessment."""
    item = (
        ResponseEvidence.objects.select_related("response__corrective_action__finding__assessment")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("Not found.")
    action = item.response.corrective_action
    allowed = request.user.has_perm("assessments.view_assessment", action.finding.assessment) or (
        access.shared_actions(request.user).filter(pk=action.pk).exists()
    )
    if not allowed:
        raise Http404("Not found.")
    return file_response(item)


def _findings_page(action: CorrectiveAction) -> str:
    return reverse("assessments:findings", args=[action.finding.assessment_id]) + f"#finding-{action.finding.number}"


@login_required
@require_POST
def share(request, pk):
    action = CorrectiveAction.objects.select_related("finding__assessment").filter(pk=pk).first()
    if action is None or not request.user.has_perm("assessments.view_assessment", action.finding.assessment):
        raise Http404("Not found.")
    try:
        sharing.share(action, request.user)
        messages.success(
            request,
            gettext("The corrective action for %(finding)s is shared with the vendor.")
            % {"finding": action.finding.reference},
        )
    except (ConflictError, NotAllowed) as exc:
        _report(request, exc)
    return redirect(_findings_page(action))


@login_required
@require_POST
def decide(request, pk):
    response = VendorResponse.objects.select_related("corrective_action__finding__assessment").filter(pk=pk).first()
    if response is None or not request.user.has_perm(
        "assessments.view_assessment", response.corrective_action.finding.assessment
    ):
        raise Http404("Not found.")
    try:
        decided = responses.decide(
            response, request.user, request.POST.get("decision", ""), request.POST.get("comment", "")
        )
        messages.success(request, f"Response {decided.version} {decided.decision}.")
    except (ConflictError, InvalidInput, NotAllowed) as exc:
        _report(request, exc)
    return redirect(_findings_page(response.corrective_action))
