from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import RulesPermission
from vendors import qualification
from vendors.api.serializers import (
    QualificationDecisionRequestSerializer,
    QualificationDecisionSerializer,
    VendorDetailSerializer,
    VendorSerializer,
)
from vendors.filters import VendorFilterSet
from vendors.models import Site, Vendor


class VendorViewSet(viewsets.ModelViewSet):
    """The CDMO registry. Everyone in the quality organisation reads it; quality administrators
    create and edit vendors. Vendors are not deleted here: their assessments refer to them."""

    # The qualification status, risk rating and due date change only by decisions
    # (vendors/qualification.py): an approved assessment, or the disqualification and
    # reinstatement below; the serializers refuse them.

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

    def _decide(self, request, decide):
        vendor = self.get_object()
        serializer = QualificationDecisionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = decide(vendor, request.user, data["reason"], data["password"], request)
        return Response(QualificationDecisionSerializer(decision).data, status=201)

    @extend_schema(request=QualificationDecisionRequestSerializer, responses={201: QualificationDecisionSerializer})
    @action(detail=True, methods=["post"])
    def disqualification(self, request, pk=None):
        """Disqualify the vendor: a quality administrator's decision with a reason of at least a
        sentence and the password again (a wrong one counts toward the lock-out)."""
        return self._decide(request, qualification.disqualify)

    @extend_schema(request=QualificationDecisionRequestSerializer, responses={201: QualificationDecisionSerializer})
    @action(detail=True, methods=["post"])
    def reinstatement(self, request, pk=None):
        """Reinstate a disqualified vendor to what its latest approved assessment decided
        (prospective if none); reason and password as for a disqualification."""
        return self._decide(request, qualification.reinstate)

    @extend_schema(responses=QualificationDecisionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="qualification-decisions")
    def qualification_decisions(self, request, pk=None):
        """The vendor's place on the approved supplier list over time, latest first: for quality
        administrators (it names the deciding assessments and why they were reopened)."""
        vendor = self.get_object()
        if not request.user.has_perm("vendors.view_qualificationdecision", vendor):
            raise exceptions.PermissionDenied(
                "Only quality administrators read the history of qualification decisions."
            )
        page = self.paginate_queryset(qualification.history(vendor))
        return self.get_paginated_response(QualificationDecisionSerializer(page, many=True).data)
