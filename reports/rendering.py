"""From an assessment to a PDF: the context, the HTML (a Django template), and WeasyPrint with a
URL fetcher that serves only the product's own static files. User text is escaped by the
template engine, so nothing a user typed can make WeasyPrint fetch anything."""

import hashlib
import io
import logging
import mimetypes
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments import evaluation, record
from assessments.choices import FindingClass
from assessments.models import Answer, Assessment, Evidence, Finding
from audit import trail
from checklists.models import Criterion, Question
from config import charts
from monitoring import report as em_report

from . import content
from .choices import ReportKind

logger = logging.getLogger(__name__)
STATIC_PREFIX = "product-static:"
PDF_VARIANT = "pdf/a-3b"  # archival (ISO 19005-3, level B) with associated files
PRODUCER = "CDMO qualification"


class FetchRefused(ValueError):
    pass


def _product_static_roots() -> list[Path]:
    """The product's own static directories: STATICFILES_DIRS and the installed apps' static/."""
    roots = [Path(p[1] if isinstance(p, (tuple, list)) else p) for p in settings.STATICFILES_DIRS]
    roots += [Path(app.path) / "static" for app in apps.get_app_configs()]
    return [root.resolve() for root in roots if root.is_dir()]


def _static_file(relative: str) -> Path | None:
    """The file `product-static:<relative>` names, or None: no absolute path, no "..", nothing
    outside the product's static directories (also after resolving symbolic links)."""
    relative = relative.split("#", 1)[0].split("?", 1)[0]
    parts = PurePosixPath(relative).parts
    if not relative or relative.startswith(("/", "\\")) or "\\" in relative or ".." in parts or ":" in relative:
        return None
    try:
        found = finders.find(relative)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    if not found:
        return None
    path = Path(found).resolve()
    if not path.is_file() or not any(path.is_relative_to(root) for root in _product_static_roots()):
        return None
    return path


def url_fetcher(url, *args, **kwargs):
    """Serve `product-static:<path>` from the product's static files; refuse every other URL
    (file:, http:, data: and the rest), whoever put it in the document."""
    from weasyprint.urls import URLFetcherResponse

    if url.startswith(STATIC_PREFIX):
        path = _static_file(url[len(STATIC_PREFIX) :])
        if path is not None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
    logger.warning("Report rendering refused to fetch %r", url[:200])
    raise FetchRefused(f"Fetching {url[:80]!r} is not allowed in reports")


def _weasyprint_fetcher():
    """The installed WeasyPrint (70) takes a `URLFetcher` instance; a plain function crashes the
    rendering at the first URL (it reads `url_fetcher._fail_on_errors`). This one sends every
    URL to `url_fetcher` above (looked up at each call, so tests can wrap it) and never to the
    network or the file system. A refused URL is a warning, the rendering goes on without it."""
    from weasyprint.urls import URLFetcher

    class ProductStaticFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

        def fetch(self, url, headers=None):
            return url_fetcher(url)

    return ProductStaticFetcher()


def report_context(assessment: Assessment, report=None) -> dict:
    assessment = (
        Assessment.objects.select_related("vendor", "site", "checklist", "lead_auditor", "reviewer")
        .prefetch_related("audit_team")
        .get(pk=assessment.pk)
    )
    result = evaluation.recorded_score(assessment)  # once approved, the scores frozen at the approval
    values, _ = evaluation.answer_values(assessment)
    visible = evaluation.visible_question_codes(assessment, values)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(assessment=assessment)
        .select_related("updated_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    }
    criteria = []
    scores = {c.code: c for c in result.criteria}
    for criterion in (
        Criterion.objects.filter(checklist=assessment.checklist)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "code")))
        .order_by("order", "code")
    ):
        questions = [
            {"question": q, "answer": answers.get(q.pk), "applies": q.code in visible}
            for q in criterion.questions.all()
        ]
        criteria.append({"criterion": criterion, "score": scores.get(criterion.code), "questions": questions})
    findings = list(
        Finding.objects.filter(assessment=assessment)
        .select_related("question", "criterion")
        .prefetch_related("actions")
        .order_by("number")
    )
    signed_content = record.canonical_content(assessment)
    current_hash = record.hash_of(signed_content)
    history = trail.rows(trail.entries_for_assessment(assessment.pk))
    context = {
        "assessment": assessment,
        "report": report,
        "score": result,
        "recommended_label": Assessment.Decision(result.recommended_decision).label
        if result.recommended_decision
        else "—",
        "chart": charts.criterion_bars([{"code": c.code, "title": c.title, "score": c.score} for c in result.criteria]),
        "criteria": criteria,
        "findings": findings,
        "finding_counts": {cls: result.findings.get(cls, 0) for cls in FindingClass.values},
        "signature_states": record.signature_states(assessment, current_hash),
        "content_hash": current_hash,
        "record_json": record.canonical_json(signed_content),  # embedded in the PDF; hashes to content_hash
        "history_total": len(history),
        "history_by_action": sorted(Counter(row["action"] for row in history).items()),
        "history_recent": [{**row, "when": row["timestamp"][:19].replace("T", " ")} for row in history[-25:]],
        "history_people": sorted({row["user"] for row in history}),
        "generated_at": timezone.now(),
        "is_draft": assessment.status != Assessment.Status.APPROVED or (report and report.kind == ReportKind.DRAFT),
        "static_prefix": STATIC_PREFIX,
        "em": em_report.section_context(assessment),  # the EM section (monitoring/report.py)
    }
    context.update(content.qp_content(context))  # reports/content.py
    return context


