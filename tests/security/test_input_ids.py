"""Ids in API routes are integers: any other id is a 404 from the URL map of every router, never
a query with it (a 500 on four routes before), and the API answers it in JSON."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

COMPLIANCE = "A.3"


def api_detail_routes():
    """Every API route with an id in it, from the URL map itself (every router)."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("api/") and re.search(r"\(\?P<pk>|<int:pk>", route):
                    found.append(route)

    walk(get_resolver().url_patterns)
    return sorted(set(found))


def fill(route, pk):
    route = route.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")
    route = re.sub(r"\(\?P<pk>[^)]*\)|<int:pk>", pk, route)
    route = re.sub(r"\(\?P<code>[^)]*\)", COMPLIANCE, route)
    return "/" + route


def test_every_api_route_with_an_id_is_found():
    routes = api_detail_routes()
    for expected in (
        "findings",
        "corrective-actions",
        "evidence",
        "reports",
        "report-archives",
        "vendors",
        "assessments",
        "checklists",
        "users",
    ):
        assert any(r.startswith(f"api/^{expected}/") or r.startswith(f"api/{expected}/") for r in routes), expected


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "1e3", "\uff11", "1 ", "0x1f"])
def test_a_non_integer_id_is_404_on_every_api_route(api, quality_admin, pk):
    client = api.as_user(quality_admin)
    for route in api_detail_routes():
        if "(?P<format>" in route:
            continue
        url = fill(route, pk)
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("name", ["findings", "corrective-actions", "evidence", "reports"])
def test_the_four_routes_that_answered_500_answer_404(api, quality_admin, name):
    response = api.as_user(quality_admin).get(f"/api/{name}/abc/")
    assert response.status_code == 404


def test_an_integer_id_too_large_for_the_database_is_404(api, quality_admin):
    client = api.as_user(quality_admin)
    for name in ("findings", "evidence", "vendors", "assessments"):
        assert client.get(f"/api/{name}/{'9' * 30}/").status_code == 404
