from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "is_staff"]
    actions = ["deactivate"]

    @admin.display(description="Roles")
    def role_list(self, user):
        return ", ".join(user.roles)

    #: Only a superuser grants superuser status or permissions outside the roles: a quality
    #: administrator who could tick these would bypass every permission rule of the product.
    SUPERUSER_ONLY = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.SUPERUSER_ONLY if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        """A quality administrator does not change a superuser (their password, say): that would
        be another way to become one."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Deactivate instead: a deleted user would orphan signatures and audit-trail entries."""
        return False

    @admin.action(description="Deactivate selected users (keeps their records)")
    def deactivate(self, request, queryset):
        # One save per user, not queryset.update(): the audit trail records each deactivation
        # (who, when), which a bulk update would bypass.
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            count += 1
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)


def _locked_now():
    from django.db.models import Q

    return Q(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME,
    )


class LockedOutNowFilter(admin.SimpleListFilter):
    title = "locked out now"
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_locked_now())
        if self.value() == "no":
            return queryset.exclude(_locked_now())
        return queryset


try:
    admin.site.unregister(AccessAttempt)
except admin.sites.NotRegistered:
    pass


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed log-ins by account and address. The lock-out of an account from an address lasts
    LOGIN_LOCKOUT_MINUTES after its last failure; a quality administrator lifts it earlier by
    deleting the row."""

    list_display = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "locked_until",
        "path_info",
        "user_agent",
    ]
    list_filter = [LockedOutNowFilter, "attempt_time", "path_info"]
    actions = []

    @admin.display(description="Locked out until (UTC)")
    def locked_until(self, attempt):
        if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return "not locked"
        until = attempt.attempt_time + settings.AXES_COOLOFF_TIME
        return until.strftime("%Y-%m-%d %H:%M:%S") if until > timezone.now() else "expired"
