"""The vendor portal in a real browser (Debian's chromium through Playwright): the lead shares a
corrective action from the findings tab, the vendor's contact answers it in the portal with an
evidence file, and the lead accepts the response with a comment."""

import datetime
import hashlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import CorrectiveAction
from notifications.models import Notification
from portal import access
from portal.models import VendorResponse
from tests.factories import approved_assessment

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

PDF_BYTES = b"%PDF-1.4\n% training records\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_vendor_contact_answers_a_shared_action_and_the_lead_accepts_it(
    pages, checklist, vendor, lead_auditor, auditor, reviewer, vendor_contact, private_media
):
    assessment = approved_assessment(
        checklist, vendor, lead_auditor, reviewer, team=[auditor], findings=[("C.1", "major")]
    )
    action = CorrectiveAction.objects.get(finding__assessment=assessment)
    access.link(vendor_contact, vendor)

    # The lead shares the action from the findings tab.
    lead = pages.login(lead_auditor)
    lead.goto(f"/assessments/{assessment.pk}/findings/")
    lead.get_by_role("button", name="Share with the vendor").click()
    expect(lead.get_by_text("is shared with the vendor")).to_be_visible()
    expect(lead.get_by_text(re.compile(r"Shared with the vendor .*by"))).to_be_visible()

    # The vendor's contact finds it in the portal, with the finding as the vendor sees it.
    contact = pages.login(vendor_contact)
    contact.goto("/portal/")
    expect(contact.get_by_role("heading", name=f"Corrective actions for {vendor.name}")).to_be_visible()
    contact.get_by_role("link", name=re.compile(action.finding.reference)).click()
    expect(contact.get_by_text(action.finding.description)).to_be_visible()
    expect(contact.get_by_text("Major")).to_be_visible()
    contact.get_by_label("Root cause").fill("The cleaning SOP did not name the disinfectant's contact time.")
    contact.get_by_label("Actions taken or planned").fill("SOP revised; operators retrained.")
    completion = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()
    contact.get_by_label("Proposed completion date").fill(completion)
    contact.get_by_label("Evidence files (optional)").set_input_files(
        files=[{"name": "training.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    contact.get_by_role("button", name="Send response").click()
    expect(contact.get_by_text("Response 1 sent to the audit team.")).to_be_visible()
    expect(contact.get_by_role("link", name="training.pdf")).to_be_visible()
    expect(contact.get_by_text("awaiting the audit team's decision")).to_be_visible()
    pages.screenshot(contact, "vendor-response-sent")

    response = VendorResponse.objects.get()
    assert (response.version, response.submitted_by) == (1, vendor_contact)
    assert response.evidence.get().sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert Notification.objects.filter(recipient=lead_auditor, event="vendor_response").count() == 1

    # The lead sees the response on the findings tab and accepts it with a comment.
    lead.goto(f"/assessments/{assessment.pk}/findings/")
    expect(lead.get_by_text("The cleaning SOP did not name")).to_be_visible()
    lead.get_by_label("Comment to the vendor").fill("Revised SOP and training records reviewed.")
    lead.get_by_role("button", name="Accept response 1").click()
    expect(lead.get_by_text("Response 1 accepted.")).to_be_visible()
    pages.screenshot(lead, "response-accepted")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.ACCEPTED
    assert action.root_cause.startswith("The cleaning SOP")

    # The vendor sees the decision and the comment, and may not respond again.
    contact.reload()
    expect(contact.get_by_text("Comment of the audit team: Revised SOP and training records reviewed.")).to_be_visible()
    expect(contact.get_by_role("button", name="Send response")).to_have_count(0)
