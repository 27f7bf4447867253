"""Fixtures shared by the whole suite: users by role, API clients, records (the built-in checklist,
a bare `vendor`, an `assessment` of it; the vendor registry and `registry_vendor` for the tests
that need them), and real Celery worker processes (started by tests/helpers/processes.py)."""
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from assessments.models import Checklist
from tests.factories import new_assessment
from tests.helpers.processes import CeleryWorker, database_url, forget_queue
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


# --- Records: the built-in checklist, a vendor, an assessment with its team -------------------
@pytest.fixture
def checklist(db):
    """The built-in checklist CGT-CDMO v1 (66 questions), published."""
    from assessments import reference_data

    reference_data.load()
    return Checklist.objects.get(code="CGT-CDMO", version=1)


@pytest.fixture
def vendor(db):
    """One vendor row and nothing else: no sites, licences, contacts nor other vendors. For a
    test that needs something to assess."""
    return Vendor.objects.create(name="Cellvector GmbH", country="DE", inherent_risk="high")


@pytest.fixture
def assessment(checklist, vendor, lead_auditor, auditor, reviewer):
    """A planned assessment of `vendor` on `checklist`."""
    return new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])


@pytest.fixture
def reference_data(db):
    """The vendor registry of the reference data: every vendor with its sites, GMP licences,
    contacts and track record."""
    from vendors import reference_data

    reference_data.load()


@pytest.fixture
def registry_vendor(reference_data):
    """Lonza Group from the vendor registry (`reference_data`), with its sites, licences and
    contacts."""
    return Vendor.objects.get(name="Lonza Group")


@pytest.fixture
def registry_assessment(checklist, registry_vendor, lead_auditor, auditor, reviewer):
    """A planned assessment like `assessment`, of `registry_vendor`."""
    return new_assessment(checklist, registry_vendor, lead_auditor, reviewer, team=[auditor])


# --- Real Celery workers ------------------------------------------------------------------------
@pytest.fixture
def celery_queue():
    """A queue name of this test's own: its workers never take another test's tasks, nor those of
    a worker started by `make run` on the same Redis."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def private_queue(settings, celery_queue):
    """The web side publishes its tasks (a final report at every approval) to this test's own
    queue, never to the queue a `make run` worker listens to; the queue is deleted from Redis
    afterwards."""
    settings.CELERY_TASK_DEFAULT_QUEUE = celery_queue
    yield celery_queue
    try:
        forget_queue(settings.REDIS_URL, celery_queue)
    except Exception:  # Redis down: nothing was queued
        pass


@pytest.fixture
def start_worker(celery_queue):
    """`start_worker(concurrency=1, name=None, wait=True, **env)`: a real worker process on this
    test's queue and database (a `CeleryWorker`, log in test-artifacts/worker-<name>.log); every
    worker started is stopped at the end. `wait=False` returns at once: call
    `worker.wait_ready()` later, so that the worker boots (several seconds) while the test does
    something else or starts another one."""
    workers = []

    def start(concurrency=1, name=None, wait=True, **env):
        worker = CeleryWorker(celery_queue, log_dir=BASE_DIR / "test-artifacts", name=name, concurrency=concurrency,
                              env={"DATABASE_URL": database_url(connection.settings_dict), **env})
        workers.append(worker)
        return worker.wait_ready() if wait else worker

    yield start
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
