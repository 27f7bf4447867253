"""The EM page of an assessment (summary, trend charts, excursions with their decisions, the
import form) and the template downloads. Every change goes through imports.py, proposals.py and
answers.py, as the API's does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from assessments import workflow
from assessments.views.common import report_error, visible_assessment
from config.exceptions import ConflictError, InvalidInput, NotAllowed

from . import answers, formats, imports, proposals
from .choices import ReviewOutcome
from .forms import CLASSES, DecisionForm, ImportForm
from .overview import overview


def _page(request, assessment, import_errors=None, status=200):
    context = overview(assessment)
    editable = workflow.may_edit(assessment, request.user)
    context.update(
        assessment=assessment,
        editable=editable,
        needs_reason=workflow.needs_reason(assessment),
        import_errors=import_errors or [],
        classes=CLASSES,
        to_review=list(imports.data_sets_to_review(assessment)) if editable else [],
    )
    return render(request, "monitoring/em_review.html", context, status=status)


@login_required
@require_GET
def review(request, pk):
    return _page(request, visible_assessment(request, pk))


@login_required
@require_POST
def import_file(request, pk):
    """The import form: on bad rows the page again, with every row named (400), nothing kept."""
    assessment = visible_assessment(request, pk)
    form = ImportForm(request.POST, request.FILES)
    reason = request.POST.get("reason", "")
    try:
        imports.check_may_import(assessment, request.user, reason)
        if not form.is_valid():
            raise InvalidInput({"file": ["Choose a CSV or XLSX file to import."]})
        source = formats.read_upload(form.cleaned_data["file"])
        data_set, samples = imports.import_samples(assessment, request.user, source, reason=reason)
    except InvalidInput as exc:
        errors = [(where, " ".join(problems)) for where, problems in exc.errors.items()]
        return _page(request, assessment, import_errors=errors, status=exc.status_code)
    except (ConflictError, NotAllowed) as exc:
        report_error(request, exc)
        return redirect("monitoring:review", pk=assessment.pk)
    excursions = sum(1 for s in samples if s.result == "excursion")
    messages.success(
        request,
        ngettext(
            "%(reference)s imported: %(samples)s samples, %(excursions)s excursion.",
            "%(reference)s imported: %(samples)s samples, %(excursions)s excursions.",
            excursions,
        )
        % {"reference": data_set.reference, "samples": len(samples), "excursions": excursions},
    )
    return redirect("monitoring:review", pk=assessment.pk)


@login_required
@require_POST
def review_data_set(request, pk):
    assessment = visible_assessment(request, pk)
    raw = request.POST.get("data_set", "")
    try:
        review = imports.review_data_set(
            assessment, request.user, int(raw) if raw.isdigit() else raw, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            gettext("%(data_set)s is reviewed in %(reference)s.")
            % {"data_set": review.data_set.reference, "reference": assessment.reference},
        )
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect("monitoring:review", pk=assessment.pk)


@login_required
@require_POST
def decide(request, pk):
    assessment = visible_assessment(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, gettext("Not saved:") + " " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        )
        return redirect("monitoring:review", pk=assessment.pk)
    data = form.cleaned_data
    try:
        if data["outcome"] == ReviewOutcome.CONFIRMED:
            decision = proposals.confirm(
                assessment,
                request.user,
                data["data_set"],
                data["location"],
                classification=data["classification"],
                downgrade_rationale=data["downgrade_rationale"],
                reason=data["reason"],
            )
            messages.success(
                request,
                gettext("%(finding)s raised (%(classification)s) for the excursions at %(location)s.")
                % {
                    "finding": decision.finding.reference,
                    "classification": gettext(decision.finding.get_classification_display()).lower(),
                    "location": decision.location,
                },
            )
        else:
            decision = proposals.dismiss(assessment, request.user, data["data_set"], data["location"], data["reason"])
            messages.success(
                request, gettext("The excursions at %(location)s were dismissed.") % {"location": decision.location}
            )
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect(reverse("monitoring:review", args=[assessment.pk]) + "#excursions")


@login_required
@require_POST
def answer(request, pk):
    assessment = visible_assessment(request, pk)
    try:
        found = answers.apply(assessment, request.user, reason=request.POST.get("reason", ""))
        if found:
            given = ", ".join(f"{a.question} = {a.value}" for a in found)
            messages.success(request, gettext("Answered from the EM data: %(answers)s.") % {"answers": given})
        else:
            messages.info(request, gettext("The EM data answer no question of this checklist."))
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect("monitoring:review", pk=assessment.pk)


@login_required
@require_GET
def template(request, file_format):
    """The template to fill in (docs/em-format.md): the header and example rows."""
    if file_format == "xlsx":
        response = HttpResponse(
            formats.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(formats.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="em-samples-template.{file_format}"'
    return response
