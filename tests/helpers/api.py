"""API clients authenticated as a user, and small request helpers shared by the API tests."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def authenticate(client: APIClient, user) -> APIClient:
    """Send `user`'s API token with every request of `client` from now on; returns `client`."""
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def client_for(user=None) -> APIClient:
    """A new API client of its own: anonymous, or authenticated as `user`."""
    client = APIClient()
    return authenticate(client, user) if user is not None else client


def assessment_url(assessment, tail: str = "") -> str:
    """/api/assessments/<id>/<tail>"""
    return f"/api/assessments/{assessment.pk}/{tail}"
