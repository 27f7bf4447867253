"""Fixtures shared by the whole suite. One name, one meaning:

- users by role: `quality_admin`, `lead_auditor` (also an auditor), `auditor`, `reviewer`,
  `vendor_contact`, and `outsider` (an auditor on no audit team); `make_user(name, *roles)` for
  others. All have the password PASSWORD.
- API clients: `api` (anonymous; `api.as_user(user)` authenticates that same client), `api_as(user)`
  (a client of that user's own), and one client of its own per role: `lead_api`, `auditor_api`,
  `reviewer_api`, `admin_api`.
- records: `checklist` (the built-in CGT-CDMO v1), `vendor` (one bare vendor row, no registry),
  `assessment` (a planned assessment of `vendor` on `checklist`: led by `lead_auditor` with
  `auditor` on the team, `reviewer` named to review it); `reference_data` (the whole vendor
  registry), `registry_vendor` (Lonza Group from it, with its sites, licences, contacts and
  track record) and `registry_assessment` (the same planned assessment, of `registry_vendor`);
  `private_media`: stored files in a directory of the test's own; `smtp_server`: a real SMTP
  server (aiosmtpd) that keeps what it is sent.
- real processes: `celery_queue` (a queue name of this test's own), `private_queue` (the web side
  publishes to it) and `start_worker(...)` (real Celery workers on it, stopped at the end); see
  tests/helpers/processes.py.
"""

import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from assessments.models import CorrectiveAction
from checklists.models import Checklist
from tests.factories import approved_assessment, new_assessment
from tests.helpers import api as api_helpers
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


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits (the report verification's) are counted in the cache, which outlives a test in
    this process: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


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


def user_fixture(username, *roles, doc):
    """A fixture giving the user `username` with `roles`, made by `make_user`."""

    def fixture(make_user):
        return make_user(username, *roles)

    fixture.__doc__ = doc
    return pytest.fixture(fixture)


quality_admin = user_fixture("qadmin", Role.ADMIN, doc="A quality administrator (staff).")
auditor = user_fixture("auditor", Role.AUDITOR, doc="An auditor; on the team of `assessment`.")
lead_auditor = user_fixture("lead", Role.LEAD_AUDITOR, Role.AUDITOR, doc="A lead auditor; leads `assessment`.")
reviewer = user_fixture("reviewer", Role.REVIEWER, doc="A QA reviewer; named to review `assessment`.")
vendor_contact = user_fixture("contact", Role.VENDOR_CONTACT, doc="A vendor's contact person: sees no assessment.")
outsider = user_fixture("outsider", Role.AUDITOR, doc="An auditor on no audit team: may not see `assessment`.")


# --- API clients ------------------------------------------------------------------------------
@pytest.fixture
def api():
    """One API client, anonymous; `api.as_user(user)` authenticates this same client with that
    user's token (and returns it), so that it then acts as the last user given."""
    client = api_helpers.client_for()
    client.as_user = lambda user: api_helpers.authenticate(client, user)
    return client


@pytest.fixture
def api_as():
    """`api_as(user)`: the API client of that user, of its own (independent of `api` and of the
    other users' clients); the same client each time for the same user."""
    clients = {}

    def client_of(user):
        if user.pk not in clients:
            clients[user.pk] = api_helpers.client_for(user)
        return clients[user.pk]

    return client_of


def client_fixture(user, doc):
    """A fixture giving `api_as(...)` of the user that the fixture named `user` gives."""

    def fixture(request, api_as):
        return api_as(request.getfixturevalue(user))

    fixture.__doc__ = doc
    return pytest.fixture(fixture)


lead_api = client_fixture("lead_auditor", doc="The lead auditor's API client.")
auditor_api = client_fixture("auditor", doc="The auditor's API client.")
reviewer_api = client_fixture("reviewer", doc="The QA reviewer's API client.")
admin_api = client_fixture("quality_admin", doc="The quality administrator's API client.")


@pytest.fixture
def private_media(settings, tmp_path):
    """Stored files (evidence and its previews, signed copies) go to a private directory of this test's own."""
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


# --- Records: the built-in checklist, a vendor, an assessment with its team -------------------
@pytest.fixture
def checklist(db):
    """The built-in checklist CGT-CDMO v1 (66 questions), published."""
    from checklists import reference_data

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
def approved(checklist, vendor, lead_auditor, auditor, reviewer):
    """An approved assessment of `vendor` with one major finding (C.1) and its corrective action,
    so `vendor` is conditionally approved."""
    return approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], findings=[("C.1", "major")])


@pytest.fixture
def action(approved):
    """The open corrective action of `approved`."""
    return CorrectiveAction.objects.select_related("finding__assessment").get(finding__assessment=approved)


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


@pytest.fixture
def smtp_server():
    """A real SMTP server of this test's own (tests/helpers/smtp.py), stopped at the end."""
    from tests.helpers.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


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
        worker = CeleryWorker(
            celery_queue,
            log_dir=BASE_DIR / "test-artifacts",
            name=name,
            concurrency=concurrency,
            env={"DATABASE_URL": database_url(connection.settings_dict), **env},
        )
        workers.append(worker)
        return worker.wait_ready() if wait else worker

    yield start
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
