"""The insight pages, through the Django test client: the home dashboard by role, the vendor page's
history and trends, the comparison with percentiles (and its CSV), and the audit-trail timeline
(and its CSV). Content is asserted, not only status codes; so is who may not see what."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessments import findings as finding_service
from assessments import history, workflow
from assessments.answers import save_answers
from assessments.models import Assessment, CorrectiveAction
from audit import trail
from audit.context import acting
from checklists.models import Question
from insights import comparison, dashboards
from tests.factories import approved_assessment, attach_required_evidence, compliant_answers, downgrade_rationale
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(make_user):
    """A second QA reviewer, on no audit team, who approves."""
    return make_user("approver", Role.REVIEWER)


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def text(html):
    """The page's text with tags removed and white space collapsed, for assertions on sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def vendors(*names):
    return [Vendor.objects.get(name=n) for n in names]


def questions_of(checklist, criterion):
    return list(Question.objects.filter(checklist=checklist, criterion__code=criterion).order_by("order"))


# --------------------------------------------------------------------------- home


def test_home_needs_a_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_home_shows_my_open_assessments_with_progress_of_visible_questions(
    client, checklist, registry_assessment, lead_auditor, auditor, make_user
):
    assessment = registry_assessment  # of the registry's Lonza Group: the page names the vendor
    total = checklist.questions.count()
    conditional = checklist.questions.exclude(condition_question="").count()
    assert conditional == 4  # A.7 (if A.6 = yes); D.7, D.10, E.6 (if A.4 = yes)
    # A.4 = yes shows D.7, D.10 and E.6; A.7 stays hidden until A.6 is answered yes.
    save_answers(
        assessment,
        auditor,
        [
            {"question": "A.3", "value": "compliant"},
            {"question": "A.4", "value": "yes"},
            {"question": "B.1", "value": "partial"},
        ],
    )
    visible = total - 1
    html = page(client, auditor, "/")
    body = text(html)
    assert "My assessments" in body
    assert f"3 / {visible} answered ({round(300 / visible)} %)" in body
    assert assessment.reference in body and "Lonza Group" in body and "In progress" in body
    assert "Team member" in body and "Waiting for review" not in body
    assert f'<progress value="3" max="{visible}"' in html
    assert "Lead auditor" in text(page(client, lead_auditor, "/"))
    # Not on the team: not "mine".
    outsider = make_user("outsider", Role.AUDITOR)
    assert assessment.reference not in page(client, outsider, "/")
    # Cancelled assessments leave the list.
    assessment.refresh_from_db()
    workflow.cancel(assessment, lead_auditor, reason="Audit postponed by the vendor")
    assert assessment.reference not in page(client, auditor, "/")


def test_home_reviewer_queue_lists_submitted_assessments_not_their_own(
    client, checklist, assessment, lead_auditor, reviewer, make_user
):
    save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    body = text(page(client, reviewer, "/"))
    assert "Waiting for review" in body and "assigned to you for review" in body
    assert assessment.reference in body and "Lead Tester" in body  # the lead auditor's name
    # Only the assigned reviewer approves, so another reviewer's queue does not list it.
    other = make_user("reviewer2", Role.REVIEWER)
    assert list(dashboards.review_queue(other)) == []
    assert assessment.reference not in page(client, other, "/")
    assert "No submitted assessment is waiting for you." in text(page(client, other, "/"))
    # Auditors have no queue.
    assert list(dashboards.review_queue(lead_auditor)) == []


def test_home_lists_vendors_due_or_overdue_for_requalification(client, auditor, reference_data):
    today = timezone.localdate()
    cases = {
        "Lonza Group": ("approved", today + datetime.timedelta(days=30)),
        "KBI Biopharma": ("conditionally_approved", today - datetime.timedelta(days=10)),
        "Takara Bio": ("approved", today + datetime.timedelta(days=200)),  # not yet
        "Nikon Corporation": ("not_approved", today - datetime.timedelta(days=5)),  # not approved
    }
    for name, (status, due) in cases.items():
        Vendor.objects.filter(name=name).update(status=status, next_requalification_due=due)
    due, count, overdue = dashboards.vendors_due()
    assert (count, overdue) == (2, 1)
    assert [(v.name, v.days_left, v.overdue) for v in due] == [("KBI Biopharma", -10, True), ("Lonza Group", 30, False)]
    body = text(page(client, auditor, "/"))
    assert "1 overdue" in body
    assert "KBI Biopharma Conditionally approved" in body and "overdue by 10 days" in body
    assert "in 30 days" in body
    assert "Takara Bio" not in body.split("Requalification due")[1].split("Vendor risk matrix")[0]


