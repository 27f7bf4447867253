"""Log-in lock-out: keyed on account and address, timed, audit-trailed, visible to administrators.
A stranger guessing passwords locks the account from their own address for LOGIN_LOCKOUT_MINUTES,
never the colleague at their desk, and never for good."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from accounts.lockout import LOCKED_MESSAGE
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

STRANGER, COLLEAGUE = "198.51.100.7", "192.0.2.10"


def log_in(client, password, address, username="auditor"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def lock_out(client, address=STRANGER, username="auditor"):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{attempt}", address, username)


def lockout_entries(username="auditor"):
    return AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_repr=username)


def test_five_failures_lock_the_account_from_that_address_only(client, auditor):
    lock_out(client)
    refused = log_in(client, PASSWORD, STRANGER)
    assert refused.status_code == 403 and LOCKED_MESSAGE in refused.content.decode()
    assert "_auth_user_id" not in client.session

    at_desk = log_in(client, PASSWORD, COLLEAGUE)
    assert at_desk.status_code == 302 and client.session["_auth_user_id"] == str(auditor.pk)


def test_the_token_endpoint_and_the_api_are_locked_from_that_address_only(api, auditor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post(
            "/api/auth/token/",
            {"username": "auditor", "password": f"guess-{attempt}"},
            format="json",
            REMOTE_ADDR=STRANGER,
        )
    body = {"username": "auditor", "password": PASSWORD}
    refused = api.post("/api/auth/token/", body, format="json", REMOTE_ADDR=STRANGER)
    assert refused.status_code == 403 and refused.json()["detail"] == LOCKED_MESSAGE
    assert api.post("/api/auth/token/", body, format="json", REMOTE_ADDR=COLLEAGUE).status_code == 200


def test_the_lockout_lasts_login_lockout_minutes_and_then_ends_by_itself(client, auditor):
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    lock_out(client)
    assert log_in(client, PASSWORD, STRANGER).status_code == 403
    # 14 minutes later (the last refused attempt counted too, and restarted the clock): still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert log_in(client, PASSWORD, STRANGER).status_code == 403
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = log_in(client, PASSWORD, STRANGER)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(auditor.pk)


def test_login_lockout_minutes_comes_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.AXES_COOLOFF_TIME.total_seconds(), s.AXES_LOCKOUT_PARAMETERS)"
    )
    default = manage("shell", "-c", code, env=PRODUCTION)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip().splitlines()[-1] == "900.0 [['username', 'ip_address']]"
    custom = manage("shell", "-c", code, env={**PRODUCTION, "LOGIN_LOCKOUT_MINUTES": "40"})
    assert custom.stdout.strip().splitlines()[-1].startswith("2400.0 ")


def test_a_lockout_is_written_to_the_audit_trail_once_by_the_system_naming_account_and_address(client, auditor):
    lock_out(client)
    log_in(client, PASSWORD, STRANGER)  # refused while locked: no second entry
    log_in(client, "another-guess", STRANGER)
    entry = lockout_entries().get()
    assert entry.actor is None and entry.username == "system"
    assert entry.object_pk == str(auditor.pk) and entry.content_type.model == "user"
    assert entry.remote_addr == STRANGER
    assert entry.additional_data == {
        "event": "lock-out",
        "username": "auditor",
        "address": STRANGER,
        "minutes": 15,
        "failures": settings.AXES_FAILURE_LIMIT,
    }
    assert "auditor" in entry.reason and STRANGER in entry.reason and "15 minutes" in entry.reason


def test_a_lockout_while_signing_is_attributed_to_the_system_not_to_the_signer(api, assessment, lead_auditor):
    client = api.as_user(lead_auditor)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            f"/api/assessments/{assessment.pk}/signatures/",
            {"meaning": "performed", "password": f"wrong-{attempt}"},
            format="json",
        )
        assert response.status_code == 403
    entry = lockout_entries("lead").get()
    assert entry.actor is None and entry.username == "system" and entry.remote_addr == "127.0.0.1"


def test_a_lockout_of_an_unknown_user_name_is_recorded_too(client, db):
    lock_out(client, username="nobody-here")
    entry = lockout_entries("nobody-here").get()
    assert entry.object_pk == "" and entry.username == "system"


def test_quality_administrators_see_current_lockouts_and_lift_one(client, auditor, reviewer, quality_admin):
    lock_out(client)
    log_in(client, "one-wrong-guess", COLLEAGUE, username="reviewer")  # a failure, not a lock-out
    client.force_login(quality_admin)
    locked = client.get("/admin/axes/accessattempt/", {"locked_out": "yes"})
    assert locked.status_code == 200
    page = locked.content.decode()
    assert "auditor" in page and STRANGER in page and "reviewer" not in page
    attempt = AccessAttempt.objects.get(username="auditor")
    until = (attempt.attempt_time + settings.AXES_COOLOFF_TIME).strftime("%Y-%m-%d %H:%M")
    assert until in page

    # An expired lock-out is not current.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(hours=1))
    assert "auditor" not in client.get("/admin/axes/accessattempt/", {"locked_out": "yes"}).content.decode()
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now())

    # Lifting it: deleting the attempt.
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    client.logout()
    assert log_in(client, PASSWORD, STRANGER).status_code == 302


def test_other_roles_do_not_see_lockouts(client, reviewer, lead_auditor):
    for user in (reviewer, lead_auditor):
        client.force_login(user)
        response = client.get("/admin/axes/accessattempt/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
