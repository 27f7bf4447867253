"""21 CFR Part 11 and EU GMP Annex 11, point by point (docs/domain.md §4).

One named test (or a small group) per point; each fails if the capability it names breaks.
docs/compliance.md maps every point and Part 11 clause to these tests. Behaviour is driven
through the REST API; the model layer is used where the point is about the model itself.
Tests marked POSTGRES_ONLY prove what only the database can prove and skip on SQLite."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.lockout import LOCKED_MESSAGE
from accounts.models import User
from accounts.roles import Role
from assessments import answers, record, workflow
from assessments.models import Answer, Assessment, CorrectiveAction, Evidence, Finding, Signature
from audit import context as audit_context
from audit import trail
from audit.models import AuditEntry
from checklists.models import Checklist
from config.exceptions import ConflictError
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers
from tests.helpers.api import assessment_url as url
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="proves a PostgreSQL trigger or constraint; run with DATABASE_URL=postgres://... to check it",
)
PRODUCT_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
CREATE, UPDATE, DELETE = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE
HISTORY_COLUMNS = {"timestamp", "user", "action", "object", "field", "old", "new", "reason"}


# --- helpers ---------------------------------------------------------------------------------


def post(api, user, path, data=None, **extra):
    return api.as_user(user).post(path, data or {}, format="json", **extra)


def put_answers(api, user, assessment, items, reason="", **extra):
    body = {"answers": items, "reason": reason} if reason else items
    return api.as_user(user).put(url(assessment, "answers/"), body, format="json", **extra)


def sign(api, user, assessment, meaning, password=PASSWORD):
    return post(api, user, url(assessment, "signatures/"), {"meaning": meaning, "password": password})


def signature_list(api, user, assessment):
    response = api.as_user(user).get(url(assessment, "signatures/"))
    assert response.status_code == 200
    return response.json()


def history(api, user, assessment):
    """Every row of the assessment's history, all pages."""
    client, rows, page = api.as_user(user), [], url(assessment, "history/") + "?page_size=200"
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert set(body) >= {"count", "next", "previous", "results"}
        rows += body["results"]
        page = body["next"]
    assert len(rows) == body["count"]
    return rows


def codes(checklist, n=3):
    """The first `n` unconditional compliance questions: any value there is legal."""
    return list(
        checklist.questions.filter(answer_type="compliance", condition_question="")
        .order_by("criterion__order", "order")
        .values_list("code", flat=True)[:n]
    )


def entries_for(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).order_by("timestamp", "pk")


def fill(api, assessment, lead, checklist):
    """Everything answered and the evidence required attached: nothing blocks submission."""
    response = put_answers(api, lead, assessment, compliant_answers(checklist))
    assert response.status_code == 200, response.json()
    attach_required_evidence(assessment, lead)
    assessment.refresh_from_db()
    return assessment


def submit(api, assessment, lead, checklist):
    fill(api, assessment, lead, checklist)
    response = post(api, lead, url(assessment, "submit/"))
    assert response.status_code == 200, response.json()
    assessment.refresh_from_db()
    return assessment


def approve(api, assessment, lead, reviewer, checklist):
    submit(api, assessment, lead, checklist)
    assert sign(api, lead, assessment, "performed").status_code == 201
    response = sign(api, reviewer, assessment, "approved")
    assert response.status_code == 201, response.json()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    return assessment


def raise_major_finding_with_action(api, lead, assessment, checklist, reason=""):
    finding = post(
        api,
        lead,
        url(assessment, "findings/"),
        {
            "question": codes(checklist, 1)[0],
            "classification": "major",
            "description": "EM trend not reviewed",
            "reason": reason,
        },
    )
    assert finding.status_code == 201, finding.json()
    action = post(
        api,
        lead,
        f"/api/findings/{finding.json()['id']}/actions/",
        {"description": "Trend EM data monthly", "owner": "Head of QC", "due_date": "2031-01-31", "reason": reason},
    )
    assert action.status_code == 201, action.json()
    return Finding.objects.get(pk=finding.json()["id"]), CorrectiveAction.objects.get(pk=action.json()["id"])


def state_of(assessment):
    """Everything an approved assessment must keep unchanged."""
    assessment.refresh_from_db()
    return {
        "hash": record.content_hash(assessment),
        "status": assessment.status,
        "scope": assessment.scope,
        "answers": list(
            Answer.objects.filter(assessment=assessment).order_by("pk").values("value", "comment", "version")
        ),
        "findings": list(Finding.objects.filter(assessment=assessment).order_by("pk").values()),
        "actions": list(CorrectiveAction.objects.filter(finding__assessment=assessment).order_by("pk").values()),
        "evidence": Evidence.objects.filter(answer__assessment=assessment).count(),
        "signatures": list(Signature.objects.filter(assessment=assessment).order_by("pk").values()),
        "audit_entries": AuditEntry.objects.count(),
    }


# === §4.1 Audit trail (11.10(e), 11.10(b)(k), Annex 11 §9, §12.4) ================================


def test_4_1_every_change_to_an_answer_is_in_the_audit_trail_with_who_when_old_new_and_reason(
    api, assessment, checklist, auditor
):
    code = codes(checklist, 1)[0]
    before = timezone.now()
    assert put_answers(api, auditor, assessment, [{"question": code, "value": "compliant"}]).status_code == 200
    response = put_answers(
        api,
        auditor,
        assessment,
        [{"question": code, "value": "partial", "comment": "EM gaps"}],
        reason="Re-read the EM trend report",
    )
    assert response.status_code == 200, response.json()
    answer = Answer.objects.get(assessment=assessment, question__code=code)

    created, changed = entries_for(answer)
    assert created.action == CREATE and changed.action == UPDATE
    for entry in (created, changed):
        assert entry.actor == auditor and entry.username == "auditor" and entry.user_full_name == "Auditor Tester"
        assert entry.assessment_id == assessment.pk
        assert entry.timestamp.utcoffset() == timedelta(0) and before <= entry.timestamp <= timezone.now()
    assert created.changes["value"][1] in ("compliant", '"compliant"')
    old, new = changed.changes["value"]
    assert "compliant" in old and "partial" in new
    assert changed.changes["comment"][1] == "EM gaps"
    assert changed.reason == "Re-read the EM trend report"

    rows = [r for r in history(api, auditor, assessment) if r["field"] == "value"]
    assert [(r["action"], r["user"]) for r in rows] == [("create", "auditor"), ("update", "auditor")]
    assert "partial" in rows[-1]["new"] and rows[-1]["reason"] == "Re-read the EM trend report"
    assert rows[-1]["timestamp"].endswith("Z")


