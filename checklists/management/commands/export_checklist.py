from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists.formats import dump, export_checklist
from checklists.models import Checklist


class Command(BaseCommand):
    help = "Export one checklist version as a file (docs/checklist-format.md), to standard output by default."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Checklist code, e.g. CGT-CDMO.")
        parser.add_argument("checklist_version", metavar="version", type=int, help="Version number, e.g. 1.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["yaml", "json"],
            help="yaml (default) or json; with --output, taken from its extension if not given.",
        )
        parser.add_argument("--output", type=Path, help="Write to this file instead of standard output.")

    def handle(self, *args, code, checklist_version, fmt, output, **options):
        checklist = Checklist.objects.filter(code=code, version=checklist_version).first()
        if checklist is None:
            versions = list(Checklist.objects.filter(code=code).order_by("version").values_list("version", flat=True))
            known = f"its versions are {', '.join(map(str, versions))}" if versions else "no checklist has that code"
            raise CommandError(f"There is no checklist {code} version {checklist_version} ({known}).")
        output = Path(output) if output else None  # call_command(output="...") passes a str
        fmt = fmt or ("json" if output and output.suffix.lower() == ".json" else "yaml")
        text = dump(export_checklist(checklist), fmt)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        self.stdout.write(f"{checklist.code} v{checklist.version} written to {output} ({fmt}).")
