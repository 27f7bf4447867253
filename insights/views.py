"""Insight pages: the home dashboard by role, the vendors behind a cell of the risk matrix, the
comparison of CDMOs (and its CSV), and the audit-trail timeline of one assessment (and its CSV).
The queries and numbers come from the modules beside this one; these views check access, read the
query string and render."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.text import slugify
from rules.contrib.views import permission_required

from assessments.models import Assessment
from audit import trail
from config import charts, spreadsheet
from vendors.choices import InherentRisk
from vendors.models import Vendor

from . import comparison as comparisons
from . import dashboards, timeline, vocabulary

staff_only = permission_required("vendors.view_vendor", raise_exception=True)


# --------------------------------------------------------------------------- home


@login_required
def home(request):
    return render(request, "home.html", dashboards.dashboard(request.user))


# --------------------------------------------------------------------------- risk matrix cell


class RiskCellForm(forms.Form):
    inherent_risk = forms.ChoiceField(choices=[("", "any")] + list(InherentRisk.choices), required=False)
    rating = forms.ChoiceField(
        choices=[("", "any")]
        + [(r, vocabulary.RATING_LABELS[r]) for r in vocabulary.RATINGS]
        + [(vocabulary.NOT_ASSESSED, "Not assessed")],
        required=False,
        label="Latest rating",
    )


@login_required
@staff_only
def risk_vendors(request):
    """The vendors counted in one cell of the home page's risk matrix."""
    form = RiskCellForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown inherent risk or rating.", content_type="text/plain; charset=utf-8")
    risk, rating = form.cleaned_data["inherent_risk"], form.cleaned_data["rating"]
    vendors = list(dashboards.vendors_in_cell(request.user, risk, rating))
    labels = dict(form.fields["rating"].choices)
    return render(
        request,
        "insights/risk_vendors.html",
        {
            "form": form,
            "vendors": vendors,
            "risk_label": dict(InherentRisk.choices).get(risk, "any"),
            "rating_label": labels.get(rating, "any") if rating else "any",
            "rating_labels": vocabulary.RATING_LABELS,
        },
    )


# --------------------------------------------------------------------------- comparison


class CompareForm(forms.Form):
    checklist = forms.ChoiceField(label="Checklist")
    version = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Version",
        help_text="Any version: each vendor's latest approved assessment on any version.",
    )
    vendor = forms.ModelMultipleChoiceField(
        queryset=Vendor.objects.none(),
        to_field_name="slug",
        required=False,
        label="Vendors",
        help_text="Choose none to compare every vendor assessed on this checklist (and version).",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = comparisons.checklist_codes()
        self.fields["checklist"].choices = [(c, c) for c in codes]
        code = self.data.get("checklist") or (codes[0] if codes else "")
        self.fields["version"].choices = [("", "Any version")] + [
            (v, f"v{v}") for v in comparisons.checklist_versions(code)
        ]
        # Offered: the vendors with an approved assessment the user may see. Accepted: any vendor,
        # so that a link naming one without such an assessment says so instead of failing.
        offered = list(comparisons.comparable_vendors(user))
        self.fields["vendor"].queryset = Vendor.objects.order_by("name")
        self.fields["vendor"].widget.choices = [(v.slug, v.name) for v in offered]
        self.fields["vendor"].widget.attrs["size"] = min(10, max(4, len(offered)))
        self.has_checklists = bool(codes)


def _comparison(request):
    """(form, comparison or None). With no query string, every vendor on the first checklist."""
    data = request.GET.copy()
    form = CompareForm(request.user, data)
    if not form.has_checklists:
        return form, None
    if not data.get("checklist"):
        data["checklist"] = form.fields["checklist"].choices[0][0]
        form = CompareForm(request.user, data)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data["vendor"]
    comparison = comparisons.compare(
        request.user,
        form.cleaned_data["checklist"],
        form.cleaned_data["version"],
        vendors=list(chosen) if chosen else None,
    )
    return form, comparison


@login_required
@staff_only
def compare(request):
    form, comparison = _comparison(request)
    context = {"form": form, "comparison": comparison, "query": request.GET.urlencode()}
    if comparison is not None:
        version = f" v{comparison.version}" if comparison.version else ""
        context["chart"] = charts.grouped_bars(
            comparison.chart_series(),
            comparison.criteria,
            title=f"Criterion scores on {comparison.checklist_code}{version}, latest approved assessments",
        )
    return render(request, "insights/compare.html", context)


@login_required
@staff_only
def compare_csv(request):
    form, comparison = _comparison(request)
    if comparison is None:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(
            "Invalid comparison: " + (problems or "no checklist has an approved assessment."),
            content_type="text/plain; charset=utf-8",
        )
    header, rows = comparisons.comparison_csv_rows(comparison)
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = slugify(
        f"comparison-{comparison.checklist_code}" + (f"-v{comparison.version}" if comparison.version else "")
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --------------------------------------------------------------------------- audit trail


def _visible_assessment(request, pk):
    """The assessment, or 404 for anyone who may not view it (its existence is not disclosed)."""
    assessment = Assessment.objects.visible_to(request.user).select_related("vendor", "checklist").filter(pk=pk).first()
    if assessment is None or not request.user.has_perm("assessments.view_assessment", assessment):
        raise Http404("No such assessment.")
    return assessment


def _trail_filters(request):
    """(user name, object type) asked for; a value that does not occur in the trail matches nothing."""
    return (request.GET.get("user", "").replace("\x00", ""), request.GET.get("type", "").replace("\x00", ""))


@login_required
def history(request, pk):
    assessment = _visible_assessment(request, pk)
    users, types = timeline.audit_filter_choices(assessment)
    username, object_type = _trail_filters(request)
    groups = timeline.timeline(timeline.audit_entries(assessment, username, object_type))
    page = Paginator(groups, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/history.html",
        {
            "assessment": assessment,
            "page_obj": page,
            "groups": page.object_list,
            "group_count": len(groups),
            "users": users,
            "types": types,
            "selected_user": username,
            "selected_type": object_type,
            "query_without_page": query.urlencode(),
        },
    )


@login_required
def history_csv(request, pk):
    assessment = _visible_assessment(request, pk)
    username, object_type = _trail_filters(request)
    data = trail.rows(timeline.audit_entries(assessment, username, object_type))
    response = HttpResponse(trail.as_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{assessment.reference}-audit-trail.csv"'
    return response
