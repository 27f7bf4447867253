"""Load the built-in checklists shipped in checklists/data/checklists/ and publish them.

Idempotent: a checklist whose code and version already exist is left as it is, since a
published version never changes; a changed built-in checklist ships as a file with a new version.
"""

from pathlib import Path

from django.db import transaction

from .formats import counts, import_checklist, parse
from .models import Checklist
from .publishing import publish

CHECKLISTS_DIR = Path(__file__).resolve().parent / "data" / "checklists"


def load(stdout=None):
    say = stdout.write if stdout else (lambda *_: None)
    for path in sorted(CHECKLISTS_DIR.glob("*.yaml")):
        data = path.read_bytes()
        document = parse(data, path.name)
        existing = Checklist.objects.filter(code=document.get("code"), version=document.get("version")).first()
        if existing:
            say(f"Checklists: {existing.code} v{existing.version} already loaded ({existing.status}).")
            continue
        with transaction.atomic():
            checklist = publish(import_checklist(data, filename=path.name))
        say(f"Checklists: {checklist.code} v{checklist.version} published ({counts(checklist)}).")
