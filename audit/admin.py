from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from config.counting import count_up_to

from .models import AuditEntry

#: The audit trail's list counts its entries up to this many; past it the page says "more than".
COUNT_CAP = 10_000

try:
    admin.site.unregister(AuditEntry)
except admin.sites.NotRegistered:
    pass


class CappedCountPaginator(Paginator):
    """Counting every entry of a trail of millions costs more than the page shown; the count
    stops at `COUNT_CAP` + 1 (the filters narrow the list to what an inspector asks for)."""

    @cached_property
    def count(self):
        return count_up_to(self.object_list, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited or deleted, not even by an administrator.
    Bounded at any size: no full count (`CappedCountPaginator`, no "show all" count), and the
    time filter is a date range, not the date hierarchy (which reads every entry's date)."""

    list_display = ["timestamp", "username", "action", "content_type", "object_repr", "reason", "cid"]
    list_filter = ["timestamp", "action", "content_type"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ["object_repr", "username", "reason", "cid"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_auditentry")
