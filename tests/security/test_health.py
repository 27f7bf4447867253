"""/health/ says what is down: 200 when the database and Redis answer, 503 naming either one."""

import socket

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: bound for a moment to learn a free one, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"


def test_both_answer_200(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "down": []}


def test_redis_on_a_closed_port_is_503_naming_redis(client, redis_down):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down", "down": ["redis"]}


def test_an_unreachable_database_is_503_naming_the_database(client, database_down):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "redis": "ok", "down": ["database"]}


def test_both_down_name_both(client, database_down, redis_down):
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["down"] == ["database", "redis"]


def test_health_needs_no_login_and_says_nothing_about_the_data(client, assessment):
    body = client.get("/health/").content.decode()
    assert set(client.get("/health/").json()) == {"status", "database", "redis", "down"}
    assert str(assessment.vendor.name) not in body
