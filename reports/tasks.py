"""Workers render reports and build archives. Each task is safe to run twice for the same job:
a redelivered message (the worker died mid-render) simply renders the report again."""

import hashlib
import io
import logging
import time
import zipfile
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError
from django.db.models import F, Q
from django.utils import timezone

from audit.context import acting
from config import spreadsheet

from . import queue, rendering, signing
from .models import AuditReport, ReportArchive
from .queue import WAITING_FOR_QUEUE, QueueUnavailable

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_ATTEMPTS = 3


class NotCommittedYet(Exception):
    """The row of the job is not visible yet (its transaction has not committed)."""


# ignore_result: the outcome is in the database; a stored result would be read by nobody, and
# the web process would subscribe to a result channel for every job it sends.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT + (NotCommittedYet,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=5,
    ignore_result=True,
)
def render_report(self, report_id: int):
    report = AuditReport.objects.select_related("assessment__vendor", "requested_by").filter(pk=report_id).first()
    if report is None:
        raise NotCommittedYet(report_id)
    if report.status == AuditReport.Status.READY:
        return {"report": report_id, "status": "ready", "skipped": True}
    AuditReport.objects.filter(pk=report_id).update(
        status=AuditReport.Status.RENDERING, started_at=timezone.now(), attempts=F("attempts") + 1, error=""
    )
    report.refresh_from_db()
    with acting(label="report worker"):  # the product acts; who asked is the report's requested_by
        try:
            source = rendering.render_source(report.assessment, report)
            delay = float(getattr(settings, "REPORT_RENDER_DELAY_SECONDS", 0) or 0)
            if delay:  # fault-injection hook for the reliability tests and the benchmark
                time.sleep(delay)
            pdf = rendering.html_to_pdf(source.html, source.archival)
            # The stored file, and so its SHA-256, is the signed one.
            signed = signing.sign(pdf, reason=f"{report.reference}: audit report of {report.assessment.reference}")
            facts = rendering.pdf_facts(signed.pdf)
            # Storing is part of the job: a full disk is recorded like a rendering error,
            # never left as a report "rendering" forever.
            report.file.save(report.filename, ContentFile(signed.pdf), save=False)
            report.status = AuditReport.Status.READY
            report.rendered_at = timezone.now()
            report.size, report.pages, report.sha256 = facts["size"], facts["pages"], facts["sha256"]
            report.content_hash = source.content_hash
            if signed.credentials is None:
                report.signature, report.signed_by, report.signing_certificate = AuditReport.Signature.UNSIGNED, "", ""
            else:
                report.signature = AuditReport.Signature.PADES
                report.signed_by = signed.credentials.subject[:300]
                report.signing_certificate = signed.credentials.fingerprint
            report.error = ""
            report.save()
        except signing.SigningError as exc:  # configured but unusable: fixing it is the administrator's
            logger.error("Report %s not signed: %s", report.reference, exc)
            _fail(report, f"Signing failed: {exc}"[:2000])
            return {"report": report_id, "status": "failed"}
        except TRANSIENT:
            if self.request.retries >= self.max_retries:
                _fail(report, "The database was unavailable while rendering; rendering gave up after retries.")
                return {"report": report_id, "status": "failed"}
            raise
        except Exception as exc:  # anything else will fail again: record it, do not retry
            logger.exception("Report %s failed", report.reference)
            _fail(report, f"Rendering failed: {type(exc).__name__}: {exc}"[:2000])
            return {"report": report_id, "status": "failed"}
    return {"report": report_id, "status": "ready", "pages": report.pages}


