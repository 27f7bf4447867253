"""Bounded pages: every list a page shows is a page of it or the top of it with a count and a
link to all of it, and the queries a page makes do not grow with the rows (the same bound with N
rows and with 5N). The rows are inserted in bulk: what is measured is the pages, not the rules
that make the records (those are tested through the workflow elsewhere)."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from assessments import evaluation
from assessments.models import Assessment, CorrectiveAction, Finding, ScoreAtApproval
from checklists.models import Criterion
from insights import dashboards
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

Status = Assessment.Status
_serial = itertools.count(1)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html, label):
    """The HTML of the home page's section labelled by the heading `label`."""
    return re.search(rf'<section aria-labelledby="{label}">(.*?)</section>', html, re.S).group(1)


def body_rows(html):
    return len(re.findall(r"<tr[ >]", html.split("<tbody>", 1)[1])) if "<tbody>" in html else 0


class World:
    """Rows of every kind a page lists, added in bulk, `grow(n)` at a time: approved vendors due
    for requalification, each with an approved assessment and its frozen scores; open
    assessments of the lead (the auditor on the team); submitted ones waiting for the reviewer;
    open corrective actions; and approvals of one vendor (`history_vendor`) for its page."""

    def __init__(self, checklist, lead, auditor, reviewer, approver):
        self.checklist, self.lead, self.auditor, self.reviewer, self.approver = (
            checklist,
            lead,
            auditor,
            reviewer,
            approver,
        )
        self.criteria = list(Criterion.objects.filter(checklist=checklist).order_by("order"))
        self.history_vendor = Vendor.objects.create(name="Many Times Biologics", country="DE", inherent_risk="high")
        self.holder = self.assessments(1, Status.IN_PROGRESS, vendor=self.history_vendor)[0]

    def vendors(self, n, **fields):
        today = timezone.localdate()
        made = []
        for k in range(n):
            i = next(_serial)
            made.append(
                Vendor(
                    name=f"Bulk Vendor {i:05d}",
                    slug=f"bulk-vendor-{i:05d}",
                    country="DE",
                    region="europe",
                    inherent_risk=("high", "medium", "low")[k % 3],  # not by id: sequences differ
                    status="approved",
                    next_requalification_due=today + datetime.timedelta(days=i % 120 - 30),
                    **fields,
                )
            )
        return Vendor.objects.bulk_create(made)

    def assessments(self, n, status, vendor=None, vendors=None, **fields):
        now = timezone.now()
        made = Assessment.objects.bulk_create(
            [
                Assessment(
                    vendor=vendor or vendors[k],
                    checklist=self.checklist,
                    lead_auditor=self.lead,
                    reviewer=self.reviewer,
                    created_by=self.lead,
                    status=status,
                    submitted_at=now if status in (Status.SUBMITTED, Status.APPROVED) else None,
                    approved_at=now - datetime.timedelta(minutes=next(_serial)) if status == Status.APPROVED else None,
                    decision="approved" if status == Status.APPROVED else "",
                    **fields,
                )
                for k in range(n)
            ]
        )
        Assessment.audit_team.through.objects.bulk_create(
            [Assessment.audit_team.through(assessment_id=a.pk, user_id=self.auditor.pk) for a in made]
        )
        if status == Status.APPROVED:
            ScoreAtApproval.objects.bulk_create(
                [
                    ScoreAtApproval(
                        assessment=a,
                        signing_cycle=1,
                        overall_score=80 + a.pk % 20,
                        risk_rating=("low", "medium", "high")[k % 3],  # high-risk vendors rate low
                        criterion_scores=[
                            {
                                "code": c.code,
                                "title": c.title,
                                "score": float(60 + (a.pk * 7 + j) % 41),
                                "answered": 5,
                                "total": 6,
                            }
                            for j, c in enumerate(self.criteria)
                        ],
                    )
                    for k, a in enumerate(made)
                ]
            )
            evaluation.refresh_latest_approvals({a.vendor_id for a in made})  # as freeze_scores does
        return made

    def actions(self, n, assessment=None):
        assessment = assessment or self.holder
        start = Finding.objects.filter(assessment=assessment).count()
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    assessment=assessment,
                    number=start + k + 1,
                    criterion=self.criteria[k % len(self.criteria)],
                    classification="major",
                    description="Bulk finding",
                    created_by=self.lead,
                )
                for k in range(n)
            ]
        )
        today = timezone.localdate()
        return CorrectiveAction.objects.bulk_create(
            [
                CorrectiveAction(
                    finding=f,
                    description=f"Bulk action {f.number}",
                    owner="Head of QA",
                    due_date=today + datetime.timedelta(days=f.number % 60 - 20),
                    created_by=self.lead,
                )
                for f in findings
            ]
        )

    def grow(self, n):
        vendors = self.vendors(n)
        self.assessments(n, Status.APPROVED, vendors=vendors)
        self.assessments(n, Status.IN_PROGRESS, vendors=vendors)
        self.assessments(n, Status.SUBMITTED, vendors=vendors)
        self.assessments(n, Status.APPROVED, vendor=self.history_vendor)
        self.actions(n)


