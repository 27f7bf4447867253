"""The audit trail (21 CFR 11.10(e), EU GMP Annex 11 §9): one append-only table written by
django-auditlog, extended with the reason for the change, the id of the user action it belongs
to, the user's name as it was, and the assessment it concerns. Nothing in the product updates or
deletes an entry; on PostgreSQL a trigger makes the database refuse it too."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models

from config.exceptions import ConflictError

from . import context

APPEND_ONLY = "The audit trail is append-only: entries cannot be changed or deleted."


class AuditEntryQuerySet(models.QuerySet):
    """Bulk writes bypass `save()` and `delete()`; refuse them too. Only the database trigger
    stops raw SQL, and only database privileges stop TRUNCATE (docs/compliance.md)."""

    def update(self, **kwargs):
        raise ConflictError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ConflictError(APPEND_ONLY)

    def delete(self):
        raise ConflictError(APPEND_ONLY)

    update.alters_data = bulk_update.alters_data = delete.alters_data = True


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    reason = models.TextField(blank=True)
    username = models.CharField(max_length=150, blank=True, help_text="The user name at the time.")
    user_full_name = models.CharField(max_length=300, blank=True, help_text="The user's name at the time.")
    assessment_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        abstract = False
        verbose_name = "audit-trail entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["assessment_id", "timestamp"])]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ConflictError("The audit trail is append-only: an entry cannot be changed.")
        actor = self.actor or context.current_actor()
        if actor is not None:
            self.actor = actor
            self.username = actor.get_username()
            self.user_full_name = actor.get_full_name() or actor.get_username()
            self.actor_email = actor.email or None
        elif not self.username:
            self.username = context.current_label() or "system"
        extra = self.additional_data or {}
        self.reason = self.reason or extra.pop("reason", "") or context.current_reason()
        self.assessment_id = self.assessment_id or extra.pop("assessment", None)
        self.additional_data = extra or None
        self.cid = self.cid or context.get_request_id()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ConflictError("The audit trail is append-only: an entry cannot be deleted.")


class Audited(models.Model):
    """Mixin for audited models: says which assessment an entry concerns and carries a reason set
    on the instance (`obj._change_reason`) into the entry."""

    class Meta:
        abstract = True

    def audit_assessment_id(self):
        return None

    def get_additional_data(self):
        return {
            "reason": getattr(self, "_change_reason", "") or context.current_reason(),
            "assessment": self.audit_assessment_id(),
        }
