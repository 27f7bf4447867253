"""Insight pages: the home dashboard by role and the paginated lists behind its cards, the vendors
behind a cell of the risk matrix, the comparison of CDMOs (and its CSV), and the audit-trail
timeline of one assessment (and its CSV). The queries and numbers come from the modules beside
this one; these views check access, read the query string and render. Every list is a page of
`config.pagination.LIST_PAGE_SIZE` rows (`?page=`)."""

import io
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy, gettext_noop
from rules.contrib.views import permission_required

from assessments import history as history_of
from assessments.models import Assessment
from audit import trail
from config import charts, spreadsheet
from config.pagination import invalid_filters, page_of
from vendors import documents
from vendors.choices import InherentRisk
from vendors.models import Vendor

from . import comparison as comparisons
from . import dashboards, filters, matching, timeline, vocabulary
from .forms import MatchForm

staff_only = permission_required("vendors.view_vendor", raise_exception=True)


# --------------------------------------------------------------------------- home


@login_required
def home(request):
    return render(request, "home.html", dashboards.dashboard(request.user))


# --------------------------------------------------------------------------- the lists behind the cards


@dataclass(frozen=True)
class CardList:
    """The page behind one card of the home page: its words, the rows' template (shared with the
    card) and the context name that template reads."""

    title: str
    intro: str
    rows_template: str
    name: str
    empty: str


MY_ASSESSMENTS = CardList(
    gettext_lazy("My open assessments"),
    gettext_lazy(
        "The open assessments (planned, in progress, submitted or returned) that you lead or are on the team of, "
        "ending soonest first; unplanned last."
    ),
    "insights/_my_assessment_rows.html",
    "my_assessments",
    gettext_lazy("No open assessment matches."),
)
REVIEW_QUEUE = CardList(
    gettext_lazy("Waiting for your review"),
    gettext_lazy("Submitted assessments assigned to you for review, oldest first."),
    "insights/_review_queue_rows.html",
    "reviewer_queue",
    gettext_lazy("No submitted assessment waiting for you matches."),
)
REQUALIFICATION_DUE = CardList(
    gettext_lazy("Requalification due"),
    gettext_lazy(
        "Approved and conditionally approved vendors overdue or due for requalification within 90 days, "
        "most overdue first."
    ),
    "insights/_vendors_due_rows.html",
    "vendors_due",
    gettext_lazy("No vendor due for requalification matches."),
)
DOCUMENTS_DUE = CardList(
    gettext_lazy("Documents expiring"),
    gettext_lazy(
        "GMP certificates, licences and quality agreements of approved and conditionally approved vendors that have "
        "expired or expire (a quality agreement: or are due for review) within 90 days, soonest first."
    ),
    "insights/_documents_due_rows.html",
    "documents_due",
    gettext_lazy("No document matches."),
)
OPEN_ACTIONS = CardList(
    gettext_lazy("Open corrective actions"),
    gettext_lazy(
        "Corrective actions not yet verified effective or closed, of the assessments you can see, earliest due first."
    ),
    "insights/_open_action_rows.html",
    "open_actions",
    gettext_lazy("No open corrective action matches."),
)


def _card_list(request, card: CardList, filterset, rows=list):
    """A page of the filtered rows; `rows` prepares the rows shown (progress, days left)."""
    if not filterset.is_valid():
        return invalid_filters(filterset.form)
    page, query = page_of(request, filterset.qs)
    context = {"card": card, "filter": filterset, "page_obj": page, "count": page.paginator.count}
    context.update({card.name: rows(page.object_list), "query_without_page": query})
    return render(request, "insights/card_list.html", context)


@login_required
@staff_only
def my_assessments(request):
    """Every open assessment the user leads or is on the team of (the home page's first card)."""
    queryset = dashboards.my_open_assessments(request.user)
    filterset = filters.MyAssessmentFilterSet(request.GET, queryset=queryset, request=request)
    return _card_list(request, MY_ASSESSMENTS, filterset, lambda shown: dashboards.with_progress(request.user, shown))


