"""axe-core (from npm, served by whitenoise like htmx) on every main page: no critical and no
serious violation. A page that cannot meet it is listed in EXEMPT with the reason."""

import json
from datetime import date, timedelta

import pytest
from django.apps import apps

from assessments import answers as answer_service
from assessments import comments
from assessments.models import CorrectiveAction
from portal import access, sharing
from portal import questionnaires as portal_questionnaires
from portal import responses as portal_responses
from tests.factories import approved_assessment, compliant_answers, new_assessment
from vendors.models import Vendor

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

AXE = "/static/vendor/axe/axe.min.js"
BLOCKING = ("critical", "serious")
#: Pages not held to the rule: the rules they are let off, and why. Any other violation fails.
EXEMPT: dict[str, tuple[set[str], str]] = {
    "api-docs": (
        {"color-contrast", "html-has-lang", "nested-interactive"},
        "Swagger UI's stock page (drf-spectacular-sidecar): its operation summaries nest buttons, "
        "its colour scheme and its <html> are its own; the same API is described by /api/schema/ "
        "and docs/api.md, which any reader can use instead.",
    ),
}


def violations(page) -> list[dict]:
    """axe's critical and serious violations on the page as it is now."""
    page.add_script_tag(url=AXE)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in BLOCKING
    ]


def test_every_main_page_has_no_critical_or_serious_accessibility_violation(
    pages, registry_assessment, auditor, lead_auditor, reviewer, checklist, vendor_contact, private_media
):
    assessment = registry_assessment
    answer_service.save_answers(assessment, auditor, compliant_answers(checklist)[:12])
    other = approved_assessment(
        checklist,
        Vendor.objects.get(name="Biovian"),
        lead_auditor,
        reviewer,
        findings=[("C.2", "critical"), ("B.2", "minor")],
    )
    # The vendor portal: a shared corrective action with a response, on the findings tab too.
    access.link(vendor_contact, other.vendor)
    shared = CorrectiveAction.objects.filter(finding__assessment=other).first()
    sharing.share(shared, lead_auditor)
    portal_responses.respond(
        shared,
        vendor_contact,
        root_cause="The SOP left the step open.",
        action_text="SOP revised.",
        completion_date=date.today() + timedelta(days=30),
    )
    # A questionnaire sent to the same contact, and one not sent yet (the lead's send form).
    survey = new_assessment(checklist, other.vendor, lead_auditor, reviewer, mode="questionnaire")
    questionnaire = portal_questionnaires.send(
        survey, lead_auditor, [vendor_contact.pk], date.today() + timedelta(days=14)
    )
    unsent = new_assessment(checklist, other.vendor, lead_auditor, reviewer, mode="questionnaire")
    anonymous = pages.new_context().new_page()
    anonymous.goto("/login/")
    found = {"login": violations(anonymous)}
    anonymous.goto("/verify/")  # public: no log-in
    found["report-verify"] = violations(anonymous)
    anonymous.set_input_files(
        "#id_file", files=[{"name": "copy.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 not a report"}]
    )
    anonymous.get_by_role("button", name="Verify").click()
    anonymous.wait_for_selector("text=Not a genuine report.")
    found["report-verify-answer"] = violations(anonymous)

    page = pages.login(lead_auditor)
    paths = {
        "home": "/",
        "vendor-list": "/vendors/",
        "vendor-detail": f"/vendors/{other.vendor.slug}/",
        "checklists": "/checklists/",
        "checklist": f"/checklists/{checklist.pk}/",
        "assessment-list": "/assessments/",
        "assessment-new": "/assessments/new/",
        "workspace": f"/assessments/{assessment.pk}/",
        "report-summary": f"/assessments/{assessment.pk}/summary/",
        "report-summary-read-only": f"/assessments/{other.pk}/summary/",
        "findings": f"/assessments/{other.pk}/findings/",
        "review": f"/assessments/{other.pk}/review/",
        "reports": f"/assessments/{other.pk}/reports/",
        "history": f"/assessments/{other.pk}/history/",
        "risk-vendors": "/insights/vendors/",
        "compare": "/compare/",
        "api-docs": "/api/docs/",
        "workspace-questionnaire-sent": f"/assessments/{survey.pk}/",
        "workspace-questionnaire-to-send": f"/assessments/{unsent.pk}/",
    }
    for name, path in paths.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found[name] = violations(page)

    # The workspace with a reviewer's comment thread on it, as the reviewer sees it.
    answer_service.save_answers(assessment, auditor, compliant_answers(checklist)[12:14])
    review = pages.login(reviewer)
    comments.comment(assessment, reviewer, "A.1", "Which batch records were seen?")
    review.goto(f"/assessments/{assessment.pk}/?criterion=A")
    found["workspace-with-comments"] = violations(review)

    contact = pages.login(vendor_contact)
    for name, path in {
        "portal": "/portal/",
        "portal-action": f"/portal/corrective-actions/{shared.pk}/",
        "portal-questionnaire": f"/portal/questionnaires/{questionnaire.pk}/",
    }.items():
        contact.goto(path)
        contact.wait_for_load_state("networkidle")
        found[name] = violations(contact)

    failing = {}
    for name, found_here in found.items():
        allowed = EXEMPT.get(name, (set(), ""))[0]
        left = [v for v in found_here if v["rule"] not in allowed]
        if left:
            failing[name] = left
    assert not failing, json.dumps(failing, indent=1)
