from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin

from config.pagination import query_without_page

from . import agreements, panels, qualification
from .countries import Region
from .filters import VendorFilterSet
from .models import Capability, Site, Vendor


class VendorListView(LoginRequiredMixin, PermissionRequiredMixin, FilterView):
    permission_required = "vendors.view_vendor"
    filterset_class = VendorFilterSet
    template_name = "vendors/vendor_list.html"
    paginate_by = 25
    queryset = Vendor.objects.prefetch_related("service_lines")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_without_page"] = query_without_page(self.request)
        context["lacking_agreement"] = agreements.vendors_lacking([v.pk for v in context["object_list"]])
        return context


class VendorDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = "vendors.view_vendor"
    template_name = "vendors/vendor_detail.html"
    queryset = Vendor.objects.prefetch_related(
        "service_lines",
        "modalities",
        "therapeutic_areas",
        "contacts",
        "contracts",
        "events",
        Prefetch("sites", queryset=Site.objects.prefetch_related("certificates")),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels.render_all(self.request, self.object)
        context["disqualification"] = qualification.disqualification_in_force(self.object)
        context["show_decisions"] = self.request.user.has_perm("vendors.view_qualificationdecision", self.object)
        if context["show_decisions"]:
            context["qualification_decisions"] = qualification.history(self.object)
        context["may_disqualify"] = qualification.may_disqualify(self.object, self.request.user)
        context["may_reinstate"] = qualification.may_reinstate(self.object, self.request.user)
        rows = list(
            Capability.objects.filter(vendor=self.object).select_related("site").order_by("-site", "site__name")
        )
        rows.sort(key=lambda c: (c.site_id is not None, c.site.name if c.site_id else ""))  # the vendor first
        for row in rows:
            row.regions_labels = [Region(r).label for r in row.regions_shipped or []]
        context["capabilities"] = rows
        context["quality_agreements"] = agreements.standing(self.object)
        context["lacks_agreement"] = agreements.lacks_current(self.object, shown=context["quality_agreements"])
        return context
