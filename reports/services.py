"""Asking for reports and archives, and checking a copy of a report against the stored ones. Web pages, the
API and the approval (through the `assessment_approved` signal) call these; the work itself
happens in reports/tasks.py."""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.dispatch import receiver
from django.utils.translation import get_supported_language_variant

from assessments import record
from assessments.models import Assessment, Signature
from assessments.signals import assessment_approved
from config.exceptions import ConflictError, InvalidInput

from . import queue, signing
from .models import AuditReport, ReportArchive
from .queue import WAITING_FOR_QUEUE, QueueUnavailable
from .tasks import build_archive, enqueue

__all__ = [
    "QueueUnavailable",
    "WAITING_FOR_QUEUE",
    "enqueue",
    "CopyCheck",
    "queue_final_report",
    "request_archive",
    "request_report",
    "verify_copy",
]

logger = logging.getLogger(__name__)


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


def report_language(language: str | None) -> str:
    """The language a report is printed in: the one asked for, else the organisation's
    (LANGUAGE_CODE); an unknown one is a 400."""
    codes = [code for code, _ in settings.LANGUAGES]
    if not language:
        return get_supported_language_variant(settings.LANGUAGE_CODE) if settings.LANGUAGE_CODE else codes[0]
    if language not in codes:
        raise InvalidInput({"language": [f"Reports are printed in {' or '.join(codes)}, not “{language[:20]}”."]})
    return language


def request_report(
    assessment: Assessment, user, kind: str = AuditReport.Kind.DRAFT, language: str | None = None
) -> AuditReport:
    """Create a report and queue it in one step: if the queue is down the row is rolled back,
    so no report is left waiting for a job that was never sent."""
    language = report_language(language)
    if kind == AuditReport.Kind.FINAL and assessment.status != Assessment.Status.APPROVED:
        raise ConflictError(f"{assessment.reference} is not approved: only a draft report can be made.")
    with transaction.atomic():
        report = AuditReport.objects.create(
            assessment=assessment, number=_next_number(assessment), kind=kind, requested_by=user, language=language
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
            assessment=assessment,
            number=_next_number(assessment),
            kind=AuditReport.Kind.FINAL,
            requested_by_id=user_id,
            language=report_language(None),
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


def generated_at(report: AuditReport):
    return report.rendered_at or report.requested_at


@dataclass(frozen=True)
class CopyCheck:
    """What anyone may learn about a file: whether it is a genuine report of this system (its
    SHA-256 is that of a stored report), and then which report it is, whether its signature
    holds and whether it has been superseded. Nothing else about the record."""

    genuine: bool
    report: AuditReport | None = None
    superseded: bool = False
    signature_valid: bool = False

    @property
    def message(self) -> str:
        if not self.genuine:
            return (
                "Not a genuine report of this system: the file was changed after it was issued, "
                "or it does not come from this system."
            )
        report = self.report
        words = [
            f"Genuine: this file is {report.reference}, a report of {report.assessment.reference} "
            f"({report.assessment.vendor.name}) generated {generated_at(report):%Y-%m-%d %H:%M} UTC."
        ]
        words.append(
            "Its signature is valid."
            if self.signature_valid
            else "It carries no valid signature of this system's current certificate."
        )
        if self.superseded:
            words.append("It has been superseded: use the latest report of the assessment.")
        return " ".join(words)

    def as_dict(self) -> dict:
        report = self.report
        return {
            "genuine": self.genuine,
            "superseded": self.superseded,
            "signature_valid": self.signature_valid,
            "report": {
                "number": report.reference,
                "assessment": report.assessment.reference,
                "vendor": report.assessment.vendor.name,
                "generated_at": generated_at(report),
            }
            if report is not None
            else None,
            "detail": self.message,
        }


def verify_copy(data) -> CopyCheck:
    """Check a file (bytes, or an uploaded file read in chunks) against the stored reports.

    Genuine: its SHA-256 equals that of a ready report (the stored, signed file). Superseded: a
    later report of the same assessment is ready, the assessment was reopened after the report
    was rendered, or its record has changed since (its content hash is no longer the report's).
    The signature is validated (pyHanko, against the configured certificate) only for a genuine
    file: on the stored bytes, which are the same."""
    digest = hashlib.sha256()
    for chunk in [data] if isinstance(data, bytes) else data.chunks():
        digest.update(chunk)
    report = (
        AuditReport.objects.filter(sha256=digest.hexdigest(), status=AuditReport.Status.READY)
        .select_related("assessment__vendor")
        .order_by("pk")
        .first()
    )
    if report is None:
        return CopyCheck(genuine=False)
    assessment = report.assessment
    superseded = (
        AuditReport.objects.filter(
            assessment=assessment, number__gt=report.number, status=AuditReport.Status.READY
        ).exists()
        or Signature.objects.filter(
            assessment=assessment, meaning=Signature.Meaning.REOPENED, signed_at__gt=generated_at(report)
        ).exists()
        or record.content_hash(assessment) != report.content_hash
    )
    try:
        with report.file.open("rb") as f:
            stored = f.read()
    except (OSError, ValueError):
        logger.warning("The stored file of %s cannot be read for signature validation", report.reference)
        stored = b""
    return CopyCheck(
        genuine=True, report=report, superseded=superseded, signature_valid=signing.signature_valid(stored)
    )
