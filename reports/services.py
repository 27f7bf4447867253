"""Asking for reports and archives, and checking a PDF against the stored ones. Web pages, the
API and the approval step call these; the work itself happens in reports/tasks.py."""
import hashlib
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from assessments.models import Assessment
from config.exceptions import ConflictError

from .models import AuditReport, ReportArchive

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The task queue (Redis) cannot take the job; the API answers 503 and nothing is kept."""

    message = ("The report service is not available right now (the task queue cannot be reached). "
               "Nothing was queued; try again in a few minutes.")


# Left on a queued report whose job could not be sent; the periodic sweep sends it again.
WAITING_FOR_QUEUE = "Waiting for the task queue; it will be sent again."


def _send(task, *args):
    """Publish a task without retrying, so that a broker outage is reported at once.

    The connection is made from the Django settings at each call (CELERY_BROKER_URL and
    CELERY_BROKER_TRANSPORT_OPTIONS), not taken from the Celery app's pool: the app reads its
    configuration once, so it would keep publishing to a broker the settings no longer name,
    and a pooled connection can hide an outage until it is used."""
    from kombu.exceptions import KombuError, OperationalError

    from config.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL,
                                      transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)) as connection:
            # One attempt: kombu would otherwise keep retrying for broker_connection_timeout and
            # more (about 6 s), holding the web request before the 503.
            connection.ensure_connection(max_retries=0)
            task.apply_async(args=args, queue=settings.CELERY_TASK_DEFAULT_QUEUE, connection=connection, retry=False)
    except (OperationalError, KombuError, OSError, ConnectionError) as exc:
        logger.warning("Could not queue %s%r: %s", task.name, args, exc)
        raise QueueUnavailable(str(exc)) from exc
    except Exception as exc:  # redis-py raises its own ConnectionError/TimeoutError classes
        if type(exc).__module__.startswith(("redis", "kombu")):
            logger.warning("Could not queue %s%r: %s", task.name, args, exc)
            raise QueueUnavailable(str(exc)) from exc
        raise


def enqueue(report: AuditReport) -> None:
    from .tasks import render_report

    _send(render_report, report.pk)


def _next_number(assessment: Assessment) -> int:
    """The next version number; call inside the transaction that creates the report."""
    if connection.vendor == "sqlite":
        # SQLite has no row lock, and a transaction that reads before it writes gets "database
        # is locked" at once (no waiting) if a worker writes meanwhile. Take the database's
        # write lock first, with a statement that changes nothing: it waits for the worker and
        # serialises the numbering like the row lock below.
        AuditReport.objects.filter(pk=-1).update(error="")
    else:
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    return (AuditReport.objects.filter(assessment=assessment).aggregate(n=Max("number"))["n"] or 0) + 1


def request_report(assessment: Assessment, user, kind: str = AuditReport.Kind.DRAFT) -> AuditReport:
    """Create a report and queue it in one step: if the queue is down the row is rolled back,
    so no report is left waiting for a job that was never sent."""
    if kind == AuditReport.Kind.FINAL and assessment.status != Assessment.Status.APPROVED:
        raise ConflictError(f"{assessment.reference} is not approved: only a draft report can be made.")
    with transaction.atomic():
        report = AuditReport.objects.create(assessment=assessment, number=_next_number(assessment), kind=kind,
                                            requested_by=user)
        enqueue(report)
    return report


def queue_final_report(assessment_id: int, user_id: int | None) -> AuditReport:
    """Runs after an approval commits. Approval must not fail because the queue is down: the
    report then waits as queued and the periodic sweep sends it when the queue is back."""
    assessment = Assessment.objects.get(pk=assessment_id)
    with transaction.atomic():
        report = AuditReport.objects.create(assessment=assessment, number=_next_number(assessment),
                                            kind=AuditReport.Kind.FINAL, requested_by_id=user_id)
    try:
        enqueue(report)
    except QueueUnavailable:
        AuditReport.objects.filter(pk=report.pk).update(error=WAITING_FOR_QUEUE)
        report.error = WAITING_FOR_QUEUE
    return report


def request_archive(user, assessments) -> ReportArchive:
    from .tasks import build_archive

    assessments = list(assessments)
    if not assessments:
        raise ConflictError("Choose at least one approved assessment.")
    with transaction.atomic():
        archive = ReportArchive.objects.create(requested_by=user)
        archive.assessments.set(assessments)
        _send(build_archive, archive.pk)
    return archive


def find_copy(data: bytes) -> AuditReport | None:
    """The stored report this file is an unchanged copy of, if any (by SHA-256)."""
    digest = hashlib.sha256(data).hexdigest()
    return (AuditReport.objects.filter(sha256=digest, status=AuditReport.Status.READY)
            .select_related("assessment__vendor").first())
