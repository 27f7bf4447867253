"""Load the action limits shipped in monitoring/data/ as versioned limit tables. Idempotent: a
table whose version exists is left as it is (a table in use never changes: scored data sets name
the version they were judged by); changed limits ship as a new file with a new version.

`annex1-2022.csv` is the table of docs/domain.md §5: EU GMP Annex 1 (2022), Tables 1, 5 and 6 as
applied to routine monitoring; `none` is a limit the guideline does not set."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .choices import Grade, RoomState, SampleKind
from .models import ActionLimit, LimitTable

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLES = [
    {
        "file": "annex1-2022.csv",
        "version": 1,
        "title": "EU GMP Annex 1 (2022) action limits for routine monitoring",
        "source": "EudraLex Vol. 4, Annex 1 (2022): Table 1 (classification), Table 5 (total particle "
        "limits for monitoring: >=5.0 um 29/m3 in grade A and grade B at rest), Table 6 (viable limits, "
        "glove prints included). Verify against the published text before production use.",
        "effective_from": date(2023, 8, 25),
    }
]


def read_table(name: str) -> list[dict]:
    """The rows of a limit file: one per grade and state, one column per kind."""
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    limits = []
    for row in rows:
        grade, state = Grade(row["grade"]), RoomState(row["state"])
        for kind in SampleKind:
            text = row[kind.value].strip()
            limits.append(
                {"grade": grade, "state": state, "kind": kind, "value": None if text == "none" else Decimal(text)}
            )
    return limits


def load(stdout=None):
    say = stdout.write if stdout else (lambda *_: None)
    for spec in TABLES:
        if LimitTable.objects.filter(version=spec["version"]).exists():
            say(f"EM limits: version {spec['version']} already loaded.")
            continue
        with transaction.atomic():
            table = LimitTable.objects.create(
                version=spec["version"],
                title=spec["title"],
                source=spec["source"],
                effective_from=spec["effective_from"],
            )
            for limit in read_table(spec["file"]):
                ActionLimit.objects.create(table=table, **limit)
        say(f"EM limits: version {table.version} loaded ({table.limits.count()} action limits).")
