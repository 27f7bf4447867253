from collections.abc import Mapping

from rest_framework import serializers

from accounts.models import User
from config import reasons
from config.api import BlankChoicesAreNull
from vendors import agreements, qualification
from vendors.countries import COUNTRY_NAMES
from vendors.models import (
    Contact,
    Contract,
    GMPCertificate,
    IndustryEvent,
    Modality,
    QualificationDecision,
    QualityAgreement,
    ServiceLine,
    Site,
    TherapeuticArea,
    Vendor,
)


class GMPCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = GMPCertificate
        fields = ["id", "kind", "number", "issued_by", "issued_on", "expires_on", "covers_atmp", "expired"]


class SiteSerializer(serializers.ModelSerializer):
    certificates = GMPCertificateSerializer(many=True, read_only=True)
    cleanroom_grades = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Site
        fields = ["id", "name", "address", "city", "country", "cleanroom_grades", "floor_area_sq_ft", "certificates"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "email", "phone", "is_quality_contact"]


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = ["id", "customer", "product", "service", "year", "source"]


class IndustryEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryEvent
        fields = ["id", "year", "month", "kind", "detail", "floor_area_sq_ft", "location", "source"]


class QualificationDecisionSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    assessment = serializers.IntegerField(source="assessment_id", read_only=True, allow_null=True)

    class Meta:
        model = QualificationDecision
        fields = [
            "id",
            "event",
            "from_status",
            "to_status",
            "decided_status",
            "risk_rating",
            "requalification_due",
            "assessment",
            "assessment_reference",
            "reason",
            "decided_by",
            "printed_name",
            "decided_at",
        ]
        read_only_fields = fields


class VendorSerializer(BlankChoicesAreNull, serializers.ModelSerializer):
    country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. DE")
    service_lines = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=ServiceLine.objects.all(), required=False
    )
    modalities = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Modality.objects.all(), required=False
    )
    therapeutic_areas = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=TherapeuticArea.objects.all(),
        required=False,
    )
    requalification_overdue = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:vendor-detail")

    class Meta:
        model = Vendor
        fields = [
            "id",
            "url",
            "name",
            "legal_name",
            "slug",
            "country",
            "country_name",
            "region",
            "website",
            "description",
            "service_lines",
            "modalities",
            "therapeutic_areas",
            "inherent_risk",
            "status",
            "next_requalification_due",
            "requalification_overdue",
            "risk_rating",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "slug",
            "region",
            "country_name",
            *qualification.DECIDED_FIELDS,
            "created_at",
            "updated_at",
        ]

    def to_internal_value(self, data):
        """The qualification fields are set by decisions only. A body that would change one is
        refused (400 naming the field), not stripped: a client, or an inspector reading its log,
        must not believe a status or due date was saved when it was not."""
        if isinstance(data, Mapping):
            refused = qualification.refused_changes(self.instance or Vendor(), data)
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)

    def validate_country(self, value):
        code = value.strip().upper()
        if code not in COUNTRY_NAMES:
            raise serializers.ValidationError(f"'{value}' is not an ISO 3166-1 alpha-2 country code.")
        return code


class VendorDetailSerializer(VendorSerializer):
    sites = SiteSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    contracts = ContractSerializer(many=True, read_only=True)
    events = IndustryEventSerializer(many=True, read_only=True)

    class Meta(VendorSerializer.Meta):
        fields = VendorSerializer.Meta.fields + ["source", "sites", "contacts", "contracts", "events"]


class QualificationDecisionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        trim_whitespace=False,
        help_text=f"At least a sentence saying why ({reasons.MIN_WORDS} words, {reasons.MIN_CHARS} characters)",
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class QualityAgreementSerializer(serializers.ModelSerializer):
    standing = serializers.SerializerMethodField()
    approved_by = serializers.CharField(source="approved_by.username", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = QualityAgreement
        fields = [
            "id",
            "vendor",
            "site",
            "version",
            "effective_on",
            "review_on",
            "expires_on",
            "standing",
            "original_name",
            "size",
            "sha256",
            "approved_by",
            "recorded_by",
            "recorded_at",
            "download",
        ]
        read_only_fields = fields

    def get_standing(self, obj) -> str:
        return agreements.standing_of(obj)

    def get_download(self, obj) -> str:
        return f"/api/quality-agreements/{obj.pk}/download/"


class QualityAgreementRequestSerializer(serializers.Serializer):
    """A new quality agreement: multipart, with the signed copy as `signed_copy` (a PDF)."""

    version = serializers.CharField(max_length=40)
    effective_on = serializers.DateField()
    review_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    approved_by = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    signed_copy = serializers.FileField()