def test_home_open_corrective_actions_only_of_visible_assessments_overdue_first(
    client, checklist, vendor, assessment, lead_auditor, auditor, make_user
):
    q = Question.objects.get(checklist=checklist, code="C.1")
    finding = finding_service.raise_finding(
        assessment,
        auditor,
        description="EM trend not reviewed",
        classification="major",
        question=q,
        downgrade_rationale=downgrade_rationale(q, "major"),
    )
    # Due dates are today or later when planned; these fell due while the vendor worked on them.
    late = finding_service.plan_action(
        finding, auditor, description="Trend EM data monthly", owner="Head of QC", due_date=timezone.localdate()
    )
    CorrectiveAction.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    late.refresh_from_db()
    finding_service.plan_action(
        finding,
        auditor,
        description="Retrain QC staff",
        owner="QC manager",
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    closed = finding_service.plan_action(
        finding, auditor, description="Already done", owner="QA", due_date=timezone.localdate()
    )
    CorrectiveAction.objects.filter(pk=closed.pk).update(
        status="closed", due_date=timezone.localdate() - datetime.timedelta(days=30)
    )
    # An action on an assessment the auditor is not on.
    other_lead = make_user("lead2", Role.LEAD_AUDITOR, Role.AUDITOR)
    hidden = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=other_lead, created_by=other_lead
    )
    hidden_finding = finding_service.raise_finding(
        hidden,
        other_lead,
        description="Hidden",
        classification="major",
        question=q,
        downgrade_rationale=downgrade_rationale(q, "major"),
    )
    finding_service.plan_action(
        hidden_finding, other_lead, description="Secret action", owner="X", due_date=timezone.localdate()
    )

    actions, count, overdue = dashboards.open_actions(auditor)
    assert (count, overdue) == (2, 1)
    assert [a.description for a in actions] == ["Trend EM data monthly", "Retrain QC staff"]
    assert [a.is_overdue for a in actions] == [True, False]
    html = page(client, auditor, "/")
    body = text(html)
    assert "2 open corrective actions, earliest due first; 1 overdue" in body
    assert "Trend EM data monthly" in body and "Secret action" not in body and "Already done" not in body
    row = re.search(r'<tr class="row-overdue">(.*?)</tr>', html, re.S).group(1)
    assert "Trend EM data monthly" in row and "overdue" in text(row)
    assert late.due_date.isoformat() in row
    # The other lead sees theirs only; a quality admin sees all three open ones.
    assert [a.description for a in dashboards.open_actions(other_lead)[0]] == ["Secret action"]


