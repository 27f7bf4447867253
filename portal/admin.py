from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from .models import VendorAccess


@admin.register(VendorAccess)
class VendorAccessAdmin(ObjectPermissionsModelAdmin):
    """Quality administrators link a vendor contact to the vendor they speak for; the form refuses
    a user without the vendor-contact role (portal/access.py)."""

    list_display = ["user", "vendor", "created_at"]
    list_select_related = ["user", "vendor"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "vendor__name"]
