from django.contrib import admin

from .models import AuditEntry

try:
    admin.site.unregister(AuditEntry)
except admin.sites.NotRegistered:
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited or deleted, not even by an administrator."""

    date_hierarchy = "timestamp"
    list_display = ["timestamp", "username", "action", "content_type", "object_repr", "reason", "cid"]
    list_filter = ["action", "content_type"]
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
