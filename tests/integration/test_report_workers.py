"""Reports rendered by REAL Celery worker processes through the real Redis.

No eager mode and no mock of the queue in the worker tests: rows are committed (transactional
tests) so that the worker processes see them, the web side publishes to this test's own queue,
and the tests only watch the database, the API and the workers' logs.

- approval queues a final report that a worker renders;
- a worker SIGKILLed mid-render leaves its report to the next worker (acks_late + the broker's
  visibility timeout);
- two workers share a batch;
- Redis down: 503 and no orphan row, approval still succeeds and the sweep sends the report later;
- in-process checks of the task's failure handling, retries, idempotency and the sweep."""

import re
import signal
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import OperationalError
from django.utils import timezone

from assessments import record
from reports import queue, rendering, services, tasks
from reports.models import AuditReport, ReportArchive
from reports.tasks import render_report, sweep_reports
from tests.factories import new_assessment
from tests.helpers.processes import forget_queue, free_port, wait_for
from tests.helpers.reports import approve_via_api, new_report, read_pdf

# available_apps: on PostgreSQL the flush after each transactional test must TRUNCATE with
# CASCADE (django-auditlog's own, swapped-out log table still references content types).
ALL_APPS = [app.name for app in apps.get_app_configs()]
# private_queue: the web side publishes where this test's workers listen (reports.services reads
# the settings at each publish).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
    pytest.mark.usefixtures("private_queue"),
]

SUCCEEDED = re.compile(r"Task reports\.tasks\.render_report\[(?P<id>[0-9a-f-]+)\] succeeded")
RECEIVED = re.compile(r"Task reports\.tasks\.render_report\[(?P<id>[0-9a-f-]+)\] received")


@pytest.fixture
def small_checklist(db):
    """The built-in checklist cut down to criterion B (7 questions): the worker tests are about
    delivery, not content (tests/reports covers the full checklist), and a short report keeps
    them fast. Imported and published like any checklist file."""
    from checklists import formats, publishing, reference_data

    document = formats.parse((reference_data.CHECKLISTS_DIR / "cgt-cdmo-v1.yaml").read_text())
    document.update(code="CGT-MINI", name="CGT CDMO assessment, criterion B only (worker tests)")
    document["criteria"] = [c for c in document["criteria"] if c["code"] == "B"]
    return publishing.publish(formats.import_checklist(formats.dump(document)))


@pytest.fixture
def small_assessment(small_checklist, vendor, lead_auditor, auditor, reviewer):
    return new_assessment(small_checklist, vendor, lead_auditor, reviewer, team=[auditor])


def status_of(api, user, report_id):
    response = api.as_user(user).get(f"/api/reports/{report_id}/")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def wait_until_ready(api, user, report_id, timeout, workers=()):
    def ready():
        body = status_of(api, user, report_id)
        assert body["status"] != "failed", body
        return body if body["status"] == "ready" else None

    try:
        return wait_for(ready, timeout, f"report {report_id} to be ready")
    except AssertionError:
        logs = "\n".join(f"--- {w.log_path}\n{w.log_path.read_text()[-2500:]}" for w in workers)
        raise AssertionError(
            f"report {report_id} not ready within {timeout}s: {status_of(api, user, report_id)}\n{logs}"
        ) from None


def ask_for_draft(api, user, assessment):
    response = api.as_user(user).post(f"/api/assessments/{assessment.pk}/reports/", {"kind": "draft"}, format="json")
    assert response.status_code == 202, response.content[:500]
    return response.json()


def log_time(log, pattern):
    """The time of the first line of a worker log matching `pattern`."""
    from datetime import datetime

    for line in log.splitlines():
        if re.search(pattern, line):
            return datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f")
    raise AssertionError(f"no line matching {pattern!r} in the worker log")


