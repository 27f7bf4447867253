"""API tokens die: at log-out, at a lock-out of their account, at the deactivation of their user and
at a password change. Each over the API, the way a client holding the token sees it."""

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-8812"


def issue(username="auditor", password=PASSWORD):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/users/me/").status_code


def test_logout_revokes_the_token_that_calls_it(auditor, reviewer):
    token, others = issue(), issue("reviewer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/auth/logout/")
    assert response.status_code == 204 and not response.content
    assert me(token) == 401
    assert client.post("/api/auth/logout/").status_code == 401
    assert me(others) == 200  # nobody else's
    assert issue() != token  # the next log-in gets a new one


def test_logout_needs_an_authenticated_caller(db):
    assert APIClient().post("/api/auth/logout/").status_code == 401


def test_logout_with_a_browser_session_ends_the_session(client, auditor):
    client.force_login(auditor)
    assert client.post("/api/auth/logout/").status_code == 204
    assert "_auth_user_id" not in client.session


def test_a_lockout_revokes_the_token_of_the_account(auditor):
    token = issue()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post("/api/auth/token/", {"username": "auditor", "password": f"guess-{attempt}"}, format="json")
    assert me(token) == 401
    assert not Token.objects.filter(user=auditor).exists()


def test_deactivation_revokes_the_token_for_good(client, auditor, quality_admin):
    token = issue()
    client.force_login(quality_admin)
    response = client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [auditor.pk]})
    assert response.status_code == 302
    assert me(token) == 401
    # Reactivated, the user logs in again for a new token: the old one stays dead.
    auditor.refresh_from_db()
    auditor.is_active = True
    auditor.save()
    assert me(token) == 401


def test_a_password_change_in_the_admin_revokes_the_token(client, auditor, quality_admin):
    token = issue()
    client.force_login(quality_admin)
    response = client.post(
        f"/admin/accounts/user/{auditor.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert me(token) == 401
    assert me(issue(password=NEW_PASSWORD)) == 200


def test_a_password_set_and_saved_anywhere_revokes_the_token(auditor):
    """As `manage.py changepassword` and Django's password forms do it."""
    token = issue()
    auditor.refresh_from_db()
    auditor.set_password(NEW_PASSWORD)
    auditor.save()
    assert me(token) == 401


def test_other_saves_of_the_user_keep_the_token(auditor):
    token = issue()
    auditor.refresh_from_db()
    auditor.first_name = "Renamed"
    auditor.save()
    assert me(token) == 200
