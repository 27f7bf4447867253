"""The admin of environmental monitoring: the limit tables to read, a site's alert limits to keep
(quality administrators; monitoring/limits.py checks each is below its action limit), and the
imported data sets to read. Data sets are imported into an assessment, never in the admin."""

from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from .models import ActionLimit, AlertLimit, DataSet, LimitTable


class ActionLimitInline(admin.TabularInline):
    model = ActionLimit
    extra = 0
    fields = ["grade", "state", "kind", "value"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LimitTable)
class LimitTableAdmin(ObjectPermissionsModelAdmin):
    list_display = ["version", "title", "effective_from"]
    fields = ["version", "title", "source", "effective_from"]
    readonly_fields = fields
    inlines = [ActionLimitInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AlertLimit)
class AlertLimitAdmin(ObjectPermissionsModelAdmin):
    list_display = ["site", "grade", "state", "kind", "value"]
    list_filter = ["grade", "state", "kind"]
    search_fields = ["site__name", "site__vendor__name"]
    autocomplete_fields = ["site"]


@admin.register(DataSet)
class DataSetAdmin(ObjectPermissionsModelAdmin):
    list_display = ["reference", "site", "period_start", "period_end", "sample_count", "imported_by", "imported_at"]
    search_fields = ["site__name", "site__vendor__name", "source_name"]
    fields = [
        "site",
        "period_start",
        "period_end",
        "limit_table",
        "imported_for",
        "source_format",
        "source_name",
        "source_sha256",
        "content_sha256",
        "sample_count",
        "imported_by",
        "imported_at",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False
