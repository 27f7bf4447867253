from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = "Audit programme"

    def ready(self):
        # The rules; for-cause audits proposed by events; feed tokens ending with their credentials;
        # the vendor page's section.
        from . import feeds, panels, permissions, proposals  # noqa: F401
