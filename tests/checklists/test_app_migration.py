"""Checklists became an app of their own without moving a row: a database migrated before the
move, holding a published checklist, an assessment answering it and audit-trail entries about
it, migrates forward with every row where it was and every reference still pointing at it."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [("assessments", "0002_signatures_are_write_once"), ("checklists", None)]
ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]


def migrate(targets):
    """Migrate to `targets`; the models as the database now has them."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def records_before_the_move(old):
    """The rows a database of the earlier schema holds, written through its historical models."""
    User = old.get_model("accounts", "User")
    Vendor = old.get_model("vendors", "Vendor")
    Checklist = old.get_model("assessments", "Checklist")
    Criterion = old.get_model("assessments", "Criterion")
    Question = old.get_model("assessments", "Question")
    Assessment = old.get_model("assessments", "Assessment")
    Answer = old.get_model("assessments", "Answer")
    AuditEntry = old.get_model("audit", "AuditEntry")
    OldContentType = old.get_model("contenttypes", "ContentType")

    user = User.objects.create(username="lena", first_name="Lena", last_name="Lead")
    vendor = Vendor.objects.create(name="Cellforce GmbH", country="DE")
    checklist = Checklist.objects.create(
        code="LEGACY", version=3, name="Legacy checklist", status="published", scoring_settings={}
    )
    criterion = Criterion.objects.create(checklist=checklist, code="C", title="Clean rooms", weight=2)
    question = Question.objects.create(
        checklist=checklist,
        criterion=criterion,
        code="C.1",
        text="Are grade B areas monitored?",
        evidence_required=True,
    )
    assessment = Assessment.objects.create(vendor=vendor, checklist=checklist, lead_auditor=user, created_by=user)
    answer = Answer.objects.create(assessment=assessment, question=question, value="compliant")
    content_type = OldContentType.objects.get(app_label="assessments", model="checklist")
    entry = AuditEntry.objects.create(
        content_type=content_type,
        object_pk=str(checklist.pk),
        object_id=checklist.pk,
        object_repr="Legacy checklist v3",
        action=0,
        changes={"status": ["draft", "published"]},
        reason="Published",
    )
    return {
        "checklist": checklist.pk,
        "criterion": criterion.pk,
        "question": question.pk,
        "assessment": assessment.pk,
        "answer": answer.pk,
        "entry": entry.pk,
        "content_type": content_type.pk,
    }


def test_a_database_from_before_the_move_migrates_with_no_data_moved():
    from assessments.models import Answer, Assessment
    from audit.models import AuditEntry
    from checklists.models import Checklist, Criterion, Question

    old = migrate(BEFORE_THE_MOVE)
    assert old.get_model("assessments", "Checklist")._meta.db_table == "assessments_checklist"
    assert ContentType.objects.filter(app_label="assessments", model="checklist").exists()
    ids = records_before_the_move(old)

    migrate(latest())

    checklist = Checklist.objects.get(pk=ids["checklist"])
    assert (checklist.code, checklist.version, checklist.status) == ("LEGACY", 3, "published")
    assert Criterion.objects.get(pk=ids["criterion"]).checklist_id == checklist.pk
    question = Question.objects.get(pk=ids["question"])
    assert question.evidence_required and question.criterion_id == ids["criterion"]
    assert Assessment.objects.get(pk=ids["assessment"]).checklist_id == checklist.pk
    assert Answer.objects.get(pk=ids["answer"]).question_id == question.pk
    # The content type kept its id and now names the new app: the audit trail and the
    # permissions that point at it follow the model.
    content_type = ContentType.objects.get_for_model(Checklist)
    assert content_type.pk == ids["content_type"]
    assert (content_type.app_label, content_type.model) == ("checklists", "checklist")
    entry = AuditEntry.objects.get(pk=ids["entry"])
    assert entry.content_type_id == content_type.pk and entry.reason == "Published"
    assert not ContentType.objects.filter(
        app_label="assessments", model__in=["checklist", "criterion", "question"]
    ).exists()
