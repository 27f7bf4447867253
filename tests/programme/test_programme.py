"""The audit programme (programme/plan.py, proposals.py, feeds.py): requalifications from the
due date the approval set, initial qualifications, for-cause audits proposed by serious industry
events, scheduling an item into an assessment in one step, the status of each item, the workload
per auditor, and the page, CSV, API and iCalendar feeds that read it."""

import csv
import datetime
import io

import icalendar
import pytest
from django.utils import timezone

from assessments.models import Assessment
from assessments.scoring.rating import requalification_due
from audit.models import AuditEntry
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from programme import feeds, plan
from programme.choices import ItemKind, ItemStatus
from programme.models import FeedToken, ProgrammeItem
from tests.factories import approved_assessment, new_assessment
from vendors.models import IndustryEvent, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_vendor(checklist, vendor, lead_auditor, reviewer):
    """`vendor` (inherent risk high) approved today with the rating medium (one minor finding)."""
    approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("B.2", "minor")])
    vendor.refresh_from_db()
    return vendor


def only(found, **fields):
    matching = [i for i in found if all(getattr(i, k) == v for k, v in fields.items())]
    assert len(matching) == 1, [(i.key, i.kind, i.status) for i in found]
    return matching[0]


def schedule_values(lead, team, start):
    return {
        "planned_start": start,
        "planned_end": start + datetime.timedelta(days=2),
        "lead_auditor": lead,
        "audit_team": team,
    }


# --------------------------------------------------------------------------- what the programme holds


def test_a_vendor_approved_medium_with_high_inherent_risk_is_due_twelve_months_after_approval(
    approved_vendor, checklist, admin_api
):
    assert (approved_vendor.status, approved_vendor.inherent_risk, approved_vendor.risk_rating) == (
        "approved",
        "high",
        "medium",
    )
    # The built-in checklist's requalification matrix gives 12 months for high x medium.
    assert checklist.settings().requalification_months["high"]["medium"] == 12
    approved_on = timezone.localdate(Assessment.objects.get(vendor=approved_vendor).approved_at)
    expected = requalification_due(approved_on, 12)
    assert approved_vendor.next_requalification_due == expected

    item = only(plan.items(), vendor=approved_vendor)
    assert (item.kind, item.due, item.status, item.assessment) == ("requalification", expected, "unscheduled", None)
    assert "high inherent risk" in item.reason and "rated medium" in item.reason

    body = admin_api.get(f"/api/programme/?from={expected}&to={expected}").json()
    assert body["count"] == 1
    assert body["results"][0] | {"key": None} == {
        "key": None,
        "vendor": approved_vendor.pk,
        "vendor_name": approved_vendor.name,
        "due": expected.isoformat(),
        "kind": "requalification",
        "reason": item.reason,
        "assessment": None,
        "status": "unscheduled",
    }


def test_a_prospective_vendor_without_an_assessment_has_an_initial_item_until_one_is_planned(
    vendor, checklist, lead_auditor, reviewer, auditor
):
    item = only(plan.items(), vendor=vendor)
    registered = timezone.localdate(vendor.created_at)
    assert (item.kind, item.due) == ("initial", registered + datetime.timedelta(days=plan.INITIAL_WITHIN_DAYS))
    assert item.status == "unscheduled"

    # Planned directly (not through the programme): the vendor has an assessment, no initial item.
    new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    assert plan.items() == []


def test_an_item_past_its_due_date_is_overdue():
    day = datetime.date(2026, 6, 1)
    assert plan.status_of(None, day, today=day) == "unscheduled"
    assert plan.status_of(None, day, today=day + datetime.timedelta(days=1)) == "overdue"


