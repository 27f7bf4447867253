from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class SiteFields(serializers.Serializer):
    """The site judged: null when the vendor as a whole was (no site of its own recorded fits better)."""

    site = serializers.SerializerMethodField()
    site_name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_site(self, m) -> int | None:
        return m.site.pk if m.site is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_site_name(self, m) -> str | None:
        return m.site.name if m.site is not None else None


class FittingSerializer(SiteFields):
    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    fit = serializers.IntegerField(help_text="Share of modality, phase, capacity and region recorded and met (%).")
    score = serializers.FloatField(allow_null=True, help_text="Overall score frozen at the latest approval seen.")
    reasons = serializers.ListField(child=serializers.CharField())


class ExcludedSerializer(SiteFields):
    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    reasons = serializers.ListField(child=serializers.CharField(), source="against", help_text="Why it was excluded.")


class MatchSerializer(serializers.Serializer):
    results = FittingSerializer(many=True)
    excluded = ExcludedSerializer(many=True)
