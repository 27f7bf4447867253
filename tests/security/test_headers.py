"""Every page carries a Content-Security-Policy (django-csp) that admits no inline script, and a
Permissions-Policy; pages and templates hold no inline script or event handler. The browser side
of it is tests/security/test_csp_in_browser.py."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PERMISSIONS = "camera=(self), geolocation=(), microphone=(), payment=()"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def check_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response["Permissions-Policy"] == PERMISSIONS
    return policy


def test_the_login_page_and_the_health_check_carry_both_headers(client):
    policy = check_policy(client.get("/login/"))
    assert policy["style-src"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"]
    check_policy(client.get("/health/"))


def test_every_main_page_carries_the_policy(client, assessment, lead_auditor, checklist):
    client.force_login(lead_auditor)
    for path in (
        "/",
        "/vendors/",
        "/assessments/",
        f"/assessments/{assessment.pk}/",
        f"/checklists/{checklist.pk}/",
        f"/assessments/{assessment.pk}/history/",
        "/compare/",
        "/api/docs/",
        "/api/users/me/",
    ):
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        check_policy(response)


def test_the_api_docs_load_their_start_up_script_from_a_url(client, lead_auditor):
    client.force_login(lead_auditor)
    page = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script>\s*\S", page) and "<style>" not in page
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(script)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_the_browsable_api_may_apply_inline_style_but_never_run_inline_script(client, lead_auditor):
    client.force_login(lead_auditor)
    policy = check_policy(client.get("/api/users/me/", HTTP_ACCEPT="text/html"))
    assert "'unsafe-inline'" in policy["style-src"]
    json_policy = check_policy(client.get("/api/users/me/", HTTP_ACCEPT="application/json"))
    assert "'unsafe-inline'" not in json_policy["style-src"]


def test_the_vendor_export_page_of_the_admin_allows_exactly_its_inline_handler(client, quality_admin, vendor):
    client.force_login(quality_admin)
    response = client.get("/admin/vendors/vendor/export/")
    assert response.status_code == 200
    policy = check_policy(response)
    assert "'unsafe-hashes'" in policy["script-src"] and "'unsafe-inline'" not in policy["style-src"]
    assert len(policy["script-src"]) == 3  # 'self', 'unsafe-hashes' and the handler's hash
    assert "'unsafe-hashes'" not in directives(client.get("/admin/vendors/vendor/"))["script-src"]


def test_no_template_has_inline_script_or_event_handlers():
    """The PDF report (rendered by WeasyPrint, never by a browser) may have inline style."""
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            problems.append(f"{path.relative_to(TEMPLATES)}: inline {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.relative_to(TEMPLATES)}: event handler attribute {match.group(0).strip()}")
        if path.parts[-2:] != ("reports", "audit_report.html") and re.search(r"\sstyle=|<style", text):
            problems.append(f"{path.relative_to(TEMPLATES)}: inline style")
    assert not problems, "\n".join(problems)
