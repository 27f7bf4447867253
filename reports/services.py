"""Asking for reports and archives, and checking a PDF against the stored ones. Web pages, the
API and the approval (through the `assessment_approved` signal) call these; the work itself
happens in reports/tasks.py."""

import hashlib

from django.db import connection, transaction
from django.db.models import Max
from django.dispatch import receiver

from assessments.models import Assessment
from assessments.signals import assessment_approved
from config.exceptions import ConflictError

from . import queue
from .models import AuditReport, ReportArchive
from .queue import WAITING_FOR_QUEUE, QueueUnavailable
from .tasks import build_archive, enqueue

__all__ = [
    "QueueUnavailable",
    "WAITING_FOR_QUEUE",
    "enqueue",
    "find_copy",
    "queue_final_report",
    "request_archive",
    "request_report",
]


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
        report = AuditReport.objects.create(
            assessment=assessment, number=_next_number(assessment), kind=kind, requested_by=user
        )
        enqueue(report)
    return report


@receiver(assessment_approved, dispatch_uid="reports.queue_final_report")
def on_approval(sender, assessment_id: int, user_id: int | None, **kwargs) -> None:
    queue_final_report(assessment_id, user_id)


def queue_final_report(assessment_id: int, user_id: int | None) -> AuditReport:
    """Runs after an approval commits. Approval must not fail because the queue is down: the
    report then waits as queued and the periodic sweep sends it when the queue is back."""
    assessment = Assessment.objects.get(pk=assessment_id)
    with transaction.atomic():
        report = AuditReport.objects.create(
            assessment=assessment, number=_next_number(assessment), kind=AuditReport.Kind.FINAL, requested_by_id=user_id
        )
    try:
        enqueue(report)
    except QueueUnavailable:
        AuditReport.objects.filter(pk=report.pk).update(error=WAITING_FOR_QUEUE)
        report.error = WAITING_FOR_QUEUE
    return report


def request_archive(user, assessments) -> ReportArchive:
    assessments = list(assessments)
    if not assessments:
        raise ConflictError("Choose at least one approved assessment.")
    with transaction.atomic():
        archive = ReportArchive.objects.create(requested_by=user)
        archive.assessments.set(assessments)
        queue.send(build_archive, archive.pk)
    return archive


def find_copy(data: bytes) -> AuditReport | None:
    """The stored report this file is an unchanged copy of, if any (by SHA-256)."""
    digest = hashlib.sha256(data).hexdigest()
    return (
        AuditReport.objects.filter(sha256=digest, status=AuditReport.Status.READY)
        .select_related("assessment__vendor")
        .first()
    )
