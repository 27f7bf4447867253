"""API tokens expire like sessions do."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_expired_token_is_refused_and_a_new_one_is_issued(api, auditor, settings):
    first = api.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get("/api/users/me/").status_code == 200
    Token.objects.filter(key=first).update(created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS + 1))
    refused = api.get("/api/users/me/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    api.credentials()
    second = api.post("/api/auth/token/", {"username": "auditor", "password": PASSWORD}, format="json").json()["token"]
    assert second != first
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/users/me/").status_code == 200


def test_the_same_token_is_returned_while_it_is_valid(api, auditor):
    body = {"username": "auditor", "password": PASSWORD}
    assert (
        api.post("/api/auth/token/", body, format="json").json()
        == api.post("/api/auth/token/", body, format="json").json()
    )


def test_wrong_password_gets_no_token(api, auditor):
    response = api.post("/api/auth/token/", {"username": "auditor", "password": "nope"}, format="json")
    assert response.status_code == 400 and "token" not in response.json()