def test_home_risk_matrix_counts_vendors_and_links_each_cell(
    client, checklist, lead_auditor, auditor, reviewer, approver, quality_admin, reference_data
):
    lonza, kbi, takara = vendors("Lonza Group", "KBI Biopharma", "Takara Bio")
    Vendor.objects.filter(pk=kbi.pk).update(inherent_risk="medium")
    approved_assessment(checklist, lonza, lead_auditor, approver, team=[auditor])  # all compliant: low
    approved_assessment(checklist, kbi, lead_auditor, approver, findings=[("C.1", "minor")])  # medium: a minor finding
    high_count = Vendor.objects.filter(inherent_risk="high").count()
    matrix = dashboards.risk_matrix(quality_admin)
    counts = {(risk, cell.rating): cell.count for risk, _, cells in matrix.rows for cell in cells}
    assert counts[("high", "low")] == 1 and counts[("medium", "medium")] == 1
    assert counts[("high", "none")] == high_count - 1
    assert matrix.total == Vendor.objects.count()
    assert [key for key, _ in matrix.columns] == ["low", "medium", "high", "critical", "none"]

    html = page(client, quality_admin, "/")
    assert '<th scope="row">High</th>' in html and '<th scope="col">Not assessed</th>' in html
    assert 'href="/insights/vendors/?inherent_risk=high&amp;rating=low"' in html
    listed = text(page(client, quality_admin, "/insights/vendors/?inherent_risk=high&rating=low"))
    assert "Lonza Group" in listed and "KBI Biopharma" not in listed and "1 vendor." in listed
    listed = text(page(client, quality_admin, "/insights/vendors/?inherent_risk=medium&rating=medium"))
    assert "KBI Biopharma" in listed and "Lonza Group" not in listed
    listed = text(page(client, quality_admin, "/insights/vendors/?inherent_risk=high&rating=none"))
    assert "Lonza Group" not in listed and f"{high_count - 1} vendors." in listed
    # A page at a time, by name: every vendor of the cell on exactly one page.
    pages = -(-(high_count - 1) // 25)
    assert f"Page 1 of {pages}" in listed
    shown = [
        text(page(client, quality_admin, f"/insights/vendors/?inherent_risk=high&rating=none&page={n}"))
        for n in range(1, pages + 1)
    ]
    assert sum("Takara Bio" in p for p in shown) == 1 and all("Lonza Group" not in p for p in shown)

    # The matrix uses only assessments its reader may see: the auditor was on Lonza's team only.
    counts = {
        (risk, cell.rating): cell.count for risk, _, cells in dashboards.risk_matrix(auditor).rows for cell in cells
    }
    assert counts[("high", "low")] == 1 and counts[("medium", "medium")] == 0 and counts[("medium", "none")] >= 1
    # Bad input is refused; a vendor contact sees no dashboard and no vendor list.
    client.force_login(quality_admin)
    assert client.get("/insights/vendors/?rating=terrible").status_code == 400


def test_vendor_contact_sees_no_dashboard(client, vendor_contact, reference_data):
    body = text(page(client, vendor_contact, "/"))
    assert "My assessments" not in body
    assert "The corrective actions the audit team shares with your company are in Corrective actions ." in body
    assert page(client, vendor_contact, "/insights/vendors/", status=403) is not None
    assert page(client, vendor_contact, "/compare/", status=403) is not None


def test_home_query_count_is_the_same_with_ten_and_fifty_assessments(
    client, checklist, vendor, lead_auditor, auditor, reviewer, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            a = Assessment.objects.create(
                vendor=vendor,
                checklist=checklist,
                lead_auditor=lead_auditor,
                reviewer=reviewer,
                created_by=lead_auditor,
            )
            a.audit_team.set([auditor])
            codes = ["A.3", "B.1", "C.1", "D.1", "E.1"][: 1 + i % 5]
            save_answers(a, lead_auditor, [{"question": c, "value": "compliant"} for c in codes])
            if i % 4 == 0:
                question = Question.objects.get(checklist=checklist, code="C.2")
                f = finding_service.raise_finding(
                    a,
                    lead_auditor,
                    description="x",
                    classification="major",
                    question=question,
                    downgrade_rationale=downgrade_rationale(question, "major"),
                )
                finding_service.plan_action(
                    f, lead_auditor, description=f"Act {i}", owner="QA", due_date=timezone.localdate()
                )

    client.force_login(lead_auditor)
    add(10)  # a full card: its count is a query of its own
    client.get("/")  # warm the checklist cache
    # Session and user (3), my assessments (rows, count, answers), vendors due (rows, count,
    # overdue), open actions (rows, count, overdue), the expiring documents (certificates, quality
    # agreements; each counted in all and expired), the risk matrix (1), the session's save (3):
    # the same bound with ten assessments and with fifty.
    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200
    add(40)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    body = text(response.content.decode())
    assert "50 open assessments you lead or are on the team of; the 10 ending soonest." in body
    assert "See all 50" in body
    assert "13 open corrective actions" in body  # i = 0, 4, 8 of the first ten, 0, 4, ..., 36 of the next 40


# --------------------------------------------------------------------------- vendor page


def test_vendor_page_shows_history_score_over_time_and_findings_trend(
    client, checklist, registry_vendor, lead_auditor, auditor, reviewer, approver, make_user
):
    vendor = registry_vendor  # its page, with the qualification facts and the track record of the registry
    first = approved_assessment(
        checklist,
        vendor,
        lead_auditor,
        approver,
        team=[auditor],
        findings=[("C.1", "minor"), ("D.1", "major")],
        approved_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 9, 0)),
    )
    items = compliant_answers(checklist, **{"I.1": "partial", "I.2": "partial"})
    second = approved_assessment(
        checklist,
        vendor,
        lead_auditor,
        approver,
        team=[auditor],
        items=items,
        findings=[("I.1", "minor")],
        kind="requalification",
        approved_at=timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 0)),
    )
    planned = Assessment.objects.create(
        vendor=vendor,
        checklist=checklist,
        lead_auditor=lead_auditor,
        created_by=lead_auditor,
        planned_start=datetime.date(2026, 3, 2),
    )
    html = page(client, auditor, vendor.get_absolute_url())
    body = text(html)
    # Still the qualification facts and the track record.
    assert "Inherent risk" in body and "Next requalification due" in body and "Track record" in body
    history = body.split("The assessments of Lonza Group that you can see, newest first.")[1].split("Findings trend")[0]
    assert history.index(second.reference) < history.index(first.reference)
    assert (
        f"{second.reference} Requalification CGT-CDMO v1 Approved {second.overall_score} Medium Approved "
        "2025-03-01 approved" in body
    )
    assert f"{first.reference} Initial qualification CGT-CDMO v1 Approved {first.overall_score} High" in body
    assert planned.reference not in body  # the auditor is not on that one's team
    assert planned.reference in text(page(client, lead_auditor, vendor.get_absolute_url()))
    assert "2026-03-02 planned" in text(page(client, lead_auditor, vendor.get_absolute_url()))
    # Score over time: one point per approved assessment, oldest first.
    chart = re.search(r'<svg[^>]*aria-label="Overall score of approved assessments".*?</svg>', html, re.S).group(0)
    assert [t for t in re.findall(r"<circle[^>]*><title>([^<]*)</title>", chart)] == [
        f"2024-03-01: {float(first.overall_score):.1f}",
        f"2025-03-01: {float(second.overall_score):.1f}",
    ]
    assert "<polyline" in chart
    # Findings trend: a table and stacked bars with the same numbers.
    trend = body.split("Findings trend: findings per class in each approved assessment, oldest first.")[1]
    assert f"{first.reference} 2024-03-01 0 1 1 0 2" in trend
    assert f"{second.reference} 2025-03-01 0 0 1 0 1" in trend
    bars = re.search(r'<svg[^>]*aria-label="Findings per approved assessment".*?</svg>', html, re.S).group(0)
    assert "<title>2024-03-01: 1 major</title>" in bars and "<title>2025-03-01: 1 minor</title>" in bars
    # A user who sees none of its assessments sees the vendor but no assessment.
    outsider = make_user("outsider", Role.AUDITOR)
    body = text(page(client, outsider, vendor.get_absolute_url()))
    assert "No assessment of this vendor that you can see." in body and first.reference not in body