@pytest.mark.parametrize("kind", ["warning_letter", "recall", "oai_inspection", "critical_finding_elsewhere"])
def test_a_serious_event_on_an_approved_vendor_proposes_a_for_cause_item(approved_vendor, kind, quality_admin):
    from audit import context

    with context.acting(quality_admin):
        event = IndustryEvent.objects.create(
            vendor=approved_vendor, year=2026, month=11, kind=kind, detail="FDA letter on aseptic processing"
        )
    kept = ProgrammeItem.objects.get(event=event)
    assert (kept.kind, kept.vendor, kept.created_by) == ("for_cause", approved_vendor, quality_admin)
    assert kept.due == timezone.localdate() + datetime.timedelta(days=plan.FOR_CAUSE_WITHIN_DAYS)
    item = only(plan.items(), kind="for_cause")
    assert item.key == f"item-{kept.pk}" and item.status == "unscheduled"
    assert "2026-11" in item.reason and "aseptic processing" in item.reason
    # Saving the event again proposes nothing more; the proposal is in the audit trail.
    event.detail = "FDA letter on aseptic processing, corrected"
    event.save()
    assert ProgrammeItem.objects.filter(vendor=approved_vendor, kind="for_cause").count() == 1
    entry = AuditEntry.objects.get_for_object(kept).get()
    assert entry.actor == quality_admin


def test_no_for_cause_item_for_a_prospective_vendor_or_an_event_that_is_not_serious(approved_vendor):
    prospective = Vendor.objects.create(name="Not Yet Bio", country="FR")
    IndustryEvent.objects.create(vendor=prospective, year=2026, kind="warning_letter", detail="Letter")
    IndustryEvent.objects.create(vendor=approved_vendor, year=2026, kind="facility_expansion", detail="New suite")
    assert not ProgrammeItem.objects.exists()


