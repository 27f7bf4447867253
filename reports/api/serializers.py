from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from config.api import BlankChoicesAreNull
from reports.models import AuditReport, ReportArchive


class AuditReportSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:report-detail")
    download = serializers.SerializerMethodField()
    reference = serializers.CharField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None)

    class Meta:
        model = AuditReport
        fields = [
            "id",
            "url",
            "reference",
            "assessment",
            "number",
            "kind",
            "language",
            "status",
            "error",
            "requested_by",
            "requested_at",
            "rendered_at",
            "pages",
            "size",
            "sha256",
            "content_hash",
            "signature",
            "signed_by",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, report) -> str | None:
        if report.status != AuditReport.Status.READY:
            return None
        request = self.context.get("request")
        path = reverse("api:report-download", kwargs={"pk": report.pk})
        return request.build_absolute_uri(path) if request else path


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuditReport.Kind.choices, default=AuditReport.Kind.DRAFT)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="The language to print it in; default LANGUAGE_CODE."
    )


class ReportArchiveSerializer(serializers.ModelSerializer):
    assessments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ReportArchive
        fields = ["id", "status", "error", "assessments", "requested_at", "rendered_at", "size", "sha256"]
        read_only_fields = fields


class ArchiveRequestSerializer(serializers.Serializer):
    # Ids within the database's integer range: a larger number is a 400, not an overflow.
    assessments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=500
    )


class VerifySerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to check; it is not stored.")


class VerifiedReportSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The report's number, e.g. RPT-00012-02.")
    assessment = serializers.CharField(help_text="The assessment's reference, e.g. ASM-00012.")
    vendor = serializers.CharField()
    generated_at = serializers.DateTimeField()


class VerifyResultSerializer(serializers.Serializer):
    genuine = serializers.BooleanField(help_text="The file's SHA-256 is that of a stored report.")
    superseded = serializers.BooleanField(
        help_text="A later report of the assessment exists, or the assessment was reopened or changed since."
    )
    signature_valid = serializers.BooleanField(
        help_text="Its PAdES signature is intact and made with this system's certificate."
    )
    report = VerifiedReportSerializer(allow_null=True)
    detail = serializers.CharField()