@dataclass(frozen=True)
class Archival:
    """What makes a report PDF/A-3b and self-describing: its XMP metadata and, embedded as an
    associated file (relationship "Data"), the canonical JSON of the record it shows, whose
    SHA-256 is the content hash that the record's signatures cover."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    created: datetime
    record_json: str
    record_name: str


@dataclass(frozen=True)
class ReportSource:
    html: str
    content_hash: str
    archival: Archival


def archival_facts(context: dict) -> Archival:
    assessment, report = context["assessment"], context["report"]
    reference = report.reference if report is not None else assessment.reference
    lead = assessment.lead_auditor
    kind = report.get_kind_display().lower() if report is not None else "draft"
    return Archival(
        title=f"Audit report {reference}: {assessment.reference}, {assessment.vendor.name}",
        author=(lead.get_full_name() or lead.get_username()) if lead else PRODUCER,
        subject=(
            f"GMP supplier qualification audit of {assessment.vendor.name} against checklist "
            f"{assessment.checklist.code} version {assessment.checklist.version}: {kind} report, "
            f"assessment {assessment.get_status_display().lower()}"
        ),
        keywords=(
            f"report:{reference}",
            f"assessment:{assessment.reference}",
            f"content-sha256:{context['content_hash']}",
            f"content-version:{record.CONTENT_VERSION}",
            "GMP supplier qualification",
        ),
        created=context["generated_at"],
        record_json=context["record_json"],
        record_name=f"{reference}-record.json",
    )


def render_source(assessment: Assessment, report=None) -> ReportSource:
    """The report's HTML, the content hash of the record it shows and its archival facts, all
    from one reading of the record."""
    with translation.override(report.language if report is not None else "en"):
        context = report_context(assessment, report)
        html = render_to_string("reports/audit_report.html", context)
    return ReportSource(html, context["content_hash"], archival_facts(context))


def render_html(assessment: Assessment, report=None) -> tuple[str, str]:
    """The report's HTML and the content hash of the record it shows."""
    source = render_source(assessment, report)
    return source.html, source.content_hash


def _w3c_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def html_to_pdf(html: str, archival: Archival | None = None) -> bytes:
    """A PDF/A-3b document: fonts embedded, the sRGB output intent, XMP metadata (WeasyPrint
    writes it for the PDF/A variants) and, with `archival`, the record as an associated file."""
    from weasyprint import HTML, Attachment

    document = HTML(string=html, url_fetcher=_weasyprint_fetcher(), base_url=STATIC_PREFIX).render()
    attachments = []
    metadata = document.metadata
    metadata.generator = PRODUCER
    if archival is not None:
        metadata.title = archival.title
        metadata.authors = [archival.author]
        metadata.description = archival.subject
        metadata.keywords = list(archival.keywords)
        metadata.created = metadata.modified = _w3c_datetime(archival.created)
        moment = archival.created.astimezone(UTC)
        attachments.append(
            Attachment(
                string=archival.record_json,
                name=archival.record_name,
                description=(
                    f"The record this report shows, as canonical JSON (content version "
                    f"{record.CONTENT_VERSION}); its SHA-256 is the content hash that the signatures cover."
                ),
                created=moment,
                modified=moment,
                relationship="Data",
            )
        )
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=attachments, finisher=_one_entry_per_file)


def _one_entry_per_file(document, pdf) -> None:
    """WeasyPrint 70 lists each associated file twice in the catalogue's /AF (once from the
    embedded-files name tree, once from the file specifications); keep each once."""
    import pydyf

    associated = pdf.catalog.get("AF")
    if associated:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(associated))


def pdf_facts(data: bytes) -> dict:
    from pypdf import PdfReader

    return {
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
