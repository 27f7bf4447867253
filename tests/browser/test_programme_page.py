"""The audit programme page in a real browser (Debian's chromium through Playwright): overdue
and unscheduled items stand out, the filters narrow the list, a lead auditor schedules an item
into an assessment in one step and sees it scheduled with their workload, and their calendar
link serves a feed that icalendar parses, until it is revoked."""

import datetime
import re

import icalendar
import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from programme.models import FeedToken, ProgrammeItem
from tests.browser.test_accessibility import violations
from tests.factories import approved_assessment
from vendors.models import IndustryEvent, Vendor

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]


def test_lead_auditor_schedules_an_item_from_the_programme_page(
    pages, checklist, vendor, lead_auditor, auditor, reviewer
):
    approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("B.2", "minor")])
    vendor.refresh_from_db()
    IndustryEvent.objects.create(vendor=vendor, year=2026, month=11, kind="warning_letter", detail="Aseptic gaps")
    late = Vendor.objects.create(name="Late Bio", country="NL")
    Vendor.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(days=200))

    page = pages.login(lead_auditor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programme").click()
    expect(page).to_have_url(re.compile(r"/programme/$"))
    expect(page.get_by_role("heading", name="Audit programme")).to_be_visible()
    rows = page.locator("#programme-items tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#count-overdue")).to_have_text("1 overdue")
    expect(page.locator("#count-unscheduled")).to_have_text("2 unscheduled")
    overdue = rows.filter(has_text="Late Bio")
    expect(overdue).to_have_class(re.compile(r"\brow-overdue\b"))
    expect(overdue.locator(".status")).to_have_text("Overdue")
    for_cause = rows.filter(has_text="For cause")
    expect(for_cause).to_have_class(re.compile(r"\brow-unscheduled\b"))
    expect(for_cause).to_contain_text("Warning letter recorded (2026-11): Aseptic gaps")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    pages.screenshot(page, "programme")

    # The filters narrow the list.
    page.get_by_label("Kind").select_option("requalification")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    requalification = rows.first
    expect(requalification).to_contain_text(vendor.next_requalification_due.isoformat())

    # Schedule it in one step: the assessment is created and linked.
    requalification.get_by_role("button", name=re.compile("^Schedule")).click()
    expect(page.get_by_role("heading", name=f"Schedule: requalification of {vendor.name}")).to_be_visible()
    start = vendor.next_requalification_due - datetime.timedelta(days=14)
    page.get_by_label("Planned start").fill(start.isoformat())
    page.get_by_label("Planned end").fill((start + datetime.timedelta(days=1)).isoformat())
    expect(page.get_by_label("Lead auditor")).to_have_value(str(lead_auditor.pk))
    page.get_by_label("Audit team").select_option(label=auditor.full_name)
    page.get_by_role("button", name="Schedule the assessment").click()
    assessment = Assessment.objects.get(status="planned")
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/$"))
    assert ProgrammeItem.objects.get(assessment=assessment).kind == "requalification"

    page.goto("/programme/")
    scheduled = rows.filter(has_text=assessment.reference)
    expect(scheduled.locator(".status")).to_have_text("Scheduled")
    expect(scheduled.get_by_role("button", name=re.compile("^Schedule"))).to_have_count(0)
    workload = page.locator("#workload")
    expect(workload.locator("thead")).to_contain_text(start.strftime("%b %Y"))
    expect(workload.locator("tbody tr", has_text=lead_auditor.full_name)).to_contain_text("1")
    expect(workload.locator("tbody tr", has_text=auditor.full_name)).to_contain_text("1")
    pages.screenshot(page, "programme-scheduled")

    # The calendar link: made, read as a feed, revoked.
    page.get_by_role("button", name="Make my calendar link").click()
    url = page.locator("#feed-url").inner_text()
    assert url.endswith(FeedToken.objects.get(user=lead_auditor).key)
    feed = page.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert len(events) == 3
    assert any(str(e["SUMMARY"]) == f"Requalification audit: {vendor.name} ({assessment.reference})" for e in events)
    page.get_by_role("button", name="Revoke my calendar link").click()
    expect(page.get_by_text("You have no calendar link.")).to_be_visible()
    assert page.request.get(url).status == 404
