"""The Content-Security-Policy in a real browser: the main pages, htmx saving an answer, the
admin and the API documentation work under it, and the browser reports no violation of it."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from assessments import answers as answer_service
from tests.factories import approved_assessment, compliant_answers
from vendors.models import Vendor

PDF_BYTES = b"%PDF-1.4\n% evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]


def violations(pages):
    return [line for line in pages.console if "Content Security Policy" in line or "Content-Security-Policy" in line]


def test_pages_admin_and_api_docs_run_under_the_policy_without_a_violation(
    pages, assessment, auditor, lead_auditor, reviewer, quality_admin, checklist, reference_data
):
    answer_service.save_answers(assessment, auditor, compliant_answers(checklist)[:3])
    other = approved_assessment(
        checklist, Vendor.objects.get(name="Biovian"), lead_auditor, reviewer, findings=[("C.2", "critical")]
    )
    page = pages.login(lead_auditor)
    for path in (
        "/",
        "/vendors/",
        f"/vendors/{other.vendor.slug}/",
        f"/checklists/{checklist.pk}/",
        "/assessments/",
        f"/assessments/{other.pk}/findings/",
        f"/assessments/{other.pk}/review/",
        f"/assessments/{other.pk}/reports/",
        f"/assessments/{other.pk}/history/",
        "/compare/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]

    # htmx saving an answer, workspace.js uploading evidence, and the status filter of the list
    # (static/js/app.js) that submits on change.
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.8/")):
        page.locator('[id="question-A.8"]').get_by_role("radio", name="Partially compliant", exact=True).check()
    expect(page.locator('[id="state-A.8"]')).to_have_attribute("data-state", "saved")
    with page.expect_response(lambda r: r.url.endswith("/answers/A.3/evidence/")):
        page.locator('[id="question-A.3"] .evidence-input[multiple]').set_input_files(
            files=[{"name": "record.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
    expect(page.locator('[id="evidence-A.3"]')).to_contain_text("record.pdf")
    page.goto("/assessments/")
    with page.expect_navigation():
        page.locator("#status").select_option("approved")
    assert "status=approved" in page.url

    admin = pages.login(quality_admin)
    for path in (
        "/admin/",
        "/admin/vendors/vendor/",
        f"/admin/vendors/vendor/{other.vendor.pk}/change/",
        "/admin/vendors/vendor/export/",
        "/admin/vendors/vendor/import/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{auditor.pk}/change/",
        f"/admin/assessments/assessment/{other.pk}/change/",
        "/admin/axes/accessattempt/",
        "/admin/audit/auditentry/",
    ):
        assert admin.goto(path).status == 200, path
    # django-import-export's "select all" toggle is an inline handler, allowed on its page by hash.
    admin.goto("/admin/vendors/vendor/export/")
    fields = admin.locator(".selectable-field-export-row input[type=checkbox]")
    assert fields.count() > 1 and admin.locator(".selectable-field-export-row input:checked").count() == fields.count()
    admin.locator(".select-toggle").uncheck()
    expect(admin.locator(".selectable-field-export-row input:checked")).to_have_count(0)

    docs = pages.login(lead_auditor)
    docs.goto("/api/users/me/")  # the REST framework's HTML page of the API
    docs.goto("/api/docs/")
    expect(docs.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(docs.get_by_text(re.compile("CDMO qualification API"))).to_be_visible()

    assert not violations(pages), "\n".join(violations(pages))
