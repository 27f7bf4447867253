from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "is_staff"]
    actions = ["deactivate"]

    @admin.display(description="Roles")
    def role_list(self, user):
        return ", ".join(user.roles)

    def has_delete_permission(self, request, obj=None):
        """Deactivate instead: a deleted user would orphan signatures and audit-trail entries."""
        return False

    @admin.action(description="Deactivate selected users (keeps their records)")
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)
