"""Scores frozen at approval (docs/scoring.md, "Frozen scores"): what the approval stores, that
it is the engine's result, that nothing changes it afterwards (the model, bulk writes, the
database, the admin, the API, a later change of the checklist's settings), what reopening and a
second approval do, the backfill of the data migration, and that the pages read it."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from assessments import evaluation, signatures, workflow
from assessments.answers import save_answers
from assessments.exceptions import TransitionRefused
from assessments.models import Assessment, LatestApproval, ScoreAtApproval
from audit.models import AuditEntry
from checklists.models import Checklist
from config.exceptions import ConflictError
from insights import comparison, dashboards, trends
from tests.conftest import PASSWORD
from tests.factories import approved_assessment, compliant_answers, new_assessment

pytestmark = pytest.mark.django_db

#: Every overall below 99.9 is critical: a checklist's settings changed after the approval.
STRICTER = {
    "rating_thresholds": {
        "critical_below_overall": 99.9,
        "high_below_overall": 99.9,
        "medium_below_overall": 99.9,
        "high_below_criterion": 50,
    }
}


@pytest.fixture
def approver(make_user):
    return make_user("approver", Role.REVIEWER)


@pytest.fixture
def nearly_compliant(checklist):
    """Every answer compliant but one partial: overall just below 100, rated low by default."""
    return compliant_answers(checklist, **{"C.1": "partial"})


def approve_with_minor(checklist, vendor, lead, approver, items):
    return approved_assessment(checklist, vendor, lead, approver, items=items, findings=[("C.1", "minor")])


def test_approval_stores_the_engines_scores_with_the_approval(checklist, vendor, lead_auditor, approver):
    items = compliant_answers(checklist, **{"C.1": "partial", "I.1": "non_compliant"})
    a = approved_assessment(checklist, vendor, lead_auditor, approver, items=items, findings=[("C.1", "minor")])
    engine = evaluation.score(a).as_dict()  # the answers are read-only now: the same as at approval
    frozen = ScoreAtApproval.objects.get(assessment=a)
    assert frozen.signing_cycle == a.signing_cycle == 1
    assert frozen.criterion_scores == engine["criteria"]
    assert [c["code"] for c in frozen.criterion_scores] == list("ABCDEFGHI")
    assert float(frozen.overall_score) == engine["overall"] and frozen.risk_rating == engine["risk_rating"] == "medium"
    assert frozen.scores["C"] == next(c["score"] for c in engine["criteria"] if c["code"] == "C") < 100
    # The assessment and the vendor's decision carry the same numbers.
    assert (a.overall_score, a.risk_rating) == (frozen.overall_score, frozen.risk_rating)
    assert a.vendor.qualification_decisions.latest("pk").risk_rating == "medium"
    # The trail records it, attributed to the approver.
    entry = AuditEntry.objects.get(content_type__model="scoreatapproval", object_pk=str(frozen.pk))
    approval = AuditEntry.objects.filter(content_type__model="assessment", object_pk=str(a.pk)).latest("pk")
    assert entry.assessment_id == a.pk and entry.action == AuditEntry.Action.CREATE
    assert (entry.username, entry.cid) == (approval.username, approval.cid)  # the same user action


def test_an_approval_that_fails_stores_nothing(checklist, vendor, lead_auditor, reviewer):
    a = new_assessment(checklist, vendor, lead_auditor, reviewer)
    save_answers(a, lead_auditor, compliant_answers(checklist))
    with pytest.raises(TransitionRefused):
        workflow.approve(a, reviewer)
    assert not ScoreAtApproval.objects.exists()


def test_frozen_scores_survive_a_change_of_the_checklists_settings(
    client, checklist, vendor, lead_auditor, approver, quality_admin, nearly_compliant
):
    a = approved_assessment(checklist, vendor, lead_auditor, approver, items=nearly_compliant)
    frozen = ScoreAtApproval.objects.get(assessment=a)
    assert frozen.risk_rating == "low" and 99 < float(frozen.overall_score) < 99.9
    Checklist.objects.filter(pk=checklist.pk).update(scoring_settings=STRICTER)
    a.refresh_from_db()
    assert evaluation.score(a).risk_rating == "critical"  # scoring again would now say critical
    frozen.refresh_from_db()
    assert frozen.risk_rating == "low"
    # Every page that shows an approved assessment's numbers shows the frozen ones.
    row = comparison.compare(quality_admin, checklist.code).rows[0]
    assert (row.risk_rating, row.overall) == ("low", float(frozen.overall_score))
    counts = {(r, c.rating): c.count for r, _, cells in dashboards.risk_matrix(quality_admin).rows for c in cells}
    assert counts[("high", "low")] == 1 and counts[("high", "critical")] == 0
    trend = trends.vendor_trend(quality_admin, vendor)
    assert [x.rating_shown for x in trend.history] == ["low"]
    assert trend.score_points == [(timezone.localdate(a.approved_at).isoformat(), float(frozen.overall_score))]
    # The score endpoint gives what was signed too.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(quality_admin)
    body = api.get(f"/api/assessments/{a.pk}/score/").json()
    assert (body["risk_rating"], body["overall"]) == ("low", float(frozen.overall_score))
    assert body["criteria"] == frozen.criterion_scores


def test_frozen_scores_are_written_once(checklist, vendor, lead_auditor, approver):
    a = approved_assessment(checklist, vendor, lead_auditor, approver)
    frozen = ScoreAtApproval.objects.get(assessment=a)
    frozen.risk_rating = "critical"
    with pytest.raises(ConflictError):
        frozen.save()
    with pytest.raises(ConflictError):
        frozen.delete()
    with pytest.raises(ConflictError):
        ScoreAtApproval.objects.filter(pk=frozen.pk).update(risk_rating="critical")
    with pytest.raises(ConflictError):
        ScoreAtApproval.objects.filter(pk=frozen.pk).delete()
    with pytest.raises(ConflictError):
        ScoreAtApproval.objects.bulk_update([frozen], ["risk_rating"])
    # A second row for the same approval is refused by the database.
    with pytest.raises(DatabaseError), transaction.atomic():
        ScoreAtApproval.objects.create(assessment=a, signing_cycle=a.signing_cycle, criterion_scores=[])
    frozen.refresh_from_db()
    assert frozen.risk_rating == "low"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the write-once trigger is PostgreSQL's")
def test_the_database_refuses_to_change_frozen_scores(checklist, vendor, lead_auditor, approver):
    a = approved_assessment(checklist, vendor, lead_auditor, approver)
    for sql in (
        "UPDATE assessments_scoreatapproval SET risk_rating = 'critical'",
        "DELETE FROM assessments_scoreatapproval",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ScoreAtApproval.objects.get(assessment=a).risk_rating == "low"


def test_frozen_scores_are_read_only_in_the_admin(client, checklist, vendor, lead_auditor, approver, quality_admin):
    a = approved_assessment(checklist, vendor, lead_auditor, approver)
    frozen = ScoreAtApproval.objects.get(assessment=a)
    client.force_login(quality_admin)
    page = client.get(f"/admin/assessments/assessment/{a.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Scores at approval" in html and f"{frozen.overall_score}" in html
    assert 'name="scores_at_approval-0-risk_rating"' not in html  # shown, not an input
    # No admin page of their own to change or delete them from.
    assert client.get(f"/admin/assessments/scoreatapproval/{frozen.pk}/change/").status_code == 404
    assert client.post(f"/admin/assessments/assessment/{a.pk}/change/", {"scope": "x"}).status_code == 403
    frozen.refresh_from_db()
    assert (frozen.risk_rating, frozen.criterion_scores) == ("low", evaluation.score(a).as_dict()["criteria"])


def test_frozen_scores_are_read_only_through_the_api(api, checklist, vendor, lead_auditor, approver, quality_admin):
    a = approved_assessment(checklist, vendor, lead_auditor, approver)
    frozen = ScoreAtApproval.objects.get(assessment=a)
    client = api.as_user(quality_admin)
    body = client.get(f"/api/assessments/{a.pk}/").json()
    assert (body["overall_score"], body["risk_rating"]) == (float(frozen.overall_score), frozen.risk_rating)
    response = client.patch(
        f"/api/assessments/{a.pk}/", {"overall_score": 10, "risk_rating": "critical"}, format="json"
    )
    assert response.status_code in (400, 409)
    assert client.get(f"/api/assessments/{a.pk}/").json()["risk_rating"] == "low"
    frozen.refresh_from_db()
    assert frozen.risk_rating == "low" and ScoreAtApproval.objects.count() == 1


def test_reopening_keeps_the_earlier_approvals_scores_and_a_new_approval_adds_its_own(
    checklist, vendor, lead_auditor, approver, nearly_compliant
):
    a = approved_assessment(checklist, vendor, lead_auditor, approver, items=nearly_compliant)
    first = ScoreAtApproval.objects.get(assessment=a)
    request = RequestFactory().post("/")
    signatures.sign(a, approver, "reopened", PASSWORD, request=request, reason="The vendor sent new evidence for C.1.")
    a.refresh_from_db()
    assert a.status == Assessment.Status.IN_PROGRESS and a.signing_cycle == 2
    assert list(ScoreAtApproval.objects.filter(assessment=a)) == [first]  # the record of the first approval
    assert not ScoreAtApproval.objects.current().filter(assessment=a).exists()  # but not current
    # The settings change meanwhile; the answer is corrected; the second approval freezes its own.
    Checklist.objects.filter(pk=checklist.pk).update(scoring_settings=STRICTER)
    save_answers(a, lead_auditor, [{"question": "C.1", "value": "compliant"}], reason="Evidence received.")
    a.refresh_from_db()
    workflow.submit(a, lead_auditor)
    signatures.sign(a, lead_auditor, "performed", PASSWORD, request=request)
    signatures.sign(a, approver, "approved", PASSWORD, request=request)
    a.refresh_from_db()
    second = ScoreAtApproval.objects.current().get(assessment=a)
    assert second.signing_cycle == 2 and float(second.overall_score) == 100.0 and second.risk_rating == "low"
    first.refresh_from_db()
    assert first.signing_cycle == 1 and float(first.overall_score) < 100 and first.risk_rating == "low"
    assert ScoreAtApproval.objects.filter(assessment=a).count() == 2


def test_backfill_freezes_assessments_approved_before_with_the_engine(
    checklist, vendor, lead_auditor, reviewer, nearly_compliant
):
    """What the data migration does: approved assessments with no frozen scores get them from the
    same engine, with the rating they carry; those that have them are left alone."""
    earlier = new_assessment(checklist, vendor, lead_auditor, reviewer)
    save_answers(earlier, lead_auditor, nearly_compliant)
    earlier.refresh_from_db()
    Assessment.objects.filter(pk=earlier.pk).update(
        status=Assessment.Status.APPROVED, approved_at=timezone.now(), decision="approved", risk_rating="medium"
    )
    open_one = new_assessment(checklist, vendor, lead_auditor, reviewer)
    # The migration's own (historical) models, as the migration runs it.
    state = MigrationLoader(connection).project_state(("assessments", "0009_frozen_scores"))
    assert evaluation.freeze_missing(state.apps.get_model) == 1
    frozen = ScoreAtApproval.objects.get(assessment=earlier)
    earlier.refresh_from_db()
    engine = evaluation.score(earlier).as_dict()
    assert frozen.criterion_scores == engine["criteria"] and float(frozen.overall_score) == engine["overall"]
    assert frozen.risk_rating == "medium"  # the rating it was approved with, not rescored with today's settings
    assert frozen.signing_cycle == earlier.signing_cycle
    assert not ScoreAtApproval.objects.filter(assessment=open_one).exists()
    assert evaluation.freeze_missing() == 0  # done once


def test_the_comparison_reads_the_frozen_scores_and_no_answer(checklist, lead_auditor, approver, quality_admin):
    from vendors.models import Vendor

    a = approved_assessment(checklist, Vendor.objects.create(name="Alpha Cells", country="DE"), lead_auditor, approver)
    approved_assessment(
        checklist,
        Vendor.objects.create(name="Beta Vectors", country="FR"),
        lead_auditor,
        approver,
        items=compliant_answers(checklist, **{"I.1": "partial"}),
    )
    with CaptureQueriesContext(connection) as queries:
        result = comparison.compare(quality_admin, checklist.code, scope=comparison.SCOPE_ALL)
    assert [r.vendor_name for r in result.rows] == ["Alpha Cells", "Beta Vectors"]
    assert result.rows[0].scores == ScoreAtApproval.objects.get(assessment=a).scores
    assert result.rows[1].scores["I"] < 100 and result.rows[1].percentiles["I"] == 25.0
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "assessments_scoreatapproval" in sql
    assert "assessments_answer" not in sql and "assessments_finding" not in sql
    assert len(queries) <= 3  # the frozen scores of the latest approvals, and the criteria's titles


def test_an_approval_backdated_orders_by_its_approval_time(checklist, vendor, lead_auditor, approver, quality_admin):
    old = approved_assessment(
        checklist,
        vendor,
        lead_auditor,
        approver,
        items=compliant_answers(checklist, **{"I.1": "partial"}),
        approved_at=timezone.now() - datetime.timedelta(days=400),
    )
    new = approved_assessment(checklist, vendor, lead_auditor, approver)
    (row,) = comparison.compare(quality_admin, checklist.code).rows
    assert row.assessment_id == new.pk != old.pk


def stored_latest():
    return {row.vendor_id: (row.assessment_id, row.score_id) for row in LatestApproval.objects.all()}


def ranked_latest():
    """Each vendor's latest current approval, ranked by the database from every approval."""
    ranked = ScoreAtApproval.objects.current().latest_per_vendor()
    return {s.assessment.vendor_id: (s.assessment_id, s.pk) for s in ranked.select_related("assessment")}


