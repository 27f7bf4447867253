"""Reading the audit trail: one row per changed field, as the history API, the timeline page
and the CSV export show it; and writing the entries of events that are no change to a model (a
log-in lock-out)."""

import io

from django.contrib.contenttypes.models import ContentType

from config import spreadsheet

from . import context
from .models import AuditEntry

ACTIONS = {
    AuditEntry.Action.CREATE: "create",
    AuditEntry.Action.UPDATE: "update",
    AuditEntry.Action.DELETE: "delete",
    AuditEntry.Action.ACCESS: "access",
}
COLUMNS = ["timestamp", "user", "user_full_name", "action", "object", "field", "old", "new", "reason", "request_id"]
# The CSV's header row is read by people in a spreadsheet; the history API keeps the keys.
COLUMN_LABELS = {
    "timestamp": "Time (UTC)",
    "user": "User name",
    "user_full_name": "Full name",
    "action": "Action",
    "object": "Record",
    "field": "Field",
    "old": "Old value",
    "new": "New value",
    "reason": "Reason",
    "request_id": "Request ID",
}


def entries_for_assessment(assessment_id: int):
    return (
        AuditEntry.objects.filter(assessment_id=assessment_id)
        .select_related("content_type")
        .order_by("timestamp", "pk")
    )


def latest_rows(assessment_id: int, limit: int = 30) -> list[dict]:
    """The `limit` latest rows of the assessment's trail, newest first, read from its `limit`
    latest entries only (an entry gives at least one row): a page of the history, whatever its
    length. The whole trail is the timeline page and the history API."""
    latest = list(entries_for_assessment(assessment_id).order_by("-timestamp", "-pk")[:limit])
    return list(reversed(rows(reversed(latest))[-limit:]))


def _text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def rows(entries) -> list[dict]:
    result = []
    for entry in entries:
        base = {
            "timestamp": entry.timestamp.isoformat().replace("+00:00", "Z"),
            "user": entry.username,
            "user_full_name": entry.user_full_name,
            "action": ACTIONS.get(entry.action, str(entry.action)),
            "object": f"{entry.content_type.model_class()._meta.verbose_name} {entry.object_repr}",
            "reason": entry.reason,
            "request_id": entry.cid,
        }
        changes = entry.changes or {}
        if not changes:
            result.append({**base, "field": "", "old": None, "new": None})
        for field, change in changes.items():
            if isinstance(change, dict):  # many-to-many: {"type", "operation", "objects"}
                objects = change.get("objects")
                old, new = (None, objects) if change.get("operation") == "add" else (objects, None)
            else:
                old, new = change
            result.append({**base, "field": field, "old": _text(old), "new": _text(new)})
    return result


def as_csv(data: list[dict]) -> str:
    """The rows as CSV; a value a spreadsheet would run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = spreadsheet.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writerow(COLUMN_LABELS)
    for row in data:
        writer.writerow(row)
    return buffer.getvalue()


def record_system_event(model, object_pk, object_repr: str, reason: str, *, remote_addr=None, **data) -> AuditEntry:
    """An entry made by the product itself (no user acted): an ACCESS entry on `model`'s object
    `object_pk` (None when there is no such object), `reason` saying what happened, `data` kept as
    the entry's additional data."""
    with context.as_system():
        return AuditEntry.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_pk="" if object_pk is None else str(object_pk),
            object_id=object_pk if isinstance(object_pk, int) else None,
            object_repr=object_repr,
            action=AuditEntry.Action.ACCESS,
            reason=reason,
            remote_addr=remote_addr,
            additional_data=data or None,
        )