@pytest.fixture
def approver(make_user):
    return make_user("approver", Role.REVIEWER)


@pytest.fixture
def world(checklist, lead_auditor, auditor, reviewer, approver):
    return World(checklist, lead_auditor, auditor, reviewer, approver)


# --------------------------------------------------------------------------- capped cards


def test_each_dashboard_card_shows_ten_of_500_with_the_count_and_a_link_to_all(
    client, world, lead_auditor, reviewer, quality_admin
):
    vendors = world.vendors(500)
    world.assessments(500, Status.IN_PROGRESS, vendors=vendors)
    world.assessments(500, Status.SUBMITTED, vendors=vendors)
    world.actions(500)

    client.force_login(lead_auditor)
    html = client.get("/").content.decode()
    mine = section(html, "my-assessments")
    assert body_rows(mine) == 10
    # The lead leads the 500 in progress, the 500 submitted and one more: past the cap of 1,000.
    assert "more than 1,000 open assessments you lead or are on the team of; the 10 ending soonest." in text(mine)
    assert 'href="/insights/my-assessments/">See them all</a> (more than 1,000; 10 shown here)' in mine
    actions = section(html, "actions")
    assert body_rows(actions) == 10
    overdue = CorrectiveAction.objects.filter(due_date__lt=timezone.localdate()).count()
    assert f"500 open corrective actions, earliest due first; {overdue} overdue" in text(actions)
    assert 'href="/insights/corrective-actions/">See all 500</a>' in actions
    due = section(html, "requalification")
    assert body_rows(due) == 10
    count = dashboards.due_for_requalification().count()
    assert count >= 400 and f"{count} approved vendors overdue or due within 90 days" in text(due)
    assert f'href="/insights/requalification-due/">See all {count}</a>' in due

    client.force_login(reviewer)
    queue = section(client.get("/").content.decode(), "review-queue")
    assert body_rows(queue) == 10
    assert "500 submitted assessments assigned to you for review, oldest first." in text(queue)
    assert 'href="/insights/review-queue/">See all 500</a>' in queue

    # A quality administrator sees every open action: the same cap.
    client.force_login(quality_admin)
    assert body_rows(section(client.get("/").content.decode(), "actions")) == 10


def test_a_card_counts_up_to_the_cap_and_past_it_says_more_than(client, world, lead_auditor, monkeypatch):
    """The counts stop one row past `CARD_COUNT_CAP` (a count of every row grows with them): up
    to the cap the card gives the exact count, past it "more than" the cap; the list behind the
    card counts them all."""
    from config import counting

    monkeypatch.setattr(counting, "CARD_COUNT_CAP", 20)
    world.actions(20)
    client.force_login(lead_auditor)
    actions = section(client.get("/").content.decode(), "actions")
    assert "20 open corrective actions, earliest due first" in text(actions)
    assert 'href="/insights/corrective-actions/">See all 20</a>' in actions
    world.actions(5)
    with CaptureQueriesContext(connection) as queries:
        actions = section(client.get("/").content.decode(), "actions")
    assert "more than 20 open corrective actions, earliest due first" in text(actions)
    assert 'href="/insights/corrective-actions/">See them all</a> (more than 20; 10 shown here)' in actions
    counts = [q["sql"] for q in queries.captured_queries if "correctiveaction" in q["sql"] and "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 21" in sql for sql in counts)
    full_list = client.get("/insights/corrective-actions/").content.decode()
    assert "25 in all" in text(full_list)  # the list behind the card counts every one


