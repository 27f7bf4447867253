#!/usr/bin/env python
"""Benchmark of every page and API endpoint a user reaches, at a tenth of a global supplier base
and at full size (issue #12).

    .venv/bin/python benchmarks/pages_bench.py [--sizes tenth,full] [--only NAME[,NAME]] [--reps 5]
                                               [--reseed] [--no-gunicorn] [--duration 20]

Each size is a PostgreSQL database seeded by `manage.py seed_scale` (`scalebench_tenth`: 500
vendors, 2,000 assessments; `scalebench_full`: 5,000 and 20,000), reused when it already holds a
load seeded with the same arguments by the same generator. For each size a fresh process logs in
with Django's test Client and requests every page: median time over `--reps` requests (after one
untimed warm-up), SQL queries, response size; then its resident memory. A bench-only view renders
the product's layout (templates/base.html) with nothing in it: the baseline every page is divided
by. At full size two gunicorn workers are compared with one under a concurrent client on the
vendor list and the workspace. It prints one table and exits 1 when a goal fails (2 if something
crashed). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: (vendors, assessments) of each size; "tiny" is for a quick look at the benchmark itself.
SIZES = {"tiny": (30, 120), "tenth": (500, 2000), "full": (5000, 20000)}
SEED = 12
GOAL_BASELINE = 10.0  # full-size page time / baseline page time, at most
GOAL_BASELINE_COMPARE = 20.0  # the same for the comparison of every vendor on the built-in checklist
GOAL_FLAT = 1.3  # full-size time / tenth-size time, at most
GOAL_RSS_MIB = 200.0  # resident memory of the process after every page at full size, at most
GOAL_SPEEDUP = 1.7  # requests per second with two gunicorn workers / with one, at least
WORKERS = 2
COMPARE_ALL = "comparison, all vendors"


# --------------------------------------------------------------------------- environment


def server_url() -> str:
    return os.environ.get("PAGES_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def bench_env(db: str, var_dir: Path) -> dict:
    """The environment of every process the benchmark starts: production settings (DEBUG off)
    without TLS, on the size's database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{server_url()}/{db}",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="false",
        VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "private"),
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_exists(db: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone() is not None


def manage(env: dict, *args, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=check
    )


def ensure_seeded(size: str, db: str, env: dict, reseed: bool, say) -> dict:
    """The database of `size`, seeded; {"seconds": seeding time or None if reused, "output": ...}."""
    vendors, assessments = SIZES[size]
    seed_args = ["seed_scale", f"--vendors={vendors}", f"--assessments={assessments}", f"--seed={SEED}"]
    if reseed and database_exists(db):
        admin_sql(f'DROP DATABASE "{db}"')
    for attempt in (1, 2):
        if not database_exists(db):
            admin_sql(f'CREATE DATABASE "{db}"')
        manage(env, "migrate", "-v0")
        started = time.perf_counter()
        done = manage(env, *seed_args, check=False)
        seconds = time.perf_counter() - started
        out = (done.stdout + done.stderr).strip()
        if done.returncode == 0:
            reused = "Already seeded" in out
            say(f"{size}: {'reused ' + db if reused else f'seeded {db} in {seconds:.0f} s'}")
            return {"seconds": None if reused else seconds, "output": out.splitlines()[-1] if out else ""}
        if attempt == 1 and "another seed_scale load" in out:
            say(f"{size}: {db} holds another load; seeding it anew")
            admin_sql(f'DROP DATABASE "{db}"')
            continue
        raise RuntimeError(f"seed_scale failed on {db} (exit status {done.returncode}):\n{out}")
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- the pages (child process)


@dataclass
class Page:
    name: str
    user: str  # which seeded user requests it
    path: str
    method: str = "GET"
    body: object = None
    expect: int = 200


def child(args) -> int:
    """Runs in a fresh process per size: request every page, write the figures as JSON."""
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: static files are not collected here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    install_baseline_view(settings)
    pages, gunicorn_pages = plan_pages()
    from accounts.models import User

    wanted = [p for p in pages if selected(p.name, args.only)]
    clients = {}
    results = []
    for page in wanted:
        client = clients.get(page.user)
        if client is None:
            client = clients[page.user] = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=page.user))

        def request(client=client, page=page):
            if page.method == "PUT":
                with transaction.atomic():  # each PUT is rolled back: every repetition saves the same change
                    response = client.put(page.path, json.dumps(page.body), content_type="application/json")
                    transaction.set_rollback(True)
                return response
            return client.get(page.path)

        row = {"name": page.name, "user": page.user, "path": page.path, "method": page.method}
        # The first request warms the process's caches; a page slower than the budget is measured
        # by that one request (its queries counted there too), not repeated for minutes.
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = request()
            warm = time.perf_counter() - t0
        row["status"] = response.status_code
        if response.status_code != page.expect:
            row["error"] = f"HTTP {response.status_code}"
            results.append(row)
            print(f"  {page.name}: HTTP {response.status_code}", file=sys.stderr, flush=True)
            continue
        if warm > args.budget:
            times = [warm]
            row["queries"] = len(queries.captured_queries)
        else:
            times, started = [], time.perf_counter()
        for n in range(args.reps if warm <= args.budget else 0):
            if n == 0:
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = request()
                    times.append(time.perf_counter() - t0)
                row["queries"] = len(queries.captured_queries)
            else:
                t0 = time.perf_counter()
                response = request()
                times.append(time.perf_counter() - t0)
            if n >= 1 and time.perf_counter() - started > args.budget:
                break
        body = b"".join(response.streaming_content) if response.streaming else response.content
        row.update(ms=1000 * statistics.median(times), n=len(times), bytes=len(body))
        results.append(row)
        print(f"  {page.name}: {row['ms']:.0f} ms, {row['queries']} queries", file=sys.stderr, flush=True)
    status = Path("/proc/self/status").read_text()
    memory = {
        key: int(line.split()[1]) / 1024
        for line in status.splitlines()
        for key in ("VmRSS", "VmHWM")
        if line.startswith(key + ":")
    }
    sessions = []
    for name, user, path in gunicorn_pages:
        client = Client()
        client.force_login(User.objects.get(username=user))
        sessions.append(
            {"name": name, "path": path, "cookie": f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"}
        )
    Path(args.out).write_text(json.dumps({"pages": results, "memory": memory, "gunicorn": sessions}))
    return 0


def selected(name: str, only: str | None) -> bool:
    return not only or name == "baseline" or any(word.strip() in name for word in only.split(","))


def install_baseline_view(settings) -> None:
    """A bench-only URLconf: the product's routes plus /bench/baseline/, the product's layout with
    nothing on it, for a logged-in user."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    import config.urls

    template = engines["django"].from_string('{% extends "base.html" %}{% block content %}{% endblock %}')

    @login_required
    def baseline(request):
        return HttpResponse(template.render({}, request))

    module = types.ModuleType("pages_bench_urls")
    module.urlpatterns = [path("bench/baseline/", baseline), *config.urls.urlpatterns]
    module.handler404 = config.urls.handler404
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def plan_pages():
    """The pages, each with the user who requests it, and the two pages of the gunicorn runs. The
    records are chosen alike at every size, by their shape rather than their id, so that a page
    shows the same amount of its own data at both sizes: the initial on-site in-progress
    assessment on the built-in checklist (and the one on the 200-question version) with the
    number of findings nearest two and then the most answers, the submitted one alike, the
    approved one with three findings and one open corrective action (else the nearest to that),
    and that action's finding; ties go to the lowest id. Each is requested by its own lead or
    reviewer."""
    from django.db.models import Count, F
    from django.db.models.functions import Abs

    from assessments.models import Answer, Assessment, CorrectiveAction
    from demo import scale
    from vendors.models import Vendor

    admin, lead, auditor, reviewer, contact = (
        f"scale-{kind}-01" for kind in ("admin", "lead", "auditor", "reviewer", "contact")
    )
    seeded = Assessment.objects.filter(scope__startswith=scale.MARK).order_by("pk")
    built_in, xl = scale.BUILT_IN[0], scale.XL_CODE
    answered = Answer.objects.filter(question__answer_type="compliance").values("assessment_id")

    def most_answered(queryset):
        ranked = queryset.annotate(
            answers_n=Count("answers", distinct=True), findings_n=Count("findings", distinct=True)
        ).order_by(Abs(F("findings_n") - 2), "-answers_n", "pk")
        return ranked.filter(mode="on_site", kind="initial").first() or ranked.first()  # a tiny load may have none

    in_progress = most_answered(seeded.filter(status="in_progress", checklist__code=built_in, pk__in=answered))
    in_progress_xl = most_answered(seeded.filter(status="in_progress", checklist__code=xl))
    submitted = most_answered(seeded.filter(status="submitted", checklist__code=built_in))
    approved_ones = seeded.filter(status="approved", checklist__code=built_in).annotate(
        n=Count("findings", distinct=True), m=Count("findings__actions", distinct=True)
    )
    approved = (
        approved_ones.filter(n=3, m=1, findings__actions__status="open").order_by("pk").first()
        or approved_ones.filter(n__gte=1, m__gte=1).order_by(Abs(F("n") - 3), Abs(F("m") - 1), "pk").first()
    )
    vendor = approved.vendor
    action = CorrectiveAction.objects.filter(finding__assessment=approved).order_by("pk").first()
    finding = action.finding  # the finding with the action, so that both pages show one of each
    answer = Answer.objects.filter(assessment=in_progress, question__answer_type="compliance").order_by("pk").first()
    compared = (
        Vendor.objects.filter(assessments__in=seeded.filter(status="approved", checklist__code=built_in))
        .distinct()
        .order_by("pk")[:5]
    )
    vendor_query = "&".join(f"vendor={v.slug}" for v in compared)
    put = [{"question": answer.question.code, "value": "partial" if answer.value == "compliant" else "compliant"}]
    a, s, w, wx = approved.pk, submitted.pk, in_progress.pk, in_progress_xl.pk
    w_lead, wx_lead = in_progress.lead_auditor.username, in_progress_xl.lead_auditor.username
    s_reviewer = submitted.reviewer.username
    pages = [
        Page("baseline", admin, "/bench/baseline/"),
        *(Page(f"home, {u.split('-')[1]}", u, "/") for u in (admin, lead, auditor, reviewer, contact)),
        Page("vendor list", admin, "/vendors/"),
        Page("vendor detail", admin, f"/vendors/{vendor.slug}/"),
        Page("assessment list", admin, "/assessments/"),
        Page("assessment list, lead", lead, "/assessments/"),
        Page("workspace, 66 questions", w_lead, f"/assessments/{w}/"),
        Page("workspace, 200 questions", wx_lead, f"/assessments/{wx}/"),
        Page("review page", s_reviewer, f"/assessments/{s}/review/"),
        Page("findings", admin, f"/assessments/{a}/findings/"),
        Page("audit trail (assessment history)", admin, f"/assessments/{a}/history/"),
        Page("reports page", admin, f"/assessments/{a}/reports/"),
        Page("risk-matrix cell", admin, "/insights/vendors/?inherent_risk=high&rating=medium"),
        Page(COMPARE_ALL, admin, "/compare/"),
        Page("comparison, 5 vendors", admin, f"/compare/?checklist={built_in}&{vendor_query}"),
        Page("admin audit trail", admin, "/admin/audit/auditentry/"),
        Page("API vendors", admin, "/api/vendors/"),
        Page("API vendor", admin, f"/api/vendors/{vendor.pk}/"),
        Page("API assessments", admin, "/api/assessments/"),
        Page("API assessments, lead", lead, "/api/assessments/"),
        Page("API assessment", admin, f"/api/assessments/{a}/"),
        Page("API answers GET", w_lead, f"/api/assessments/{w}/answers/"),
        Page("API answers PUT one item", w_lead, f"/api/assessments/{w}/answers/", "PUT", put),
        Page("API score", admin, f"/api/assessments/{a}/score/"),
        Page("API signatures", admin, f"/api/assessments/{a}/signatures/"),
        Page("API history", admin, f"/api/assessments/{a}/history/"),
        Page("API findings of an assessment", admin, f"/api/assessments/{a}/findings/"),
        Page("API finding", admin, f"/api/findings/{finding.pk}/"),
        Page("API actions of a finding", admin, f"/api/findings/{action.finding_id}/actions/"),
        Page("API corrective action", admin, f"/api/corrective-actions/{action.pk}/"),
        Page("API checklists", admin, "/api/checklists/"),
        Page("API users", admin, "/api/users/"),
    ]
    gunicorn_pages = [("vendor list", admin, "/vendors/"), ("workspace, 66 questions", w_lead, f"/assessments/{w}/")]
    return pages, gunicorn_pages


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str, timeout: float = 120) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def throughput(env: dict, workers: int, target: dict, duration: float, clients: int, log: Path) -> dict:
    """Requests per second of `workers` sync gunicorn workers on one page under `clients` threads
    requesting it for `duration` seconds (at most 2,000 requests)."""
    port = free_port()
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi:application", f"--workers={workers}",
             f"--bind=127.0.0.1:{port}", "--timeout=300", "--log-level=warning"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if get(port, "/login/", "", timeout=5) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn did not start (see {log})")
            time.sleep(0.5)
        for _ in range(2 * workers):  # every worker has imported and connected
            get(port, target["path"], target["cookie"])
        done, errors, lock, stop = [0], [0], threading.Lock(), time.monotonic() + duration

        def loop():
            while time.monotonic() < stop and done[0] + errors[0] < 2000:
                try:
                    ok = get(port, target["path"], target["cookie"]) == 200
                except OSError:
                    ok = False
                with lock:
                    (done if ok else errors)[0] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=loop) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        return {"rps": done[0] / elapsed, "requests": done[0], "errors": errors[0], "seconds": elapsed}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --------------------------------------------------------------------------- the table


@dataclass
class Verdicts:
    failed: list = field(default_factory=list)
    crashed: list = field(default_factory=list)

    def judge(self, ok: bool, what: str) -> str:
        if not ok:
            self.failed.append(what)
        return "PASS" if ok else "FAIL"


def report(results: dict, seeding: dict, gunicorn: dict | None, args) -> int:
    v = Verdicts()
    sizes = list(results)
    by_size = {s: {p["name"]: p for p in results[s]["pages"]} for s in sizes}
    last = sizes[-1]
    base = by_size[last].get("baseline", {}).get("ms")
    names = [p["name"] for p in results[last]["pages"]]
    lines = [
        f"Page benchmark at {', '.join(f'{s} ({SIZES[s][0]} vendors, {SIZES[s][1]} assessments)' for s in sizes)}; "
        f"median of up to {args.reps} requests; commit {commit()}",
    ]
    for s in sizes:
        seeded = seeding[s]
        lines.append(
            f"  {s}: "
            + (f"seeded in {seeded['seconds']:.0f} s" if seeded["seconds"] else "database reused")
            + f" ({seeded['output']})"
        )
    head = ["page", "user"]
    for s in sizes:
        head += [f"{s} ms", f"{s} q"]
    head += [f"{last} KiB"]
    if len(sizes) > 1:
        head += [f"{sizes[-1]}/{sizes[0]}", "queries"]
    head += ["/ baseline", "verdict"]
    rows = []
    for name in names:
        cells, verdicts = [name, by_size[last][name]["user"].removeprefix("scale-")], []
        for s in sizes:
            p = by_size[s].get(name, {})
            if "error" in p:
                v.crashed.append(f"{name} at {s}: {p['error']}")
                cells += [p["error"], ""]
            else:
                cold = "*" if p.get("n") == 1 else ""
                cells += [f"{p['ms']:.1f}{cold}" if p else "", str(p.get("queries", "")) if p else ""]
        p = by_size[last][name]
        cells.append(f"{p['bytes'] / 1024:.0f}" if "bytes" in p else "")
        if len(sizes) > 1:
            small = by_size[sizes[0]].get(name, {})
            if "ms" in small and "ms" in p:
                flat = p["ms"] / small["ms"]
                same = small["queries"] == p["queries"]
                cells += [f"{flat:.2f}x", "constant" if same else f"{small['queries']} -> {p['queries']}"]
                if name != "baseline":
                    verdicts.append(v.judge(flat <= GOAL_FLAT, f"{name}: {last}/{sizes[0]} {flat:.2f}x > {GOAL_FLAT}"))
                    verdicts.append(v.judge(same, f"{name}: queries {small['queries']} -> {p['queries']}"))
            else:
                cells += ["", ""]
        if "ms" in p and base and name != "baseline":
            goal = GOAL_BASELINE_COMPARE if name == COMPARE_ALL else GOAL_BASELINE
            ratio = p["ms"] / base
            cells.append(f"{ratio:.1f}x")
            if last == "full":
                verdicts.append(v.judge(ratio <= goal, f"{name}: {ratio:.1f}x the baseline > {goal:g}x"))
        else:
            cells.append("")
        cells.append("FAIL" if "FAIL" in verdicts else ("PASS" if verdicts else ""))
        rows.append(cells)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    lines += ["", fmt.format(*head), fmt.format(*["-" * w for w in widths])]
    lines += [fmt.format(*r) for r in rows]
    lines.append("")
    goals = (
        f"Goals at full size: every page <= {GOAL_BASELINE:g}x the baseline ({COMPARE_ALL} <= "
        f"{GOAL_BASELINE_COMPARE:g}x), <= {GOAL_FLAT}x its time at a tenth, the same number of queries."
    )
    lines.append(goals)
    if any(p.get("n") == 1 for size in results.values() for p in size["pages"]):
        lines.append(f"* one request: slower than --budget ({args.budget:g} s), so not repeated.")
    memory = results[last]["memory"]
    if memory:
        ok = memory["VmRSS"] <= GOAL_RSS_MIB
        verdict = v.judge(ok, f"RSS {memory['VmRSS']:.0f} MiB > {GOAL_RSS_MIB:g}") if last == "full" else ""
        lines.append(
            f"Process memory after every page at {last}: RSS {memory['VmRSS']:.0f} MiB "
            f"(peak {memory['VmHWM']:.0f} MiB), goal <= {GOAL_RSS_MIB:g} MiB  {verdict}"
        )
    if gunicorn:
        lines.append(f"gunicorn at {last}, {args.clients} concurrent clients for {args.duration:g} s each:")
        for name, runs in gunicorn.items():
            one, two = runs[1], runs[WORKERS]
            speedup = two["rps"] / one["rps"] if one["rps"] else 0.0
            if speedup > WORKERS:
                verdict = f"NOISE (above {WORKERS}x: the machine was busier during the 1-worker run)"
            else:
                verdict = v.judge(speedup >= GOAL_SPEEDUP, f"{name}: {speedup:.2f}x < {GOAL_SPEEDUP}")
            lines.append(
                f"  {name}: 1 worker {one['rps']:.2f} req/s ({one['requests']} in {one['seconds']:.0f} s), "
                f"{WORKERS} workers {two['rps']:.2f} req/s ({two['requests']} in {two['seconds']:.0f} s): "
                f"{speedup:.2f}x, goal >= {GOAL_SPEEDUP}  {verdict}"
                + (f"; errors {one['errors']}/{two['errors']}" if one["errors"] or two["errors"] else "")
            )
    load = os.getloadavg()
    lines.append(f"Load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs.")
    if v.crashed:
        lines.append("Crashed: " + "; ".join(v.crashed))
    if v.failed:
        lines.append(f"{len(v.failed)} goal(s) failed:")
        lines += [f"  - {f}" for f in v.failed]
    print("\n".join(lines))
    return 2 if v.crashed else (1 if v.failed else 0)


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=BASE_DIR, capture_output=True, text=True)
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- main


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="tenth,full", help="comma-separated: tiny, tenth, full (default tenth,full)")
    parser.add_argument("--only", help="only pages whose name contains one of these comma-separated words")
    parser.add_argument("--reps", type=int, default=5, help="timed requests per page (default 5)")
    parser.add_argument("--budget", type=float, default=30, help="seconds per page after which repetitions stop")
    parser.add_argument("--reseed", action="store_true", help="drop the databases and seed them anew")
    parser.add_argument("--no-gunicorn", action="store_true", help="leave out the gunicorn workers comparison")
    parser.add_argument("--duration", type=float, default=20, help="seconds of each gunicorn throughput run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads against gunicorn")
    parser.add_argument(
        "--db-prefix", default="scalebench", help="PostgreSQL database names: PREFIX_tenth, PREFIX_full"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = set(args.sizes) - set(SIZES)
    if unknown or not args.sizes:
        parser.error(f"--sizes takes {', '.join(SIZES)}")
    args.sizes.sort(key=list(SIZES).index)
    return args


def main(argv=None) -> int:
    args = parse(argv)
    if args.child:
        return child(args)

    def say(text):
        print(text, file=sys.stderr, flush=True)

    results, seeding, gunicorn = {}, {}, None
    var_root = BASE_DIR / "var" / "pages-bench"
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        for size in args.sizes:
            db = f"{args.db_prefix}_{size}"
            var_dir = var_root / db  # evidence files stay with their database between runs
            var_dir.mkdir(parents=True, exist_ok=True)
            env = bench_env(db, var_dir)
            seeding[size] = ensure_seeded(size, db, env, args.reseed, say)
            out = Path(tmp) / f"{size}.json"
            say(f"{size}: requesting every page")
            cmd = [PYTHON, __file__, "--child", f"--out={out}", f"--reps={args.reps}", f"--budget={args.budget}"]
            if args.only:
                cmd.append(f"--only={args.only}")
            subprocess.run(cmd, cwd=BASE_DIR, env=env, check=True)
            results[size] = json.loads(out.read_text())
            if size == args.sizes[-1] and not args.no_gunicorn:
                gunicorn = {}
                for target in results[size]["gunicorn"]:
                    if not selected(target["name"], args.only):
                        continue
                    runs = {}
                    for workers in (1, WORKERS):
                        say(f"{size}: gunicorn, {workers} worker(s), {target['name']}")
                        runs[workers] = throughput(
                            env, workers, target, args.duration, args.clients, Path(tmp) / "gunicorn.log"
                        )
                    gunicorn[target["name"]] = runs
    return report(results, seeding, gunicorn, args)


if __name__ == "__main__":
    sys.exit(main())
