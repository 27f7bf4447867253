"""Settings come from the environment; production values pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "cdmo.example.com",
    "DATABASE_URL": "postgres://cdmo@db.example.com:5432/cdmo",
    "REDIS_URL": "redis://redis.example.com:6379/0",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.slow
def test_database_and_media_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.DATABASES['default']['NAME'], s.MEDIA_ROOT, s.CELERY_BROKER_URL)"
    )
    env = {**PRODUCTION, "MEDIA_ROOT": str(tmp_path / "files")}
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    engine, name, media, broker = result.stdout.strip().splitlines()[-1].split()
    assert engine == "django.db.backends.postgresql" and name == "cdmo"
    assert media == str(tmp_path / "files")
    assert broker == "redis://redis.example.com:6379/0"


@pytest.mark.slow
def test_sqlite_under_var_is_the_default():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])",
        env={"DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith("var/db.sqlite3")
