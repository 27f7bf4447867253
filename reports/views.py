from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment

from . import services, spreadsheet, throttles
from .api.views import pdf_response, visible_report
from .choices import ReportKind
from .models import AuditReport


def _visible_assessment(request, pk):
    assessment = Assessment.objects.visible_to(request.user).select_related("vendor").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_reports(request, pk):
    """The reports of one assessment; polls while one is being rendered."""
    assessment = _visible_assessment(request, pk)
    if request.method == "POST":
        try:
            report = services.request_report(
                assessment, request.user, request.POST.get("kind", ReportKind.DRAFT), request.POST.get("language")
            )
            messages.success(
                request, gettext("%(report)s is queued; it appears below when ready.") % {"report": report.reference}
            )
        except services.QueueUnavailable as exc:
            messages.error(request, exc.message)
        except Exception as exc:  # ConflictError: e.g. a final report of an unapproved assessment
            messages.error(request, str(exc))
        return redirect("reports:for_assessment", pk=assessment.pk)
    reports = AuditReport.objects.filter(assessment=assessment).select_related("requested_by")
    busy = any(r.status in (AuditReport.Status.QUEUED, AuditReport.Status.RENDERING) for r in reports)
    template = "reports/_report_table.html" if request.htmx else "reports/assessment_reports.html"
    context = {
        "assessment": assessment,
        "reports": reports,
        "busy": busy,
        "languages": settings.LANGUAGES,
        "default_language": services.report_language(None),
    }
    return render(request, template, context)


@login_required
def download(request, pk):
    report = visible_report(request, pk)
    if report.status != AuditReport.Status.READY:
        raise Http404("This report is not ready.")
    return pdf_response(report)


@login_required
def assessment_workbook(request, pk):
    """The assessment as an XLSX workbook (reports/spreadsheet.py), built in the request."""
    return spreadsheet.response(_visible_assessment(request, pk))


@require_http_methods(["GET", "POST"])
def verify(request):
    """The public page: anyone, without logging in, uploads a file to learn whether it is a
    genuine report of this system (services.verify_copy), rate-limited with the API."""
    context, status = {}, 200
    if request.method == "POST":
        ok, wait = throttles.allowed(request)
        upload = request.FILES.get("file")
        if not ok:
            context["error"] = f"Too many files checked from your address; try again in {wait} seconds."
            status = 429
        elif upload is None:
            context["error"] = "Choose a PDF file to check."
            status = 400
        else:
            context.update({"checked": upload.name, "check": services.verify_copy(upload)})
    response = render(request, "reports/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response
