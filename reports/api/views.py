from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from assessments.permissions import visible_part_or_404
from config.api import ServiceUnavailable
from reports import services
from reports.api.serializers import (
    ArchiveRequestSerializer,
    AuditReportSerializer,
    ReportArchiveSerializer,
    ReportRequestSerializer,
    VerifySerializer,
)
from reports.models import AuditReport, ReportArchive


def pdf_response(report: AuditReport) -> FileResponse:
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
            report = services.request_report(assessment, request.user, serializer.validated_data["kind"])
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

    @extend_schema(request={"multipart/form-data": VerifySerializer}, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def verify(self, request):
        """Is this PDF an unchanged copy of a stored report? Compared by SHA-256."""
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.find_copy(serializer.validated_data["file"].read())
        if report is None or not request.user.has_perm("assessments.view_assessment", report.assessment):
            return Response({"match": False, "detail": "This file is not an unchanged copy of any report you can see."})
        return Response(
            {
                "match": True,
                "report": AuditReportSerializer(report, context={"request": request}).data,
                "detail": f"Unchanged copy of {report.reference} ({report.assessment.vendor.name}).",
            }
        )


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
