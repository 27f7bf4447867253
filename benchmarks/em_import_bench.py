#!/usr/bin/env python
"""Benchmark of the environmental-monitoring import and summary.

    .venv/bin/python benchmarks/em_import_bench.py [--samples 50000] [--keep]

Builds a throw-away database (SQLite in a temporary VAR_DIR, or DATABASE_URL when set) with the
built-in checklist, the Annex 1 limit table and one site, generates a month of monitoring results
(`--samples`, 50,000 by default, over 40 locations in grades A to D, with some alerts and
excursions), and measures in this process:

  * the import through the API (`POST /api/assessments/{id}/em-results/`, a CSV file and the
    same samples as a JSON list) and through the rule module alone for the XLSX workbook, each
    into an assessment of its own: process (CPU) time, wall time and the process's peak memory;
  * where the CSV import's time goes: reading, checking every row, judging and storing;
  * the summary of the data set: its queries (the samples are summarised by one aggregate query)
    and its time, and the whole EM page's overview with its trend charts.

It prints figures and exits 0 (it is a measurement, not a test) unless something crashed. The
goal: an import of 50,000 samples in under a minute of process time. See benchmarks/README.md.
"""

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

GOAL_SECONDS = 60.0  # process time of one import of 50,000 samples, at most
LOCATIONS = 40
GRADE_OF = "AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD"  # location n has grade GRADE_OF[n]
KINDS_OF = {
    "A": ["particles_0_5", "particles_5_0", "air_viable", "settle_plate", "contact_plate", "glove_print"],
    "B": ["particles_0_5", "particles_5_0", "air_viable", "settle_plate", "contact_plate", "glove_print"],
    "C": ["particles_0_5", "particles_5_0", "air_viable", "settle_plate", "contact_plate"],
    "D": ["particles_0_5", "particles_5_0", "air_viable", "settle_plate", "contact_plate"],
}


# --- Output -----------------------------------------------------------------------------------
ROWS: list[tuple[str, str, str, str]] = []


def figure(name, value, unit="", goal="", verdict=""):
    ROWS.append((name, f"{value} {unit}".strip(), goal, verdict))


