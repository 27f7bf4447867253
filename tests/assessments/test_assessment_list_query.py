"""The assessment list: `visible_to` is one row condition the planner can use (an OR of columns and
an IN, no self-join nor list of ids), agrees with the `view_assessment` rule for every role, and
the list API's ordering and filters have their indexes (migration 0010)."""

import pytest
from django.db import connection

from accounts.roles import Role
from assessments.models import Assessment
from tests.factories import new_assessment

pytestmark = pytest.mark.django_db

Status = Assessment.Status


@pytest.fixture
def world(checklist, vendor, make_user, lead_auditor, auditor, reviewer):
    other_lead = make_user("otherlead", Role.LEAD_AUDITOR, Role.AUDITOR)
    other_reviewer = make_user("otherreviewer", Role.REVIEWER)
    made = {}
    for status in (Status.PLANNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED, Status.APPROVED):
        made[f"team-{status}"] = new_assessment(
            checklist, vendor, lead_auditor, reviewer, team=[auditor], status=status
        )
        made[f"other-{status}"] = new_assessment(checklist, vendor, other_lead, other_reviewer, status=status)
    made["assigned-planned"] = new_assessment(checklist, vendor, other_lead, reviewer, status=Status.PLANNED)
    return made


def test_visible_to_is_one_condition_on_the_table(lead_auditor, reviewer, world):
    for user in (lead_auditor, reviewer):
        sql = str(Assessment.objects.visible_to(user).order_by("-created_at").query)
        # The table is read once: no "pk IN (SELECT ... FROM assessments_assessment ...)" around it.
        assert sql.count('FROM "assessments_assessment"') == 1, sql
        assert "JOIN" not in sql.split("WHERE", 1)[0], sql
    team_sql = str(Assessment.objects.visible_to(lead_auditor).query)
    assert '"assessments_assessment_audit_team"' in team_sql and " OR " in team_sql


def test_visible_to_agrees_with_the_rule_for_every_role(
    make_user, lead_auditor, auditor, reviewer, quality_admin, world
):
    nobody = make_user("nobody")
    contact = make_user("contact", Role.VENDOR_CONTACT)
    everyone = list(Assessment.objects.all())
    for user in (lead_auditor, auditor, reviewer, quality_admin, nobody, contact):
        visible = set(Assessment.objects.visible_to(user).values_list("pk", flat=True))
        expected = {a.pk for a in everyone if user.has_perm("assessments.view_assessment", a)}
        assert visible == expected, user.username
        # Each row once: COUNT agrees with the rows (the team condition repeats none).
        assert Assessment.objects.visible_to(user).count() == len(visible)
    assert world["assigned-planned"].pk in set(Assessment.objects.visible_to(reviewer).values_list("pk", flat=True))


def test_the_list_api_orders_and_filters_on_indexes(lead_api, world):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Assessment._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    for columns in (
        ("created_at",),
        ("status", "created_at"),
        ("lead_auditor_id", "created_at"),
        ("reviewer_id", "created_at"),
        ("vendor_id", "created_at"),
        ("checklist_id", "created_at"),
        ("risk_rating", "created_at"),
    ):
        assert columns in indexed, columns
    response = lead_api.get("/api/assessments/", {"status": "submitted"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["id"] == world["team-submitted"].pk