# --- real workers --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.pdf
def test_approval_queues_a_final_report_that_a_real_worker_renders(
    api, assessment, lead_auditor, reviewer, checklist, start_worker
):
    started = time.monotonic()
    worker = start_worker(name="final", wait=False)  # boots while the assessment is approved
    approve_via_api(api, assessment, lead_auditor, reviewer, checklist)
    worker.wait_ready()
    # The approval's on-commit hook created and queued the final report.
    report = AuditReport.objects.get(assessment=assessment)
    assert report.kind == "final" and report.requested_by == reviewer and report.error == ""

    body = wait_until_ready(api, reviewer, report.pk, timeout=60, workers=[worker])
    assert body["kind"] == "final" and body["pages"] >= 3
    download = api.as_user(reviewer).get(body["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    pdf = read_pdf(data)
    assert assessment.vendor.name in pdf["text"] and report.reference in pdf["text"]
    assert "DRAFT" not in pdf["pypdf"]
    assert body["content_hash"] == record.content_hash(assessment)
    assert body["content_hash"] in pdf["flat"]
    # Rendered by the worker process, not here.
    assert SUCCEEDED.search(worker.log_path.read_text())
    print(f"\napproval to downloaded final report: {time.monotonic() - started:.1f}s")


@pytest.fixture
def broker_key_prefix(celery_queue, settings):
    """A kombu key prefix of this test's own; its keys are deleted afterwards (request this
    fixture before start_worker, so that the workers have stopped by then)."""
    prefix = f"{celery_queue}:"
    yield prefix
    forget_queue(settings.REDIS_URL, celery_queue, key_prefix=prefix)


@pytest.mark.slow
@pytest.mark.pdf
def test_a_report_survives_its_worker_being_killed_mid_render(
    api, small_assessment, auditor, broker_key_prefix, start_worker, settings
):
    """Worker A takes the job and is SIGKILLed while rendering; worker B gets the message once
    the visibility timeout has passed and finishes the report."""
    # The visibility timeout is read by the consuming side (kombu's Redis QoS); the key prefix
    # keeps this test's unacknowledged messages apart from any other worker on the same Redis
    # (each restores every message older than *its* timeout), and must be the same on both sides.
    visibility = 3
    prefix = broker_key_prefix
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": visibility,
        "global_keyprefix": prefix,
    }
    env = {"CELERY_VISIBILITY_TIMEOUT": str(visibility), "CELERY_BROKER_KEY_PREFIX": prefix}
    victim = start_worker(name="victim", REPORT_RENDER_DELAY_SECONDS="8", **env)

    report_id = ask_for_draft(api, auditor, small_assessment)["id"]
    wait_for(lambda: AuditReport.objects.get(pk=report_id).status == "rendering", 30, "worker A to start rendering")
    victim.kill(signal.SIGKILL)
    victim.process.wait(timeout=10)
    killed_at = time.monotonic()
    report = AuditReport.objects.get(pk=report_id)
    assert report.status == "rendering" and report.attempts == 1
    assert RECEIVED.search(victim.log_path.read_text()) and not SUCCEEDED.search(victim.log_path.read_text())

    rescuer = start_worker(name="rescuer", REPORT_RENDER_DELAY_SECONDS="0", **env)
    body = wait_until_ready(api, auditor, report_id, timeout=40, workers=[victim, rescuer])
    report.refresh_from_db()
    assert report.attempts >= 2, report.attempts
    assert SUCCEEDED.search(rescuer.log_path.read_text())
    data = report.file.read()
    assert body["sha256"] == rendering.pdf_facts(data)["sha256"]
    assert small_assessment.vendor.name in read_pdf(data)["text"]
    # kombu handed the message over within the visibility timeout plus one restore period
    # (config/settings.py), not after kombu's default 100 s scan period.
    log = rescuer.log_path.read_text()
    ready_at, received_at = log_time(log, r" ready\."), log_time(log, RECEIVED.pattern)
    assert (received_at - ready_at).total_seconds() <= visibility + 5, (ready_at, received_at)
    print(
        f"\nkill to ready on the second worker: {time.monotonic() - killed_at:.1f}s "
        f"(visibility timeout {visibility}s; message received {(received_at - ready_at).total_seconds():.1f}s "
        "after the worker was ready)"
    )


@pytest.mark.slow
@pytest.mark.pdf
def test_two_workers_share_a_batch(api, small_assessment, auditor, start_worker):
    workers = [start_worker(name="left", wait=False), start_worker(name="right", wait=False)]
    for worker in workers:
        worker.wait_ready()
    started = time.monotonic()
    ids = [ask_for_draft(api, auditor, small_assessment)["id"] for _ in range(6)]
    for report_id in ids:
        wait_until_ready(api, auditor, report_id, timeout=90, workers=workers)
    elapsed = time.monotonic() - started
    counts = [len(SUCCEEDED.findall(w.log_path.read_text())) for w in workers]
    assert sum(counts) == 6 and all(counts), counts
    assert sorted(AuditReport.objects.filter(pk__in=ids).values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert set(AuditReport.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    print(f"\n6 reports on two workers in {elapsed:.1f}s; split {counts}")


@pytest.mark.slow
@pytest.mark.pdf
def test_redis_down_gives_503_without_orphans_and_approval_still_queues_for_the_sweep(
    api, small_assessment, auditor, lead_auditor, reviewer, small_checklist, start_worker, settings
):
    real_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    started = time.monotonic()
    response = api.as_user(auditor).post(f"/api/assessments/{small_assessment.pk}/reports/", {}, format="json")
    assert response.status_code == 503, response.content[:300]
    assert "task queue" in response.json()["detail"] and "try again" in response.json()["detail"].lower()
    assert time.monotonic() - started < 3, "a broker outage must be reported at once, not after retries"
    assert AuditReport.objects.count() == 0
    archive = api.as_user(auditor).post("/api/report-archives/", {"assessments": [small_assessment.pk]}, format="json")
    assert archive.status_code == 503 and ReportArchive.objects.count() == 0

    # Approval does not depend on the queue: it succeeds, the final report waits as queued.
    worker = start_worker(name="after-outage", wait=False)
    approve_via_api(api, small_assessment, lead_auditor, reviewer, small_checklist)
    worker.wait_ready()
    report = AuditReport.objects.get(assessment=small_assessment)
    assert report.kind == "final" and report.status == "queued" and report.attempts == 0
    assert "task queue" in report.error
    assert sweep_reports.run() == {"resent": 0, "failed": 0}  # still down: nothing sent, nothing lost
    report.refresh_from_db()
    assert report.status == "queued" and "task queue" in report.error

    settings.CELERY_BROKER_URL = real_broker  # the queue is back
    assert sweep_reports.run() == {"resent": 1, "failed": 0}
    body = wait_until_ready(api, reviewer, report.pk, timeout=60, workers=[worker])
    assert body["error"] == "" and body["kind"] == "final"
    assert sweep_reports.run() == {"resent": 0, "failed": 0}


# --- the task's failure handling, in this process -----------------------------------------
# No worker here: the task function runs in this process, so plain (rolled back) test
# transactions suffice; the marker on each test overrides the module's transactional one.
IN_PROCESS = pytest.mark.django_db


@IN_PROCESS
def test_a_failing_render_is_recorded_with_a_readable_error(small_assessment, auditor, monkeypatch):
    def broken(html, archival=None):
        raise ValueError("font file is corrupt")

    monkeypatch.setattr(rendering, "html_to_pdf", broken)
    report = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    result = render_report.apply(args=[report.pk])
    assert result.successful() and result.get()["status"] == "failed"
    report.refresh_from_db()
    assert report.status == "failed" and report.attempts == 1 and not report.file
    assert report.error == "Rendering failed: ValueError: font file is corrupt"


@pytest.mark.pdf
@IN_PROCESS
def test_a_failure_while_storing_the_pdf_is_recorded_too(small_assessment, auditor, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def disk_full(self, name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", disk_full)
    report = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "failed" and "No space left on device" in report.error


@pytest.mark.pdf
@IN_PROCESS
def test_transient_errors_are_retried_then_recorded(small_assessment, auditor, monkeypatch):
    calls = []

    def flaky(html, archival=None):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return original(html, archival)

    original = rendering.html_to_pdf
    monkeypatch.setattr(rendering, "html_to_pdf", flaky)
    report = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "ready" and report.attempts == 3 and len(calls) == 3

    def down(html, archival=None):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(rendering, "html_to_pdf", down)
    monkeypatch.setattr(
        rendering, "render_source", lambda assessment, report=None: rendering.ReportSource("<p>x</p>", "0" * 64, None)
    )
    other = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    render_report.apply(args=[other.pk])
    other.refresh_from_db()
    assert other.status == "failed" and "gave up after retries" in other.error
    assert other.attempts == render_report.max_retries + 1


@pytest.mark.pdf
@IN_PROCESS
def test_the_task_is_idempotent(small_assessment, auditor, monkeypatch):
    rendered = []
    original = rendering.html_to_pdf
    monkeypatch.setattr(
        rendering, "html_to_pdf", lambda html, archival=None: rendered.append(1) or original(html, archival)
    )
    report = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    first = render_report.run(report.pk)
    report.refresh_from_db()
    facts = (report.file.name, report.sha256, report.rendered_at, report.attempts)
    second = render_report.run(report.pk)
    report.refresh_from_db()
    assert first["status"] == "ready" and second == {"report": report.pk, "status": "ready", "skipped": True}
    assert len(rendered) == 1 and (report.file.name, report.sha256, report.rendered_at, report.attempts) == facts


@IN_PROCESS
def test_sweep_requeues_stuck_reports_then_fails_them_after_max_attempts(
    small_assessment, auditor, monkeypatch, settings
):
    sent = []
    monkeypatch.setattr(queue, "send", lambda task, *args: sent.append(args[0]))
    settings.REPORT_RENDER_DEADLINE_SECONDS = 600
    long_ago = timezone.now() - timedelta(seconds=700)
    stuck = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    dead = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    busy = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    AuditReport.objects.filter(pk=stuck.pk).update(status="rendering", started_at=long_ago, attempts=1)
    AuditReport.objects.filter(pk=dead.pk).update(status="rendering", started_at=long_ago, attempts=tasks.MAX_ATTEMPTS)
    AuditReport.objects.filter(pk=busy.pk).update(status="rendering", started_at=timezone.now(), attempts=1)

    assert sweep_reports.run() == {"resent": 1, "failed": 1}
    assert sent == [stuck.pk]
    stuck.refresh_from_db(), dead.refresh_from_db(), busy.refresh_from_db()
    assert stuck.status == "queued" and stuck.error == ""
    assert dead.status == "failed" and f"after {tasks.MAX_ATTEMPTS} attempts" in dead.error
    assert busy.status == "rendering"  # within its deadline: left alone

    # The re-sent job dies too, past the deadline again, until MAX_ATTEMPTS: then it fails.
    for attempt in range(2, tasks.MAX_ATTEMPTS + 1):
        AuditReport.objects.filter(pk=stuck.pk).update(status="rendering", started_at=long_ago, attempts=attempt)
        sweep_reports.run()
        stuck.refresh_from_db()
    assert stuck.status == "failed" and "ask for the report again" in stuck.error
    assert sent == [stuck.pk] * (tasks.MAX_ATTEMPTS - 1)
    assert not AuditReport.objects.filter(status="rendering", started_at__lt=long_ago + timedelta(seconds=1)).exists()


@IN_PROCESS
def test_sweep_keeps_a_report_it_could_not_send_and_sends_it_next_time(small_assessment, auditor, monkeypatch):
    """A stuck report whose re-send fails (queue down) must not be forgotten."""

    def down(task, *args):
        raise services.QueueUnavailable("connection refused")

    monkeypatch.setattr(queue, "send", down)
    stuck = new_report(small_assessment, auditor, AuditReport.Kind.DRAFT)
    AuditReport.objects.filter(pk=stuck.pk).update(
        status="rendering", attempts=1, started_at=timezone.now() - timedelta(hours=1)
    )
    assert sweep_reports.run() == {"resent": 0, "failed": 0}
    stuck.refresh_from_db()
    assert stuck.status == "queued" and "task queue" in stuck.error

    sent = []
    monkeypatch.setattr(queue, "send", lambda task, *args: sent.append(args[0]))
    assert sweep_reports.run() == {"resent": 1, "failed": 0}
    stuck.refresh_from_db()
    assert sent == [stuck.pk] and stuck.status == "queued" and stuck.error == ""
    assert sweep_reports.run() == {"resent": 0, "failed": 0}  # sent once, not at every sweep