def test_4_1_audit_trail_is_append_only_in_the_model_layer(api, assessment, checklist, lead_auditor):
    put_answers(api, lead_auditor, assessment, [{"question": codes(checklist, 1)[0], "value": "compliant"}])
    entry = AuditEntry.objects.filter(assessment_id=assessment.pk).first()
    count = AuditEntry.objects.count()

    entry.reason = "tampered"
    with pytest.raises(ConflictError):
        entry.save()
    with pytest.raises(ConflictError):
        entry.delete()
    with pytest.raises(ConflictError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="tampered")
    with pytest.raises(ConflictError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ConflictError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    # django-auditlog ships a command that empties the log: the product refuses it.
    for args in (["--yes"], ["--yes", "--truncate"], ["--yes", "--before-date", "2999-01-01"]):
        with pytest.raises(CommandError, match="append-only"):
            call_command("auditlogflush", *args)

    assert AuditEntry.objects.count() == count
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@POSTGRES_ONLY
def test_4_1_database_refuses_update_and_delete_of_audit_entries(api, assessment, checklist, lead_auditor):
    put_answers(api, lead_auditor, assessment, [{"question": codes(checklist, 1)[0], "value": "compliant"}])
    entry = AuditEntry.objects.filter(assessment_id=assessment.pk).first()
    count = AuditEntry.objects.count()
    for sql in (
        "UPDATE audit_auditentry SET reason = 'tampered' WHERE id = %s",
        "UPDATE audit_auditentry SET username = 'someone-else'",
        "DELETE FROM audit_auditentry WHERE id = %s",
        "DELETE FROM audit_auditentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk] if "%s" in sql else None)
    assert AuditEntry.objects.count() == count
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.reason == "" and entry.username == "lead"
    # A user who appears in the trail cannot be deleted behind the product's back either: the
    # database would have to null the entries' actor, and it refuses.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET actor_id = NULL WHERE actor_id = %s", [lead_auditor.pk])


def test_4_6_content_is_read_only_while_submitted(api, assessment, checklist, lead_auditor):
    submit(api, assessment, lead_auditor, checklist)
    code = codes(checklist, 1)[0]
    before = state_of(assessment)
    with_reason = {"reason": "Vendor's EM SOP is draft"}
    refused = put_answers(api, lead_auditor, assessment, [{"question": code, "value": "partial"}], **with_reason)
    assert refused.status_code == 409 and "returns it for rework" in refused.json()["detail"]
    refused = put_answers(api, lead_auditor, assessment, [{"question": code, "value": "partial"}])
    assert refused.status_code == 409 and "returns it for rework" in refused.json()["detail"]
    refused = post(
        api, lead_auditor, url(assessment, "findings/"), {"question": code, "description": "x", **with_reason}
    )
    assert refused.status_code == 409
    assert state_of(assessment) == before


def test_4_1_reason_required_after_return_in_api(api, assessment, checklist, lead_auditor, reviewer):
    submit(api, assessment, lead_auditor, checklist)
    assert post(api, reviewer, url(assessment, "return/"), {"reason": "Re-check criterion A"}).status_code == 200
    code = codes(checklist, 1)[0]
    before = state_of(assessment)

    refused = put_answers(api, lead_auditor, assessment, [{"question": code, "value": "partial"}])
    assert refused.status_code == 400 and "reason" in refused.json(), refused.json()
    refused = post(api, lead_auditor, url(assessment, "findings/"), {"question": code, "description": "x"})
    assert refused.status_code == 400 and "reason" in refused.json()
    refused = api.as_user(lead_auditor).patch(url(assessment), {"scope": "Viral vectors"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert state_of(assessment) == before

    response = put_answers(
        api, lead_auditor, assessment, [{"question": code, "value": "partial"}], reason="Vendor's EM SOP is draft"
    )
    assert response.status_code == 200
    answer = Answer.objects.get(assessment=assessment, question__code=code)
    assert entries_for(answer).last().reason == "Vendor's EM SOP is draft"
    response = post(
        api,
        lead_auditor,
        url(assessment, "findings/"),
        {"question": code, "description": "SOP draft", "reason": "Raised at the closing meeting"},
    )
    assert response.status_code == 201
    assert entries_for(Finding.objects.get(pk=response.json()["id"])).last().reason == "Raised at the closing meeting"
    # The header is an alternative to the body for endpoints whose body is a list.
    response = put_answers(
        api,
        lead_auditor,
        assessment,
        [{"question": code, "value": "compliant"}],
        HTTP_X_CHANGE_REASON="Vendor sent the approved SOP",
    )
    assert response.status_code == 200
    assert entries_for(answer).last().reason == "Vendor sent the approved SOP"


def test_4_1_reason_for_a_change_to_a_submitted_assessment_is_recorded(api, assessment, checklist, lead_auditor):
    submit(api, assessment, lead_auditor, checklist)
    response = api.as_user(lead_auditor).patch(
        url(assessment), {"scope": "Viral vectors", "reason": "Scope agreed"}, format="json"
    )
    assert response.status_code == 200, response.json()
    entry = entries_for(assessment).filter(action=UPDATE).last()
    assert "scope" in entry.changes and entry.reason == "Scope agreed"


def test_4_1_request_id_groups_one_user_action(api, assessment, checklist, lead_auditor):
    three = codes(checklist, 3)
    answer_type = ContentType.objects.get_for_model(Answer)
    put_answers(api, lead_auditor, assessment, [{"question": c, "value": "compliant"} for c in three])
    first = list(AuditEntry.objects.filter(content_type=answer_type, assessment_id=assessment.pk))
    assert len(first) == 3
    cids = {e.cid for e in first}
    assert len(cids) == 1 and None not in cids and "" not in cids
    # The same action also moved the assessment from planned to in progress: same id.
    [start] = [e for e in entries_for(assessment).filter(action=UPDATE) if "status" in e.changes]
    assert start.changes["status"] == ["planned", "in_progress"] and start.cid in cids

    put_answers(api, lead_auditor, assessment, [{"question": three[0], "value": "partial"}])
    second = AuditEntry.objects.filter(content_type=answer_type, assessment_id=assessment.pk).exclude(cid__in=cids)
    assert second.count() == 1

    put_answers(
        api, lead_auditor, assessment, [{"question": three[1], "value": "partial"}], HTTP_X_REQUEST_ID="proxy-7f3a.01"
    )
    assert AuditEntry.objects.filter(cid="proxy-7f3a.01", assessment_id=assessment.pk).count() == 1
    # A malformed id from outside is not trusted: the product makes its own.
    put_answers(
        api, lead_auditor, assessment, [{"question": three[2], "value": "partial"}], HTTP_X_REQUEST_ID="x' OR 1=1; --"
    )
    latest = AuditEntry.objects.filter(content_type=answer_type).latest("pk")
    assert latest.cid and latest.cid != "x' OR 1=1; --"
    assert {r["request_id"] for r in history(api, lead_auditor, assessment)} >= cids | {"proxy-7f3a.01"}


def test_4_1_history_api_shape_and_csv_export(api, assessment, checklist, lead_auditor, reviewer, auditor):
    three = codes(checklist, 3)
    put_answers(api, lead_auditor, assessment, [{"question": c, "value": "compliant"} for c in three])
    put_answers(
        api,
        lead_auditor,
        assessment,
        [{"question": three[0], "value": "non_compliant"}],
        reason="Batch records incomplete",
    )
    rows = history(api, lead_auditor, assessment)
    assert rows
    for row in rows:
        assert HISTORY_COLUMNS <= set(row), row
        assert datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")).utcoffset() == timedelta(0)
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
    change = [r for r in rows if r["reason"] == "Batch records incomplete"]
    assert {r["field"] for r in change} == {"value", "version"}
    change = [r for r in change if r["field"] == "value"]
    assert len(change) == 1 and change[0]["action"] == "update"
    assert "compliant" in change[0]["old"] and "non_compliant" in change[0]["new"] and change[0]["user"] == "lead"
    assert three[0] in change[0]["object"]

    response = api.as_user(lead_auditor).get(url(assessment, "history/") + "?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert reader.fieldnames == [trail.COLUMN_LABELS[key] for key in trail.COLUMNS]  # headers in words
    exported = [{key: row[trail.COLUMN_LABELS[key]] for key in trail.COLUMNS} for row in reader]
    assert len(exported) == len(rows)
    for api_row, csv_row in zip(rows, exported, strict=True):
        assert {k: api_row[k] or "" for k in HISTORY_COLUMNS} == {k: csv_row[k] for k in HISTORY_COLUMNS}

    # Read by whoever may see the assessment, no one else.
    api.as_user(auditor)
    assert api.get(url(assessment, "history/")).status_code == 200
    assert api.as_user(reviewer).get(url(assessment, "history/")).status_code == 200  # named as its reviewer
    outsider = User.objects.create_user("outsider", password=PASSWORD)
    outsider.groups.add(Group.objects.get(name=Role.AUDITOR))
    assert api.as_user(outsider).get(url(assessment, "history/")).status_code == 404
    assert api.as_user(outsider).get(url(assessment, "history/") + "?export=csv").status_code == 404


def test_4_1_user_name_as_it_was_is_kept(api, assessment, checklist, lead_auditor):
    code = codes(checklist, 1)[0]
    put_answers(api, lead_auditor, assessment, [{"question": code, "value": "compliant"}])
    lead_auditor.username, lead_auditor.first_name, lead_auditor.last_name = "l.smith", "Lee", "Smith"
    lead_auditor.save()
    entry = entries_for(Answer.objects.get(assessment=assessment, question__code=code)).get()
    assert (entry.username, entry.user_full_name) == ("lead", "Lead Tester")
    assert entry.actor == lead_auditor
    rows = [r for r in history(api, lead_auditor, assessment) if r["field"] == "value"]
    assert rows[0]["user"] == "lead"
    # The rename itself is in the trail too.
    renamed = entries_for(lead_auditor).filter(action=UPDATE).last()
    assert renamed.changes["username"] == ["lead", "l.smith"]


def test_4_1_admin_shows_audit_trail_read_only(client, api, assessment, checklist, lead_auditor, quality_admin):
    put_answers(api, lead_auditor, assessment, [{"question": codes(checklist, 1)[0], "value": "compliant"}])
    entry = AuditEntry.objects.filter(assessment_id=assessment.pk).first()
    count = AuditEntry.objects.count()
    client.force_login(quality_admin)
    base = "/admin/audit/auditentry/"

    listing = client.get(base)
    assert listing.status_code == 200
    assert f"{base}add/" not in listing.content.decode() and "delete_selected" not in listing.content.decode()
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"{base}{entry.pk}/change/", {"reason": "tampered"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {"reason": "forged"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert AuditEntry.objects.count() == count
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_4_1_vendor_create_change_delete_are_recorded(api, quality_admin):
    created = post(
        api, quality_admin, "/api/vendors/", {"name": "Cellula Bio", "country": "de", "inherent_risk": "high"}
    )
    assert created.status_code == 201, created.json()
    vendor_ = Vendor.objects.get(pk=created.json()["id"])
    assert (
        api.as_user(quality_admin)
        .patch(f"/api/vendors/{vendor_.pk}/", {"inherent_risk": "medium"}, format="json")
        .status_code
        == 200
    )
    pk = vendor_.pk
    with audit_context.acting(quality_admin):
        vendor_.delete()  # not offered by the API; the admin or a command would do this
    log = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Vendor), object_pk=str(pk))
    assert [e.action for e in log.order_by("pk")] == [CREATE, UPDATE, DELETE]
    assert log.get(action=UPDATE).changes["inherent_risk"] == ["high", "medium"]
    assert {e.username for e in log} == {"qadmin"}


def test_4_1_checklist_create_change_delete_are_recorded(api, checklist, quality_admin):
    published_updates = entries_for(checklist).filter(action=UPDATE).count()
    response = post(api, quality_admin, f"/api/checklists/{checklist.pk}/new-version/")
    assert response.status_code == 201
    draft = Checklist.objects.get(pk=response.json()["id"])
    assert (
        api.as_user(quality_admin)
        .patch(f"/api/checklists/{draft.pk}/", {"name": "CGT CDMO v2"}, format="json")
        .status_code
        == 200
    )
    assert entries_for(draft).filter(action=CREATE, username="qadmin").exists()
    assert entries_for(draft).get(action=UPDATE).changes["name"][1] == "CGT CDMO v2"
    question = draft.questions.first()
    assert entries_for(question).filter(action=CREATE).exists()
    question_pk = question.pk
    with audit_context.acting(quality_admin):
        question.delete()
    assert AuditEntry.objects.filter(object_pk=str(question_pk), action=DELETE, content_type__model="question").exists()
    assert entries_for(checklist).filter(action=UPDATE).count() == published_updates  # untouched


def test_4_1_finding_and_corrective_action_create_change_delete_are_recorded(api, assessment, checklist, auditor):
    finding, action = raise_major_finding_with_action(api, auditor, assessment, checklist)
    assert (
        api.as_user(auditor)
        .patch(f"/api/findings/{finding.pk}/", {"classification": "critical"}, format="json")
        .status_code
        == 200
    )
    assert (
        api.as_user(auditor)
        .patch(f"/api/corrective-actions/{action.pk}/", {"due_date": "2031-03-31"}, format="json")
        .status_code
        == 200
    )
    assert entries_for(finding).get(action=UPDATE).changes["classification"] == ["major", "critical"]
    assert entries_for(action).get(action=UPDATE).changes["due_date"] == ["2031-01-31", "2031-03-31"]
    finding_pk, action_pk = finding.pk, action.pk
    with audit_context.acting(auditor):
        action.delete()
        finding.delete()
    for model, pk in ((CorrectiveAction, action_pk), (Finding, finding_pk)):
        log = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))
        assert [e.action for e in log.order_by("pk")] == [CREATE, UPDATE, DELETE]
        assert {e.assessment_id for e in log} == {assessment.pk}  # kept with the assessment after deletion


def test_4_1_evidence_create_and_delete_are_recorded(api, assessment, checklist, auditor):
    code = codes(checklist, 1)[0]
    upload = SimpleUploadedFile("em-trend.txt", b"EM trend 2025: no excursions", content_type="text/plain")
    response = api.as_user(auditor).post(
        url(assessment, f"answers/{code}/evidence/"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    item = Evidence.objects.get(pk=response.json()["id"])
    created = entries_for(item).get(action=CREATE)
    assert created.username == "auditor" and created.assessment_id == assessment.pk
    assert created.changes["sha256"][1] == item.sha256
    pk = item.pk
    with audit_context.acting(auditor):
        item.delete()
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Evidence),
        object_pk=str(pk),
        action=DELETE,
        assessment_id=assessment.pk,
    ).exists()


def test_4_1_signatures_are_recorded(api, assessment, checklist, lead_auditor):
    submit(api, assessment, lead_auditor, checklist)
    response = sign(api, lead_auditor, assessment, "performed")
    assert response.status_code == 201
    entry = entries_for(Signature.objects.get(pk=response.json()["id"])).get()
    assert entry.action == CREATE and entry.username == "lead" and entry.assessment_id == assessment.pk
    assert entry.changes["meaning"][1] == "performed"
    assert entry.changes["content_hash"][1] == response.json()["content_hash"]
    assert any(r["action"] == "create" and r["field"] == "meaning" for r in history(api, lead_auditor, assessment))


def test_4_1_changes_made_outside_a_request_name_who_or_what_made_them(assessment, checklist, lead_auditor):
    """Celery tasks and commands run inside audit.context.acting(...)."""
    code = codes(checklist, 1)[0]
    with audit_context.acting(label="task:nightly-import", request_id="task-42"):
        answers.save_answers(assessment, lead_auditor, [{"question": code, "value": "compliant"}])
    entry = entries_for(Answer.objects.get(assessment=assessment, question__code=code)).get()
    assert (entry.username, entry.cid, entry.actor) == ("task:nightly-import", "task-42", None)
    with audit_context.acting(lead_auditor), audit_context.reason("Corrected by script, CR-12"):
        answers.save_answers(assessment, lead_auditor, [{"question": code, "value": "partial"}])
    entry = entries_for(Answer.objects.get(assessment=assessment, question__code=code)).last()
    assert (entry.username, entry.reason) == ("lead", "Corrected by script, CR-12") and entry.cid


# === §4.2 Signature manifestation (11.50, Annex 11 §14) =========================================


def test_4_2_signature_manifest_shows_printed_name_time_with_zone_and_meaning(
    api, assessment, checklist, lead_auditor, reviewer
):
    approve(api, assessment, lead_auditor, reviewer, checklist)
    listed = signature_list(api, reviewer, assessment)
    assert [(s["printed_name"], s["meaning"], s["signer"]) for s in listed] == [
        ("Lead Tester", "performed", "lead"),
        ("Reviewer Tester", "approved", "reviewer"),
    ]
    for item in listed:
        signed_at = datetime.fromisoformat(item["signed_at"].replace("Z", "+00:00"))
        assert signed_at.tzinfo is not None and signed_at.utcoffset() == timedelta(0)
        assert abs(timezone.now() - signed_at) < timedelta(minutes=5)
        assert item["valid"] is True and len(item["content_hash"]) == 64
    stored = Signature.objects.get(assessment=assessment, meaning="performed")
    assert "Lead Tester" in str(stored) and "Performed" in str(stored) and "UTC" in str(stored)
    # The printed name is stored as it was at signing: renaming the user does not rewrite it.
    lead_auditor.first_name = "Renamed"
    lead_auditor.save()
    assert signature_list(api, reviewer, assessment)[0]["printed_name"] == "Lead Tester"


def test_4_2_admin_shows_the_signature_manifest(
    client, api, assessment, checklist, lead_auditor, reviewer, quality_admin
):
    approve(api, assessment, lead_auditor, reviewer, checklist)
    client.force_login(quality_admin)
    page = client.get(f"/admin/assessments/assessment/{assessment.pk}/change/").content.decode()
    assert "Lead Tester" in page and "Reviewer Tester" in page and "Performed (lead auditor)" in page


# === §4.3 Signature/record linking (11.70, 11.10(c), Annex 11 §14) ===============================


def test_4_3_signature_covers_content_hash_and_any_later_change_invalidates_it(
    api, assessment, checklist, lead_auditor, auditor, reviewer, make_user
):
    fill(api, assessment, lead_auditor, checklist)
    signed = sign(api, lead_auditor, assessment, "performed").json()
    assert signed["valid"] is True and signed["content_hash"] == record.content_hash(assessment)

    def latest_is_invalidated_by(change):
        response = change()
        assert response.status_code in (200, 201), response.json()
        listed = signature_list(api, reviewer, assessment)
        assert all(s["valid"] is False for s in listed), listed
        assert all(s["why_invalid"] == "the record changed after signing" for s in listed)
        assert record.content_hash(assessment) not in {s["content_hash"] for s in listed}
        assert not record.has_valid_signature(assessment, "performed")
        again = sign(api, lead_auditor, assessment, "performed")  # signing the new state is possible
        assert again.status_code == 201 and again.json()["valid"] is True

    code = codes(checklist, 1)[0]
    latest_is_invalidated_by(
        lambda: put_answers(api, lead_auditor, assessment, [{"question": code, "value": "partial"}])
    )
    latest_is_invalidated_by(
        lambda: post(
            api,
            lead_auditor,
            url(assessment, "findings/"),
            {"question": code, "classification": "minor", "description": "Gap", "downgrade_rationale": "Isolated"},
        )
    )
    finding = Finding.objects.get(assessment=assessment)
    latest_is_invalidated_by(
        lambda: post(
            api,
            lead_auditor,
            f"/api/findings/{finding.pk}/actions/",
            {"description": "Fix", "owner": "QA head", "due_date": "2031-01-01"},
        )
    )
    latest_is_invalidated_by(
        lambda: api.as_user(lead_auditor).post(
            url(assessment, f"answers/{code}/evidence/"),
            {"file": SimpleUploadedFile("sop.txt", b"SOP v2")},
            format="multipart",
        )
    )
    # Who did the audit is part of what the lead signs: a change of the team voids the signature.
    newcomer = make_user("newcomer", Role.AUDITOR)
    latest_is_invalidated_by(
        lambda: api.as_user(lead_auditor).patch(
            url(assessment), {"audit_team": [auditor.pk, newcomer.pk]}, format="json"
        )
    )
    # A change behind the product's back (no API, no model save) is caught by recomputing the hash.
    assert post(api, lead_auditor, url(assessment, "submit/")).status_code == 200
    Answer.objects.filter(assessment=assessment, question__code=code).update(value="non_compliant")
    assert [s["valid"] for s in signature_list(api, reviewer, assessment)][-1] is False
    # Until signed again, approval is refused.
    refused = sign(api, reviewer, assessment, "approved")
    assert refused.status_code == 409 and any("performed" in p for p in refused.json()["problems"])


@POSTGRES_ONLY
def test_4_3_database_refuses_update_and_delete_of_signatures(api, assessment, checklist, lead_auditor):
    submit(api, assessment, lead_auditor, checklist)
    assert sign(api, lead_auditor, assessment, "performed").status_code == 201
    signature = Signature.objects.get(assessment=assessment)
    for sql in (
        "UPDATE assessments_signature SET content_hash = 'forged' WHERE id = %s",
        "UPDATE assessments_signature SET assessment_id = assessment_id",
        "DELETE FROM assessments_signature WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [signature.pk] if "%s" in sql else None)
    assert Signature.objects.get(pk=signature.pk).content_hash == signature.content_hash


def test_4_3_signature_cannot_be_moved_or_edited(api, assessment, checklist, vendor, lead_auditor, reviewer):
    submit(api, assessment, lead_auditor, checklist)
    sign(api, lead_auditor, assessment, "performed")
    signature = Signature.objects.get(assessment=assessment)
    other = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=lead_auditor, reviewer=reviewer, created_by=lead_auditor
    )
    answers.save_answers(other, lead_auditor, compliant_answers(checklist))

    for field, value in (
        ("content_hash", "0" * 64),
        ("printed_name", "Someone Else"),
        ("assessment", other),
        ("signed_at", timezone.now() - timedelta(days=30)),
    ):
        stale = Signature.objects.get(pk=signature.pk)
        setattr(stale, field, value)
        with pytest.raises(ConflictError):
            stale.save()
    with pytest.raises(ConflictError):
        Signature.objects.get(pk=signature.pk).delete()
    assert Signature.objects.filter(assessment=assessment).count() == 1

    # Two records with the same answers still have different hashes: a signature copied onto
    # another record (by any means) does not hold there.
    assert record.content_hash(other) != signature.content_hash
    copied = Signature.objects.create(
        assessment=other,
        signer=lead_auditor,
        printed_name=signature.printed_name,
        meaning=signature.meaning,
        content_hash=signature.content_hash,
        cycle=other.signing_cycle,
    )
    states = {s.signature.pk: s for s in record.signature_states(other)}
    assert states[copied.pk].valid is False
    assert signature_list(api, lead_auditor, assessment)[0]["valid"] is True


def test_4_3_admin_shows_an_invalidated_signature_as_invalid(
    client, api, assessment, checklist, lead_auditor, quality_admin
):
    fill(api, assessment, lead_auditor, checklist)
    sign(api, lead_auditor, assessment, "performed")
    put_answers(api, lead_auditor, assessment, [{"question": codes(checklist, 1)[0], "value": "partial"}])
    client.force_login(quality_admin)
    page = client.get(f"/admin/assessments/assessment/{assessment.pk}/change/").content.decode()
    assert "the record changed after signing" in page


# === §4.4 Signature components and controls (11.100(a), 11.200, 11.300(d)) =======================


def test_4_4_signing_asks_for_the_password_and_wrong_password_is_403_and_counts_toward_lockout(
    api, client, assessment, checklist, lead_auditor
):
    submit(api, assessment, lead_auditor, checklist)
    missing = post(api, lead_auditor, url(assessment, "signatures/"), {"meaning": "performed"})
    assert missing.status_code == 400 and "password" in missing.json()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        wrong = sign(api, lead_auditor, assessment, "performed", password=f"not-my-password-{attempt}")
        assert wrong.status_code == 403, wrong.json()
    assert not Signature.objects.filter(assessment=assessment).exists()
    assert AccessFailureLog.objects.filter(username="lead").count() == settings.AXES_FAILURE_LIMIT

    locked = sign(api, lead_auditor, assessment, "performed")  # right password, locked account
    assert locked.status_code == 403 and locked.json()["detail"] == LOCKED_MESSAGE
    assert not Signature.objects.filter(assessment=assessment).exists()
    login = client.post("/login/", {"username": "lead", "password": PASSWORD})
    assert login.status_code == 403 and LOCKED_MESSAGE in login.content.decode()
    assert "_auth_user_id" not in client.session
    token = api.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}, format="json")
    assert token.status_code == 403 and token.json()["detail"] == LOCKED_MESSAGE


def test_4_4_signatures_are_personal(api, assessment, checklist, lead_auditor, auditor, reviewer):
    """Signing is by the logged-in person with their own password: another's password, or a
    team member signing in the lead's place, is refused."""
    submit(api, assessment, lead_auditor, checklist)
    reviewer.set_password("reviewers-own-secret-7731")
    reviewer.save()
    assert sign(api, lead_auditor, assessment, "performed", password="reviewers-own-secret-7731").status_code == 403
    assert sign(api, auditor, assessment, "performed").status_code == 403
    assert not Signature.objects.exists()
    signed = sign(api, lead_auditor, assessment, "performed")
    assert signed.status_code == 201
    stored = Signature.objects.get(pk=signed.json()["id"])
    assert stored.signer == lead_auditor and stored.printed_name == lead_auditor.full_name
    # Signing twice with the same meaning on the same state is refused.
    assert sign(api, lead_auditor, assessment, "performed").status_code == 409


# === §4.5 Locking and reopening (11.10(d)(e), Annex 11 §12) =======================================


def test_4_5_approved_assessment_is_read_only(
    client, api, assessment, checklist, lead_auditor, reviewer, quality_admin, auditor
):
    finding, action = raise_major_finding_with_action(api, lead_auditor, assessment, checklist)
    code = codes(checklist, 1)[0]
    answers.save_answers(assessment, lead_auditor, [{"question": code, "value": "compliant"}])

    def upload():
        return SimpleUploadedFile("x.txt", b"late evidence")

    api.as_user(lead_auditor).post(url(assessment, f"answers/{code}/evidence/"), {"file": upload()}, format="multipart")
    approve(api, assessment, lead_auditor, reviewer, checklist)
    before = state_of(assessment)
    reason = {"reason": "Trying to change an approved record"}

    writes = [
        (
            lead_auditor,
            "put",
            url(assessment, "answers/"),
            {"answers": [{"question": code, "value": "partial"}], **reason},
        ),
        (lead_auditor, "put", url(assessment, "answers/"), [{"question": code, "value": "partial"}]),
        (lead_auditor, "patch", url(assessment), {"scope": "changed", **reason}),
        (quality_admin, "patch", url(assessment), {"planned_start": "2030-01-01", **reason}),
        (lead_auditor, "post", url(assessment, "findings/"), {"question": code, "description": "late", **reason}),
        (auditor, "patch", f"/api/findings/{finding.pk}/", {"classification": "minor", **reason}),
        (
            lead_auditor,
            "post",
            f"/api/findings/{finding.pk}/actions/",
            {"description": "x", "owner": "y", "due_date": "2031-01-01", **reason},
        ),
        (lead_auditor, "patch", f"/api/corrective-actions/{action.pk}/", {"description": "weaker plan", **reason}),
        (lead_auditor, "patch", f"/api/corrective-actions/{action.pk}/", {"owner": "someone", **reason}),
        (lead_auditor, "patch", f"/api/corrective-actions/{action.pk}/", {"due_date": "2035-01-01", **reason}),
        (lead_auditor, "post", url(assessment, "minor-reviews/"), {"criterion": "A", "outcome": "justified", **reason}),
        (lead_auditor, "post", url(assessment, "submit/"), {}),
        (reviewer, "post", url(assessment, "return/"), reason),
        (lead_auditor, "post", url(assessment, "cancel/"), reason),
        (lead_auditor, "post", url(assessment, "signatures/"), {"meaning": "performed", "password": PASSWORD}),
    ]
    for user, method, path, data in writes:
        response = getattr(api.as_user(user), method)(path, data, format="json")
        assert response.status_code == 409, (method, path, response.status_code, response.content[:200])
        assert response.json()["detail"]
    evidence_refused = api.as_user(lead_auditor).post(
        url(assessment, f"answers/{code}/evidence/"), {"file": upload(), **reason}, format="multipart"
    )
    assert evidence_refused.status_code == 409
    # PUT on the assessment itself is not a supported method in any state; it changes nothing either.
    assert api.as_user(lead_auditor).put(
        url(assessment), {"scope": "changed", **reason}, format="json"
    ).status_code in (405, 409)
    assert state_of(assessment) == before
    assert all(s["valid"] for s in signature_list(api, reviewer, assessment))

    # The admin shows it read-only and refuses a posted change.
    client.force_login(quality_admin)
    admin_url = f"/admin/assessments/assessment/{assessment.pk}/change/"
    page = client.get(admin_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(admin_url, {"scope": "changed via admin"}).status_code == 403
    assert client.post(f"/admin/assessments/finding/{finding.pk}/change/", {"description": "x"}).status_code == 403
    assert (
        client.post(f"/admin/assessments/correctiveaction/{action.pk}/change/", {"description": "x"}).status_code == 403
    )
    assert state_of(assessment) == before

    # Corrective-action follow-up (the vendor's response) continues after approval: it is not
    # part of the signed content, so the signatures still hold.
    follow_up = api.as_user(lead_auditor).patch(
        f"/api/corrective-actions/{action.pk}/",
        {"root_cause": "No EM trending SOP", "status": "response_received"},
        format="json",
    )
    assert follow_up.status_code == 200, follow_up.json()
    assert record.content_hash(assessment) == before["hash"]
    assert all(s["valid"] for s in signature_list(api, reviewer, assessment))


def test_4_5_reopen_is_a_signature_with_a_reason_is_recorded_and_voids_signatures(
    api, assessment, checklist, lead_auditor, reviewer, make_user
):
    approve(api, assessment, lead_auditor, reviewer, checklist)
    why = "Vendor disclosed an OAI inspection outcome after approval"
    other_reviewer = make_user("reviewer2", Role.REVIEWER)
    # Not the lead, not another reviewer than the assigned one; a reason of a sentence; the password.
    assert post(api, lead_auditor, url(assessment, "reopen/"), {"reason": why, "password": PASSWORD}).status_code == 403
    assert (
        post(api, other_reviewer, url(assessment, "reopen/"), {"reason": why, "password": PASSWORD}).status_code == 403
    )
    for body in ({}, {"reason": "   "}, {"reason": "mine", "password": PASSWORD}, {"reason": ["a", "b"]}):
        refused = post(api, reviewer, url(assessment, "reopen/"), body)
        assert refused.status_code == 400 and "reason" in refused.json(), body
    refused = post(api, reviewer, url(assessment, "reopen/"), {"reason": why})
    assert refused.status_code == 400 and "password" in refused.json()
    refused = post(api, reviewer, url(assessment, "reopen/"), {"reason": why, "password": "not my password"})
    assert refused.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.signatures.count() == 2

    reopened = post(api, reviewer, url(assessment, "reopen/"), {"reason": why, "password": PASSWORD})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    listed = signature_list(api, reviewer, assessment)
    assert [(s["meaning"], s["valid"]) for s in listed] == [
        ("performed", False),
        ("approved", False),
        ("reopened", True),
    ]
    assert all("voided" in s["why_invalid"] for s in listed[:2])
    assert listed[2]["printed_name"] == "Reviewer Tester"
    entry = entries_for(assessment).filter(action=UPDATE).last()
    assert entry.changes["status"] == ["approved", "in_progress"]
    assert entry.reason == why and entry.username == "reviewer"
    assert entries_for(Signature.objects.get(meaning="reopened")).get().reason == why
    assert any(
        r["field"] == "status" and r["new"] == "in_progress" and r["reason"] == why
        for r in history(api, reviewer, assessment)
    )

    # The new state must be signed again: the old signatures do not count.
    assert post(api, lead_auditor, url(assessment, "submit/")).status_code == 200
    refused = sign(api, reviewer, assessment, "approved")
    assert refused.status_code == 409 and any("performed" in p for p in refused.json()["problems"])
    assert sign(api, lead_auditor, assessment, "performed").status_code == 201
    assert sign(api, reviewer, assessment, "approved").status_code == 201
    listed = signature_list(api, reviewer, assessment)
    assert [s["valid"] for s in listed] == [False, False, True, True, True]
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.signing_cycle == 2


def test_4_5_an_administrator_independent_of_the_record_may_reopen(
    api, assessment, checklist, lead_auditor, reviewer, quality_admin
):
    approve(api, assessment, lead_auditor, reviewer, checklist)
    why = "The approval was given on the wrong checklist version."
    response = post(api, quality_admin, url(assessment, "reopen/"), {"reason": why, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    assert Signature.objects.get(meaning="reopened").signer == quality_admin


# === §4.6 Step order (11.10(f)) ===================================================================


def test_4_6_cannot_be_submitted_with_required_questions_unanswered(api, assessment, checklist, lead_auditor):
    items = compliant_answers(checklist)
    required = checklist.questions.filter(required=True, condition_question="").first().code
    put_answers(api, lead_auditor, assessment, [i for i in items if i["question"] != required])
    refused = post(api, lead_auditor, url(assessment, "submit/"))
    assert refused.status_code == 409 and any(required in p for p in refused.json()["problems"])
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"


def test_4_6_step_order_enforced(api, assessment, checklist, lead_auditor, reviewer, make_user):
    fill(api, assessment, lead_auditor, checklist)
    required = codes(checklist, 1)[0]
    assert put_answers(api, lead_auditor, assessment, [{"question": required, "value": None}]).status_code == 200
    finding = post(
        api,
        lead_auditor,
        url(assessment, "findings/"),
        {"question": codes(checklist, 2)[1], "classification": "critical", "description": "No CCS"},
    ).json()

    # The lead signs "performed" only for a record that could be submitted, and submits only then.
    for step in (
        lambda: sign(api, lead_auditor, assessment, "performed"),
        lambda: post(api, lead_auditor, url(assessment, "submit/")),
    ):
        refused = step()
        assert refused.status_code == 409
        problems = refused.json()["problems"]
        assert any(required in p for p in problems), problems
        assert any(finding["reference"] in p and "corrective action" in p for p in problems), problems
    assessment.refresh_from_db()
    assert assessment.status == "in_progress" and not Signature.objects.exists()

    put_answers(api, lead_auditor, assessment, [{"question": required, "value": "compliant"}])
    post(
        api,
        lead_auditor,
        f"/api/findings/{finding['id']}/actions/",
        {"description": "Write a CCS", "owner": "Head of QA", "due_date": "2031-06-30"},
    )
    assert post(api, lead_auditor, url(assessment, "submit/")).status_code == 200
    refused = sign(api, reviewer, assessment, "approved")
    assert refused.status_code == 409 and any("performed" in p for p in refused.json()["problems"])
    assert not Signature.objects.filter(meaning="approved").exists()

    # Only the assigned reviewer approves: not another QA reviewer, nor the lead auditor who also
    # holds the reviewer role.
    other = make_user("qa-other", Role.REVIEWER)
    lead_auditor.groups.add(Group.objects.get(name=Role.REVIEWER))
    for user in (other, User.objects.get(pk=lead_auditor.pk)):
        assert sign(api, user, assessment, "approved").status_code == 403
        assert any("assigned QA reviewer" in p for p in workflow.approval_problems(assessment, user))

    assert sign(api, lead_auditor, assessment, "performed").status_code == 201
    assert workflow.approval_problems(assessment, reviewer) == []
    approved = sign(api, reviewer, assessment, "approved")
    assert approved.status_code == 201, approved.json()


# === §4.7 Accounts (11.10(d)(g), 11.100, 11.300, Annex 11 §12) ====================================


def test_4_7_accounts_user_names_are_unique(client, lead_auditor, quality_admin):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("lead", password="another-long-password-881")
    client.force_login(quality_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "LEAD",
            "password1": "a-long-unusual-passphrase-19",
            "password2": "a-long-unusual-passphrase-19",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert User.objects.filter(username__iexact="lead").count() == 1


def test_4_7_accounts_password_rules_reject_weak_passwords(client, quality_admin):
    someone = User(username="jdoe", first_name="Jane", last_name="Doe", email="jdoe@example.com")
    for weak in ("short1!", "password123", "1234567890123", "jdoe@example", "qwertyuiop"):
        with pytest.raises(ValidationError):
            validate_password(weak, someone)
    validate_password("tidal-Orchid-parsec-58", someone)
    client.force_login(quality_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "jdoe", "password1": "password123", "password2": "password123", "usable_password": "true"},
    )
    assert response.status_code == 200 and not User.objects.filter(username="jdoe").exists()


def test_4_7_accounts_passwords_are_stored_hashed(make_user):
    assert "PBKDF2" in PRODUCT_PASSWORD_HASHERS[0] or "Argon2" in PRODUCT_PASSWORD_HASHERS[0]
    user = make_user("hashed")
    assert PASSWORD not in user.password and user.password.count("$") >= 2


def test_4_7_accounts_five_failed_logins_lock_the_account_on_the_login_page_and_attempts_are_logged(
    api, client, auditor
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "auditor", "password": f"guess-{attempt}"})
        assert response.status_code in (200, 403) and "_auth_user_id" not in client.session
    logged = AccessFailureLog.objects.filter(username="auditor")
    assert logged.count() == settings.AXES_FAILURE_LIMIT
    assert all(entry.attempt_time and entry.ip_address for entry in logged)
    assert AccessAttempt.objects.get(username="auditor").failures_since_start == settings.AXES_FAILURE_LIMIT

    response = client.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 403 and LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Locked everywhere: the token endpoint refuses too.
    token = api.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert token.status_code == 403 and token.json()["detail"] == LOCKED_MESSAGE


def test_4_7_accounts_five_failed_token_requests_lock_the_account(api, client, auditor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = api.post("/api/auth/token/", {"username": "auditor", "password": f"guess-{attempt}"}, format="json")
        assert response.status_code in (400, 403) and "token" not in response.json()
    assert AccessFailureLog.objects.filter(username="auditor").count() == settings.AXES_FAILURE_LIMIT
    token = api.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json")
    assert token.status_code == 403 and token.json()["detail"] == LOCKED_MESSAGE
    login = client.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert login.status_code == 403


def test_4_7_accounts_idle_sessions_expire(client, auditor):
    assert 0 < settings.SESSION_COOKIE_AGE <= 30 * 60
    # Renewed by config.middleware.IdleTimeoutMiddleware at most once a minute, not by every request
    # (tests/accounts/test_idle_timeout.py); the browser's cookie ends with the browser.
    assert "config.middleware.IdleTimeoutMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = client.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 302 and client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    assert client.get("/").status_code == 200
    # Idle longer than the limit: the session is gone and the user must log in again.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_4_7_accounts_users_with_records_are_deactivated_not_deleted(
    client, api, assessment, checklist, lead_auditor, reviewer, quality_admin
):
    approve(api, assessment, lead_auditor, reviewer, checklist)
    client.force_login(quality_admin)
    admin_url = f"/admin/accounts/user/{lead_auditor.pk}/"
    assert client.get(admin_url + "delete/").status_code == 403
    assert client.post(admin_url + "delete/", {"post": "yes"}).status_code == 403
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in listing and "deactivate" in listing
    with pytest.raises(ProtectedError):
        User.objects.get(pk=lead_auditor.pk).delete()

    from rest_framework.authtoken.models import Token

    old_token = Token.objects.get_or_create(user=lead_auditor)[0].key
    response = client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [lead_auditor.pk]})
    assert response.status_code == 302
    lead = User.objects.get(pk=lead_auditor.pk)
    assert lead.is_active is False
    entry = entries_for(lead).filter(action=UPDATE).last()
    assert entry.changes["is_active"] == ["True", "False"] or entry.changes["is_active"] == [True, False]
    assert entry.username == "qadmin"

    # Records and signatures stay theirs, and still hold.
    listed = signature_list(api, reviewer, assessment)
    assert listed[0]["signer"] == "lead" and listed[0]["printed_name"] == "Lead Tester" and listed[0]["valid"]
    assert AuditEntry.objects.filter(actor=lead, username="lead").exists()
    assert Assessment.objects.get(pk=assessment.pk).lead_auditor == lead

    # A deactivated user cannot log in, get a token, or use an old one: it was revoked.
    client.logout()
    login = client.post("/login/", {"username": "lead", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    assert api.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}, format="json").status_code == 400
    assert not Token.objects.filter(user=lead).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old_token}")
    assert api.get("/api/users/me/").status_code == 401


