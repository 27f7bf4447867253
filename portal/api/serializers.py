"""What the vendor sees of a shared corrective action, and the vendor's responses. The vendor
sees the finding's reference, class, description and the action's due date: no internal notes,
no score, no other finding, no audit trail."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import BlankChoicesAreNull

from ..models import ResponseEvidence, VendorResponse


class ResponseEvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.full_name", read_only=True)

    class Meta:
        model = ResponseEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class VendorResponseSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.full_name", read_only=True)
    decided_by = serializers.SerializerMethodField()
    evidence = ResponseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = VendorResponse
        fields = [
            "id",
            "version",
            "root_cause",
            "action",
            "completion_date",
            "submitted_by",
            "submitted_at",
            "decision",
            "decision_comment",
            "decided_by",
            "decided_at",
            "evidence",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, response) -> str | None:
        return response.decided_by.full_name if response.decided_by_id else None


class ResponseRequestSerializer(serializers.Serializer):
    """The body of a new response; the rule (portal/responses.py) checks the values."""

    root_cause = serializers.CharField()
    action = serializers.CharField()
    completion_date = serializers.DateField()


class ResponseDecisionRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=VendorResponse.Decision.choices)
    comment = serializers.CharField()


class VendorFindingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    classification = serializers.CharField(source="get_classification_display")
    description = serializers.CharField()


class SharedActionSerializer(serializers.Serializer):
    """A shared corrective action as its vendor sees it."""

    id = serializers.IntegerField()
    assessment = serializers.CharField(source="finding.assessment.reference")
    vendor = serializers.CharField(source="finding.assessment.vendor.name")
    finding = VendorFindingSerializer()
    description = serializers.CharField()
    owner = serializers.CharField()
    due_date = serializers.DateField()
    shared_at = serializers.DateTimeField(source="vendor_share.shared_at")
    responses = VendorResponseSerializer(source="vendor_responses", many=True)


class ShareSerializer(serializers.Serializer):
    action = serializers.IntegerField(source="action_id")
    shared_by = serializers.CharField(source="shared_by.full_name")
    shared_at = serializers.DateTimeField()
