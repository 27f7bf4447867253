"""Quality agreements (vendors/agreements.py): recorded once with a signed PDF kept with its
SHA-256 and who approved it, shown on the vendor page as current, expiring, due for review or
expired, and an approved vendor without one in force flagged on the approved supplier list."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import approved_assessment
from vendors import agreements
from vendors.models import QualityAgreement, Site, Vendor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% signed quality agreement\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate


def body(**fields):
    values = {
        "version": "3.0",
        "effective_on": (TODAY() - datetime.timedelta(days=30)).isoformat(),
        "review_on": (TODAY() + datetime.timedelta(days=365)).isoformat(),
        "expires_on": (TODAY() + datetime.timedelta(days=730)).isoformat(),
        "signed_copy": SimpleUploadedFile("qa-3.0.pdf", PDF, content_type="application/pdf"),
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def test_an_administrator_records_one_with_its_signed_copy_and_everyone_reads_it(
    vendor, admin_api, auditor_api, quality_admin, private_media
):
    site = Site.objects.create(vendor=vendor, name="Ghent", country="BE")
    response = admin_api.post(f"/api/vendors/{vendor.pk}/quality-agreements/", body(site=site.pk), format="multipart")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["sha256"] == hashlib.sha256(PDF).hexdigest() and created["size"] == len(PDF)
    assert (created["standing"], created["site"]) == ("current", site.pk)
    assert created["approved_by"] == quality_admin.username
    agreement = QualityAgreement.objects.get()
    assert agreement.signed_copy.path.startswith(str(private_media))
    assert AuditEntry.objects.get_for_object(agreement).get().actor == quality_admin

    listed = auditor_api.get(f"/api/vendors/{vendor.pk}/quality-agreements/").json()
    assert [a["version"] for a in listed["results"]] == ["3.0"]
    download = auditor_api.get(created["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-SHA256"] == created["sha256"]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"signed_copy": SimpleUploadedFile("qa.pdf", b"not a pdf")}, "signed_copy"),
        ({"signed_copy": None}, "signed_copy"),
        ({"expires_on": "2000-01-01"}, "expires_on"),
        ({"review_on": "2000-01-01"}, "review_on"),
        ({"version": ""}, "version"),
        ({"effective_on": "2026-02-30"}, "effective_on"),
    ],
)
def test_bad_input_is_a_400_naming_it_and_keeps_nothing(vendor, admin_api, private_media, fields, named):
    response = admin_api.post(f"/api/vendors/{vendor.pk}/quality-agreements/", body(**fields), format="multipart")
    assert response.status_code == 400 and named in response.json(), response.content
    assert not QualityAgreement.objects.exists()


def test_a_version_is_recorded_once_and_a_site_must_be_the_vendors(vendor, admin_api, private_media):
    url = f"/api/vendors/{vendor.pk}/quality-agreements/"
    assert admin_api.post(url, body(), format="multipart").status_code == 201
    again = admin_api.post(url, body(), format="multipart")
    assert again.status_code == 400 and "version" in again.json()
    other = Vendor.objects.create(name="Other Bio", country="FR")
    elsewhere = Site.objects.create(vendor=other, name="X", country="FR")
    wrong = admin_api.post(url, body(version="4.0", site=elsewhere.pk), format="multipart")
    assert wrong.status_code == 400 and "site" in wrong.json()
    assert QualityAgreement.objects.count() == 1


def test_only_administrators_record_them_and_vendor_contacts_read_nothing(
    vendor, auditor_api, lead_api, api, vendor_contact, private_media
):
    url = f"/api/vendors/{vendor.pk}/quality-agreements/"
    for client in (auditor_api, lead_api):
        assert client.post(url, body(), format="multipart").status_code == 403
    assert api.as_user(vendor_contact).get(url).status_code == 403
    assert not QualityAgreement.objects.exists()


def test_the_standing_of_an_agreement(vendor, quality_admin):
    today = datetime.date(2026, 6, 1)

    def standing(**dates):
        values = {"effective_on": datetime.date(2025, 1, 1), "review_on": None, "expires_on": None} | dates
        return agreements.standing_of(QualityAgreement(vendor=vendor, version="1", **values), today)

    assert standing() == "current"
    assert standing(expires_on=datetime.date(2026, 5, 31)) == "expired"
    assert standing(expires_on=datetime.date(2026, 8, 30)) == "expiring"  # within 90 days
    assert standing(review_on=datetime.date(2026, 7, 1)) == "review_due"
    assert standing(effective_on=datetime.date(2026, 7, 1)) == "not_yet_effective"


def test_an_approved_vendor_without_a_current_agreement_is_flagged_on_the_list_and_its_page(
    checklist, vendor, lead_auditor, reviewer, quality_admin, client, private_media
):
    flag = "no current quality agreement"
    prospective = Vendor.objects.create(name="Prospective Bio", country="FR")
    approved_assessment(checklist, vendor, lead_auditor, reviewer)
    vendor.refresh_from_db()
    client.force_login(reviewer)
    listing = client.get("/vendors/").content.decode()
    assert listing.count(flag) == 1
    assert flag in client.get(vendor.get_absolute_url()).content.decode()
    assert flag not in client.get(prospective.get_absolute_url()).content.decode()

    expired = agreements.record(
        vendor,
        quality_admin,
        {"version": "1.0", "effective_on": datetime.date(2020, 1, 1), "expires_on": datetime.date(2022, 1, 1)},
        SimpleUploadedFile("qa-1.pdf", PDF),
    )
    page = client.get(vendor.get_absolute_url()).content.decode()
    assert flag in page and "agreement-expired" in page and expired.sha256[:10] in page
    agreements.record(
        vendor,
        quality_admin,
        {"version": "2.0", "effective_on": TODAY() - datetime.timedelta(days=1)},
        SimpleUploadedFile("qa-2.pdf", PDF),
    )
    assert flag not in client.get("/vendors/").content.decode()
    page = client.get(vendor.get_absolute_url()).content.decode()
    assert flag not in page and "agreement-current" in page


# --------------------------------------------------------------------------- documents that expire


def test_expiring_documents_of_approved_vendors_are_on_the_home_page_and_their_list(
    checklist, vendor, lead_auditor, reviewer, quality_admin, client, private_media
):
    from vendors import documents
    from vendors.models import GMPCertificate

    approved_assessment(checklist, vendor, lead_auditor, reviewer)
    vendor.refresh_from_db()
    site = Site.objects.create(vendor=vendor, name="Ghent", country="BE")
    soon = GMPCertificate.objects.create(site=site, number="BE-1", expires_on=TODAY() + datetime.timedelta(days=30))
    GMPCertificate.objects.create(site=site, number="BE-2", expires_on=TODAY() + datetime.timedelta(days=400))
    gone = GMPCertificate.objects.create(site=site, number="BE-0", expires_on=TODAY() - datetime.timedelta(days=3))
    reviews = (("1.0", TODAY() - datetime.timedelta(days=400)), ("2.0", TODAY() + datetime.timedelta(days=10)))
    for version, review in reviews:
        agreements.record(
            vendor,
            quality_admin,
            {"version": version, "effective_on": review - datetime.timedelta(days=300), "review_on": review},
            SimpleUploadedFile(f"qa-{version}.pdf", PDF),
        )
    prospective = Vendor.objects.create(name="Prospective Bio", country="FR")
    other_site = Site.objects.create(vendor=prospective, name="Lyon", country="FR")
    GMPCertificate.objects.create(site=other_site, number="FR-9", expires_on=TODAY() - datetime.timedelta(days=1))

    found = documents.due()
    assert [(d.what, d.event, d.expired) for d in found] == [
        (str(gone), "expires", True),
        ("Quality agreement 2.0", "review", False),  # the latest version only
        (str(soon), "expires", False),
    ]
    # The home page's card: the same documents, counted and sorted by the database.
    assert documents.first_due(10) == (found, 3, 1)
    assert documents.first_due(2) == (found[:2], 3, 1)

    client.force_login(reviewer)
    home = client.get("/").content.decode()
    assert "Documents expiring" in home and "3 GMP certificates" in home and "1 expired" in home
    listing = client.get("/insights/documents-due/?vendor_name=cellvector").content.decode()
    assert "BE-1" in listing and "BE-0" in listing and "Quality agreement 2.0" in listing and "FR-9" not in listing
    assert "BE-1" not in client.get("/insights/documents-due/?vendor_name=nobody").content.decode()
    assert client.get("/insights/documents-due/?inherent_risk=extreme").status_code == 400

    page = client.get(vendor.get_absolute_url()).content.decode()
    assert "BE-1" in page and ">expiring<" in page and ">expired<" in page and ">current<" in page
