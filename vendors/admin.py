from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from config.csp import ImportExportPagePolicy

from .models import (
    Contact,
    Contract,
    GMPCertificate,
    IndustryEvent,
    Modality,
    ServiceLine,
    Site,
    TherapeuticArea,
    Vendor,
)
from .resources import VendorResource


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0
    show_change_link = True
    fields = [
        ("name", "country", "city"),
        "address",
        ("grade_a", "grade_b", "grade_c", "grade_d"),
        "floor_area_sq_ft",
        "notes",
    ]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0


class IndustryEventInline(admin.TabularInline):
    model = IndustryEvent
    extra = 0


@admin.register(Vendor)
class VendorAdmin(ImportExportPagePolicy, ImportExportModelAdmin, ObjectPermissionsModelAdmin):
    resource_classes = [VendorResource]
    list_display = ["name", "country", "region", "status", "inherent_risk", "next_requalification_due"]
    list_filter = ["region", "country", "service_lines", "status", "inherent_risk", "modalities"]
    search_fields = ["name", "legal_name", "description"]
    filter_horizontal = ["service_lines", "modalities", "therapeutic_areas"]
    readonly_fields = ["region", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteInline, ContactInline, ContractInline, IndustryEventInline]
    fieldsets = [
        (None, {"fields": ["name", "legal_name", "slug", "country", "region", "website", "description"]}),
        ("Services", {"fields": ["service_lines", "modalities", "therapeutic_areas"]}),
        ("Qualification", {"fields": ["inherent_risk", "status", "next_requalification_due"]}),
        ("Record", {"fields": ["source", "created_at", "updated_at"]}),
    ]


class GMPCertificateInline(admin.TabularInline):
    model = GMPCertificate
    extra = 0


@admin.register(Site)
class SiteAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "vendor", "country", "city"]
    list_filter = ["country"]
    search_fields = ["name", "vendor__name", "city"]
    autocomplete_fields = ["vendor"]
    inlines = [GMPCertificateInline]


@admin.register(ServiceLine, Modality, TherapeuticArea)
class LookupAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
