"""The match page in a real browser (Debian's chromium through Playwright): a QA reviewer asks
which approved CDMOs can make an autologous cell therapy for Europe, sees them ranked with their
reasons, and the excluded vendors with why."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations
from tests.factories import approved_assessment
from vendors.models import Capability, Modality, Vendor

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]


def test_reviewer_matches_a_product_to_the_approved_cdmos(pages, checklist, lead_auditor, reviewer):
    autologous = Modality.objects.create(slug="autologous_cell_therapy", name="Autologous cell therapy")
    Modality.objects.create(slug="aav", name="AAV vectors")
    fits = Vendor.objects.create(name="Fitting Bio", country="DE")
    fits.modalities.add(autologous)
    Capability.objects.create(vendor=fits, commercial=True, slots_per_year=30, regions_shipped=["europe"])
    approved_assessment(checklist, fits, lead_auditor, reviewer)
    Vendor.objects.create(name="Prospective Bio", country="FR").modalities.add(autologous)

    page = pages.login(reviewer)
    page.get_by_role("link", name="Match a product to CDMOs").click()
    expect(page).to_have_url(re.compile(r"/match/$"))
    page.get_by_label("Modality").select_option(label="Autologous cell therapy")
    page.get_by_label("Phase").select_option("commercial")
    page.get_by_label("Batches per year").fill("12")
    page.get_by_label("Target region").select_option(label="Europe")
    page.get_by_role("button", name="Match").click()

    expect(page.get_by_role("heading", name="1 CDMO fit")).to_be_visible()
    row = page.locator("#match-results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fitting Bio")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("30 manufacturing slots a year for 12 batches.")
    excluded = page.locator("#match-excluded")
    excluded.locator("summary").click()
    expect(excluded.locator("tr", has_text="Prospective Bio")).to_contain_text("Not on the approved supplier list")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    pages.screenshot(page, "match")
