#!/usr/bin/env python
"""Benchmark of PDF report rendering.

    .venv/bin/python benchmarks/report_bench.py [--reps 4] [--reports 8] [--two workers|pool]
        [--in-process-only] [--keep]

Builds a throw-away database (SQLite in a temporary VAR_DIR) holding the built-in checklist fully
answered with 20 findings and two signatures, then measures:

  * the whole `render_report` task run in-process (PDF/A-3b with the record embedded, signed
    PAdES B-B with a certificate made for the run), against bare WeasyPrint on the same HTML
    (a plain PDF) plus the signing step, wall and CPU time;
  * where the task's time goes (context queries, template, WeasyPrint, signing, PDF facts, storing);
  * a real Celery worker's peak memory, and throughput with one worker and with two.

It uses a Redis server of its own on a free port unless REDIS_URL is set, and always a queue
name of its own, so it never takes anyone else's tasks. Everything it starts is stopped and its
temporary directory deleted at the end. It prints figures and exits 0 (it is a measurement, not
a test) unless something crashed. See benchmarks/README.md.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
# The same launchers of a private Redis and of real Celery workers as the test suite's.
from tests.helpers.processes import CeleryWorker, RedisServer, forget_queue  # noqa: E402

GOAL_RATIO = 1.25  # whole task time / WeasyPrint-only time, at most
GOAL_SPEEDUP = 1.8  # reports per minute with two pool processes / with one, at least
STOP_TIMEOUT = 60  # seconds a worker has to finish the report in hand when stopped


# --- Processes: the pool processes' CPU time and memory --------------------------------------
def start_worker(queue: str, concurrency: int, log_dir: Path, name: str) -> CeleryWorker:
    """A real worker with the prefork pool on the benchmark's own queue and database (both in
    the environment), in its own session so that it and its pool processes stop together."""
    return CeleryWorker(queue, log_dir=log_dir, concurrency=concurrency, name=f"bench-{name}", heartbeat=False)


def cpu_seconds(pids) -> float:
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM: the peak resident set size of the process over its life so far."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- Output -----------------------------------------------------------------------------------
ROWS: list[tuple[str, str, str, str]] = []


def figure(name, value, unit, goal="", verdict=""):
    ROWS.append((name, f"{value} {unit}".strip(), goal, verdict))


def print_table(title):
    widths = [max(len(r[i]) for r in ROWS + [("Figure", "Value", "Goal", "")]) for i in range(4)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(("Figure", "Value", "Goal", ""), widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in ROWS:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def ms(seconds):
    return f"{seconds * 1000:.0f}"


# --- Data -------------------------------------------------------------------------------------
def build_assessment():
    """Users, the built-in checklist fully answered (some partial, non-compliant and N/A with
    comments), evidence files, 20 findings of mixed classes with corrective actions, signed as
    performed by the lead auditor and approved by the QA reviewer."""
    import datetime

    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from assessments import answers, evidence, findings, signatures
    from assessments.models import Assessment
    from audit.context import acting
    from checklists.models import Checklist, Question
    from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale
    from vendors.models import Site, Vendor

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))
    ensure_role_groups()
    password = "bench-" + uuid.uuid4().hex

    def user(username, first, last, *roles):
        u = User.objects.create_user(
            username=username, password=password, first_name=first, last_name=last, email=f"{username}@example.com"
        )
        u.groups.set(Group.objects.filter(name__in=[str(r) for r in roles]))
        return User.objects.get(pk=u.pk)

    lead = user("lead", "Lena", "Lindqvist", Role.LEAD_AUDITOR, Role.AUDITOR)
    auditor = user("auditor", "Arjun", "Mehta", Role.AUDITOR)
    reviewer = user("reviewer", "Rosa", "Quintero", Role.REVIEWER)
    checklist = Checklist.objects.get(code="CGT-CDMO", version=1)
    vendor = Vendor.objects.get(name="Lonza Group")
    site = Site.objects.filter(vendor=vendor).first() or Site.objects.create(
        vendor=vendor, name="Portsmouth NH", city="Portsmouth", country="US", grade_a=True, grade_b=True
    )
    today = timezone.localdate()
    with acting(user=lead, label="benchmark set-up"):
        assessment = Assessment.objects.create(
            vendor=vendor,
            site=site,
            checklist=checklist,
            lead_auditor=lead,
            reviewer=reviewer,
            created_by=lead,
            scope="Autologous CAR-T drug product: aseptic manufacture, QC release testing, cryostorage and\n"
            "chain of identity. Viral vector supply is out of scope.",
            planned_start=today - datetime.timedelta(days=30),
            planned_end=today - datetime.timedelta(days=28),
            performed_start=today - datetime.timedelta(days=30),
            performed_end=today - datetime.timedelta(days=28),
        )
        assessment.audit_team.set([auditor])

        questions = list(
            Question.objects.filter(checklist=checklist)
            .select_related("criterion")
            .order_by("criterion__order", "order", "code")
        )
        condition_codes = set(
            Question.objects.filter(checklist=checklist)
            .exclude(condition_question="")
            .values_list("condition_question", flat=True)
        )
        free = [q for q in questions if q.answer_type == "compliance" and q.code not in condition_codes]
        items = {i["question"]: i for i in compliant_answers(checklist)}
        for n, q in enumerate(free[:12]):
            value = ("partial", "non_compliant", "partial")[n % 3]
            items[q.code].update(
                value=value,
                comment=(
                    f"Observed during the walk-through of {q.criterion.title.lower()}: the procedure exists but "
                    f"{'is not followed consistently' if value == 'partial' else 'was not followed'}; "
                    "three records sampled, see finding list.\nSite response: CAPA to be raised."
                ),
            )
        for q in free[12:14]:
            items[q.code].update(
                value="na",
                na_justification=(
                    "The site does not perform this activity for the product in scope (confirmed in the quality "
                    "agreement)."
                ),
            )
        for q in questions[::5]:
            items[q.code].setdefault("comment", "Verified against records on site; no concerns.")
        answers.save_answers(assessment, lead, list(items.values()))
        assert len(items) == len(questions), (len(items), len(questions))

        for n, q in enumerate(questions[:60:4]):
            name = (f"{q.code}-batch-record-extract.pdf", f"{q.code}-sop-list.txt")[n % 2]
            head = b"%PDF-1.4\n% benchmark evidence " if name.endswith(".pdf") else b"SOP list "
            body = head + q.code.encode() * 50
            evidence.attach(assessment, lead, q.code, SimpleUploadedFile(name, body))
        attach_required_evidence(assessment, lead)  # submission needs it on every such question

        # 20 findings: 1 critical, 5 major, 9 minor (one per criterion, so no cluster review is
        # needed), 5 observations; every critical and major one with a corrective action.
        by_criterion = {}
        for q in questions:
            by_criterion.setdefault(q.criterion.code, []).append(q)
        criteria = sorted(by_criterion)
        plan = ["critical"] + ["major"] * 5 + ["minor"] * 9 + ["observation"] * 5
        for n, cls in enumerate(plan):
            crit_qs = by_criterion[criteria[n % len(criteria)]]
            q = crit_qs[(n // len(criteria)) % len(crit_qs)]
            fmea = (
                {"fmea_severity": 1 + n % 5, "fmea_occurrence": 1 + (n * 2) % 5, "fmea_detectability": 1 + (n * 3) % 5}
                if cls in ("critical", "major", "minor")
                else {}
            )
            finding = findings.raise_finding(
                assessment,
                lead,
                question=q,
                classification=cls,
                description=(
                    f"{cls.capitalize()} deficiency {n + 1}: records sampled for {q.code} did not show the "
                    "required review. Three of five batch records lacked the second-person verification "
                    "of the cell count and the viability result before release."
                ),
                requirement=f"{q.reference or 'EudraLex Vol. 4 Part IV'}"[:500],
                # Classed lower than its question's severity proposes: the rule wants the reason.
                downgrade_rationale=downgrade_rationale(q, cls),
                **fmea,
            )
            if cls in ("critical", "major") or n % 2:
                findings.plan_action(
                    finding,
                    lead,
                    description="Retrain operators on second-person verification; add a "
                    "mandatory verification step to the electronic batch record.",
                    owner="Head of QA operations, Portsmouth",
                    due_date=today + datetime.timedelta(days=30 + 7 * n),
                )

    from assessments import workflow

    assessment.refresh_from_db()
    workflow.submit(assessment, lead)
    request = RequestFactory().post("/sign/")
    with acting(user=lead, label="benchmark set-up"):
        signatures.sign(assessment, lead, "performed", password, request=request)
    with acting(user=reviewer, label="benchmark set-up"):
        signatures.sign(
            assessment,
            reviewer,
            "approved",
            password,
            request=request,
            justification="Approved with conditions: the critical CAPA is to be verified on site.",
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED, assessment.status
    return assessment, reviewer


def purge_queue(queue):
    """Drop messages on the benchmark's own queue (approval queues a final report)."""
    from config.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(queue) or 0


