import pytest

from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_anonymous_requests_get_401(api, reference_data):
    response = api.get("/api/vendors/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_authentication(api, auditor):
    from tests.conftest import PASSWORD

    response = api.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/users/me/").json()["username"] == "auditor"


def test_list_is_paginated_with_the_documented_shape(api, auditor, reference_data):
    body = api.as_user(auditor).get("/api/vendors/?page_size=10").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Vendor.objects.count() >= 48
    assert len(body["results"]) == 10 and body["previous"] is None and "page=2" in body["next"]
    item = body["results"][0]
    for field in (
        "id",
        "name",
        "slug",
        "country",
        "region",
        "service_lines",
        "modalities",
        "inherent_risk",
        "status",
        "next_requalification_due",
    ):
        assert field in item
    assert len(api.get("/api/vendors/?page_size=500").json()["results"]) == min(200, body["count"])


@pytest.mark.parametrize("query", ["country=DE", "country=de"])
def test_filter_by_country(api, auditor, reference_data, query):
    results = api.as_user(auditor).get(f"/api/vendors/?{query}&page_size=200").json()["results"]
    assert len(results) == Vendor.objects.filter(country="DE").count() >= 5
    assert {v["country"] for v in results} == {"DE"}


def test_filter_by_service_line_region_status_and_search(api, auditor, reference_data):
    client = api.as_user(auditor)
    gene = client.get("/api/vendors/?service_line=gene_therapy_and_viral_products&page_size=200").json()
    assert gene["count"] == Vendor.objects.filter(service_lines__slug="gene_therapy_and_viral_products").count()
    assert all("gene_therapy_and_viral_products" in v["service_lines"] for v in gene["results"])
    asia = client.get("/api/vendors/?region=asia_pacific&page_size=200").json()["results"]
    assert {v["country"] for v in asia} <= {"JP", "SG", "AU", "CN"} and asia
    assert client.get("/api/vendors/?status=prospective").json()["count"] == Vendor.objects.count()
    assert [v["name"] for v in client.get("/api/vendors/?search=takara").json()["results"]] == ["Takara Bio"]


def test_unknown_filter_values_are_a_400_naming_the_field(api, auditor, reference_data):
    response = api.as_user(auditor).get("/api/vendors/?country=XX")
    assert response.status_code == 400
    assert "country" in response.json()


def test_auditors_read_but_cannot_create_or_edit(api, auditor, reference_data):
    client = api.as_user(auditor)
    vendor = Vendor.objects.get(name="Takara Bio")
    assert client.get(f"/api/vendors/{vendor.pk}/").status_code == 200
    assert client.post("/api/vendors/", {"name": "X", "country": "DE"}).status_code == 403
    assert client.patch(f"/api/vendors/{vendor.pk}/", {"status": "approved"}).status_code == 403
    vendor.refresh_from_db()
    assert vendor.status == "prospective"


def test_quality_admin_creates_and_edits_a_vendor(api, quality_admin, reference_data):
    client = api.as_user(quality_admin)
    response = client.post(
        "/api/vendors/",
        {
            "name": "Cellula Bio",
            "legal_name": "Cellula Bio GmbH",
            "country": "de",
            "service_lines": ["tissue_and_cell_therapy"],
            "modalities": ["autologous_cell_therapy"],
            "inherent_risk": "high",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["country"], body["region"], body["slug"]) == ("DE", "europe", "cellula-bio")
    assert body["status"] == "prospective"
    response = client.patch(f"/api/vendors/{body['id']}/", {"description": "Autologous CAR-T, two suites."})
    assert response.status_code == 200
    assert Vendor.objects.get(pk=body["id"]).description == "Autologous CAR-T, two suites."
    # The qualification status is a decision's (tests/vendors/test_qualification.py), not an edit.
    response = client.patch(
        f"/api/vendors/{body['id']}/", {"status": "approved", "next_requalification_due": "2027-05-01"}
    )
    assert response.status_code == 400 and set(response.json()) == {"status", "next_requalification_due"}
    assert Vendor.objects.get(pk=body["id"]).status == "prospective"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "A", "country": "ZZ"}, "country"),
        ({"name": "A", "country": "DE", "status": "sort-of"}, "status"),
        ({"name": "A", "country": "DE", "service_lines": ["bakery"]}, "service_lines"),
        ({"name": "A", "country": "DE", "website": "not a url"}, "website"),
        ({"name": "A", "country": "DE", "next_requalification_due": "31/12/2027"}, "next_requalification_due"),
        ({"country": "DE"}, "name"),
        ({"name": "Takara Bio", "country": "JP"}, "name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(api, quality_admin, reference_data, payload, field):
    before = Vendor.objects.count()
    response = api.as_user(quality_admin).post("/api/vendors/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Vendor.objects.count() == before


def test_vendor_detail_nests_sites_contacts_and_track_record(api, auditor, reference_data):
    vendor = Vendor.objects.get(name="Oxford Biomedica")
    site = vendor.sites.create(name="Oxford", country="GB", city="Oxford", grade_b=True, grade_c=True)
    site.certificates.create(number="UK MIA 12345", kind="manufacturing_authorisation", covers_atmp=True)
    vendor.contacts.create(name="Q. Person", role="Head of Quality", is_quality_contact=True)
    body = api.as_user(auditor).get(f"/api/vendors/{vendor.pk}/").json()
    assert body["sites"][0]["cleanroom_grades"] == ["B", "C"]
    assert body["sites"][0]["certificates"][0]["number"] == "UK MIA 12345"
    assert body["contacts"][0]["role"] == "Head of Quality"
    assert body["contracts"][0]["customer"] == "Novartis"


def test_vendor_contacts_see_nothing(api, vendor_contact, reference_data):
    assert api.as_user(vendor_contact).get("/api/vendors/").status_code == 403


def test_users_endpoint_lists_roles(api, auditor, lead_auditor, reviewer):
    client = api.as_user(auditor)
    users = {u["username"]: u for u in client.get("/api/users/").json()["results"]}
    assert users["lead"]["roles"] == ["auditor", "lead_auditor"]
    assert users["reviewer"]["full_name"] == "Reviewer Tester"
    assert [u["username"] for u in client.get("/api/users/?role=reviewer").json()["results"]] == ["reviewer"]
    me = client.get("/api/users/me/").json()
    assert me == {**me, "username": "auditor", "roles": ["auditor"]}


def test_schema_and_interactive_docs_work_offline(api, auditor, client):
    schema = api.as_user(auditor).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/vendors/" in schema.content
    client.force_login(auditor)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
