from rest_framework import serializers

from accounts.models import User
from assessments.models import Assessment
from checklists.models import Checklist
from vendors.models import Site

from ..choices import ItemKind, ItemStatus


class ItemSerializer(serializers.Serializer):
    """One planned audit of the programme (programme.plan.Item)."""

    key = serializers.CharField(help_text="Names the item: `item-<id>` once kept, else `<kind>-<vendor id>-<due>`.")
    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    due = serializers.DateField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    reason = serializers.CharField()
    assessment = serializers.IntegerField(source="assessment.pk", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ItemStatus.choices)


class ScheduleSerializer(serializers.Serializer):
    """Scheduling one item into an assessment; the plan's rules are assessments/planning.py's."""

    item = serializers.CharField(max_length=80, help_text="The item's `key`.")
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, required=False)
    mode = serializers.ChoiceField(choices=Assessment.Mode.choices, required=False)
    checklist = serializers.PrimaryKeyRelatedField(
        queryset=Checklist.objects.filter(status=Checklist.Status.PUBLISHED), required=False
    )
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField(required=False, allow_null=True)
    lead_auditor = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    audit_team = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class ScheduledSerializer(serializers.Serializer):
    item = ItemSerializer()
    assessment = serializers.IntegerField()


class FeedTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField(help_text="The whole programme as the token's user may read it.")
    mine_url = serializers.CharField(help_text="Only the audits the token's user leads or is on the team of.")


class DismissalSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=80, help_text="The `key` of a proposed for-cause audit.")
    reason = serializers.CharField(max_length=5000, help_text="At least a sentence: why no audit is needed.")


class DismissedSerializer(serializers.Serializer):
    item = serializers.CharField()
    reason = serializers.CharField()
    dismissed_by = serializers.CharField()
    dismissed_at = serializers.DateTimeField()
