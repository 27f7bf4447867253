from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Dashboards and comparison"

    def ready(self):
        from . import panels  # noqa: F401  registers the vendor page's assessment history
