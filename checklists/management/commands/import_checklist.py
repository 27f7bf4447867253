from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from checklists import publishing
from checklists.formats import ChecklistFileError, counts, import_checklist
from checklists.models import ChecklistLocked


class Command(BaseCommand):
    help = (
        "Import a checklist file (YAML or JSON, docs/checklist-format.md) as a new draft version; "
        "--publish also publishes it. Nothing is imported if the file has any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The checklist file (.yaml, .yml or .json).")
        parser.add_argument("--publish", action="store_true", help="Publish the imported version at once.")

    def handle(self, *args, file, publish: bool, **options):
        file = Path(file)  # call_command(file="...") passes a str
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            with transaction.atomic():
                checklist = import_checklist(data, filename=file.name)
                if publish:
                    publishing.publish(checklist)
        except ChecklistFileError as exc:
            raise CommandError(self._refusal(file, exc.problems)) from exc
        except ChecklistLocked as exc:
            raise CommandError(self._refusal(file, exc.messages)) from exc
        state = "published" if publish else "imported as a draft"
        self.stdout.write(f"{checklist.code} v{checklist.version} {state} ({counts(checklist)}).")

    @staticmethod
    def _refusal(file, problems):
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        return f"{file.name} was not imported ({count}):\n" + "\n".join(f"  - {p}" for p in problems)