def test_the_assessment_list_is_paginated_and_keeps_its_filter(client, world, quality_admin):
    """Every assessment can be reached from the list: pages of 25 (not the first 200 and no more),
    the status filter kept in the page links."""
    vendors = world.vendors(40)
    world.assessments(40, Status.IN_PROGRESS, vendors=vendors)
    world.assessments(3, Status.SUBMITTED, vendors=vendors)
    client.force_login(quality_admin)
    first = client.get("/assessments/?status=in_progress").content.decode()
    in_progress = Assessment.objects.filter(status=Status.IN_PROGRESS).count()  # the World's holder too
    assert body_rows(first) == 25 and f"Page 1 of {-(-in_progress // 25)}" in first
    assert 'href="?status=in_progress&amp;page=2" rel="next"' in first
    second = client.get("/assessments/?status=in_progress&page=2").content.decode()
    assert body_rows(second) == in_progress - 25
    shown = set(re.findall(r'href="/assessments/(\d+)/"', first + second))
    assert shown == {
        str(pk) for pk in Assessment.objects.filter(status=Status.IN_PROGRESS).values_list("pk", flat=True)
    }
    assert body_rows(client.get("/assessments/?page=999").content.decode()) > 0  # past the end: the last page


def test_the_lists_behind_the_cards_are_paginated_and_filtered(client, world, lead_auditor, reviewer):
    world.actions(60)
    vendors = world.vendors(30)
    world.assessments(30, Status.SUBMITTED, vendors=vendors)
    client.force_login(lead_auditor)
    first = client.get("/insights/corrective-actions/").content.decode()
    assert body_rows(first) == 25 and "Page 1 of 3" in first and "60 in all; 1-25 shown." in text(first)
    last = client.get("/insights/corrective-actions/?page=3").content.decode()
    assert body_rows(last) == 10 and "Page 3 of 3" in last
    overdue = CorrectiveAction.objects.filter(due_date__lt=timezone.localdate()).count()
    only_overdue = client.get("/insights/corrective-actions/?overdue=true").content.decode()
    assert f"{overdue} in all" in text(only_overdue) and "row-overdue" in only_overdue
    assert 'href="?overdue=true&amp;page=2"' in only_overdue or overdue <= 25
    # Bad input is a 400 naming the filter.
    response = client.get("/insights/corrective-actions/?status=nonsense")
    assert response.status_code == 400 and b"status" in response.content
    # Mine: the lead leads the 30 submitted and the holder; as team member, none.
    assert "31 in all" in text(client.get("/insights/my-assessments/").content.decode())
    assert "0 in all" in text(client.get("/insights/my-assessments/?role=team").content.decode())
    mine = client.get("/insights/my-assessments/?status=submitted&vendor_name=Bulk").content.decode()
    assert "30 in all; 1-25 shown." in text(mine) and "answered" in text(mine)
    # The review queue is the reviewer's; the lead has none.
    assert "0 in all" in text(client.get("/insights/review-queue/").content.decode())
    client.force_login(reviewer)
    assert "30 in all; 1-25 shown." in text(client.get("/insights/review-queue/").content.decode())
    due = client.get("/insights/requalification-due/?overdue=true").content.decode()
    overdue_vendors = dashboards.due_for_requalification().filter(next_requalification_due__lt=timezone.localdate())
    assert f"{overdue_vendors.count()} in all" in text(due)


# --------------------------------------------------------------------------- query counts


