"""What the vendor sees of a shared corrective action, and the vendor's responses. The vendor
sees the finding's reference, class, description and the action's due date: no internal notes,
no score, no other finding, no audit trail."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Questionnaire, VendorAnswer, VendorAnswerEvidence
from config.api import BlankChoicesAreNull

from .. import questionnaires
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


class VendorAnswerEvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.full_name", read_only=True)

    class Meta:
        model = VendorAnswerEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class VendorAnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", read_only=True)
    value = serializers.JSONField(allow_null=True, read_only=True)
    answered_by = serializers.CharField(source="answered_by.full_name", read_only=True)
    evidence = VendorAnswerEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = VendorAnswer
        fields = ["question", "value", "comment", "version", "answered_by", "updated_at", "evidence"]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer):
    """A questionnaire as the lead who sent it and the contacts it went to see it."""

    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    reference = serializers.CharField(source="assessment.reference", read_only=True)
    vendor = serializers.CharField(source="assessment.vendor.name", read_only=True)
    checklist = serializers.CharField(source="assessment.checklist.code", read_only=True)
    contacts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sent_by = serializers.CharField(source="sent_by.full_name", read_only=True)
    submitted_by = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "assessment",
            "reference",
            "vendor",
            "checklist",
            "contacts",
            "due_date",
            "sent_by",
            "sent_at",
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by(self, questionnaire) -> str | None:
        return questionnaire.submitted_by.full_name if questionnaire.submitted_by_id else None


class VendorQuestionSerializer(serializers.Serializer):
    """A question as the vendor answers it: no weight, severity or scoring."""

    code = serializers.CharField()
    criterion = serializers.CharField(source="criterion.code")
    text = serializers.CharField()
    answer_type = serializers.CharField()
    unit = serializers.CharField()
    required = serializers.BooleanField()
    evidence_required = serializers.BooleanField()


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    questions = serializers.SerializerMethodField()
    answers = VendorAnswerSerializer(many=True, read_only=True)

    class Meta(QuestionnaireSerializer.Meta):
        fields = [*QuestionnaireSerializer.Meta.fields, "questions", "answers"]
        read_only_fields = fields

    @extend_schema_field(VendorQuestionSerializer(many=True))
    def get_questions(self, questionnaire) -> list:
        return VendorQuestionSerializer(questionnaires.questions(questionnaire), many=True).data


class SendRequestSerializer(serializers.Serializer):
    contacts = serializers.ListField(child=serializers.IntegerField(), help_text="User ids of the vendor's contacts.")
    due_date = serializers.DateField()


class VendorAnswerRequestSerializer(serializers.Serializer):
    question = serializers.CharField()
    value = serializers.JSONField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)