def _fail(report, message):
    report.refresh_from_db()
    report.status = AuditReport.Status.FAILED
    report.error = message
    report.save(update_fields=["status", "error"])


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    max_retries=5,
    ignore_result=True,
)
def build_archive(archive_id: int):
    archive = ReportArchive.objects.filter(pk=archive_id).first()
    if archive is None or archive.status == ReportArchive.Status.READY:
        return
    archive.status = ReportArchive.Status.RENDERING
    archive.save(update_fields=["status"])
    with acting(label="archive worker"):  # the product acts; who asked is the archive's requested_by
        try:
            data, missing = _zip_final_reports(archive)
            archive.file.save(f"reports-{archive.pk}.zip", ContentFile(data), save=False)
            archive.size, archive.sha256 = len(data), hashlib.sha256(data).hexdigest()
            archive.status, archive.rendered_at = ReportArchive.Status.READY, timezone.now()
            archive.error = ("No final report yet for " + ", ".join(missing)) if missing else ""
            archive.save()
        except TRANSIENT:
            raise
        except Exception as exc:  # recorded, never left "rendering"
            logger.exception("Report archive %s failed", archive.pk)
            ReportArchive.objects.filter(pk=archive.pk).update(
                status=ReportArchive.Status.FAILED, error=f"The archive could not be built: {exc}"[:2000]
            )


def _zip_final_reports(archive) -> tuple[bytes, list[str]]:
    """The ZIP of the latest final report of each assessment with MANIFEST.csv. Each PDF is
    checked against the SHA-256 recorded when it was rendered: a file changed on disk is refused,
    so the manifest always states the hash of the bytes in the archive."""
    buffer, rows, missing = io.BytesIO(), io.StringIO(), []
    manifest = spreadsheet.writer(rows, lineterminator="\n")
    manifest.writerow(["file", "report", "assessment", "vendor", "sha256", "pages"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for assessment in archive.assessments.select_related("vendor").order_by("pk"):
            report = (
                AuditReport.objects.filter(assessment=assessment, kind="final", status="ready")
                .order_by("-number")
                .first()
            )
            if report is None:
                missing.append(assessment.reference)
                continue
            with report.file.open("rb") as f:
                pdf = f.read()
            if hashlib.sha256(pdf).hexdigest() != report.sha256:
                raise ValueError(f"the stored file of {report.reference} does not match its recorded SHA-256")
            zf.writestr(report.filename, pdf)
            manifest.writerow(
                [
                    report.filename,
                    report.reference,
                    assessment.reference,
                    assessment.vendor.name,
                    report.sha256,
                    report.pages,
                ]
            )
        if missing:
            rows.write("\n# without a final report: " + " ".join(missing) + "\n")
        zf.writestr("MANIFEST.csv", rows.getvalue())
    return buffer.getvalue(), missing


@shared_task(ignore_result=True)
def sweep_reports():
    """Periodic: re-send reports whose job was lost (worker killed, queue down at approval) and
    fail those that keep dying, so that no report waits forever."""
    now = timezone.now()
    deadline = now - timedelta(seconds=getattr(settings, "REPORT_RENDER_DEADLINE_SECONDS", 600))
    waiting = now - timedelta(seconds=getattr(settings, "REPORT_QUEUED_RESEND_SECONDS", 300))
    stuck = AuditReport.objects.filter(status=AuditReport.Status.RENDERING, started_at__lt=deadline)
    # Queued and never sent (the queue was down), or sent long ago and never picked up.
    lost = AuditReport.objects.filter(status=AuditReport.Status.QUEUED).filter(
        Q(error=WAITING_FOR_QUEUE) | Q(started_at__isnull=True, requested_at__lt=waiting)
    )
    resent = failed = 0
    with acting(label="report sweep"):
        for report in list(stuck) + list(lost):
            if report.attempts >= MAX_ATTEMPTS:
                _fail(
                    report,
                    f"Rendering did not finish after {report.attempts} attempts; ask for the report again "
                    "or contact the administrator.",
                )
                failed += 1
                continue
            report.status, report.error = AuditReport.Status.QUEUED, ""
            report.save(update_fields=["status", "error"])
            try:
                enqueue(report)
                resent += 1
            except QueueUnavailable:
                # Still down: keep it marked so that the next sweep sends it, and stop here.
                AuditReport.objects.filter(pk=report.pk).update(error=WAITING_FOR_QUEUE)
                break
    return {"resent": resent, "failed": failed}


def enqueue(report: AuditReport) -> None:
    """Send the rendering job of `report`; QueueUnavailable when the queue cannot take it."""
    queue.send(render_report, report.pk)
