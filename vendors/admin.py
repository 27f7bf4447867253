from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from import_export.admin import ImportExportModelAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from config import reasons
from config.csp import ImportExportPagePolicy
from config.exceptions import ConflictError, InvalidInput, NotAllowed

from . import qualification
from .models import (
    Capability,
    Contact,
    Contract,
    GMPCertificate,
    IndustryEvent,
    Modality,
    QualificationDecision,
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


class CapabilityInline(admin.StackedInline):
    """One row for the vendor as a whole (no site) and one per site that differs from it."""

    model = Capability
    extra = 0


class QualificationDecisionInline(admin.TabularInline):
    """The vendor's place on the approved supplier list over time: written by decisions only."""

    model = QualificationDecision
    extra = 0
    can_delete = False
    ordering = ["-pk"]
    fields = ["decided_at", "event", "from_status", "to_status", "assessment_reference", "printed_name", "reason"]
    readonly_fields = fields
    verbose_name_plural = "qualification decisions"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QualificationDecisionForm(forms.Form):
    """Collects the decision; vendors/qualification.py checks the reason and the password."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        strip=False,
        help_text=f"At least a sentence saying why ({reasons.MIN_WORDS} words); kept with the "
        "decision and in the audit trail.",
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Your password again: the decision is signed (21 CFR 11.200).",
    )


#: The administrator's decisions on the vendor's page, by URL segment: (verb, permission, the
#: rule function, whether to offer it now).
DECISIONS = {
    "disqualification": (
        "Disqualify",
        "vendors.disqualify_vendor",
        qualification.disqualify,
        qualification.may_disqualify,
    ),
    "reinstatement": ("Reinstate", "vendors.reinstate_vendor", qualification.reinstate, qualification.may_reinstate),
}
#: A refusal of the rule module, shown on the form with the status the API would answer.
REFUSAL_STATUS = ((InvalidInput, 400), (NotAllowed, 403), (ConflictError, 409))


@admin.register(Vendor)
class VendorAdmin(ImportExportPagePolicy, ImportExportModelAdmin, ObjectPermissionsModelAdmin):
    """The registry's records. The qualification status, risk rating and due date are read-only
    here: they change by decisions (vendors/qualification.py), which the change page offers as the
    Disqualify and Reinstate buttons."""

    resource_classes = [VendorResource]
    change_form_template = "admin/vendors/vendor/change_form.html"
    list_display = ["name", "country", "region", "status", "inherent_risk", "next_requalification_due"]
    list_filter = ["region", "country", "service_lines", "status", "inherent_risk", "modalities"]
    search_fields = ["name", "legal_name", "description"]
    filter_horizontal = ["service_lines", "modalities", "therapeutic_areas"]
    readonly_fields = ["region", *qualification.DECIDED_FIELDS, "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [
        SiteInline,
        ContactInline,
        ContractInline,
        IndustryEventInline,
        CapabilityInline,
        QualificationDecisionInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "legal_name", "slug", "country", "region", "website", "description"]}),
        ("Services", {"fields": ["service_lines", "modalities", "therapeutic_areas"]}),
        ("Qualification", {"fields": ["inherent_risk", "status", "risk_rating", "next_requalification_due"]}),
        ("Record", {"fields": ["source", "created_at", "updated_at"]}),
    ]

    def get_urls(self):
        decisions = [
            path(
                f"<path:object_id>/{segment}/",
                self.admin_site.admin_view(self.decision_view),
                {"segment": segment},
                name=f"vendors_vendor_{segment}",
            )
            for segment in DECISIONS
        ]
        return [*decisions, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        vendor = self.get_object(request, object_id)
        if vendor is not None:
            extra_context = {
                **(extra_context or {}),
                "may_disqualify": qualification.may_disqualify(vendor, request.user),
                "may_reinstate": qualification.may_reinstate(vendor, request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decision_view(self, request, object_id, segment):
        """Disqualify or reinstate: a reason and the password, decided by vendors/qualification.py."""
        vendor = self.get_object(request, object_id)
        if vendor is None:
            raise Http404("No such vendor.")
        verb, perm, decide, may_offer = DECISIONS[segment]
        if not request.user.has_perm(perm, vendor):
            raise PermissionDenied
        if not may_offer(vendor, request.user):
            messages.error(
                request,
                gettext("%(vendor)s is %(status)s: no %(decision)s now.")
                % {"vendor": vendor.name, "status": gettext(vendor.get_status_display()).lower(), "decision": segment},
            )
            return redirect("admin:vendors_vendor_change", vendor.pk)
        form = QualificationDecisionForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    decide(vendor, request.user, form.cleaned_data["reason"], form.cleaned_data["password"], request)
                except (InvalidInput, NotAllowed, ConflictError) as exc:
                    status = next(code for kind, code in REFUSAL_STATUS if isinstance(exc, kind))
                    errors = exc.errors if isinstance(exc, InvalidInput) else {None: [str(exc)]}
                    for field, field_errors in errors.items():
                        for error in field_errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    vendor.refresh_from_db()
                    messages.success(
                        request,
                        gettext("%(vendor)s is now %(status)s.")
                        % {"vendor": vendor.name, "status": gettext(vendor.get_status_display()).lower()},
                    )
                    return redirect("admin:vendors_vendor_change", vendor.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": vendor,
            "vendor": vendor,
            "form": form,
            "verb": verb,
            "title": f"{verb} {vendor.name}",
        }
        return TemplateResponse(request, "admin/vendors/vendor/qualification_decision.html", context, status=status)


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
