"""The portal's panel under each corrective action of the findings tab (assessments/panels.py):
whether it is shared with the vendor (with the lead's share button), the vendor's responses with
their evidence, and the lead's accept and reject form for the latest one."""

from django.template.loader import render_to_string

from assessments import panels as assessment_panels

from . import responses, sharing
from .models import SharedAction, VendorResponse


def action_panel(request, assessment, actions):
    ids = [a.pk for a in actions]
    shares = {s.action_id: s for s in SharedAction.objects.filter(action_id__in=ids).select_related("shared_by")}
    by_action: dict[int, list] = {pk: [] for pk in ids}
    for response in (
        VendorResponse.objects.filter(corrective_action_id__in=ids)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("evidence")
        .order_by("corrective_action_id", "version")
    ):
        by_action[response.corrective_action_id].append(response)
    html = {}
    for action in actions:
        action.finding.assessment = assessment
        versions = by_action[action.pk]
        for response in versions:
            response.corrective_action = action
        last = versions[-1] if versions else None
        html[action.pk] = render_to_string(
            "portal/_action_panel.html",
            {
                "action": action,
                "share": shares.get(action.pk),
                "may_share": action.pk not in shares and sharing.may_share(action, request.user),
                "responses": versions,
                "decidable": last if last is not None and responses.may_decide(last, request.user) else None,
            },
            request=request,
        )
    return html


def register():
    assessment_panels.register_action_panel(action_panel)
