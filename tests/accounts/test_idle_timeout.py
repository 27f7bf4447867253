"""The idle timeout without a session write on every read (config.middleware.IdleTimeoutMiddleware):
a read within a minute of the last renewal writes nothing, a request after it renews the expiry,
and a session idle past SESSION_IDLE_MINUTES is logged out. The stored renewal time is moved back
instead of waiting (freezegun is not among the pinned packages)."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.middleware import LAST_REFRESH_KEY, REFRESH_SECONDS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if '"django_session"' in q["sql"] and q["sql"].lstrip().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def logged_in(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def move_renewal_back(client, seconds):
    """As if the session had last been renewed `seconds` ago."""
    session = client.session
    session[LAST_REFRESH_KEY] = int(time.time()) - seconds
    session.save()


def test_the_log_in_stamps_the_session_and_a_read_within_the_minute_writes_nothing(client, auditor):
    key = logged_in(client, auditor)
    assert isinstance(client.session[LAST_REFRESH_KEY], int)
    expiry = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get("/vendors/").status_code == 200
    assert session_writes(queries) == []
    assert Session.objects.get(session_key=key).expire_date == expiry


def test_a_request_after_the_minute_renews_the_expiry(client, auditor):
    key = logged_in(client, auditor)
    move_renewal_back(client, REFRESH_SECONDS + 5)
    before = Session.objects.get(session_key=key).expire_date
    stamp_before = client.session[LAST_REFRESH_KEY]
    time.sleep(0.01)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(session_writes(queries)) == 1
    assert Session.objects.get(session_key=key).expire_date > before
    assert client.session[LAST_REFRESH_KEY] > stamp_before
    # The renewal is the new reference: the next read writes nothing again.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert session_writes(queries) == []


def test_a_session_idle_past_the_timeout_is_logged_out(client, auditor):
    key = logged_in(client, auditor)
    move_renewal_back(client, settings.SESSION_COOKIE_AGE + 1)
    # The store has not expired it yet (its expiry was renewed by the save above): the middleware does.
    assert Session.objects.filter(session_key=key).exists()
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session
    # And so for the API with the browser session.
    assert client.get("/api/users/me/").status_code in (401, 403)


def test_a_session_idle_just_under_the_timeout_is_kept_and_renewed(client, auditor):
    logged_in(client, auditor)
    move_renewal_back(client, settings.SESSION_COOKIE_AGE - 5)
    assert client.get("/").status_code == 200
    assert int(time.time()) - client.session[LAST_REFRESH_KEY] < REFRESH_SECONDS


def test_an_api_token_request_creates_no_session(api, auditor):
    before = Session.objects.count()
    assert api.as_user(auditor).get("/api/users/me/").status_code == 200
    assert Session.objects.count() == before