@POSTGRES_ONLY
def test_4_7_accounts_database_keeps_the_trail_of_a_user_deleted_behind_the_product(
    api, assessment, checklist, auditor
):
    """Even a shell `delete()` of a user who appears only in the audit trail fails: the database
    refuses to null the entries' actor."""
    put_answers(api, auditor, assessment, [{"question": codes(checklist, 1)[0], "value": "compliant"}])
    Answer.objects.filter(updated_by=auditor).update(updated_by=None)
    assessment.audit_team.clear()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        User.objects.get(pk=auditor.pk).delete()
    assert AuditEntry.objects.filter(actor=auditor).exists()


# === Roles and object permissions (11.10(d)(g), Annex 11 §12.1) ===================================


def test_role_lists_are_filtered_and_non_members_get_404(
    api, assessment, checklist, lead_auditor, auditor, reviewer, quality_admin, vendor_contact, make_user
):
    outsider = make_user("outsider", Role.AUDITOR)
    for user, sees in (
        (lead_auditor, True),
        (auditor, True),
        (quality_admin, True),
        (outsider, False),
        (vendor_contact, False),
    ):
        listed = {a["id"] for a in api.as_user(user).get("/api/assessments/").json()["results"]}
        assert (assessment.pk in listed) is sees, user
        detail = api.as_user(user).get(url(assessment)).status_code
        assert detail == (200 if sees else 404), (user, detail)
    # An auditor on the team edits; one who is not cannot even tell it exists.
    code = codes(checklist, 1)[0]
    assert put_answers(api, auditor, assessment, [{"question": code, "value": "compliant"}]).status_code == 200
    assert put_answers(api, outsider, assessment, [{"question": code, "value": "partial"}]).status_code == 404
    # QA reviewers see every submitted assessment, not only the ones they are named on.
    other_reviewer = make_user("qa2", Role.REVIEWER)
    assert api.as_user(other_reviewer).get(url(assessment)).status_code == 404
    submit(api, assessment, lead_auditor, checklist)
    assert api.as_user(other_reviewer).get(url(assessment)).status_code == 200
    assert api.as_user(vendor_contact).get("/api/vendors/").status_code == 403


def test_a_quality_admin_cannot_make_superusers_or_take_over_one(client, quality_admin, auditor):
    """Authority checks (11.10(g)): roles are granted as groups; superuser status and
    per-user permissions, which bypass every rule, only by a superuser."""
    boss = User.objects.create_superuser("root", "root@example.com", "an-unguessable-root-secret-77")
    client.force_login(quality_admin)
    page = client.get(f"/admin/accounts/user/{auditor.pk}/change/").content.decode()
    assert 'name="groups"' in page
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    new_password = "taken-over-by-qa-admin-123"
    response = client.post(
        f"/admin/accounts/user/{boss.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert not boss.check_password(new_password)
