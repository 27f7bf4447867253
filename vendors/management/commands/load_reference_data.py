from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the reference data every app ships (vendors, built-in checklists). Idempotent."

    def handle(self, *args, **options):
        for app in apps.get_app_configs():
            try:
                module = import_module(f"{app.name}.reference_data")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.reference_data":
                    raise
                continue
            module.load(stdout=self.stdout)
