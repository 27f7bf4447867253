"""The audit trail of an assessment as people read it: entries grouped by user action (the request
id each entry carries) into one sentence each ("Lena Lead returned ASM-00006 for rework"), the
field changes kept with it, and actions of the product itself attributed to the system. The
history page and the report read it; the CSV keeps every field row (audit/trail.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat

from audit import trail
from audit.models import AuditEntry

from .models import Assessment

# What a change of the assessment's status says it did.
STATUS_VERBS = {
    "planned": "planned {ref}",
    "in_progress": "started {ref}",
    "submitted": "submitted {ref}",
    "returned": "returned {ref} for rework",
    "approved": "approved {ref}",
    "cancelled": "cancelled {ref}",
    "reopened": "reopened {ref}",
}
ALONE = "entry-"  # the key of an entry written outside a request: ALONE + its id
ACTION_VERBS = {"create": "added", "update": "changed", "delete": "removed", "access": "recorded"}


@dataclass
class Action:
    """The changes made by one user action (one request id)."""

    request_id: str | None
    timestamp: datetime.datetime  # of its latest entry
    username: str
    user_full_name: str
    by_system: bool
    reasons: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # rows of audit.trail.rows, in the order made
    entries: list[AuditEntry] = field(default_factory=list)
    last_entry: int = 0  # orders actions made within the same microsecond

    @property
    def objects(self) -> list[str]:
        """The records this action changed, in order, each once."""
        return list(dict.fromkeys(change["object"] for change in self.changes))

    @property
    def who(self) -> str:
        if self.by_system:
            return "The system" if self.username in ("", "system") else f"The system ({self.username})"
        return self.user_full_name or self.username

    @property
    def sentence(self) -> str:
        """One sentence for the whole action, with its reason."""
        text = f"{self.who} {describe(self.entries)}"
        if self.reasons:
            text += f". Reason: {'; '.join(self.reasons)}"
        return text if text.endswith(".") else text + "."


def _model(entry) -> str:
    return entry.content_type.model


def _codes(entries) -> str:
    codes = [e.object_repr.split(" ", 1)[0] for e in entries]
    shown = ", ".join(codes[:5])
    return shown + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")


def _field_names(entries) -> str:
    """The fields the entries changed, in words ("conclusion, people met and audit team")."""
    model = entries[0].content_type.model_class()
    names = []
    for entry in entries:
        for name in entry.changes or {}:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except Exception:  # a field no longer on the model: its stored name
                label = name.replace("_", " ")
            if label not in names:
                names.append(label)
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""


def describe(entries: list[AuditEntry]) -> str:
    """What one action did, in words: the assessment's steps first, then what it added, changed or
    removed, kind by kind."""
    parts = []
    for entry in entries:
        if _model(entry) == "assessment" and "status" in (entry.changes or {}):
            change = entry.changes["status"]
            new = change[1] if isinstance(change, list | tuple) else None
            reference = entry.object_repr.split(":", 1)[0]
            parts.append(STATUS_VERBS.get(new, "set the status of {ref} to " + str(new)).format(ref=reference))
    for entry in entries:
        if _model(entry) == "signature" and entry.action == AuditEntry.Action.CREATE:
            meaning = entry.object_repr.split(", ")[1] if ", " in entry.object_repr else "a signature"
            parts.append(f"signed ({meaning.lower()})")
    by_kind: dict[tuple[str, int], list[AuditEntry]] = {}
    for entry in entries:
        model = _model(entry)
        if model == "signature" or (model == "assessment" and "status" in (entry.changes or {})):
            continue
        if model == "reviewreturn":  # the return is the step itself; its response, the lead's answer
            if entry.action == AuditEntry.Action.UPDATE:
                parts.append("answered the return for rework")
            continue
        by_kind.setdefault((model, entry.action), []).append(entry)
    for (model, action), group in by_kind.items():
        verb = ACTION_VERBS.get(trail.ACTIONS.get(action, ""), "changed")
        label = group[0].content_type.model_class()._meta
        if model == "answer" and action == AuditEntry.Action.CREATE:
            parts.append(f"answered {_codes(group)}")
        elif model == "answer":
            parts.append(f"{verb} the answer{'s' if len(group) > 1 else ''} to {_codes(group)}")
        elif model == "evidence":
            names = ", ".join(e.object_repr for e in group[:3]) + (" and more" if len(group) > 3 else "")
            parts.append({"added": "attached", "removed": "removed"}.get(verb, verb) + f" evidence {names}")
        elif model == "assessment" and action == AuditEntry.Action.UPDATE:
            fields = _field_names(group)
            reference = group[0].object_repr.split(":", 1)[0]
            parts.append(f"changed the {fields} of {reference}" if fields else f"changed {reference}")
        elif len(group) == 1:
            parts.append(f"{verb} {label.verbose_name} {group[0].object_repr}")
        else:
            parts.append(f"{verb} {len(group)} {label.verbose_name_plural}")
    return "; ".join(parts) or "changed nothing recorded"


def _key():
    """An entry's action: its request id, or the entry alone when it was written outside a request."""
    return Coalesce("cid", Concat(Value(ALONE), Cast("pk", output_field=CharField())), output_field=CharField())


def entries_of(assessment: Assessment, username: str = "", object_type: str = "", since=None, until=None):
    """The assessment's audit-trail entries, optionally of one user, one kind of object (the model
    name, e.g. "answer") and a date range (dates, UTC, both included)."""
    entries = trail.entries_for_assessment(assessment.pk)
    if username:
        entries = entries.filter(username=username)
    if object_type:
        entries = entries.filter(content_type__model=object_type)
    if since:
        entries = entries.filter(timestamp__date__gte=since)
    if until:
        entries = entries.filter(timestamp__date__lte=until)
    return entries


def action_keys(entries):
    """The actions of `entries`, newest first, as a query of their keys: a page of actions is read
    from the database without loading the whole trail."""
    return (
        entries.order_by()
        .annotate(action_key=_key())
        .values("action_key")
        .annotate(last=Max("timestamp"), last_pk=Max("pk"))
        .order_by("-last", "-last_pk")
    )


def actions(entries, keys=None) -> list[Action]:
    """Entries grouped into actions, newest first; with `keys` (from `action_keys`), only those."""
    if keys is not None:
        keys = list(keys)
        with_id = [k for k in keys if not k.startswith(ALONE)]
        alone = [int(k.removeprefix(ALONE)) for k in keys if k.startswith(ALONE)]
        entries = entries.filter(Q(cid__in=with_id) | Q(cid__isnull=True, pk__in=alone))
    groups: dict[object, Action] = {}
    for entry in entries:
        key = entry.cid or ("entry", entry.pk)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Action(
                request_id=entry.cid,
                timestamp=entry.timestamp,
                username=entry.username,
                user_full_name=entry.user_full_name or entry.username,
                by_system=entry.actor_id is None,
            )
        group.timestamp = max(group.timestamp, entry.timestamp)
        group.last_entry = max(group.last_entry, entry.pk)
        if entry.reason and entry.reason not in group.reasons:
            group.reasons.append(entry.reason)
        group.entries.append(entry)
        group.changes.extend(trail.rows([entry]))
    return sorted(groups.values(), key=lambda g: (g.timestamp, g.last_entry), reverse=True)