# --------------------------------------------------------------------------- comparison


def test_percentile_ranks_by_hand():
    # 60 < 80 = 80 < 95: below + half of the equal ones (itself included), over 4.
    assert comparison.percentile_ranks({"a": 60, "b": 80, "c": 80, "d": 95}) == {
        "a": 12.5,
        "b": 50.0,
        "c": 50.0,
        "d": 87.5,
    }
    # n/a is left out: three compared.
    ranks = comparison.percentile_ranks({"a": 50.0, "b": 70.0, "c": None, "d": 90.0})
    assert ranks["c"] is None
    assert ranks["a"] == pytest.approx(100 * 0.5 / 3) and ranks["b"] == pytest.approx(100 * 1.5 / 3)
    assert ranks["d"] == pytest.approx(100 * 2.5 / 3)
    assert comparison.percentile_ranks({"only": 42.0}) == {"only": 50.0}
    assert comparison.percentile_ranks({"x": 70, "y": 70, "z": 70}) == {"x": 50.0, "y": 50.0, "z": 50.0}
    assert comparison.percentile_ranks({}) == {}


@pytest.fixture
def four_vendors(checklist, lead_auditor, auditor, approver, reference_data):
    """Four vendors approved on CGT-CDMO v1; they differ only in criterion I:
    Lonza 100, KBI and Takara tied (every I compliance question partial), Nikon n/a for all of I."""
    lonza, kbi, takara, nikon = vendors("Lonza Group", "KBI Biopharma", "Takara Bio", "Nikon Corporation")
    i_codes = [q.code for q in questions_of(checklist, "I")]
    partial = compliant_answers(
        checklist, **{q.code: "partial" for q in questions_of(checklist, "I") if q.answer_type == "compliance"}
    )
    na = [
        dict(item, value="na", na_justification="No cold chain in scope") if item["question"] in i_codes else item
        for item in compliant_answers(checklist)
    ]
    old = approved_assessment(
        checklist,
        lonza,
        lead_auditor,
        approver,
        team=[auditor],
        items=partial,
        approved_at=timezone.make_aware(datetime.datetime(2023, 1, 1)),
    )
    return {
        "lonza": approved_assessment(checklist, lonza, lead_auditor, approver, team=[auditor]),
        "kbi": approved_assessment(checklist, kbi, lead_auditor, approver, team=[auditor], items=partial),
        "takara": approved_assessment(checklist, takara, lead_auditor, approver, items=partial),
        "nikon": approved_assessment(checklist, nikon, lead_auditor, approver, team=[auditor], items=na),
        "lonza_old": old,
    }


