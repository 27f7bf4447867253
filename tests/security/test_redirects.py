"""A page that goes back to a `next` address goes only to a page of this site (no open redirect)."""

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory

from config.urls_safe import safe_next

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/x",
    "http://evil.example/assessments/1/",
    "/\\evil.example/x",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example/",
]


def assert_on_this_site(response, fallback):
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == "" and location.startswith("/") and not location.startswith("//")
    assert location == fallback


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_never_redirects_off_the_site(client, assessment, lead_auditor, target):
    client.force_login(lead_auditor)
    response = client.post(f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "next": target})
    assert_on_this_site(response, f"/assessments/{assessment.pk}/")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_workflow_step_never_redirects_off_the_site(client, assessment, lead_auditor, target):
    client.force_login(lead_auditor)
    response = client.post(f"/assessments/{assessment.pk}/step/submit/", {"next": target})
    assert_on_this_site(response, f"/assessments/{assessment.pk}/")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_raising_a_finding_never_redirects_off_the_site(client, assessment, lead_auditor, target):
    client.force_login(lead_auditor)
    response = client.post(f"/assessments/{assessment.pk}/findings/new/", {"next": target})
    assert_on_this_site(response, f"/assessments/{assessment.pk}/findings/")


def test_a_next_page_of_this_site_is_kept(client, assessment, lead_auditor):
    client.force_login(lead_auditor)
    review = f"/assessments/{assessment.pk}/review/?tab=signatures"
    response = client.post(f"/assessments/{assessment.pk}/step/submit/", {"next": review})
    assert response.status_code == 302 and response["Location"] == review
    absolute = f"http://testserver/assessments/{assessment.pk}/findings/"
    response = client.post(f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "next": absolute})
    assert response["Location"] == absolute


def test_safe_next_reads_post_then_get_and_falls_back():
    factory = RequestFactory()
    assert safe_next(factory.post("/x/?next=/from-get/", {"next": "/from-post/"}), "/home/") == "/from-post/"
    assert safe_next(factory.get("/x/", {"next": "/from-get/"}), "/home/") == "/from-get/"
    assert safe_next(factory.get("/x/"), "/home/") == "/home/"
    assert safe_next(factory.get("/x/", {"next": "https://evil.example/"}), "/home/") == "/home/"
    # An https page of this site is not left for http.
    secure = factory.get("/x/", {"next": "http://testserver/a/"}, secure=True)
    assert safe_next(secure, "/home/") == "/home/"
