"""The workspace's service worker: served from a path whose scope covers the assessments' pages,
checked for a new version at every visit, allowed by the Content-Security-Policy, and keeping
only the workspace page and its assets (never a signing page, never the API)."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def worker(client):
    response = client.get("/assessments/sw.js")
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_worker_is_javascript_checked_at_every_visit(client):
    response, _ = worker(client)
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "worker-src 'self'" in response["Content-Security-Policy"]


def test_it_keeps_the_workspace_page_and_the_assets_that_page_loads(client, assessment, auditor):
    _, script = worker(client)
    kept = set(re.search(r"var ASSET_URLS = \[(.*)\];", script).group(1).replace('"', "").split(", "))
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page))
    assert loaded <= kept, loaded - kept


def test_the_page_registers_it_for_the_assessments_pages(client, assessment, auditor):
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-worker="/assessments/sw.js"' in page and 'data-scope="/assessments/"' in page
    assert f'data-user="{auditor.pk}"' in page and f'data-assessment="{assessment.pk}"' in page


def test_signing_and_the_api_are_never_kept(client):
    _, script = worker(client)
    workspace = re.compile(re.search(r"var WORKSPACE = /(.*)/;", script).group(1).replace("\\/", "/"))
    assert workspace.match("/assessments/12/")
    for path in ("/assessments/12/review/", "/assessments/12/findings/", "/assessments/", "/api/assessments/12/"):
        assert not workspace.match(path), path
    assert 'if (request.method !== "GET") return;' in script  # signing is a POST: always the network


def test_after_collectstatic_it_names_the_hashed_files_and_knows_their_plain_names(client, settings, tmp_path):
    """As deployed (a manifest of hashed names): the worker lists the files the page loads, and
    the pattern by which it finds the current file for a page kept before a deployment strips
    exactly the hash the manifest puts in a name."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    _, script = worker(client)
    kept = re.search(r"var ASSET_URLS = \[(.*)\];", script).group(1).replace('"', "").split(", ")
    assert any(re.fullmatch(r"/static/js/offline\.[0-9a-f]{12}\.js", url) for url in kept), kept
    unhashed = re.search(r"path\.replace\(/(.*)/, \"\$1\"\)", script).group(1)
    plain = {re.sub(unhashed, r"\1", url) for url in kept}
    assert "/static/js/offline.js" in plain and "/static/vendor/htmx/htmx.min.js" in plain, plain
