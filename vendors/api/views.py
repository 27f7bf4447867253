from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RulesPermission
from vendors import agreements, qualification
from vendors.api.serializers import (
    QualificationDecisionRequestSerializer,
    QualificationDecisionSerializer,
    QualityAgreementRequestSerializer,
    QualityAgreementSerializer,
    VendorDetailSerializer,
    VendorSerializer,
)
from vendors.filters import VendorFilterSet
from vendors.models import QualityAgreement, Site, Vendor


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

    @extend_schema(methods=["GET"], responses=QualityAgreementSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": QualityAgreementRequestSerializer},
        responses={201: QualityAgreementSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], url_path="quality-agreements")
    def quality_agreements(self, request, pk=None):
        """GET: the vendor's quality agreements, latest effective first, each with its standing
        (`current`, `expiring`, `review_due`, `expired`, `not_yet_effective`). POST (quality
        administrators): record one, multipart with the signed copy as `signed_copy` (a PDF)."""
        vendor = self.get_object()
        if request.method == "GET":
            rows = QualityAgreement.objects.filter(vendor=vendor).select_related("approved_by", "recorded_by")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(QualityAgreementSerializer(page, many=True).data)
        body = QualityAgreementRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        upload = values.pop("signed_copy")
        agreement = agreements.record(vendor, request.user, values, upload)
        return Response(QualityAgreementSerializer(agreement).data, status=201)


class QualityAgreementDownloadView(APIView):
    """The signed copy of a quality agreement, as it was recorded (its SHA-256 in the header)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        if not request.user.has_perm("vendors.view_qualityagreement"):
            raise exceptions.PermissionDenied("The registry is for the quality organisation.")
        agreement = QualityAgreement.objects.filter(pk=pk).first()
        if agreement is None:
            raise exceptions.NotFound("Not found.")
        response = FileResponse(
            agreement.signed_copy.open("rb"),
            as_attachment=True,
            filename=agreement.original_name,
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = agreement.sha256
        return response