# --- Measurements -----------------------------------------------------------------------------
def new_report(assessment, user):
    from django.db import transaction

    from reports.models import AuditReport
    from reports.services import _next_number

    with transaction.atomic():
        return AuditReport.objects.create(
            assessment=assessment, number=_next_number(assessment), kind=AuditReport.Kind.FINAL, requested_by=user
        )


STEP_TIMES: dict[str, float] = {}


def time_steps():
    """Wrap the task's two rendering steps so that each run of the task reports how long they
    took inside it (the wrappers call the originals and change nothing else)."""
    from reports import rendering

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                STEP_TIMES[name] = time.perf_counter() - started

        return wrapper

    from reports import signing

    originals = rendering.render_source, rendering.html_to_pdf, signing.sign
    rendering.render_source = timed("render_source", rendering.render_source)
    rendering.html_to_pdf = timed("html_to_pdf", rendering.html_to_pdf)
    signing.sign = timed("sign", signing.sign)
    return originals


def bare_weasyprint(html: str) -> bytes:
    """WeasyPrint alone, as a plain PDF (no PDF/A variant, no attachment), with the product's
    fetcher so that it loads the same fonts and styles."""
    from weasyprint import HTML

    from reports import rendering

    return HTML(string=html, url_fetcher=rendering._weasyprint_fetcher(), base_url=rendering.STATIC_PREFIX).write_pdf()


