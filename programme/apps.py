from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = "Audit programme"

    def ready(self):
        from . import permissions, proposals  # noqa: F401  the rules; for-cause audits proposed by events
