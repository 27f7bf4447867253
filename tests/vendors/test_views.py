import pytest

from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_every_page_needs_a_login(client, reference_data):
    vendor = Vendor.objects.first()
    for url in ("/", "/vendors/", vendor.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_login_page_and_logging_in(client, auditor):
    from tests.conftest import PASSWORD

    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Auditor Tester" in page and 'href="/vendors/"' in page


def test_vendor_list_shows_the_registry_paginated(client, auditor, reference_data):
    client.force_login(auditor)
    page = client.get("/vendors/").content.decode()
    assert f"{Vendor.objects.count()} vendors" in page
    assert "3P Biopharmaceuticals" in page and "Page 1 of 3" in page
    assert Vendor.objects.order_by("name").last().name in client.get("/vendors/?page=3").content.decode()


def test_vendor_list_filters_by_country_and_service_line(client, auditor, reference_data):
    client.force_login(auditor)
    page = client.get("/vendors/?country=DE").content.decode()
    german = Vendor.objects.filter(country="DE")
    assert f"{german.count()} vendors match the filters" in page
    assert all(v.name in page for v in german)
    assert "Takara Bio" not in page
    page = client.get("/vendors/?service_line=gene_therapy_and_viral_products&country=JP").content.decode()
    assert "Nikon Corporation" in page and "Takara Bio" not in page


def test_vendor_detail_shows_sites_contacts_and_track_record(client, auditor, reference_data):
    vendor = Vendor.objects.get(name="KBI Biopharma")
    vendor.sites.create(name="Houston plant", country="US", city="Houston", grade_b=True, floor_area_sq_ft=10200)
    vendor.contacts.create(name="Dana Quality", role="QA Director", email="dana@example.com")
    client.force_login(auditor)
    page = client.get(vendor.get_absolute_url()).content.decode()
    for text in (
        "Houston plant",
        "Cleanroom grades: B",
        "10,200 sq ft",
        "Dana Quality",
        "QA Director",
        "Took over the lease of Opexa",
        "2017-02",
        "Prospective",
    ):
        assert text in page, text


def test_pages_load_assets_from_the_product_not_a_cdn(client, auditor):
    client.force_login(auditor)
    page = client.get("/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in page and "/static/vendor/pico/pico.min.css" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_health_answers_without_login(client, db):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_not_found_page_keeps_the_layout(client, auditor):
    client.force_login(auditor)
    response = client.get("/assessments/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and 'href="/"' in page and "favicon.svg" in page