#: role: {page: the most queries it may make}. Every page pays 3 for the session and the user and
#: 3 for the session's save; the home page's cards 2 or 3 each (rows, count, progress; the
#: expiring documents 2: certificates and quality agreements), the risk matrix 1; a list or the
#: risk cell 2 (count, page) and 1 for the details of the rows shown; the comparison 2 for its
#: form, 1 for the frozen scores, 1 for the criteria and 1 to count what the default selection
#: leaves out; the vendor page 23 of its own (the registry's sections, its quality agreements
#: and its capability), the history panel's page, its count, the latest approvals, their findings and
#: their count, and the programme panel's at most 5 (its kept items, the vendor as due for
#: requalification and as prospective, the open assessments that answer its items, their teams).
ROLE_PAGES = {
    "auditor": {"/": 20, "/insights/my-assessments/": 9, "/insights/corrective-actions/": 8},
    "lead_auditor": {"/": 20, "/assessments/": 8, "/insights/my-assessments/": 9, "/insights/corrective-actions/": 8},
    "reviewer": {"/": 20, "/insights/review-queue/": 8},
    "quality_admin": {
        "/": 18,
        "/assessments/": 8,
        "/insights/requalification-due/": 8,
        "/insights/corrective-actions/": 8,
        "/insights/vendors/?inherent_risk=high&rating=low": 9,  # never empty: see World
        "/insights/vendors/?rating=none": 7,
        "/compare/": 11,
        "/compare/?scope=all": 10,
        "/compare/?scope=all&page=2": 10,
        "/compare/?search=bulk,many": 11,
        "/compare.csv?scope=all": 10,
        "HISTORY": 33,
    },
}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_query_counts_are_the_same_with_n_and_5n_rows(client, world, role, request, django_assert_max_num_queries):
    user = request.getfixturevalue(role)
    pages = {
        url.replace("HISTORY", world.history_vendor.get_absolute_url()): bound
        for url, bound in ROLE_PAGES[role].items()
    }
    client.force_login(user)
    n = 12  # more than a card holds, so that every count is a query of its own
    world.grow(n)
    for url in pages:
        assert client.get(url).status_code == 200, url  # warm the checklist cache and the session
    for url, bound in pages.items():
        with django_assert_max_num_queries(bound, info=f"{url} with {n} rows"):
            assert client.get(url).status_code == 200
    world.grow(4 * n)
    for url, bound in pages.items():
        with django_assert_max_num_queries(bound, info=f"{url} with {5 * n} rows"):
            response = client.get(url)
        assert response.status_code == 200
    if role == "quality_admin":
        everyone = client.get("/compare/?scope=all").content.decode()
        assert f"{5 * n + 1} vendors" in text(everyone) and "Page 1 of 7" in everyone
        assert len(re.findall(r'<th scope="col"><a href="/vendors/', everyone)) == 10
        recent = client.get("/compare/").content.decode()
        assert f"The 20 most recently approved of the {5 * n + 1} vendors" in text(recent)
        history = client.get(world.history_vendor.get_absolute_url()).content.decode()
        assert "Page 1 of 4" in history and "the latest 20 of 60 approved assessments" in text(history)


def test_the_risk_matrix_is_two_aggregate_queries(world, quality_admin, auditor, django_assert_num_queries):
    """The rated vendors counted by inherent risk and rating (each vendor's latest approval picked
    by a window function, not a subquery per vendor), and all vendors by inherent risk."""
    world.grow(12)
    for user in (quality_admin, auditor):
        dashboards.risk_matrix(user)  # reads the user's roles once
        with django_assert_num_queries(2):
            matrix = dashboards.risk_matrix(user)
        assert matrix.total == Vendor.objects.count()
    counts = {(r, c.rating): c.count for r, _, cells in dashboards.risk_matrix(quality_admin).rows for c in cells}
    latest = {}  # the rating of each vendor's latest approval, worked out here the slow way
    for frozen in ScoreAtApproval.objects.select_related("assessment__vendor").order_by("assessment__approved_at"):
        latest[frozen.assessment.vendor_id] = (frozen.assessment.vendor.inherent_risk, frozen.risk_rating)
    expected = {key: sum(1 for v in latest.values() if v == key) for key in set(latest.values())}
    assert {k: v for k, v in counts.items() if k[1] != "none" and v} == expected
    assert counts[("high", "none")] == Vendor.objects.filter(inherent_risk="high").exclude(pk__in=latest).count()


def test_the_most_recently_approved_vendors_are_those_a_ranking_of_every_approval_gives(world):
    """The comparison's default reads approvals newest first, a batch at a time; the vendors and
    approvals it keeps are the ones ranking every vendor's approvals would keep, even when one
    vendor's newest approvals fill more than a batch."""
    from insights import comparison

    world.grow(12)
    now = timezone.now()
    for k, made in enumerate(world.assessments(30, Status.APPROVED, vendor=world.history_vendor)):
        Assessment.objects.filter(pk=made.pk).update(approved_at=now + datetime.timedelta(minutes=k + 1))
    pool = ScoreAtApproval.objects.current()
    ranked = pool.latest_per_vendor().order_by("-assessment__approved_at", "-assessment_id")
    for n in (1, 3, 20):
        expected = list(ranked.values_list(*comparison._FIELDS)[:n])
        assert comparison._most_recently_approved(pool, n) == expected, n
    assert len(comparison._most_recently_approved(pool, 500)) == pool.values("assessment__vendor_id").distinct().count()
