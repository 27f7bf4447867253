"""The inbox of one person: only their own rows, read or not. Pages and the API call these."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Notification


def of(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk: int) -> Notification:
    """Someone else's notification is a 404: its existence is not disclosed."""
    row = get_object_or_404(Notification, pk=pk, recipient=user)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
