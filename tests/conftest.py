"""Fixtures shared by the whole suite: users by role, API clients, reference data, and a real
Celery worker process."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from checklists.models import Checklist
from tests.factories import new_assessment
from vendors.models import Vendor

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create users, log in and sign many times; the product's PBKDF2 would make the suite
    take many minutes. The password checks are the same code; the product's hasher setting is
    itself tested (test_4_7_accounts_passwords_are_stored_hashed)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    ensure_role_groups()

    def make(username, *roles, **fields):
        fields.setdefault("first_name", username.capitalize())
        fields.setdefault("last_name", "Tester")
        fields.setdefault("is_staff", Role.ADMIN in roles)
        user = User.objects.create_user(username=username, password=PASSWORD, **fields)
        user.groups.set(Group.objects.filter(name__in=[str(r) for r in roles]))
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def quality_admin(make_user):
    return make_user("qadmin", Role.ADMIN)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def lead_auditor(make_user):
    return make_user("lead", Role.LEAD_AUDITOR, Role.AUDITOR)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def vendor_contact(make_user):
    return make_user("contact", Role.VENDOR_CONTACT)


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it with that user's token."""
    from rest_framework.authtoken.models import Token

    client = APIClient()

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def reference_data(db):
    from vendors import reference_data

    reference_data.load()


# --- Domain objects: the built-in checklist, a vendor, an assessment with its team -----------
@pytest.fixture
def checklist(db):
    from checklists import reference_data

    reference_data.load()
    return Checklist.objects.get(code="CGT-CDMO", version=1)


@pytest.fixture
def vendor(reference_data):
    return Vendor.objects.get(name="Lonza Group")


@pytest.fixture
def assessment(checklist, vendor, lead_auditor, auditor, reviewer):
    return new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])


def database_url_for_subprocess():
    """The URL of the database this test is using, for processes the test starts."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """A real `celery worker` process on a queue of its own, so tests never share messages with
    a worker started by `make run` on the same Redis."""

    def __init__(self, queue, concurrency=1, extra_env=None, name=None):
        self.queue = queue
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_QUEUE": queue,
               "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.log_path = BASE_DIR / "test-artifacts" / f"worker-{name or uuid.uuid4().hex[:8]}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=prefork",
             f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             f"--hostname={name or 'test'}-{uuid.uuid4().hex[:6]}@%h"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early: {self.log_path.read_text()[-3000:]}")
            if " ready." in self.log_path.read_text():
                return self
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready: {self.log_path.read_text()[-3000:]}")

    def kill(self, sig):
        os.killpg(self.process.pid, sig)

    def request_stop(self):
        """Ask for a warm shutdown without waiting (several workers then stop in parallel)."""
        if self.process.poll() is None and not getattr(self, "_stopping", False):
            self._stopping = True
            self.process.terminate()

    def stop(self):
        if self.process.poll() is None:
            self.request_stop()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(9)
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture
def celery_queue():
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def start_worker(celery_queue):
    """Start real worker processes on this test's queue; all are stopped at the end."""
    workers = []

    def start(concurrency=1, name=None, wait=True, **env):
        """`wait=False` returns at once: call `worker.wait_ready()` later, so that the worker
        boots (several seconds) while the test does something else or starts another one."""
        worker = WorkerProcess(celery_queue, concurrency=concurrency, extra_env=env, name=name)
        workers.append(worker)
        return worker.wait_ready() if wait else worker

    yield start
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
