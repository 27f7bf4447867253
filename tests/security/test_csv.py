"""Every CSV the product writes neutralises cells that a spreadsheet would run as formulas: the
audit-trail exports (API and page), the vendor comparison, the vendor export of the admin and the
manifest of report archives, all through config.spreadsheet.neutralise."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from config.spreadsheet import DictWriter, neutralise, writer
from tests.factories import approved_assessment
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_starting_like_a_formula_gets_a_single_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "a=b", "2026-01-31T00:00:00Z", "-4", "-0.5", "12", "Ghent -1"])
def test_other_text_and_plain_numbers_are_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [None, 3, -3.5, True])
def test_values_that_are_not_text_are_left_alone(value):
    assert neutralise(value) is value


def test_the_writers_neutralise_every_cell():
    buffer = io.StringIO()
    writer(buffer).writerows([["=1", "ok"], ["x", "@y"]])
    assert cells(buffer.getvalue()) == ["'=1", "ok", "x", "'@y"]
    buffer = io.StringIO()
    dict_writer = DictWriter(buffer, fieldnames=["a", "b"])
    dict_writer.writeheader()
    dict_writer.writerow({"a": "+1", "b": "fine"})
    assert cells(buffer.getvalue()) == ["a", "b", "'+1", "fine"]


def test_the_audit_trail_csv_of_the_api_and_of_the_page_neutralise_formulas(api, client, assessment, lead_auditor):
    comment = FORMULAS[0]
    response = api.as_user(lead_auditor).put(
        f"/api/assessments/{assessment.pk}/answers/",
        [{"question": "A.3", "value": "compliant", "comment": comment}],
        format="json",
    )
    assert response.status_code == 200
    exported = api.get(f"/api/assessments/{assessment.pk}/history/", {"export": "csv"}).content.decode()
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{assessment.pk}/history.csv").content.decode()
    for text in (exported, page):
        assert "'" + comment in cells(text)
        assert comment not in [c for c in cells(text) if not c.startswith("'")]


def test_the_comparison_csv_neutralises_a_vendor_name(client, checklist, lead_auditor, reviewer, quality_admin):
    vendor = Vendor.objects.create(name="=cmd|' /C calc'!A0", country="CH", inherent_risk="high")
    approved_assessment(checklist, vendor, lead_auditor, reviewer)
    client.force_login(quality_admin)
    response = client.get("/compare.csv", {"checklist": checklist.code})
    assert response.status_code == 200
    assert "'=cmd|' /C calc'!A0" in cells(response.content.decode())


def test_the_vendor_export_of_the_admin_neutralises_formulas(client, quality_admin):
    Vendor.objects.create(name="@Evil Biologics", country="CH", inherent_risk="high", description="=1+1")
    client.force_login(quality_admin)
    page = client.get("/admin/vendors/vendor/export/")
    assert page.status_code == 200
    from vendors.resources import VendorResource

    exported = VendorResource().export(Vendor.objects.filter(name="@Evil Biologics")).csv
    assert "'@Evil Biologics" in cells(exported) and "'=1+1" in cells(exported)


def test_the_manifest_of_a_report_archive_neutralises_the_vendor_name(checklist, lead_auditor, reviewer):
    from reports.models import AuditReport, ReportArchive
    from reports.tasks import _zip_final_reports

    vendor = Vendor.objects.create(name="+Evil Cells", country="CH", inherent_risk="high")
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    pdf = b"%PDF-1.4 manifest test"
    report = AuditReport(
        assessment=assessment,
        number=99,
        kind="final",
        status="ready",
        requested_by=lead_auditor,
        size=len(pdf),
        pages=1,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    report.file.save("manifest-test.pdf", ContentFile(pdf), save=False)
    report.save()
    archive = ReportArchive.objects.create(requested_by=lead_auditor, status="queued")
    archive.assessments.set([assessment])
    try:
        data, missing = _zip_final_reports(archive)
        manifest = zipfile.ZipFile(io.BytesIO(data)).read("MANIFEST.csv").decode()
        assert not missing and "'+Evil Cells" in cells(manifest)
    finally:
        report.file.storage.delete(report.file.name)