def test_each_vendors_latest_approval_is_kept_as_approvals_are_made_reopened_and_made_again(
    checklist, vendor, lead_auditor, approver, nearly_compliant
):
    """The stored latest approval of each vendor is what ranking every approval gives, after each
    step that changes it: an approval, a later one, a reopening (the earlier approval is the
    latest again), a second approval of the reopened one, and approvals loaded in bulk."""
    from vendors.models import Vendor

    request = RequestFactory().post("/")
    earlier = approved_assessment(
        checklist, vendor, lead_auditor, approver, approved_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert stored_latest() == ranked_latest() == {vendor.pk: (earlier.pk, earlier.scores_at_approval.get().pk)}
    later = approved_assessment(checklist, vendor, lead_auditor, approver, items=nearly_compliant)
    other = approved_assessment(
        checklist, Vendor.objects.create(name="Gamma Vectors", country="FR"), lead_auditor, approver
    )
    assert stored_latest() == ranked_latest()
    assert stored_latest()[vendor.pk][0] == later.pk
    assert LatestApproval.objects.get(vendor=vendor).risk_rating == later.risk_rating

    signatures.sign(
        later, approver, "reopened", PASSWORD, request=request, reason="The vendor sent new evidence for C.1."
    )
    assert stored_latest() == ranked_latest()
    assert stored_latest()[vendor.pk][0] == earlier.pk  # the earlier approval is the latest again
    assert stored_latest()[other.vendor_id][0] == other.pk  # another vendor's is left alone

    later.refresh_from_db()
    save_answers(later, lead_auditor, [{"question": "C.1", "value": "compliant"}], reason="Evidence received.")
    later.refresh_from_db()
    workflow.submit(later, lead_auditor)
    signatures.sign(later, lead_auditor, "performed", PASSWORD, request=request)
    signatures.sign(later, approver, "approved", PASSWORD, request=request)
    assert stored_latest() == ranked_latest()
    assert stored_latest()[vendor.pk] == (later.pk, ScoreAtApproval.objects.current().get(assessment=later).pk)

    # An approval loaded in bulk, newer than any: the backfill refreshes every vendor's row.
    loaded = new_assessment(checklist, vendor, lead_auditor, approver)
    save_answers(loaded, lead_auditor, nearly_compliant)
    Assessment.objects.filter(pk=loaded.pk).update(
        status=Assessment.Status.APPROVED,
        approved_at=timezone.now() + datetime.timedelta(minutes=1),
        decision="approved",
    )
    assert evaluation.freeze_missing() == 1
    assert stored_latest() == ranked_latest()
    assert stored_latest()[vendor.pk][0] == loaded.pk


def test_the_migration_fills_each_vendors_latest_approval_from_the_approvals_before(
    checklist, vendor, lead_auditor, approver, nearly_compliant
):
    approved_assessment(
        checklist, vendor, lead_auditor, approver, approved_at=timezone.now() - datetime.timedelta(days=9)
    )
    approved_assessment(checklist, vendor, lead_auditor, approver, items=nearly_compliant)
    expected = ranked_latest()
    LatestApproval.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessments", "0022_latest_approval"))
    assert evaluation.refresh_latest_approvals(get_model=state.apps.get_model) == 1
    assert stored_latest() == expected


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_whoever_reads_the_stored_latest_approvals_sees_every_approval(
    role, make_user, checklist, vendor, lead_auditor, approver
):
    """`sees_every_approval` is what lets a page read `LatestApproval` with no visibility
    condition: it must never be true of a reader from whom `visible_to` hides an approval."""
    from assessments.models.assessments import sees_every_approval

    approved_assessment(checklist, vendor, lead_auditor, approver)
    reader = make_user(f"reader-{role}", role)
    approved = Assessment.objects.filter(status=Assessment.Status.APPROVED)
    sees_all = (
        Assessment.objects.visible_to(reader).filter(status=Assessment.Status.APPROVED).count() == approved.count()
    )
    assert sees_every_approval(reader) == (role in (Role.ADMIN, Role.REVIEWER))
    if sees_every_approval(reader):
        assert sees_all


def test_a_page_of_vendors_shows_the_same_latest_approval_from_the_stored_rows_as_ranked(
    checklist, vendor, lead_auditor, approver, quality_admin, nearly_compliant
):
    """A matrix cell's and a product match's details (assessment, rating, score, approval time)
    come from `LatestApproval` for a reader who sees every approval and from ranking the approvals
    for anyone else: for the same approvals they are the same."""
    from vendors.models import Vendor

    approved_assessment(
        checklist, vendor, lead_auditor, approver, approved_at=timezone.now() - datetime.timedelta(days=400)
    )
    later = approved_assessment(checklist, vendor, lead_auditor, approver, items=nearly_compliant)
    other = Vendor.objects.create(name="Gamma Vectors", country="FR")
    approved_assessment(checklist, other, lead_auditor, approver)
    never = Vendor.objects.create(name="Delta Cells", country="DE")
    ids = [vendor.pk, other.pk, never.pk]

    with CaptureQueriesContext(connection) as stored_queries:
        stored = dashboards.latest_approvals(quality_admin, ids)
    ranked = dashboards.latest_approvals(lead_auditor, ids)  # the lead sees the approvals of his own work
    assert "assessments_latestapproval" in stored_queries.captured_queries[-1]["sql"]
    assert stored == ranked
    assert set(stored) == {vendor.pk, other.pk}
    assert stored[vendor.pk]["assessment_id"] == later.pk
    later.refresh_from_db()
    assert stored[vendor.pk]["approved_at"] == later.approved_at
    assert stored[vendor.pk]["rating"] == later.risk_rating
    assert stored[vendor.pk]["score"] == later.overall_score
