"""The programme's pages: the plan with its filters and the workload table, its CSV, the
calendar feeds and the feed-token actions, and scheduling one item. The items come from
programme.plan, the feed from programme.feeds; these views check access and read the request."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from config import spreadsheet
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.pagination import invalid_filters, page_of

from . import feeds, plan
from .filters import filtered_items
from .forms import ScheduleForm

readers_only = permission_required("programme.view_programme", raise_exception=True)
PAGE_SIZE = 50


@login_required
@readers_only
def programme(request):
    filterset, shown = filtered_items(request.GET)
    if shown is None:
        return invalid_filters(filterset.form)
    months, rows = plan.workload(shown)
    page, query = page_of(request, shown, PAGE_SIZE)
    token = feeds.current(request.user)
    context = {
        "filter": filterset,
        "page_obj": page,
        "count": len(shown),
        "overdue": sum(1 for i in shown if i.status == "overdue"),
        "unscheduled": sum(1 for i in shown if i.status == "unscheduled"),
        "query_without_page": query,
        "query": request.GET.urlencode(),
        "months": months,
        "workload": rows,
        "window": plan.window(),
        "may_schedule": request.user.has_perm("programme.schedule_item"),
        "feed_token": token,
        "feed_url": request.build_absolute_uri(reverse("programme:feed")) + f"?token={token.key}" if token else "",
    }
    return render(request, "programme/programme.html", context)


CSV_HEADER = [
    "Vendor",
    "Kind",
    "Due",
    "Status",
    "Reason",
    "Assessment",
    "Planned start",
    "Planned end",
    "Audit team",
]


def csv_rows(shown):
    for i in shown:
        a = i.assessment
        yield [
            i.vendor.name,
            i.kind_label,
            i.due.isoformat(),
            i.status_label,
            i.reason,
            a.reference if a else "",
            a.planned_start.isoformat() if a and a.planned_start else "",
            a.planned_end.isoformat() if a and a.planned_end else "",
            "; ".join(p.full_name for p in i.people),
        ]


@login_required
@readers_only
def programme_csv(request):
    filterset, shown = filtered_items(request.GET)
    if shown is None:
        return invalid_filters(filterset.form)
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(shown))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-programme-{timezone.localdate().isoformat()}.csv"'
    return response


@require_GET
def feed(request):
    """GET /programme.ics?token=...: no session; the token is the credential (404 if it is not a
    live one). `mine=1` keeps the audits of the token's user only."""
    user = feeds.user_for(request.GET.get("token"))
    if user is None:
        raise Http404("No such calendar feed.")
    query = request.GET.copy()
    query.pop("token", None)
    mine = query.pop("mine", ["0"])[-1] in ("1", "true", "yes")
    filterset, shown = filtered_items(query)
    if shown is None:
        return invalid_filters(filterset.form)
    name = "Audit programme"
    if mine:
        shown = plan.for_user(shown, user)
        name = f"Audit programme: {user.full_name}"
    response = HttpResponse(feeds.calendar(shown, name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="programme.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@readers_only
@require_POST
def issue_feed_token(request):
    feeds.issue(request.user)
    messages.success(request, gettext("A new calendar link was made; any earlier link no longer works."))
    return redirect("programme:programme")


@login_required
@readers_only
@require_POST
def revoke_feed_token(request):
    if feeds.revoke(request.user):
        messages.success(request, gettext("Your calendar link is revoked: calendars using it get nothing more."))
    else:
        messages.info(request, gettext("You had no calendar link."))
    return redirect("programme:programme")


@login_required
@permission_required("programme.schedule_item", raise_exception=True)
def schedule(request, key):
    item = plan.find(key)
    if item is None:
        raise Http404("No such item in the programme.")
    if not item.may_schedule:
        messages.info(
            request,
            gettext("This item is already scheduled into %(assessment)s.") % {"assessment": item.assessment.reference},
        )
        return redirect("programme:programme")
    initial = {"kind": item.kind, "checklist": plan.default_checklist(), "mode": "on_site"}
    if request.user.has_role("lead_auditor"):
        initial["lead_auditor"] = request.user
    form = ScheduleForm(request.POST if request.method == "POST" else None, item=item, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = plan.schedule(item, request.user, form.values())
            except InvalidInput as exc:
                for field, problems in exc.errors.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            except (ConflictError, NotAllowed) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, gettext("Scheduled into %(assessment)s.") % {"assessment": assessment.reference}
                )
                return redirect(assessment.get_absolute_url())
        status = 400
    return render(request, "programme/schedule.html", {"item": item, "form": form}, status=status)


@login_required
@permission_required("programme.schedule_item", raise_exception=True)
@require_POST
def dismiss(request, key):
    """Dismiss a for-cause proposal with a reason (from the schedule page); refusals are messages."""
    item = plan.find(key)
    if item is None:
        raise Http404("No such item in the programme.")
    try:
        plan.dismiss(item, request.user, request.POST.get("reason", ""))
    except InvalidInput as exc:
        messages.error(request, " ".join(m for problems in exc.errors.values() for m in problems))
        return redirect("programme:schedule", key=key)
    except (ConflictError, NotAllowed) as exc:
        messages.error(request, str(exc))
        return redirect("programme:programme")
    messages.success(
        request, gettext("The proposed for-cause audit of %(vendor)s is dismissed.") % {"vendor": item.vendor.name}
    )
    return redirect("programme:programme")
