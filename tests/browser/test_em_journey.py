"""Environmental monitoring in a real browser (Debian's chromium through Playwright): the lead
auditor imports a CSV file on the EM page, sees the excursions, confirms one as a finding, and
finds it in the PDF report rendered by a real Celery worker, read back with pdftotext."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Finding
from monitoring import reference_data
from monitoring.models import DataSet, ExcursionReview
from reports.models import AuditReport
from vendors.models import Site

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.integration,
    pytest.mark.pdf,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]


def em_csv() -> bytes:
    day = (timezone.now() - timedelta(days=10)).date().isoformat()
    lines = [
        "location,grade,state,kind,value,sampled_at",
        f"Filling BSC 1,A,in_operation,settle_plate,0,{day}T09:00:00Z",
        f"Filling BSC 1,A,in_operation,settle_plate,2,{day}T13:00:00Z",
        f"Filling BSC 1,A,in_operation,particles_0_5,812,{day}T09:05:00Z",
        f"Room 2.14,B,in_operation,air_viable,4,{day}T10:00:00Z",
        f"Corridor 2.10,C,at_rest,contact_plate,31,{day}T11:00:00Z",
    ]
    return ("\n".join(lines) + "\n").encode()


def test_auditor_imports_em_data_confirms_an_excursion_and_it_is_in_the_pdf(
    pages, assessment, lead_auditor, vendor, start_worker, tmp_path
):
    reference_data.load()
    assessment.site = Site.objects.create(vendor=vendor, name="Ghent suite", country="BE", grade_a=True)
    assessment.save(update_fields=["site"])
    worker = start_worker(name="browser-em", wait=False)

    page = pages.login(lead_auditor)
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_role("link", name="EM data").click()
    expect(page.get_by_role("link", name="EM data")).to_have_attribute("aria-current", "page")
    expect(page.locator("#em-empty")).to_be_visible()
    page.get_by_label(re.compile("CSV or XLSX file")).set_input_files(
        files=[{"name": "em-march.csv", "mimeType": "text/csv", "buffer": em_csv()}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text="imported: 5 samples, 2 excursions")).to_be_visible()
    data_set = DataSet.objects.get()
    expect(page.locator("#em-totals")).to_contain_text("2 excursions")

    proposals = page.locator("#em-proposals")
    bsc = proposals.locator("tr.em-proposal", has_text="Filling BSC 1")
    expect(bsc).to_contain_text("Major finding, question C.3")
    expect(proposals.locator("tr.em-proposal", has_text="Corridor 2.10")).to_contain_text("Minor finding")
    expect(page.locator("figure.chart-figure svg").first).to_be_visible()
    pages.screenshot(page, "em-page")

    bsc.get_by_text("Confirm as a finding").click()
    bsc.get_by_role("button", name="Raise the finding").click()
    expect(page.get_by_role("status").filter(has_text="F-01 raised (major)")).to_be_visible()
    expect(page.locator("#em-proposals tr.em-proposal", has_text="Filling BSC 1")).to_contain_text("Confirmed as F-01")
    finding = Finding.objects.get()
    assert ExcursionReview.objects.get().finding == finding and data_set.reference in finding.description

    # The finding is on the findings tab like any other, and in the draft report's PDF.
    page.get_by_role("link", name="Findings & actions").click()
    expect(page.locator("#finding-1")).to_contain_text("Filling BSC 1")
    worker.wait_ready()
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("button", name="Make a draft report").click()
    table = page.locator("#report-table")
    expect(table.locator(".status-ready")).to_have_text("Ready", timeout=90_000)
    with page.expect_download() as download_info:
        table.get_by_role("link", name="Download PDF").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Environmental monitoring" in flat
    assert data_set.reference in flat and "Filling BSC 1" in flat
    assert re.search(r"finding F-01 \(major\)", flat), flat[flat.find("Environmental monitoring") :][:1500]
    assert AuditReport.objects.get().status == "ready"