def test_a_warning_letter_recorded_in_the_admin_proposes_a_for_cause_item(approved_vendor, quality_admin, client):
    client.force_login(quality_admin)
    page = client.get(f"/admin/vendors/vendor/{approved_vendor.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({f: [str(x.pk) for x in form.initial.get(f, [])] for f in ("service_lines", "modalities")})
    data.update({f: [] for f in ("therapeutic_areas",)})
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    events = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is IndustryEvent)
    data.update(
        {
            f"{events}-TOTAL_FORMS": "1",
            f"{events}-0-year": "2026",
            f"{events}-0-month": "10",
            f"{events}-0-kind": "warning_letter",
            f"{events}-0-detail": "Warning letter: media fill failures",
        }
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(f"/admin/vendors/vendor/{approved_vendor.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    kept = ProgrammeItem.objects.get(vendor=approved_vendor)
    assert kept.kind == "for_cause" and "media fill failures" in kept.reason and kept.created_by == quality_admin


# --------------------------------------------------------------------------- scheduling


def test_scheduling_an_item_creates_the_assessment_and_links_it(approved_vendor, lead_auditor, auditor, checklist):
    item = only(plan.items(), vendor=approved_vendor)
    start = item.due - datetime.timedelta(days=30)
    assessment = plan.schedule(item, lead_auditor, schedule_values(lead_auditor, [auditor], start))

    assert (assessment.vendor, assessment.kind, assessment.checklist, assessment.status) == (
        approved_vendor,
        "requalification",
        checklist,
        "planned",
    )
    assert (assessment.planned_start, assessment.planned_end) == (start, start + datetime.timedelta(days=2))
    assert assessment.lead_auditor == lead_auditor and list(assessment.audit_team.all()) == [auditor]
    kept = ProgrammeItem.objects.get()
    assert (kept.assessment, kept.due, kept.kind) == (assessment, item.due, "requalification")
    assert kept.created_by == lead_auditor
    linked = only(plan.items(), vendor=approved_vendor)
    assert (linked.key, linked.assessment, linked.status) == (f"item-{kept.pk}", assessment, "scheduled")

    with pytest.raises(ConflictError):
        plan.schedule(linked, lead_auditor, schedule_values(lead_auditor, [auditor], start))
    assert Assessment.objects.filter(vendor=approved_vendor).count() == 2  # the approved one and this one

    # Started, then approved: in progress, then done.
    Assessment.objects.filter(pk=assessment.pk).update(status="in_progress")
    assert plan.find(linked.key).status == "in_progress"
    Assessment.objects.filter(pk=assessment.pk).update(status="approved")
    assert plan.find(linked.key).status == "done"


def test_scheduling_is_refused_with_what_is_wrong_and_changes_nothing(approved_vendor, lead_auditor, auditor, reviewer):
    item = only(plan.items(), vendor=approved_vendor)
    with pytest.raises(NotAllowed):
        plan.schedule(item, reviewer, schedule_values(lead_auditor, [auditor], item.due))
    with pytest.raises(InvalidInput) as refused:
        plan.schedule(item, lead_auditor, {"lead_auditor": lead_auditor})
    assert "planned_start" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:  # the planning rules: the reviewer is not on the team
        plan.schedule(item, lead_auditor, schedule_values(lead_auditor, [auditor], item.due) | {"reviewer": auditor})
    assert "reviewer" in refused.value.errors
    assert Assessment.objects.filter(vendor=approved_vendor).count() == 1 and not ProgrammeItem.objects.exists()


def test_scheduling_from_the_page_and_the_api(approved_vendor, lead_auditor, auditor, client, lead_api, reviewer_api):
    IndustryEvent.objects.create(vendor=approved_vendor, year=2026, kind="recall", detail="Class II recall")
    for_cause, requalification = (only(plan.items(), kind=k) for k in ("for_cause", "requalification"))

    client.force_login(lead_auditor)
    form = client.get(f"/programme/items/{requalification.key}/schedule/")
    assert form.status_code == 200 and approved_vendor.name in form.content.decode()
    start = requalification.due.isoformat()
    bad = client.post(f"/programme/items/{requalification.key}/schedule/", {"kind": "requalification"})
    assert bad.status_code == 400 and not ProgrammeItem.objects.exclude(kind="for_cause").exists()
    body = {
        "kind": "requalification",
        "mode": "remote",
        "checklist": str(plan.default_checklist().pk),
        "planned_start": start,
        "lead_auditor": str(lead_auditor.pk),
        "audit_team": [str(auditor.pk)],
    }
    done = client.post(f"/programme/items/{requalification.key}/schedule/", body)
    assessment = Assessment.objects.get(programme_items__kind="requalification")
    assert done.status_code == 302 and done["Location"] == assessment.get_absolute_url()
    assert (assessment.mode, assessment.planned_end) == ("remote", requalification.due)

    assert reviewer_api.post("/api/programme/schedule/", {"item": for_cause.key}, format="json").status_code == 403
    for key in ("item-999999", "item-" + "9" * 30, f"initial-{'9' * 30}-2026-01-01", "nothing", ""):
        refused = lead_api.post("/api/programme/schedule/", {"item": key, "planned_start": start}, format="json")
        assert refused.status_code == 400 and "item" in refused.json()
    assert client.get("/programme/items/item-" + "9" * 30 + "/schedule/").status_code == 404
    response = lead_api.post(
        "/api/programme/schedule/",
        {"item": for_cause.key, "planned_start": start, "audit_team": [auditor.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    scheduled = Assessment.objects.get(pk=response.json()["assessment"])
    assert scheduled.kind == "for_cause" and scheduled.lead_auditor == lead_auditor
    assert response.json()["item"] | {"reason": None} == {
        "key": for_cause.key,
        "vendor": approved_vendor.pk,
        "vendor_name": approved_vendor.name,
        "due": for_cause.due.isoformat(),
        "kind": "for_cause",
        "reason": None,
        "assessment": scheduled.pk,
        "status": "scheduled",
    }
    again = lead_api.post("/api/programme/schedule/", {"item": for_cause.key, "planned_start": start}, format="json")
    assert again.status_code == 409


def test_workload_counts_each_auditor_in_the_month_of_the_planned_start(
    approved_vendor, lead_auditor, auditor, make_user
):
    other = Vendor.objects.create(name="Second Bio", country="NL")
    first, second = only(plan.items(), vendor=approved_vendor), only(plan.items(), vendor=other)
    plan.schedule(first, lead_auditor, schedule_values(lead_auditor, [auditor], datetime.date(2027, 3, 2)))
    plan.schedule(second, lead_auditor, schedule_values(lead_auditor, [], datetime.date(2027, 3, 20)))
    months, rows = plan.workload(plan.items())
    assert months == [datetime.date(2027, 3, 1)]
    assert {person.username: counts for person, counts in rows} == {"lead": [2], "auditor": [1]}


# --------------------------------------------------------------------------- API filters, page, CSV


def test_the_api_filters_by_from_and_to(approved_vendor, admin_api):
    other = Vendor.objects.create(name="Second Bio", country="NL")
    due_initial = timezone.localdate(other.created_at) + datetime.timedelta(days=plan.INITIAL_WITHIN_DAYS)
    due_requal = approved_vendor.next_requalification_due
    assert due_initial < due_requal

    def vendors(query):
        response = admin_api.get(f"/api/programme/{query}")
        assert response.status_code == 200, response.content
        return [r["vendor"] for r in response.json()["results"]]

    assert vendors("") == [other.pk, approved_vendor.pk]
    assert vendors(f"?from={due_initial + datetime.timedelta(days=1)}") == [approved_vendor.pk]
    assert vendors(f"?to={due_requal - datetime.timedelta(days=1)}") == [other.pk]
    assert vendors(f"?from={due_initial}&to={due_initial}") == [other.pk]
    assert vendors(f"?from={due_requal + datetime.timedelta(days=1)}") == []
    assert vendors("?kind=requalification") == [approved_vendor.pk]
    assert vendors("?status=unscheduled&vendor_name=second") == [other.pk]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "to=yesterday",
        "from=2027-01-02&to=2027-01-01",
        "from=2026-02-30",
        "kind=audit",
        "status=late",
    ],
)
def test_bad_filters_are_a_400(query, admin_api, client, quality_admin):
    response = admin_api.get(f"/api/programme/?{query}")
    assert response.status_code == 400 and response.json()
    client.force_login(quality_admin)
    assert client.get(f"/programme/?{query}").status_code == 400
    assert client.get(f"/programme.csv?{query}").status_code == 400


def test_who_reads_the_programme(vendor, api, make_user, auditor, reviewer, lead_auditor, quality_admin):
    contact = make_user("vendorperson", "vendor_contact")
    assert api.as_user(contact).get("/api/programme/").status_code == 403
    for reader in (auditor, reviewer, lead_auditor, quality_admin):
        assert api.as_user(reader).get("/api/programme/").json()["count"] == 1


def test_the_page_shows_overdue_and_unscheduled_items_and_the_csv_has_them(
    approved_vendor, client, reviewer, lead_auditor
):
    late = Vendor.objects.create(name="=Late Bio", country="NL")
    Vendor.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(days=200))
    client.force_login(reviewer)
    page = client.get("/programme/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 overdue" in html and "1 unscheduled" in html and "row-overdue" in html and "row-unscheduled" in html
    assert "/schedule/" not in html  # reviewers read; they do not schedule
    client.force_login(lead_auditor)
    assert "/schedule/" in client.get("/programme/").content.decode()

    response = client.get("/programme.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Vendor", "Kind", "Due", "Status"]  # in words, values too
    assert [r[:2] + [r[3]] for r in rows[1:]] == [
        ["'=Late Bio", ItemKind.INITIAL.label, ItemStatus.OVERDUE.label],  # neutralised against formulas
        [approved_vendor.name, ItemKind.REQUALIFICATION.label, ItemStatus.UNSCHEDULED.label],
    ]


# --------------------------------------------------------------------------- the calendar feed


def test_the_feed_parses_with_icalendar_and_a_revoked_token_is_a_404(
    approved_vendor, client, lead_auditor, auditor, reviewer
):
    other = Vendor.objects.create(name="Second Bio", country="NL")
    plan.schedule(
        only(plan.items(), vendor=other), lead_auditor, schedule_values(lead_auditor, [], datetime.date(2027, 2, 1))
    )
    token = feeds.issue(auditor)

    response = client.get(f"/programme.ics?token={token.key}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == len(plan.items(end=plan.window()[1])) == 2
    by_summary = {str(e["SUMMARY"]): e for e in events}
    due = by_summary[f"Requalification due: {approved_vendor.name}"]
    assert due.decoded("DTSTART") == approved_vendor.next_requalification_due
    audit = next(e for s, e in by_summary.items() if s.startswith("Initial qualification audit: Second Bio"))
    assert (audit.decoded("DTSTART"), audit.decoded("DTEND")) == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 4))
    assert len({str(e["UID"]) for e in events}) == 2

    # The lead's own feed holds their audit only; the auditor is on no team.
    lead_token = feeds.issue(lead_auditor)
    mine = icalendar.Calendar.from_ical(client.get(f"/programme.ics?token={lead_token.key}&mine=1").content)
    assert [str(e["SUMMARY"]) for e in mine.walk("VEVENT")] == [str(audit["SUMMARY"])]
    not_mine = client.get(f"/programme.ics?token={token.key}&mine=1").content
    assert icalendar.Calendar.from_ical(not_mine).walk("VEVENT") == []

    # Revoked: 404, and a new token replaces an old one.
    assert feeds.revoke(auditor) is True
    assert client.get(f"/programme.ics?token={token.key}").status_code == 404
    replaced = feeds.issue(lead_auditor)
    assert client.get(f"/programme.ics?token={lead_token.key}").status_code == 404
    assert client.get(f"/programme.ics?token={replaced.key}").status_code == 200
    for query in ("", "?token=", "?token=nope", f"?token={'x' * 500}"):
        assert client.get(f"/programme.ics{query}").status_code == 404
    # A deactivated user's token stops too.
    lead_auditor.is_active = False
    lead_auditor.save()
    assert client.get(f"/programme.ics?token={replaced.key}").status_code == 404


def test_feed_tokens_from_the_page_and_the_api(client, auditor, api, make_user):
    client.force_login(auditor)
    assert client.post("/programme/feed-token/").status_code == 302
    token = FeedToken.objects.get(user=auditor)
    assert token.key in client.get("/programme/").content.decode()
    assert client.post("/programme/feed-token/revoke/").status_code == 302
    assert not FeedToken.objects.exists()

    reader = api.as_user(auditor)
    issued = reader.post("/api/programme/feed-token/")
    assert issued.status_code == 201
    url = issued.json()["url"]
    assert url.endswith(f"/programme.ics?token={FeedToken.objects.get().key}")
    assert client.get(url.split("testserver", 1)[1]).status_code == 200
    assert reader.delete("/api/programme/feed-token/").status_code == 204
    assert client.get(url.split("testserver", 1)[1]).status_code == 404
    assert reader.delete("/api/programme/feed-token/").status_code == 404

    contact = make_user("vendorperson", "vendor_contact")
    assert api.as_user(contact).post("/api/programme/feed-token/").status_code == 403
    # A token issued before its user lost the reading role gives nothing.
    FeedToken.objects.create(user=contact, key="k" * 40)
    assert client.get("/programme.ics?token=" + "k" * 40).status_code == 404


def test_a_feed_token_ends_with_a_password_change_or_a_deactivation(auditor, lead_auditor, client):
    token = feeds.issue(auditor)
    auditor.first_name = "Renamed"
    auditor.save()
    assert client.get(f"/programme.ics?token={token.key}").status_code == 200  # other saves keep it
    auditor.set_password("a new and long passphrase")
    auditor.save()
    assert not FeedToken.objects.filter(user=auditor).exists()
    assert client.get(f"/programme.ics?token={token.key}").status_code == 404

    token = feeds.issue(lead_auditor)
    lead_auditor.is_active = False
    lead_auditor.save()
    lead_auditor.is_active = True
    lead_auditor.save()
    assert client.get(f"/programme.ics?token={token.key}").status_code == 404  # dead for good


def test_a_cancelled_assessment_schedules_nothing_and_the_item_is_scheduled_again(
    approved_vendor, lead_auditor, auditor
):
    item = only(plan.items(), vendor=approved_vendor)
    first = plan.schedule(item, lead_auditor, schedule_values(lead_auditor, [auditor], item.due))
    Assessment.objects.filter(pk=first.pk).update(status="cancelled")
    again = plan.find(f"item-{ProgrammeItem.objects.get().pk}")
    assert (again.status, again.may_schedule) == ("unscheduled", True)
    second = plan.schedule(again, lead_auditor, schedule_values(lead_auditor, [auditor], item.due))
    assert ProgrammeItem.objects.get().assessment == second


def test_the_vendor_page_shows_its_programme_to_its_readers(approved_vendor, client, reviewer, lead_auditor):
    IndustryEvent.objects.create(vendor=approved_vendor, year=2026, kind="recall", detail="Class I recall")
    client.force_login(reviewer)
    page = client.get(approved_vendor.get_absolute_url()).content.decode()
    assert 'id="vendor-programme"' in page and "Class I recall" in page and "Requalification" in page
    assert "/schedule/" not in page
    client.force_login(lead_auditor)
    assert client.get(approved_vendor.get_absolute_url()).content.decode().count("/schedule/") == 2


REASON_TEXT = "The recall concerns a product line this vendor does not make for us."


def test_a_for_cause_proposal_is_dismissed_with_a_reason(
    approved_vendor, lead_auditor, auditor, reviewer, client, lead_api, reviewer_api
):
    first = IndustryEvent.objects.create(vendor=approved_vendor, year=2026, kind="recall", detail="Recall one")
    second = IndustryEvent.objects.create(vendor=approved_vendor, year=2026, kind="recall", detail="Recall two")
    one, two = (only(plan.items(), reason=ProgrammeItem.objects.get(event=e).reason) for e in (first, second))

    with pytest.raises(NotAllowed):
        plan.dismiss(one, reviewer, REASON_TEXT)
    with pytest.raises(InvalidInput):
        plan.dismiss(one, lead_auditor, "no")
    with pytest.raises(ConflictError):  # computed items follow from the registry
        plan.dismiss(only(plan.items(), kind="requalification"), lead_auditor, REASON_TEXT)

    client.force_login(lead_auditor)
    form = client.get(f"/programme/items/{one.key}/schedule/").content.decode()
    assert "Dismiss the proposal" in form
    assert client.post(f"/programme/items/{one.key}/dismiss/", {"reason": "no"}).status_code == 302
    assert ProgrammeItem.objects.get(pk=one.kept.pk).dismissed_at is None
    assert client.post(f"/programme/items/{one.key}/dismiss/", {"reason": REASON_TEXT}).status_code == 302
    row = ProgrammeItem.objects.get(pk=one.kept.pk)
    assert (row.dismissed_by, row.dismissal_reason) == (lead_auditor, REASON_TEXT)
    assert [i.key for i in plan.items(kind="for_cause")] == [two.key]
    assert plan.find(one.key) is None
    assert AuditEntry.objects.get_for_object(row).filter(reason=REASON_TEXT).exists()

    body = {"item": two.key, "reason": REASON_TEXT}
    assert reviewer_api.post("/api/programme/dismissal/", body, format="json").status_code == 403
    plan.schedule(two, lead_auditor, schedule_values(lead_auditor, [auditor], two.due))
    assert lead_api.post("/api/programme/dismissal/", body, format="json").status_code == 409  # scheduled
    Assessment.objects.filter(programme_items__pk=two.kept.pk).update(status="cancelled")
    response = lead_api.post("/api/programme/dismissal/", body, format="json")
    assert response.status_code == 200 and response.json()["dismissed_by"] == lead_auditor.username
    assert lead_api.post("/api/programme/dismissal/", body, format="json").status_code == 400  # gone
    # A dismissed event proposes nothing again when it is saved.
    second.detail = "Recall two, updated"
    second.save()
    assert plan.items(kind="for_cause") == []