def i_score(checklist):
    """Criterion I with every compliance question partial (c = ½) and the numeric one compliant."""
    qs = questions_of(checklist, "I")
    weights = sum(q.weight for q in qs)
    earned = sum(q.weight * (0.5 if q.answer_type == "compliance" else 1) for q in qs)
    return round(100 * earned / weights, 1)


@pytest.mark.slow
def test_comparison_uses_latest_approved_and_computes_percentiles(client, checklist, quality_admin, four_vendors):
    result = comparison.compare(quality_admin, "CGT-CDMO")
    rows = {r.vendor_name: r for r in result.rows}
    assert set(rows) == {"Lonza Group", "KBI Biopharma", "Takara Bio", "Nikon Corporation"}
    assert rows["Lonza Group"].assessment_id == four_vendors["lonza"].pk  # the latest, not the 2023 one
    assert [c["code"] for c in result.criteria] == list("ABCDEFGHI")
    partial = i_score(checklist)
    assert partial < 100
    assert {n: r.scores["I"] for n, r in rows.items()} == {
        "Lonza Group": 100.0,
        "KBI Biopharma": partial,
        "Takara Bio": partial,
        "Nikon Corporation": None,
    }
    # I: three compared (Nikon n/a). Lonza: 2 below + ½ itself = 2.5/3; KBI, Takara: ½ × 2 tied = 1/3.
    assert {n: r.percentiles["I"] for n, r in rows.items()} == {
        "Lonza Group": 83.3,
        "KBI Biopharma": 33.3,
        "Takara Bio": 33.3,
        "Nikon Corporation": None,
    }
    # A: all four at 100, all tied: 50.
    assert {r.percentiles["A"] for r in rows.values()} == {50.0}
    # Overall: Lonza = Nikon = 100 (I left out for Nikon), KBI = Takara lower.
    assert rows["Lonza Group"].overall == rows["Nikon Corporation"].overall == 100.0
    assert {n: r.overall_percentile for n, r in rows.items()} == {
        "Lonza Group": 75.0,
        "Nikon Corporation": 75.0,
        "KBI Biopharma": 25.0,
        "Takara Bio": 25.0,
    }

    html = page(client, quality_admin, "/compare/?checklist=CGT-CDMO")
    body = text(html)
    assert "CGT-CDMO, any version: 4 vendors" in body
    assert "equal scores (the vendor's own included) counting as half" in body.replace("&#x27;", "'")
    row_i = re.search(r"<th scope=\"row\">I\. [^<]*</th>(.*?)</tr>", html, re.S).group(1)
    cells = [text(c).strip() for c in re.findall(r"<td>(.*?)</td>", row_i, re.S)]
    names = [text(n).strip() for n in re.findall(r'<th scope="col"><a [^>]*>([^<]*)</a>', html)]
    assert dict(zip(names, cells, strict=True)) == {
        "KBI Biopharma": f"{partial} P33.3",
        "Lonza Group": "100.0 P83.3",
        "Nikon Corporation": "n/a",
        "Takara Bio": f"{partial} P33.3",
    }
    chart = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "Criterion scores on CGT-CDMO" in chart
    assert chart.count("<rect") == 4 + (4 * 9 - 1)  # legend + bars (Nikon has no bar for I)
    assert "Nikon Corporation, I:" not in chart and "Lonza Group, I: 100.0" in chart


