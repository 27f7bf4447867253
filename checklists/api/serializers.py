from rest_framework import serializers

from checklists.models import Checklist, Criterion, Question
from checklists.scoring_settings import ScoringSettings


class QuestionSerializer(serializers.ModelSerializer):
    condition = serializers.SerializerMethodField()
    min_value = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=False, allow_null=True)
    max_value = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=False, allow_null=True)
    expected_answer = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id",
            "code",
            "text",
            "guidance",
            "reference",
            "answer_type",
            "weight",
            "severity",
            "required",
            "evidence_required",
            "expected_answer",
            "min_value",
            "max_value",
            "unit",
            "condition",
        ]

    def get_condition(self, question) -> dict | None:
        return question.condition

    def get_expected_answer(self, question) -> str | None:
        return question.expected_answer or None


class CriterionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "code", "title", "description", "weight", "questions"]


class ChecklistSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:checklist-detail")

    class Meta:
        model = Checklist
        fields = [
            "id",
            "url",
            "code",
            "version",
            "name",
            "description",
            "status",
            "scoring_settings",
            "published_at",
            "created_at",
        ]
        read_only_fields = ["code", "version", "status", "published_at", "created_at"]

    def validate_scoring_settings(self, value):
        try:
            return ScoringSettings.from_dict(value).to_dict()
        except (ValueError, TypeError) as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ChecklistDetailSerializer(ChecklistSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(ChecklistSerializer.Meta):
        fields = ChecklistSerializer.Meta.fields + ["criteria"]


class ChecklistImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A checklist in the documented format (YAML or JSON), see docs/checklist-format.md"
    )
