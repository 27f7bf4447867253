"""The audit trail of one assessment as a timeline of user actions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps

from assessments.models import Assessment
from audit import trail


@dataclass
class TimelineGroup:
    """The changes made by one user action (one request id)."""

    request_id: str | None
    timestamp: datetime.datetime  # of its latest entry
    username: str
    user_full_name: str
    reasons: list[str]
    changes: list[dict]  # rows of audit.trail.rows, in the order they were made
    last_entry: int = 0  # orders actions made within the same microsecond

    @property
    def objects(self) -> list[str]:
        """The records this action changed, in order, each once."""
        return list(dict.fromkeys(change["object"] for change in self.changes))


def audit_entries(assessment: Assessment, username: str = "", object_type: str = ""):
    """The assessment's audit-trail entries, optionally of one user and one kind of object
    (the content type's model name, e.g. "answer")."""
    entries = trail.entries_for_assessment(assessment.pk)
    if username:
        entries = entries.filter(username=username)
    if object_type:
        entries = entries.filter(content_type__model=object_type)
    return entries


def audit_filter_choices(assessment: Assessment) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(users, object types) that occur in the assessment's trail, as (value, label) pairs."""
    entries = trail.entries_for_assessment(assessment.pk).order_by()
    users = sorted(
        {(u, f"{n or u} ({u})") for u, n in entries.values_list("username", "user_full_name").distinct()},
        key=lambda pair: pair[1].lower(),
    )
    types = set()
    for app_label, model in entries.values_list("content_type__app_label", "content_type__model").distinct():
        try:
            label = apps.get_model(app_label, model)._meta.verbose_name
        except LookupError:
            label = model
        types.add((model, str(label)))
    return users, sorted(types, key=lambda pair: pair[1])


def timeline(entries) -> list[TimelineGroup]:
    """Entries grouped by request id (one user action), newest action first; an entry written
    outside a request (no id) is an action of its own."""
    groups: dict[object, TimelineGroup] = {}
    for entry in entries:
        key = entry.cid or ("entry", entry.pk)
        group = groups.get(key)
        if group is None:
            group = groups[key] = TimelineGroup(
                request_id=entry.cid,
                timestamp=entry.timestamp,
                username=entry.username,
                user_full_name=entry.user_full_name or entry.username,
                reasons=[],
                changes=[],
            )
        group.timestamp = max(group.timestamp, entry.timestamp)
        group.last_entry = max(group.last_entry, entry.pk)
        if entry.reason and entry.reason not in group.reasons:
            group.reasons.append(entry.reason)
        group.changes.extend(trail.rows([entry]))
    return sorted(groups.values(), key=lambda g: (g.timestamp, g.last_entry), reverse=True)
