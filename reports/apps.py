from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Audit reports"

    def ready(self):
        from . import services  # noqa: F401  subscribes to the approval of an assessment
