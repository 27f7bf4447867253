from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Environmental monitoring"

    def ready(self):
        from . import permissions  # noqa: F401  registers the permission rules of monitoring
