"""Asking for reports and archives, and checking a PDF against the stored ones. Web pages, the
API and the approval step call these; the work itself happens in reports/tasks.py."""
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from assessments.models import Assessment
from config.exceptions import ConflictError

from .models import AuditReport, ReportArchive

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The task queue (Redis) cannot take the job; the API answers 503 and nothing is kept."""

    message = ("The report service is not available right now (the task queue cannot be reached). "
               "Nothing was queued; try again in a few minutes.")


def _send(task, *args):
    """Publish a task without retrying, so that a broker outage is reported at once."""
    from kombu.exceptions import KombuError, OperationalError

    try:
        task.apply_async(args=args, queue=settings.CELERY_TASK_DEFAULT_QUEUE, retry=False)
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
        AuditReport.objects.filter(pk=report.pk).update(error="Waiting for the task queue; it will be sent again.")
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
