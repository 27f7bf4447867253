from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from assessments.permissions import visible_part_or_404
from config.api import ServiceUnavailable
from reports import services, spreadsheet
from reports.api.serializers import (
    ArchiveRequestSerializer,
    AuditReportSerializer,
    ReportArchiveSerializer,
    ReportRequestSerializer,
    VerifyResultSerializer,
    VerifySerializer,
)
from reports.models import AuditReport, ReportArchive
from reports.throttles import VerifyThrottle


def pdf_response(report: AuditReport) -> FileResponse:
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class AssessmentWorkbookView(APIView):
    """GET the assessment as an XLSX workbook (answers, findings, actions, score by criterion),
    built in the request from the same data as the PDF."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, spreadsheet.XLSX): OpenApiTypes.BINARY})
    def get(self, request, pk):
        assessment = Assessment.objects.visible_to(request.user).filter(pk=pk).first()
        if assessment is None:
            raise NotFound()
        return spreadsheet.response(assessment)


class AssessmentReportsView(APIView):
    """GET the reports of an assessment; POST to queue a new one (202). Anyone who can read the
    assessment may ask for a draft; a final report exists once it is approved."""

    permission_classes = [IsAuthenticated]

    def _assessment(self, request, pk):
        assessment = Assessment.objects.visible_to(request.user).filter(pk=pk).first()
        if assessment is None:
            raise NotFound()
        return assessment

    @extend_schema(responses=AuditReportSerializer(many=True))
    def get(self, request, pk):
        assessment = self._assessment(request, pk)
        reports = AuditReport.objects.filter(assessment=assessment).select_related("requested_by", "assessment__vendor")
        return Response(AuditReportSerializer(reports, many=True, context={"request": request}).data)

    @extend_schema(request=ReportRequestSerializer, responses={202: AuditReportSerializer})
    def post(self, request, pk):
        assessment = self._assessment(request, pk)
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = services.request_report(
                assessment, request.user, serializer.validated_data["kind"], serializer.validated_data.get("language")
            )
        except services.QueueUnavailable as exc:
            raise ServiceUnavailable(exc.message) from exc
        data = AuditReportSerializer(report, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


def visible_report(request, pk) -> AuditReport:
    return visible_part_or_404(
        AuditReport.objects.select_related("assessment__vendor", "requested_by"),
        request.user,
        pk,
        lambda r: r.assessment,
    )


class ReportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditReportSerializer
    permission_classes = [IsAuthenticated]
    queryset = AuditReport.objects.none()

    def get_object(self):
        return visible_report(self.request, self.kwargs["pk"])

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != AuditReport.Status.READY:
            return Response(
                {"detail": f"{report.reference} is {report.status}; it can be downloaded when ready."},
                status=status.HTTP_409_CONFLICT,
            )
        return pdf_response(report)


class ReportVerifyView(APIView):
    """Is this file a genuine report of this system? Anyone may ask, without logging in: the
    answer names the report, its assessment and vendor and when it was generated, whether its
    signature is valid and whether it has been superseded, and nothing else. Rate-limited by
    client address (REPORT_VERIFY_RATE, shared with the /verify/ page)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": VerifySerializer},
        responses={200: VerifyResultSerializer, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
        auth=[],
    )
    def post(self, request):
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.verify_copy(serializer.validated_data["file"])
        return Response(VerifyResultSerializer(check.as_dict()).data)


class ReportArchiveViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportArchiveSerializer
    permission_classes = [IsAuthenticated]
    queryset = ReportArchive.objects.all()

    def get_queryset(self):
        """An archive is seen only by the person who asked for it."""
        return super().get_queryset().filter(requested_by=self.request.user)

    @extend_schema(request=ArchiveRequestSerializer, responses={202: ReportArchiveSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ArchiveRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["assessments"]
        assessments = Assessment.objects.visible_to(request.user).filter(pk__in=ids)
        unknown = sorted(set(ids) - set(assessments.values_list("pk", flat=True)))
        if unknown:
            return Response({"assessments": [f"No assessment {pk} that you can see." for pk in unknown]}, status=400)
        try:
            archive = services.request_archive(request.user, assessments)
        except services.QueueUnavailable as exc:
            raise ServiceUnavailable(exc.message) from exc
        return Response(ReportArchiveSerializer(archive).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        archive = self.get_object()
        if archive.status != ReportArchive.Status.READY:
            return Response({"detail": f"The archive is {archive.status}."}, status=status.HTTP_409_CONFLICT)
        return FileResponse(
            archive.file.open("rb"),
            as_attachment=True,
            filename=f"audit-reports-{archive.pk}.zip",
            content_type="application/zip",
        )