@pytest.mark.slow
def test_comparison_of_chosen_vendors_version_and_only_visible_assessments(
    client, checklist, auditor, quality_admin, four_vendors
):
    html = page(client, quality_admin, "/compare/?checklist=CGT-CDMO&version=1&vendor=lonza-group&vendor=kbi-biopharma")
    body = text(html)
    assert "CGT-CDMO v1: 2 vendors" in body and "Takara Bio</a>" not in html
    result = comparison.compare(quality_admin, "CGT-CDMO", 1, vendors("Lonza Group", "KBI Biopharma"))
    assert {r.vendor_name: r.percentiles["I"] for r in result.rows} == {"Lonza Group": 75.0, "KBI Biopharma": 25.0}
    # The auditor was not on Takara's team: Takara is not compared for them, and says so when asked for.
    result = comparison.compare(auditor, "CGT-CDMO")
    assert {r.vendor_name for r in result.rows} == {"Lonza Group", "KBI Biopharma", "Nikon Corporation"}
    body = text(page(client, auditor, "/compare/?checklist=CGT-CDMO&vendor=takara-bio&vendor=lonza-group"))
    assert "Not compared, no approved assessment on this checklist that you can see: Takara Bio." in body
    # Takara is not even offered to the auditor.
    html = page(client, auditor, "/compare/")
    assert 'value="takara-bio"' not in html and 'value="lonza-group"' in html
    # An unknown version or vendor is an error shown on the form, not a crash.
    assert "Select a valid choice" in page(client, quality_admin, "/compare/?checklist=CGT-CDMO&version=9")
    client.force_login(quality_admin)
    assert client.get("/compare.csv?checklist=CGT-CDMO&vendor=nobody").status_code == 400
    assert client.get("/compare/").status_code == 200


@pytest.mark.slow
def test_comparison_csv_has_a_score_and_percentile_column_per_criterion(client, checklist, quality_admin, four_vendors):
    client.force_login(quality_admin)
    response = client.get("/compare.csv?checklist=CGT-CDMO&version=1")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="comparison-cgt-cdmo-v1.csv"' == response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    expected = ["Vendor", "Assessment", "Checklist", "Checklist version", "Approved at (UTC)"]
    for code in "ABCDEFGHI":
        expected += [f"{code} score", f"{code} percentile"]
    expected += ["Overall score", "Overall percentile", "Risk rating", "Decision"]
    assert reader.fieldnames == expected  # headers in words, as people read them in a spreadsheet
    rows = {r["Vendor"]: r for r in reader}
    assert set(rows) == {"Lonza Group", "KBI Biopharma", "Takara Bio", "Nikon Corporation"}
    assert rows["Lonza Group"]["I score"] == "100.0" and rows["Lonza Group"]["I percentile"] == "83.3"
    assert rows["Nikon Corporation"]["I score"] == "" and rows["Nikon Corporation"]["I percentile"] == ""
    assert rows["KBI Biopharma"]["I percentile"] == "33.3" and rows["KBI Biopharma"]["Overall percentile"] == "25.0"
    assert rows["Lonza Group"]["Assessment"] == four_vendors["lonza"].reference
    assert rows["Lonza Group"]["Checklist"] == "CGT-CDMO" and rows["Lonza Group"]["Risk rating"] == "Low"
    assert rows["Lonza Group"]["Decision"] == "Approved"
    assert rows["Lonza Group"]["Approved at (UTC)"].endswith("Z")
    # The CSV follows the same query string as the page.
    response = client.get("/compare.csv?checklist=CGT-CDMO&vendor=lonza-group&vendor=takara-bio")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["Vendor"] for r in rows] == ["Lonza Group", "Takara Bio"]
    assert [r["I percentile"] for r in rows] == ["75.0", "25.0"]


