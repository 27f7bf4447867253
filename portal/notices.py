"""Who the portal tells what (docs/notifications.md), through `notifications.events.tell`: the
vendor's contacts of a shared action and of the lead's decision, the lead of a response."""

from django.urls import reverse

from accounts.roles import Role
from notifications.events import tell
from notifications.models import Event

from .models import VendorAccess


def contacts_of(vendor):
    """The active vendor contacts linked to `vendor`."""
    return [
        access.user
        for access in VendorAccess.objects.filter(vendor=vendor, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
        if access.user.has_role(Role.VENDOR_CONTACT)
    ]


def action_shared(shared, user):
    action = shared.action
    finding = action.finding
    assessment = finding.assessment
    body = (
        f"{user.full_name} shared the corrective action for finding {finding.reference} of {assessment.reference} "
        f"with {assessment.vendor.name}: {action.description} Due {action.due_date:%d %b %Y}. "
        "Respond with the root cause, the actions taken or planned and a completion date."
    )
    url = reverse("portal:action", args=[action.pk])
    subject = f"Corrective action for {finding.reference} of {assessment.reference} shared with you"
    return tell(contacts_of(assessment.vendor), Event.ACTION_SHARED, subject, body, url)


def vendor_response(response, user):
    action = response.corrective_action
    finding = action.finding
    assessment = finding.assessment
    body = (
        f"{user.full_name} ({assessment.vendor.name}) sent response {response.version} to the corrective action "
        f"for {finding.reference} of {assessment.reference}, proposing completion by "
        f"{response.completion_date:%d %b %Y}. Accept or reject it on the findings page."
    )
    url = reverse("assessments:findings", args=[assessment.pk]) + f"#finding-{finding.number}"
    subject = f"{assessment.vendor.name} responded to the corrective action for {finding.reference}"
    return tell([assessment.lead_auditor], Event.VENDOR_RESPONSE, subject, body, url)


def response_decided(response, user):
    action = response.corrective_action
    finding = action.finding
    assessment = finding.assessment
    word = response.get_decision_display().lower()
    body = (
        f"{user.full_name} {word} your response {response.version} to the corrective action for {finding.reference} "
        f"of {assessment.reference}. Comment: {response.decision_comment}"
    )
    subject = f"Your response to the corrective action for {finding.reference} was {word}"
    url = reverse("portal:action", args=[action.pk])
    return tell(contacts_of(assessment.vendor), Event.RESPONSE_DECIDED, subject, body, url)


def questionnaire_sent(questionnaire, user):
    assessment = questionnaire.assessment
    body = (
        f"{user.full_name} sent you the pre-audit questionnaire of {assessment.reference} ({assessment.checklist}) "
        f"for {assessment.vendor.name}, due on {questionnaire.due_date:%d %b %Y}. Answer each question, attach "
        "the evidence asked for, and submit it: your drafts are kept until you do."
    )
    url = reverse("portal:questionnaire", args=[questionnaire.pk])
    subject = (
        f"Questionnaire {assessment.reference} of {assessment.vendor.name} due due {questionnaire.due_date:%d %b %Y}"
    )
    return tell(list(questionnaire.contacts.all()), Event.QUESTIONNAIRE_SENT, subject, body, url)


def questionnaire_submitted(questionnaire, user):
    assessment = questionnaire.assessment
    body = (
        f"{user.full_name} ({assessment.vendor.name}) submitted the questionnaire of {assessment.reference}. "
        "The vendor's answers are beside each question of the workspace."
    )
    url = reverse("assessments:detail", args=[assessment.pk])
    subject = f"{assessment.vendor.name} submitted the questionnaire of {assessment.reference}"
    people = [assessment.lead_auditor, *assessment.audit_team.all()]
    return tell(list(dict.fromkeys(people)), Event.QUESTIONNAIRE_SUBMITTED, subject, body, url)
