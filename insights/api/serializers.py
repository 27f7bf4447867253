from rest_framework import serializers


class FittingSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    fit = serializers.IntegerField(help_text="Share of modality, phase, capacity and region recorded and met (%).")
    score = serializers.FloatField(allow_null=True, help_text="Overall score frozen at the latest approval seen.")
    reasons = serializers.ListField(child=serializers.CharField())


class ExcludedSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    reasons = serializers.ListField(child=serializers.CharField(), source="against", help_text="Why it was excluded.")


class MatchSerializer(serializers.Serializer):
    results = FittingSerializer(many=True)
    excluded = ExcludedSerializer(many=True)
