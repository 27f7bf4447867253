"""The workspace without a connection: the service worker that keeps the workspace page and the
assets it uses, so that an auditor on a site with no network can reload it. The changes made
offline wait in the page (static/js/offline.js) and go through the same requests as online."""

import hashlib

from django.conf import settings
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

#: The static files of the workspace page (templates/base.html and assessments/workspace.html).
WORKSPACE_ASSETS = (
    "vendor/pico/pico.min.css",
    "css/app.css",
    "vendor/htmx/htmx.min.js",
    "js/app.js",
    "js/workspace.js",
    "js/offline.js",
    "favicon.svg",
)


@require_GET
def service_worker(request):
    """The worker's script, from a path whose scope covers the assessments' pages. It holds no
    data (the same for everyone, logged in or not); the browser checks it for a new version at
    every visit (no-cache), and a new list of assets is a new version."""
    assets = [static(path) for path in WORKSPACE_ASSETS]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    response = render(
        request,
        "assessments/sw.js",
        {"assets": assets, "version": version, "static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response