def timed_call(function, *args):
    t, c = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - t, time.process_time() - c


def run_task(report_id):
    """The task as a worker runs it (render_report.apply: retries, signals and all), in-process.
    Returns wall time, CPU time, the task's result, and its steps' times."""
    from reports.tasks import render_report

    STEP_TIMES.clear()
    started, cpu = time.perf_counter(), time.process_time()
    result = render_report.apply(args=[report_id])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    outcome = result.get(propagate=True)
    if outcome.get("status") != "ready":
        from reports.models import AuditReport

        raise RuntimeError(f"report {report_id} {outcome}: {AuditReport.objects.get(pk=report_id).error}")
    return elapsed, cpu, outcome, dict(STEP_TIMES)


def profile_parts(assessment, report):
    """The task's steps before and after WeasyPrint, timed separately, with their SQL queries."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from reports import rendering

    parts = {}
    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        context = rendering.report_context(assessment, report)
        parts["context"] = time.perf_counter() - t
    parts["context_queries"] = len(queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        html = render_to_string("reports/audit_report.html", context)
        parts["template"] = time.perf_counter() - t
    parts["template_queries"] = len(queries.captured_queries)
    parts["html_kib"] = len(html.encode()) / 1024
    return parts


def wait_ready(ids, timeout):
    from reports.models import AuditReport

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(AuditReport.objects.filter(pk__in=ids).values_list("status", "rendered_at", "error"))
        if sum(s in ("ready", "failed") for s, _, _ in rows) == len(ids):
            failed = [e for s, _, e in rows if s == "failed"]
            if failed:
                raise RuntimeError(f"{len(failed)} report(s) failed: {failed[0]}")
            return max(r for _, r, _ in rows)
        time.sleep(0.25)
    raise TimeoutError(f"reports {ids} not ready after {timeout} s")


def throughput(workers, assessment, user, count):
    """Reports per minute through running workers. First a warm-up report for each pool process
    (not timed: a pool process imports WeasyPrint and loads fonts on its first report), repeated
    until every worker has rendered one; then `count` reports, timed from just before the first is
    published to the `rendered_at` of the last. The rows are created before the clock starts and
    only published (services.enqueue, the path every request takes) inside it, so that the
    benchmark's own writes do not compete with the workers'. Also returns the CPU time the pool
    processes used meanwhile, to tell a slow program from a busy machine."""
    from django.utils import timezone

    from reports.services import enqueue

    for _ in range(3):
        warm = [new_report(assessment, user) for worker in workers for _ in worker.pool_pids()]
        for report in warm:
            enqueue(report)
        wait_ready([r.pk for r in warm], timeout=180)
        if all("succeeded in" in worker.log_path.read_text() for worker in workers):
            break
    reports = [new_report(assessment, user) for _ in range(count)]
    pool = [pid for worker in workers for pid in worker.pool_pids()]
    cpu_before, load_before = cpu_seconds(pool), os.getloadavg()[0]
    started = timezone.now()
    for report in reports:
        enqueue(report)
    last = wait_ready([r.pk for r in reports], timeout=60 + 40 * count)
    elapsed = (last - started).total_seconds()
    return {
        "elapsed": elapsed,
        "per_min": count / elapsed * 60,
        "cpu": cpu_seconds(pool) - cpu_before,
        "load": (load_before + os.getloadavg()[0]) / 2,
        "pool": pool,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=4, help="in-process repetitions of task and WeasyPrint (4)")
    parser.add_argument("--reports", type=int, default=8, help="reports per throughput run (8)")
    parser.add_argument(
        "--two",
        choices=("workers", "pool"),
        default="workers",
        help="'workers': two worker processes with -c 1 each (default); 'pool': one worker with -c 2",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, database)")
    parser.add_argument("--in-process-only", action="store_true", help="skip the real workers (memory and throughput)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="report-bench-"))
    redis = queue = None
    workers: list[CeleryWorker] = []
    exit_code = 0
    try:
        if not os.environ.get("REDIS_URL"):
            redis = RedisServer(tmp)
            os.environ["REDIS_URL"] = redis.url
        queue = f"report-bench-{uuid.uuid4().hex[:12]}"
        os.environ.update(
            {
                "VAR_DIR": str(tmp),
                "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
                "DEBUG": "true",
                "SECRET_KEY": "report-bench-" + uuid.uuid4().hex,
                "CELERY_QUEUE": queue,
                "REPORT_RENDER_DELAY_SECONDS": "0",
                # Written below, once Django is set up; the workers started later sign with it too.
                "REPORT_SIGNING_CERT": str(tmp / "report-signing.p12"),
                "REPORT_SIGNING_PASSWORD": "report-bench-" + uuid.uuid4().hex[:8],
                "DJANGO_SETTINGS_MODULE": "config.settings",
            }
        )
        os.environ.pop("MEDIA_ROOT", None)
        os.chdir(BASE_DIR)
        import django

        django.setup()
        import logging

        for name in ("weasyprint", "fontTools", "celery", "checklists.formats"):
            logging.getLogger(name).setLevel(logging.WARNING)
        from django.conf import settings

        assert settings.CELERY_TASK_DEFAULT_QUEUE == queue and settings.REPORT_RENDER_DELAY_SECONDS == 0
        from reports import signing

        Path(settings.REPORT_SIGNING_CERT).write_bytes(
            signing.make_certificate("Report benchmark", "Benchmark", settings.REPORT_SIGNING_PASSWORD)
        )
        began = time.monotonic()
        print(
            f"Temporary directory {tmp}; Redis {os.environ['REDIS_URL']} "
            f"({'private, started here' if redis else 'from REDIS_URL'}); queue {queue}; "
            f"{os.cpu_count()} CPU(s)"
        )

        t = time.perf_counter()
        assessment, user = build_assessment()
        purged = purge_queue(queue)
        from assessments.models import Answer, CorrectiveAction, Evidence, Finding

        print(
            f"Set-up {time.perf_counter() - t:.1f} s: {assessment.reference}, "
            f"{Answer.objects.filter(assessment=assessment).count()} answers, "
            f"{Evidence.objects.filter(answer__assessment=assessment).count()} evidence files, "
            f"{Finding.objects.filter(assessment=assessment).count()} findings, "
            f"{CorrectiveAction.objects.filter(finding__assessment=assessment).count()} corrective actions, "
            f"status {assessment.status}; {purged} message(s) from the approval purged"
        )

        # 1. In-process: the whole task against WeasyPrint alone on the same HTML, interleaved so
        #    that a noisy neighbour slows both alike. The first (cold) task run is not counted.
        from reports import rendering
        from reports.models import AuditReport

        cold_report = new_report(assessment, user)
        render_source, html_to_pdf, sign = time_steps()
        cold, _, outcome, _ = run_task(cold_report.pk)
        cold_report = AuditReport.objects.get(pk=cold_report.pk)
        assert cold_report.signature == AuditReport.Signature.PADES, cold_report.signature
        source = render_source(assessment, cold_report)
        html = source.html
        task_times, task_cpu, outside, inside_ratio = [], [], [], []
        bare, bare_cpu, pdfa, pdfa_cpu, signs, signs_cpu = [], [], [], [], [], []
        for _ in range(args.reps):
            wall, cpu, _, steps = run_task(new_report(assessment, user).pk)
            task_times.append(wall)
            task_cpu.append(cpu)
            own = steps["html_to_pdf"] + steps["sign"]
            outside.append(wall - own)
            inside_ratio.append(wall / own)
            _, w, c = timed_call(bare_weasyprint, html)
            bare.append(w)
            bare_cpu.append(c)
            pdf, w, c = timed_call(html_to_pdf, html, source.archival)
            pdfa.append(w)
            pdfa_cpu.append(c)
            _, w, c = timed_call(sign, pdf, "benchmark")
            signs.append(w)
            signs_cpu.append(c)
        med = statistics.median
        task_med, base_med = med(task_times), med(bare) + med(signs)
        ratio = task_med / base_med
        ratio_min = min(task_times) / (min(bare) + min(signs))
        cpu_ratio = med(task_cpu) / (med(bare_cpu) + med(signs_cpu))
        parts = profile_parts(assessment, cold_report)
        t = time.perf_counter()
        rendering.pdf_facts(cold_report.file.open("rb").read())
        parts["pdf_facts"] = time.perf_counter() - t
        pages = outcome["pages"]

        figure("Whole task (render_report.apply), median", ms(task_med), "ms", "", f"n={args.reps}")
        figure("Whole task, min", ms(min(task_times)), "ms")
        figure("Whole task, CPU time, median", ms(med(task_cpu)), "ms")
        figure("Bare WeasyPrint, same HTML (plain PDF), median", ms(med(bare)), "ms", "", f"n={args.reps}")
        figure("  CPU time, median", ms(med(bare_cpu)), "ms")
        figure("WeasyPrint PDF/A-3b with the record (html_to_pdf), median", ms(med(pdfa)), "ms")
        figure("  CPU time, median", ms(med(pdfa_cpu)), "ms")
        figure("Signing step (PAdES B-B, pyHanko), median", ms(med(signs)), "ms")
        figure("  CPU time, median", ms(med(signs_cpu)), "ms")
        figure("Bare WeasyPrint + signing (medians)", ms(base_med), "ms")
        for label, value in (
            ("Task / (bare WeasyPrint + signing) (medians)", ratio),
            ("Task / (bare WeasyPrint + signing) (mins)", ratio_min),
            ("Task / (bare WeasyPrint + signing), CPU time (medians)", cpu_ratio),
            ("Task / its own WeasyPrint + signing steps (median)", med(inside_ratio)),
        ):
            figure(label, f"{value:.2f}", "x", f"<= {GOAL_RATIO}", "PASS" if value <= GOAL_RATIO else "MISS")
        figure(
            "Task time outside WeasyPrint and signing, median",
            ms(med(outside)),
            "ms",
            "",
            "measured inside each task run",
        )
        figure("  report_context", ms(parts["context"]), "ms", "", f"{parts['context_queries']} SQL queries")
        figure(
            "  template render",
            ms(parts["template"]),
            "ms",
            "",
            f"{parts['template_queries']} SQL queries, {parts['html_kib']:.0f} KiB HTML",
        )
        figure("  pdf_facts (pypdf page count, SHA-256)", ms(parts["pdf_facts"]), "ms")
        figure(
            "  the rest (status rows, file, audit trail)",
            ms(max(0.0, statistics.median(outside) - parts["context"] - parts["template"] - parts["pdf_facts"])),
            "ms",
            "",
            "by difference",
        )
        figure("PDF pages", pages, "pages")
        figure("PDF size", f"{cold_report.size / 1024:.0f}", "KiB")
        figure("First task in the process (cold)", ms(cold), "ms", "", "not counted above")
        if args.in_process_only:
            print_table(
                f"Report benchmark (in process): {assessment.checklist.code} v{assessment.checklist.version}, "
                f"{pages} pages, {os.cpu_count()} CPU(s), load avg {os.getloadavg()[0]:.1f}, "
                f"total run {time.monotonic() - began:.0f} s"
            )
            return exit_code

        # 2. Real workers: one worker with one pool process, then two (see --two).
        one = start_worker(queue, 1, tmp, "one")
        workers.append(one)
        one.wait_ready()
        run1 = throughput([one], assessment, user, args.reports)
        main_peak = peak_rss_mib(one.pid)
        child_peaks = [p for p in map(peak_rss_mib, run1["pool"]) if p]
        one.stop(timeout=STOP_TIMEOUT)
        workers.remove(one)
        if args.two == "workers":
            pair = [start_worker(queue, 1, tmp, "two-a"), start_worker(queue, 1, tmp, "two-b")]
            two_label = "2 workers, -c 1 each"
        else:
            pair = [start_worker(queue, 2, tmp, "two-c2")]
            two_label = "1 worker, -c 2"
        workers.extend(pair)
        for worker in pair:
            worker.wait_ready()
        run2 = throughput(pair, assessment, user, args.reports)
        child_peaks2 = [p for p in map(peak_rss_mib, run2["pool"]) if p]
        for worker in pair:
            worker.stop(timeout=STOP_TIMEOUT)
            workers.remove(worker)
        speedup = run2["per_min"] / run1["per_min"]

        figure(
            "Worker peak RSS, pool process",
            f"{max(child_peaks):.0f}",
            "MiB",
            "",
            "VmHWM, one worker -c 1, end of its run",
        )
        figure("Worker peak RSS, main process", f"{main_peak:.0f}", "MiB", "", "VmHWM, same worker")
        figure(
            "Worker peak RSS, main + pool",
            f"{main_peak + sum(child_peaks):.0f}",
            "MiB",
            "",
            "sum of the two peaks (shared pages twice)",
        )
        figure(
            "Worker peak RSS, pool processes of the two",
            " / ".join(f"{p:.0f}" for p in child_peaks2),
            "MiB",
            "",
            two_label,
        )
        for label, run in (("1 worker, -c 1", run1), (two_label, run2)):
            figure(
                f"Throughput, {label}",
                f"{run['per_min']:.1f}",
                "reports/min",
                "",
                f"{args.reports} in {run['elapsed']:.1f} s",
            )
        figure(
            "Speed-up, two vs one",
            f"{speedup:.2f}",
            "x",
            f">= {GOAL_SPEEDUP}",
            "PASS" if speedup >= GOAL_SPEEDUP else "MISS",
        )
        for label, run in (("one", run1), ("two", run2)):
            figure(
                f"  CPU per report, {label}",
                ms(run["cpu"] / args.reports),
                "ms",
                "",
                f"pool got {run['cpu'] / run['elapsed']:.2f} of {os.cpu_count()} CPUs, load avg {run['load']:.1f}",
            )
        cpus2 = run2["cpu"] / run2["elapsed"]
        note = (
            f"With two pool processes the workers got {cpus2:.2f} CPUs of {os.cpu_count()} (CPU time per report "
            f"{run1['cpu'] / args.reports:.1f} s with one, {run2['cpu'] / args.reports:.1f} s with two)."
        )
        if speedup < GOAL_SPEEDUP and cpus2 < 0.8 * min(2, os.cpu_count() or 1):
            note += (
                f" The speed-up misses {GOAL_SPEEDUP} because the workers could not get two CPUs (load average "
                f"{run2['load']:.1f}): other processes are using this machine."
            )
            if args.two == "pool":
                note += (
                    " With the kernel's autogroup scheduling CPU is shared per session, and one worker's pool "
                    "processes share one session: try --two workers."
                )
            if run2["cpu"] <= 1.15 * run1["cpu"]:
                note += " The CPU per report did not rise with two pool processes, so rendering does not serialise."
        print_table(
            f"Report benchmark: {assessment.checklist.code} v{assessment.checklist.version}, "
            f"{pages} pages, {os.cpu_count()} CPU(s), total run {time.monotonic() - began:.0f} s"
        )
        print(f"\n{note}")
    except Exception:
        import traceback

        traceback.print_exc()
        exit_code = 1
        if ROWS:
            print_table("Figures measured before the failure")
    finally:
        for worker in workers:
            worker.stop(timeout=STOP_TIMEOUT)
        if redis:
            redis.stop()
        elif queue and os.environ.get("REDIS_URL"):  # someone's Redis: remove this queue's routing keys
            try:
                forget_queue(os.environ["REDIS_URL"], queue)
            except Exception as exc:  # noqa: BLE001 - clean-up is best effort
                print(f"Could not remove the keys of queue {queue}: {exc}")
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
