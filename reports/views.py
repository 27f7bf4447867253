from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment

from . import services
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
            report = services.request_report(assessment, request.user, request.POST.get("kind", ReportKind.DRAFT))
            messages.success(request, f"{report.reference} is queued; it appears below when ready.")
        except services.QueueUnavailable as exc:
            messages.error(request, exc.message)
        except Exception as exc:  # ConflictError: e.g. a final report of an unapproved assessment
            messages.error(request, str(exc))
        return redirect("reports:for_assessment", pk=assessment.pk)
    reports = AuditReport.objects.filter(assessment=assessment).select_related("requested_by")
    busy = any(r.status in (AuditReport.Status.QUEUED, AuditReport.Status.RENDERING) for r in reports)
    template = "reports/_report_table.html" if request.htmx else "reports/assessment_reports.html"
    return render(request, template, {"assessment": assessment, "reports": reports, "busy": busy})


@login_required
def download(request, pk):
    report = visible_report(request, pk)
    if report.status != AuditReport.Status.READY:
        raise Http404("This report is not ready.")
    return pdf_response(report)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Upload a PDF to learn whether it is an unchanged copy of a stored report."""
    context = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a PDF file to check."
        else:
            report = services.find_copy(upload.read())
            if report is not None and not request.user.has_perm("assessments.view_assessment", report.assessment):
                report = None
            context.update({"checked": upload.name, "report": report})
    return render(request, "reports/verify.html", context)
