from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from . import memo, permissions  # noqa: F401  registers the permission rules of assessments

        memo.connect()  # every write empties the per-request memo