def test_comparison_pages_need_a_login(client, db):
    for url in ("/compare/", "/compare.csv", "/insights/vendors/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


# --------------------------------------------------------------------------- audit trail


def test_history_groups_one_action_newest_first_with_old_new_user_time_and_reason(
    client, checklist, assessment, lead_auditor, auditor, reviewer
):
    # Each block is one user action, as a web request would be (same request id).
    with acting(auditor):
        save_answers(
            assessment, auditor, [{"question": "A.3", "value": "compliant"}, {"question": "B.1", "value": "compliant"}]
        )
    with acting(lead_auditor):
        save_answers(assessment, lead_auditor, compliant_answers(checklist))
        attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    with acting(lead_auditor):
        workflow.submit(assessment, lead_auditor)
    with acting(reviewer):
        workflow.return_for_rework(assessment, reviewer, "Check the transfer report of B.1")
    with acting(lead_auditor):
        save_answers(
            assessment,
            lead_auditor,
            [{"question": "B.1", "value": "partial"}],
            reason="Transfer report not signed by the receiving site",
        )
    html = page(client, auditor, f"/assessments/{assessment.pk}/history/")
    body = text(html)
    assert f"Audit trail of {assessment.reference}" in body
    groups = re.findall(r'<article class="timeline-entry">(.*?)</article>', html, re.S)
    newest = text(groups[0])
    assert "Lead Tester (lead)" in newest and "UTC" in newest
    assert "Reason: Transfer report not signed by the receiving site" in newest
    assert "value : compliant → partial" in newest and "B.1" in newest
    # The first action (two answers and planned → in progress) is one group.
    [oldest] = [text(g) for g in groups if "planned → in_progress" in text(g)]
    assert "Auditor Tester (auditor)" in oldest and "A.3" in oldest and "B.1" in oldest
    assert "status : planned → in_progress" in oldest
    assert len(groups) == len(history.actions(trail.entries_for_assessment(assessment.pk)))
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps == sorted(stamps, reverse=True)


def test_history_filters_by_user_and_object_type_and_exports_csv(client, checklist, assessment, lead_auditor, auditor):
    with acting(auditor):
        save_answers(assessment, auditor, [{"question": "A.3", "value": "compliant"}])
    with acting(lead_auditor):
        save_answers(assessment, lead_auditor, [{"question": "B.1", "value": "partial"}])
    url = f"/assessments/{assessment.pk}/history/"
    body = text(page(client, auditor, url + "?user=auditor"))
    assert "Auditor Tester (auditor)" in body and "Lead Tester (lead)" not in body.split("match the filters")[1]
    html = page(client, auditor, url + "?type=answer")
    assert "Assessment" not in text("".join(re.findall(r"<td>[^<]*</td>", html)))
    assert '<option value="answer" selected>' in html
    html = page(client, auditor, url)
    assert f'href="/assessments/{assessment.pk}/history.csv"' in html
    assert '<option value="lead">Lead Tester (lead)</option>' in html

    client.force_login(auditor)
    response = client.get(f"/assessments/{assessment.pk}/history.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="{assessment.reference}-audit-trail.csv"' in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert reader.fieldnames == [trail.COLUMN_LABELS[key] for key in trail.COLUMNS]
    rows = [{key: row[trail.COLUMN_LABELS[key]] for key in trail.COLUMNS} for row in reader]
    assert len(rows) == len(trail.rows(trail.entries_for_assessment(assessment.pk)))
    value_rows = [r for r in rows if r["field"] == "value"]
    assert {(r["user"], r["new"]) for r in value_rows} == {("auditor", "compliant"), ("lead", "partial")}
    filtered = list(
        csv.DictReader(
            io.StringIO(client.get(f"/assessments/{assessment.pk}/history.csv?user=lead").content.decode("utf-8"))
        )
    )
    assert filtered and {r["User name"] for r in filtered} == {"lead"}


def test_history_is_404_for_who_cannot_view_the_assessment(client, assessment, reviewer, make_user, quality_admin):
    url, csv_url = f"/assessments/{assessment.pk}/history/", f"/assessments/{assessment.pk}/history.csv"
    assert client.get(url).status_code == 302
    outsider = make_user("outsider", Role.AUDITOR)
    other_reviewer = make_user("reviewer2", Role.REVIEWER)
    for user in (outsider, other_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404 and client.get(csv_url).status_code == 404
    assert client.get("/assessments/999999/history/").status_code == 404
    # The assigned reviewer and the quality administrator may read it.
    assert assessment.reference in page(client, reviewer, url)
    assert assessment.reference in page(client, quality_admin, url)
