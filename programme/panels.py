"""The vendor page's section of the audit programme: the vendor's planned audits with their
status, for those who read the programme (registered on the registry's vendor page)."""

from django.template.loader import render_to_string

from vendors import panels
from vendors.models import Vendor

from . import plan


@panels.register
def vendor_programme(request, vendor):
    if not request.user.has_perm("programme.view_programme"):
        return ""
    shown = plan.items(Vendor.objects.filter(pk=vendor.pk), end=plan.window()[1])
    context = {
        "vendor": vendor,
        "items": shown,
        "may_schedule": request.user.has_perm("programme.schedule_item"),
        "window_end": plan.window()[1],
    }
    return render_to_string("programme/_vendor_panel.html", context, request=request)
