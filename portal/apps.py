from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Vendor portal"

    def ready(self):
        from . import panels, permissions, questionnaire_views  # noqa: F401  the portal's rules; its panels

        panels.register()
        questionnaire_views.register()
