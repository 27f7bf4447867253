"""The inbox page, the bell's count (fetched by the page after it loads, so no page pays a query
for it) and the choice of immediate e-mail or a daily digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from . import inbox
from .filters import NotificationFilterSet
from .forms import PreferenceForm
from .models import Preference


@login_required
def inbox_page(request):
    filters = NotificationFilterSet(request.GET, queryset=inbox.of(request.user))
    page = Paginator(filters.qs, 25).get_page(request.GET.get("page"))
    preference, _ = Preference.objects.get_or_create(user=request.user)
    return render(
        request,
        "notifications/inbox.html",
        {
            "filters": filters,
            "page_obj": page,
            "unread": inbox.unread_count(request.user),
            "form": PreferenceForm(instance=preference),
        },
    )


@login_required
def bell(request):
    return render(request, "notifications/_bell.html", {"unread": inbox.unread_count(request.user)})


@login_required
@require_POST
def read(request, pk):
    row = inbox.mark_read(request.user, pk)
    if request.POST.get("open") and row.url.startswith("/"):
        return redirect(row.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    count = inbox.mark_all_read(request.user)
    messages.success(
        request,
        ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
@require_POST
def preference(request):
    current, _ = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST, instance=current)
    if form.is_valid():
        form.save()
        messages.success(
            request,
            gettext("E-mail: %(delivery)s.") % {"delivery": gettext(form.instance.get_delivery_display()).lower()},
        )
    else:
        messages.error(request, gettext("Choose how you want your e-mail."))
    return redirect("notifications:inbox")
