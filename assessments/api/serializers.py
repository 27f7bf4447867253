from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from assessments import planning, record
from assessments.models import Assessment, CorrectiveAction, Evidence, Finding, FindingAttachment, Signature
from checklists.models import Checklist, Criterion, Question
from config.api import BlankChoicesAreNull, BlankIsNullChoiceField, LabelField
from vendors.choices import RiskRating
from vendors.models import Site, Vendor


class AssessmentSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.filter(status=Checklist.Status.PUBLISHED))
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    lead_auditor = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    audit_team = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    based_on = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.filter(status=Assessment.Status.APPROVED),
        required=False,
        allow_null=True,
        help_text="An approved assessment of the same vendor whose answers are carried over.",
    )
    reference = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:assessment-detail")
    overall_score = serializers.FloatField(read_only=True, allow_null=True)
    # The model keeps the rating as plain text; its values are the registry's ratings.
    risk_rating = BlankIsNullChoiceField(choices=RiskRating.choices, read_only=True)
    kind_display = LabelField("kind")
    mode_display = LabelField("mode")
    status_display = LabelField("status")
    risk_rating_display = LabelField("risk_rating", RiskRating.choices)
    decision_display = LabelField("decision")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "reference",
            "vendor",
            "vendor_name",
            "site",
            "checklist",
            "kind",
            "kind_display",
            "mode",
            "mode_display",
            "scope",
            "objectives",
            "method",
            "people_met",
            "documents_reviewed",
            "conclusion",
            "planned_start",
            "planned_end",
            "performed_start",
            "performed_end",
            "lead_auditor",
            "audit_team",
            "reviewer",
            "status",
            "status_display",
            "based_on",
            "overall_score",
            "risk_rating",
            "risk_rating_display",
            "decision",
            "decision_display",
            "decision_justification",
            "requalification_due",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "risk_rating",
            "decision",
            "decision_justification",
            "requalification_due",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        found = planning.problems(attrs, self.instance)
        if found:
            raise serializers.ValidationError(found)
        return attrs


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download = serializers.HyperlinkedIdentityField(view_name="api:evidence-download")
    preview = serializers.SerializerMethodField(help_text="The JPEG preview of a HEIC photo; null for other files.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
            "preview",
        ]

    def get_preview(self, item) -> str | None:
        if not item.preview:
            return None
        url = reverse("api:evidence-download", args=[item.pk]) + "?preview=1"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.username", read_only=True)
    valid = serializers.SerializerMethodField()
    why_invalid = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = [
            "id",
            "signer",
            "printed_name",
            "meaning",
            "corrective_action",
            "signed_at",
            "content_hash",
            "valid",
            "why_invalid",
        ]

    def _state(self, signature):
        return self.context["states"][signature.pk]

    def get_valid(self, signature) -> bool:
        return self._state(signature).valid

    def get_why_invalid(self, signature) -> str:
        return self._state(signature).why_invalid


class AnswerItemSerializer(serializers.Serializer):
    """One item of `PUT answers/` (docs/api.md, Answers). For the schema: assessments.answers
    checks the items, by the question's answer type."""

    question = serializers.CharField(help_text="Code of the question, e.g. D.3")
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="By answer type: compliant/partial/non_compliant/na; yes/no/na; 0-4; a number; text",
    )
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    na_justification = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="The version last read: a newer one is a 409"
    )
    confirm = serializers.BooleanField(required=False, help_text="Confirms an answer carried over")


class AnswerSerializer(serializers.Serializer):
    """One answer as `GET answers/` returns it (assessments.answers.answer_dict, with its files)."""

    question = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    na_justification = serializers.CharField(allow_blank=True)
    carried_over = serializers.BooleanField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    evidence = EvidenceSerializer(many=True)


class CorrectiveActionSerializer(serializers.ModelSerializer):
    """A corrective action; `verification` and a verified or closed `status` come only with the QA
    reviewer's signature (`POST /api/corrective-actions/{id}/verification/`), shown as
    `verification_signature`."""

    overdue = serializers.BooleanField(read_only=True)
    finding = serializers.PrimaryKeyRelatedField(read_only=True)
    verification = serializers.CharField(
        read_only=True, help_text="How effectiveness was verified: written with the verification signature only"
    )
    verification_signature = serializers.SerializerMethodField()
    status_display = LabelField("status")

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "finding",
            "description",
            "owner",
            "due_date",
            "root_cause",
            "vendor_action",
            "status",
            "status_display",
            "verification",
            "verification_signature",
            "overdue",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["closed_at", "created_at", "updated_at"]

    @extend_schema_field(SignatureSerializer(allow_null=True))
    def get_verification_signature(self, action):
        signature = action.verification_signature
        if signature is None:
            return None
        signature.corrective_action = action
        states = {signature.pk: record.action_signature_state(signature)}
        return SignatureSerializer(signature, context={"states": states}).data


class FindingSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    question = serializers.SlugRelatedField(slug_field="code", read_only=True)
    criterion = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rpn = serializers.IntegerField(read_only=True, allow_null=True)
    reference = serializers.CharField(read_only=True)
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    classification_display = LabelField("classification")
    proposed_classification_display = LabelField("proposed_classification")

    class Meta:
        model = Finding
        fields = [
            "id",
            "reference",
            "number",
            "question",
            "criterion",
            "classification",
            "classification_display",
            "proposed_classification",
            "proposed_classification_display",
            "description",
            "downgrade_rationale",
            "requirement",
            "fmea_severity",
            "fmea_occurrence",
            "fmea_detectability",
            "rpn",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "proposed_classification", "created_at", "updated_at"]


class FindingCreateSerializer(serializers.ModelSerializer):
    """POST body: the question's code (or a criterion's code) and the finding."""

    question = serializers.CharField(required=False, help_text="Code of the question, e.g. D.3")
    criterion = serializers.CharField(
        required=False, help_text="Code of the criterion, for a finding on a whole criterion"
    )
    classification = serializers.ChoiceField(
        choices=Finding.Classification.choices,
        required=False,
        help_text="Omit to take the class proposed from the question's severity",
    )

    class Meta:
        model = Finding
        fields = [
            "question",
            "criterion",
            "classification",
            "description",
            "downgrade_rationale",
            "requirement",
            "fmea_severity",
            "fmea_occurrence",
            "fmea_detectability",
        ]

    def validate(self, attrs):
        assessment = self.context["assessment"]
        if attrs.get("question"):
            question = Question.objects.filter(checklist_id=assessment.checklist_id, code=attrs["question"]).first()
            if question is None:
                raise serializers.ValidationError(
                    {"question": [f"No question {attrs['question']} in {assessment.checklist}."]}
                )
            attrs["question"] = question
        elif attrs.get("criterion"):
            criterion = Criterion.objects.filter(checklist_id=assessment.checklist_id, code=attrs["criterion"]).first()
            if criterion is None:
                raise serializers.ValidationError(
                    {"criterion": [f"No criterion {attrs['criterion']} in {assessment.checklist}."]}
                )
            attrs["criterion"] = criterion
        else:
            raise serializers.ValidationError(
                {"question": ["Name the question (or the criterion) the finding is about."]}
            )
        return attrs


class SignRequestSerializer(serializers.Serializer):
    # A "verified" signature is of a corrective action: POST /api/corrective-actions/{id}/verification/.
    meaning = serializers.ChoiceField(
        choices=[c for c in Signature.Meaning.choices if c[0] != Signature.Meaning.VERIFIED]
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    decision = serializers.ChoiceField(
        choices=Assessment.Decision.choices,
        required=False,
        help_text="Approval only: omit to take the recommended decision",
    )
    justification = serializers.CharField(
        required=False, allow_blank=True, help_text="Required when the decision differs from the recommended one"
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Reopening only: at least a sentence saying why"
    )


class VerificationRequestSerializer(serializers.Serializer):
    """An independent QA reviewer verifies a corrective action: the verification and the password."""

    verification = serializers.CharField(help_text="How the effectiveness of the action was verified")
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class SubmitSerializer(serializers.Serializer):
    response = serializers.CharField(
        required=False, allow_blank=True, help_text="After a return: what was reworked (required then)."
    )


class ReviewReturnSerializer(serializers.Serializer):
    returned_by = serializers.CharField(source="returned_by.username")
    returned_at = serializers.DateTimeField()
    reason = serializers.CharField()
    response = serializers.CharField()
    responded_by = serializers.CharField(source="responded_by.username", allow_null=True, default=None)
    responded_at = serializers.DateTimeField(allow_null=True)


class ReopenSerializer(serializers.Serializer):
    """Reopening is a signature: the reason and the password again."""

    reason = serializers.CharField(help_text="At least a sentence saying why the approved record is reopened")
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class MinorReviewSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[("confirmed_major", "Confirmed as major"), ("justified", "Justified")])
    justification = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class FindingAttachmentSerializer(serializers.ModelSerializer):
    """A file on a finding, or (with `action`) evidence of a corrective action's effectiveness."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    action = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    download = serializers.HyperlinkedIdentityField(view_name="api:findingattachment-download")

    class Meta:
        model = FindingAttachment
        fields = [
            "id",
            "finding",
            "action",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields
