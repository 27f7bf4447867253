"""Load the built-in checklists shipped in checklists/data/checklists/ and publish them.

Idempotent: a checklist whose code and version already exist is left as it is, since a
published version never changes; a changed built-in checklist ships as a file with a new version.
The one exception is translations: a version loaded before its file carried them gets them
(checklists.translation.add_shipped; translations are not part of any signed record).
"""

from pathlib import Path

from django.db import transaction

from .formats import counts, import_checklist, parse, validate
from .models import Checklist
from .publishing import publish
from .translation import add_shipped

CHECKLISTS_DIR = Path(__file__).resolve().parent / "data" / "checklists"


def load(stdout=None):
    say = stdout.write if stdout else (lambda *_: None)
    for path in sorted(CHECKLISTS_DIR.glob("*.yaml")):
        data = path.read_bytes()
        document = parse(data, path.name)
        existing = Checklist.objects.filter(code=document.get("code"), version=document.get("version")).first()
        if existing:
            added = add_shipped(existing, document) if not validate(document) else 0
            say(
                f"Checklists: {existing.code} v{existing.version} already loaded ({existing.status})"
                + (f"; translations added to {added} criteria and questions." if added else ".")
            )
            continue
        with transaction.atomic():
            checklist = publish(import_checklist(data, filename=path.name))
        say(f"Checklists: {checklist.code} v{checklist.version} published ({counts(checklist)}).")
