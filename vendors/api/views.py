from django.db.models import Prefetch
from rest_framework import viewsets

from accounts.api.permissions import RulesPermission
from vendors.api.serializers import VendorDetailSerializer, VendorSerializer
from vendors.filters import VendorFilterSet
from vendors.models import Site, Vendor


class VendorViewSet(viewsets.ModelViewSet):
    """The CDMO registry. Everyone in the quality organisation reads it; quality administrators
    create and edit vendors. Vendors are not deleted here: their assessments refer to them."""

    permission_classes = [RulesPermission]
    filterset_class = VendorFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Vendor.objects.prefetch_related("service_lines", "modalities", "therapeutic_areas")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("sites", queryset=Site.objects.prefetch_related("certificates")),
                "contacts",
                "contracts",
                "events",
            )
        return queryset

    def get_serializer_class(self):
        return VendorSerializer if self.action == "list" else VendorDetailSerializer