@login_required
@staff_only
def review_queue(request):
    """Every submitted assessment waiting for this QA reviewer."""
    filterset = filters.ReviewQueueFilterSet(request.GET, queryset=dashboards.review_queue(request.user))
    return _card_list(request, REVIEW_QUEUE, filterset)


@login_required
@staff_only
def requalification_due(request):
    """Every approved vendor overdue or due for requalification within the horizon."""
    filterset = filters.RequalificationFilterSet(request.GET, queryset=dashboards.due_for_requalification())
    return _card_list(request, REQUALIFICATION_DUE, filterset, dashboards.mark_due)


@login_required
@staff_only
def documents_due(request):
    """Every expiring document of the approved supplier list (the home page's card), by vendor filters."""
    filterset = filters.DocumentFilterSet(request.GET, queryset=Vendor.objects.all())
    if not filterset.is_valid():
        return invalid_filters(filterset.form)
    found = documents.due(filterset.qs)
    page, query = page_of(request, found)
    context = {"card": DOCUMENTS_DUE, "filter": filterset, "page_obj": page, "count": page.paginator.count}
    context.update({"documents_due": page.object_list, "query_without_page": query})
    return render(request, "insights/card_list.html", context)


@login_required
@staff_only
def open_actions(request):
    """Every open corrective action of the assessments the user may see."""
    filterset = filters.OpenActionFilterSet(request.GET, queryset=dashboards.open_corrective_actions(request.user))
    return _card_list(request, OPEN_ACTIONS, filterset, dashboards.mark_actions)


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
    """The vendors counted in one cell of the home page's risk matrix, a page at a time."""
    form = RiskCellForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown inherent risk or rating.", content_type="text/plain; charset=utf-8")
    risk, rating = form.cleaned_data["inherent_risk"], form.cleaned_data["rating"]
    page, query = page_of(request, dashboards.vendors_in_cell(request.user, risk, rating))
    labels = dict(form.fields["rating"].choices)
    return render(
        request,
        "insights/risk_vendors.html",
        {
            "form": form,
            "page_obj": page,
            "vendors": dashboards.with_latest_approval(request.user, page.object_list),
            "count": page.paginator.count,
            "query_without_page": query,
            "risk_label": dict(InherentRisk.choices).get(risk, gettext_noop("any")),
            "rating_label": labels.get(rating, gettext_noop("any")) if rating else gettext_noop("any"),
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
    scope = forms.ChoiceField(
        choices=[
            (comparisons.SCOPE_RECENT, f"The {comparisons.RECENT} most recently approved"),
            (comparisons.SCOPE_ALL, "Every vendor assessed on it"),
        ],
        required=False,
        label="Vendors compared",
        widget=forms.RadioSelect,
    )
    search = forms.CharField(
        required=False,
        max_length=200,
        label="Vendor names",
        help_text="Part of a name; several separated by commas (any of them).",
    )
    # Chosen vendors (by slug): the page lists the chosen ones and a box on each compared vendor.
    # Any vendor is accepted, so that a link naming one without an approved assessment says so.
    vendor = forms.ModelMultipleChoiceField(
        queryset=Vendor.objects.order_by("name"), to_field_name="slug", required=False, label="Chosen vendors"
    )

    def __init__(self, data, codes: list[str]):
        super().__init__(data)
        self.has_checklists = bool(codes)
        self.fields["checklist"].choices = [(c, c) for c in codes]
        code = data.get("checklist") or (codes[0] if codes else "")
        self.fields["version"].choices = [("", "Any version")] + [
            (v, f"v{v}") for v in comparisons.checklist_versions(code)
        ]


def _comparison(request):
    """(form, comparison or None). With no checklist asked for, the first one; with no vendor
    chosen, the most recently approved ones. The form is built once."""
    codes = comparisons.checklist_codes()
    data = request.GET.copy()
    if codes and not data.get("checklist"):
        data["checklist"] = codes[0]
    if not data.get("scope"):
        data["scope"] = comparisons.SCOPE_RECENT
    form = CompareForm(data, codes)
    if not codes or not form.is_valid():
        return form, None
    chosen = form.cleaned_data["vendor"]
    comparison = comparisons.compare(
        request.user,
        form.cleaned_data["checklist"],
        form.cleaned_data["version"],
        vendors=list(chosen) if chosen else None,
        search=form.cleaned_data["search"],
        scope=form.cleaned_data["scope"],
    )
    return form, comparison


@login_required
@staff_only
def compare(request):
    form, comparison = _comparison(request)
    context = {"form": form, "comparison": comparison, "query": request.GET.urlencode()}
    if comparison is not None:
        page, query = page_of(request, comparison.rows, comparisons.PAGE_SIZE)
        version = f" v{comparison.version}" if comparison.version else ""
        context.update(
            page_obj=page,
            page_rows=page.object_list,
            table=comparison.table(page.object_list),
            query_without_page=query,
            chosen=form.cleaned_data["vendor"],
            chosen_slugs={v.slug for v in form.cleaned_data["vendor"]},
            chart=charts.grouped_bars(
                comparison.chart_series(page.object_list),
                comparison.criteria,
                title=f"Criterion scores on {comparison.checklist_code}{version}, latest approved assessments",
            ),
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


def _trail_filters(request) -> dict | None:
    """The filters asked for (user name, object type, dates), or None when a date is not one."""
    form = timeline.TrailFilterForm(request.GET)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return {"username": data["user"], "object_type": data["type"], "since": data["since"], "until": data["until"]}


def _bad_trail_filters():
    return HttpResponseBadRequest("Dates are YYYY-MM-DD, the first not after the last.", content_type="text/plain")


@login_required
def history(request, pk):
    """User actions, newest first, one sentence each with the field changes one click away; a
    page of actions is read without loading the whole trail."""
    assessment = _visible_assessment(request, pk)
    chosen = _trail_filters(request)
    if chosen is None:
        return _bad_trail_filters()
    users, types = timeline.audit_filter_choices(assessment)
    entries = history_of.entries_of(assessment, **chosen)
    page = Paginator(history_of.action_keys(entries), 50).get_page(request.GET.get("page"))
    groups = history_of.actions(entries, [key["action_key"] for key in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/history.html",
        {
            "assessment": assessment,
            "page_obj": page,
            "groups": groups,
            "group_count": page.paginator.count,
            "users": users,
            "types": types,
            "selected_user": chosen["username"],
            "selected_type": chosen["object_type"],
            "since": chosen["since"],
            "until": chosen["until"],
            "filtered": any(chosen.values()),
            "query_without_page": query.urlencode(),
        },
    )


@login_required
def history_csv(request, pk):
    """Every field row of the actions the filters select."""
    assessment = _visible_assessment(request, pk)
    chosen = _trail_filters(request)
    if chosen is None:
        return _bad_trail_filters()
    data = trail.rows(history_of.entries_of(assessment, **chosen))
    response = HttpResponse(trail.as_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{assessment.reference}-audit-trail.csv"'
    return response


# --------------------------------------------------------------------------- the match


@login_required
@staff_only
def match(request):
    """Which approved CDMOs can make a product: the form, then the fitting and excluded vendors."""
    form = MatchForm(request.GET or None)
    context = {"form": form, "fitting": None, "excluded": None}
    if request.GET:
        if not form.is_valid():
            return render(request, "insights/match.html", context, status=400)
        data = form.cleaned_data
        context["fitting"], context["excluded"] = matching.match(
            request.user, data["modality"], data["phase"], data["batches_per_year"], data["region"]
        )
    return render(request, "insights/match.html", context)
