"""The registry in the Django admin: search, filters, inlines, CSV import and export."""

import pytest

from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_changelist_search_and_filters(client, quality_admin, reference_data):
    client.force_login(quality_admin)
    page = client.get("/admin/vendors/vendor/?q=takara").content.decode()
    assert "Takara Bio" in page and "Lonza Group" not in page
    page = client.get("/admin/vendors/vendor/?country__exact=DE&region__exact=europe").content.decode()
    assert "IDT Biologika GmbH" in page and "Takara Bio" not in page
    gene = Vendor.objects.filter(service_lines__slug="gene_therapy_and_viral_products").first()
    page = client.get(
        f"/admin/vendors/vendor/?service_lines__id__exact={gene.service_lines.first().pk}"
    ).content.decode()
    assert gene.name.split(" (")[0] in page


def test_change_page_has_sites_and_contacts_inline(client, quality_admin, reference_data):
    client.force_login(quality_admin)
    vendor = Vendor.objects.get(name="Takara Bio")
    page = client.get(f"/admin/vendors/vendor/{vendor.pk}/change/").content.decode()
    assert 'id="sites-group"' in page and 'id="contacts-group"' in page


def test_auditors_cannot_use_the_admin(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/vendors/vendor/").status_code == 302


def test_csv_export_and_import_round_trip(client, quality_admin, reference_data):
    client.force_login(quality_admin)
    response = client.post(
        "/admin/vendors/vendor/export/",
        {
            "format": "0",
            **{f"vendorresource_{f}": "on" for f in ("slug", "name", "country", "service_lines", "status")},
        },
    )
    assert response.status_code == 200, response.content[:500]
    exported = response.content.decode()
    assert "takara-bio" in exported and "tissue_and_cell_therapy" in exported

    csv_text = (
        "slug,name,country,service_lines,inherent_risk,status\n"
        "new-cdmo,New CDMO,fr,tissue_and_cell_therapy,medium,prospective\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("vendors.csv", csv_text.encode(), content_type="text/csv")
    response = client.post("/admin/vendors/vendor/import/", {"import_file": upload, "format": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "New CDMO" in page
    confirm = response.context["confirm_form"]
    response = client.post("/admin/vendors/vendor/process_import/", confirm.initial)
    assert response.status_code == 302
    vendor = Vendor.objects.get(slug="new-cdmo")
    assert (vendor.country, vendor.region, vendor.inherent_risk) == ("FR", "europe", "medium")
    assert list(vendor.service_lines.values_list("slug", flat=True)) == ["tissue_and_cell_therapy"]


def test_csv_import_with_a_bad_country_is_refused_and_changes_nothing(client, quality_admin, reference_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(quality_admin)
    before = Vendor.objects.count()
    csv_text = "slug,name,country,inherent_risk,status\nbad-cdmo,Bad CDMO,Atlantis,high,prospective\n"
    upload = SimpleUploadedFile("vendors.csv", csv_text.encode(), content_type="text/csv")
    response = client.post("/admin/vendors/vendor/import/", {"import_file": upload, "format": "0"})
    page = response.content.decode()
    assert "country" in page.lower() and "errors" in page.lower()
    assert "confirm_form" not in (response.context or {}) or response.context.get("confirm_form") is None
    assert Vendor.objects.count() == before
