from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import registration

        registration.register_models()
        _refuse_auditlogflush()


def _refuse_auditlogflush():
    """django-auditlog ships `manage.py auditlogflush`, which deletes or TRUNCATEs the log. The
    audit trail is append-only and kept as long as the record (21 CFR 11.10(e)), so the product
    refuses it. (TRUNCATE would get past the PostgreSQL row trigger; only database privileges
    stop a TRUNCATE typed by hand, see docs/compliance.md.) The command is replaced here because
    `auditlog` precedes `audit` in INSTALLED_APPS, so a command of the same name in this app
    would not be the one Django runs."""
    from django.core.management import CommandError

    try:
        from auditlog.management.commands import auditlogflush
    except ImportError:  # a django-auditlog without the command
        return

    def handle(self, *args, **options):
        raise CommandError(
            "The audit trail is append-only and kept as long as the records: auditlogflush is disabled in this product."
        )

    auditlogflush.Command.handle = handle
    auditlogflush.Command.help = "Disabled: the audit trail is append-only."