def print_table(title):
    head = ("Figure", "Value", "Goal", "")
    widths = [max(len(r[i]) for r in [*ROWS, head]) for i in range(4)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
    for r in ROWS:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def peak_rss_mib() -> float:
    """VmHWM: the peak resident set size of this process so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Measure:
    """Process (CPU) time and wall time of a block, and the process's peak memory after it."""

    def __enter__(self):
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall
        self.peak_mib = peak_rss_mib()


# --- The data ---------------------------------------------------------------------------------
def limits_of() -> dict:
    from monitoring import reference_data

    return {(r["grade"], r["state"], r["kind"]): r["value"] for r in reference_data.read_table("annex1-2022.csv")}


def generate(n: int, seed: int = 16) -> list[dict]:
    """`n` results over the 30 days before now: mostly well within, about 2 % between the site's
    alert level and the action limit, 0.5 % excursions; grade A viable plates mostly without growth."""
    limits = limits_of()
    rng = random.Random(seed)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    step = timedelta(days=30) / n
    samples = []
    for i in range(n):
        location = i % LOCATIONS
        grade = GRADE_OF[location]
        kind = rng.choice(KINDS_OF[grade])
        state = "in_operation" if rng.random() < 0.7 else "at_rest"
        limit = limits[(grade, state, kind)]
        roll = rng.random()
        if limit is None:
            value = rng.randint(0, 5_000_000) if kind.startswith("particles") else rng.randint(0, 300)
        elif limit == 0:
            value = 1 if roll < 0.005 else 0
        elif roll < 0.005:
            value = float(limit) * rng.uniform(1.1, 3)
        elif roll < 0.025:
            value = float(limit) * rng.uniform(0.6, 1.0)
        else:
            value = float(limit) * rng.uniform(0, 0.4)
        value = round(value) if not kind.startswith("particles") else round(value, 1)
        samples.append(
            {
                "location": f"{'BSC' if grade == 'A' else 'Room'} {location + 1:02d}",
                "grade": grade,
                "state": state,
                "kind": kind,
                "value": value,
                "sampled_at": (start + step * i).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return samples


def as_csv(samples) -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(samples[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(samples)
    return out.getvalue().encode()


def as_xlsx(samples) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("samples")
    sheet.append(list(samples[0]))
    for s in samples:
        moment = datetime.fromisoformat(s["sampled_at"]).replace(tzinfo=None)
        sheet.append([s["location"], s["grade"], s["state"], s["kind"], s["value"], moment])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The world --------------------------------------------------------------------------------
def build_world():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from checklists import reference_data as checklists_data
    from checklists.models import Checklist
    from monitoring import reference_data as monitoring_data
    from monitoring.models import AlertLimit
    from vendors.models import Site, Vendor

    call_command("migrate", verbosity=0, interactive=False)
    checklists_data.load()
    monitoring_data.load()
    ensure_role_groups()
    lead = User.objects.create_user(username="bench-lead", password=uuid.uuid4().hex, first_name="Bench")
    lead.groups.set(Group.objects.filter(name__in=[Role.LEAD_AUDITOR, Role.AUDITOR]))
    vendor = Vendor.objects.create(name="Bench Cell Therapies", country="DE", inherent_risk="high")
    site = Site.objects.create(vendor=vendor, name="Bench site", country="DE", grade_a=True, grade_b=True)
    # The site's alert limits: half the action limit of the viable samples in grades B to D.
    for (grade, state, kind), limit in limits_of().items():
        if grade != "A" and kind in ("air_viable", "settle_plate", "contact_plate") and limit:
            AlertLimit.objects.create(site=site, grade=grade, state=state, kind=kind, value=limit / 2)
    checklist = Checklist.objects.get(code="CGT-CDMO", version=1)
    return lead, vendor, site, checklist


def new_assessment(lead, vendor, site, checklist):
    from assessments.models import Assessment

    assessment = Assessment.objects.create(
        vendor=vendor, site=site, checklist=checklist, lead_auditor=lead, created_by=lead
    )
    assessment.audit_team.set([lead])
    return assessment


# --- The measurements -------------------------------------------------------------------------
def verdict(seconds: float, n: int) -> str:
    return "ok" if seconds * 50_000 / n < GOAL_SECONDS else "OVER"


def bench_api_csv(client, assessment, data: bytes, n: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("em.csv", data, content_type="text/csv")
    with Measure() as m:
        response = client.post(f"/api/assessments/{assessment.pk}/em-results/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert len(body) == n
    figure(
        f"CSV through the API ({len(data) / 2**20:.1f} MiB), process time",
        f"{m.cpu:.1f}",
        "s",
        "< 60 s",
        verdict(m.cpu, n),
    )
    figure("  wall time / peak memory of the process", f"{m.wall:.1f} s / {m.peak_mib:.0f}", "MiB")
    return body


def bench_api_json(client, assessment, samples, n: int):
    import json

    body = json.dumps(samples).encode()
    with Measure() as m:
        response = client.generic(
            "POST", f"/api/assessments/{assessment.pk}/em-results/", body, content_type="application/json"
        )
    assert response.status_code == 201, response.content[:500]
    figure(
        f"JSON list through the API ({len(body) / 2**20:.1f} MiB), process time",
        f"{m.cpu:.1f}",
        "s",
        "< 60 s",
        verdict(m.cpu, n),
    )
    figure("  wall time / peak memory of the process", f"{m.wall:.1f} s / {m.peak_mib:.0f}", "MiB")


def bench_xlsx(assessment, lead, data: bytes, n: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from monitoring import formats, imports

    with Measure() as m:
        source = formats.read_upload(SimpleUploadedFile("em.xlsx", data))
        _, samples = imports.import_samples(assessment, lead, source)
    assert len(samples) == n
    figure(
        f"XLSX through imports.import_samples ({len(data) / 2**20:.1f} MiB), process time",
        f"{m.cpu:.1f}",
        "s",
        "< 60 s",
        verdict(m.cpu, n),
    )
    figure("  wall time / peak memory of the process", f"{m.wall:.1f} s / {m.peak_mib:.0f}", "MiB")


def bench_steps(assessment, lead, data: bytes):
    """Where the time of one CSV import goes, step by step (the steps of imports.import_samples)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from monitoring import formats, imports, limits

    t0 = time.process_time()
    source = formats.read_upload(SimpleUploadedFile("em.csv", data))
    t1 = time.process_time()
    rows = formats.check_rows(source)
    t2 = time.process_time()
    samples = imports.judge(rows, assessment.site, limits.table_in_force())
    t3 = time.process_time()
    with transaction.atomic():
        imports.import_samples(assessment, lead, source)
    t4 = time.process_time()
    figure("  CSV: reading the file", f"{t1 - t0:.2f}", "s")
    figure("  CSV: checking every row", f"{t2 - t1:.2f}", "s")
    figure("  CSV: judging against the limits", f"{t3 - t2:.2f}", "s")
    figure("  CSV: the whole import again (check, judge, bulk_create, audit)", f"{t4 - t3:.2f}", "s")
    return samples


def bench_summary(assessment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitoring import overview, summary

    data_sets = summary.reviewed_data_sets(assessment)
    with CaptureQueriesContext(connection) as queries, Measure() as m:
        summaries = summary.summarise(assessment, data_sets)
    groups = sum(len(s.groups) for s in summaries)
    figure(
        "summary of the data set: queries over the samples",
        len(queries.captured_queries),
        "",
        "1",
        "ok" if len(queries.captured_queries) == 1 else "MORE",
    )
    figure(
        f"  its time ({groups} rows by grade, state, kind, location)",
        f"{m.wall * 1000:.0f} ms wall / {m.cpu * 1000:.0f}",
        "ms CPU",
    )
    with CaptureQueriesContext(connection) as queries, Measure() as m:
        context = overview.overview(assessment)
    figure(
        f"the EM page's overview (summary, proposals, {len(context['charts'])} charts, C.4)",
        f"{m.wall * 1000:.0f} ms wall, {len(queries.captured_queries)}",
        "queries",
    )
    totals = context["totals"]
    figure(
        "  samples / excursions / alerts in the data",
        f"{totals['samples']} / {totals['excursions']} / {totals['alerts']}",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=50_000, help="samples per import (50,000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="em-bench-"))
    try:
        os.environ.update(
            {
                "VAR_DIR": str(tmp),
                "DEBUG": "true",
                "SECRET_KEY": "em-bench-" + uuid.uuid4().hex,
                "ALLOWED_HOSTS": "testserver,localhost",
                "DJANGO_SETTINGS_MODULE": "config.settings",
            }
        )
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
        os.environ.pop("MEDIA_ROOT", None)
        os.chdir(BASE_DIR)
        import django

        django.setup()
        import logging

        logging.disable(logging.WARNING)
        from django.conf import settings
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        settings.DEBUG = False  # no query log: the import's own memory is what is measured
        settings.EM_IMPORT_MAX_ROWS = max(settings.EM_IMPORT_MAX_ROWS, args.samples)
        lead, vendor, site, checklist = build_world()
        samples = generate(args.samples)
        csv_data, xlsx_data = as_csv(samples), as_xlsx(samples)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=lead).key}")
        print(f"EM import benchmark: {args.samples:,} samples, database {settings.DATABASES['default']['ENGINE']}")

        first = new_assessment(lead, vendor, site, checklist)
        bench_api_csv(client, first, csv_data, args.samples)
        bench_steps(new_assessment(lead, vendor, site, checklist), lead, csv_data)
        bench_api_json(client, new_assessment(lead, vendor, site, checklist), samples, args.samples)
        bench_xlsx(new_assessment(lead, vendor, site, checklist), lead, xlsx_data, args.samples)
        bench_summary(first)
        print_table(f"Figures (machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
