from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "event_display", "subject", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, row) -> bool:
        return row.read_at is None
