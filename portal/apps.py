from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Vendor portal"

    def ready(self):
        from . import panels, permissions  # noqa: F401  the rules of the portal; the findings tab's panel

        panels.register()
