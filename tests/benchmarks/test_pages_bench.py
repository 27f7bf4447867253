"""The page benchmark (benchmarks/pages_bench.py): its verdicts, and one run of the script itself
at the tiny size on PostgreSQL."""

import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from argparse import Namespace
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "pages_bench.py"


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("pages_bench_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def page(name, ms, queries=10, size=1000, n=5):
    return {"name": name, "user": "scale-admin-01", "ms": ms, "queries": queries, "bytes": size, "n": n}


def results(tenth, full, rss=150.0):
    return {
        "tenth": {"pages": tenth, "memory": {"VmRSS": rss, "VmHWM": rss}, "gunicorn": []},
        "full": {"pages": full, "memory": {"VmRSS": rss, "VmHWM": rss}, "gunicorn": []},
    }


def run_report(bench, data, gunicorn=None):
    seeding = {size: {"seconds": None, "output": "Already seeded"} for size in data}
    args = Namespace(reps=5, budget=30.0, clients=4, duration=20.0)
    return bench.report(data, seeding, gunicorn, args)


def test_pages_within_every_goal_pass(bench, capsys):
    data = results(
        [page("baseline", 4), page("vendor list", 30), page(bench.COMPARE_ALL, 70)],
        [page("baseline", 4), page("vendor list", 33), page(bench.COMPARE_ALL, 75)],
    )
    assert run_report(bench, data) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and out.count("PASS") == 3  # two pages and the memory


def test_each_goal_fails_on_its_own(bench, capsys):
    data = results(
        [page("baseline", 4), page("slow", 50), page("growing", 10), page("more queries", 10, queries=10)],
        [page("baseline", 4), page("slow", 50), page("growing", 20), page("more queries", 10, queries=11)],
        rss=250.0,
    )
    assert run_report(bench, data) == 1
    out = capsys.readouterr().out
    assert "slow: 12.5x the baseline > 10x" in out
    assert "growing: full/tenth 2.00x > 1.3" in out
    assert "more queries: queries 10 -> 11" in out
    assert "RSS 250 MiB > 200" in out


def test_a_crashed_page_exits_2(bench, capsys):
    data = results([page("baseline", 4), page("broken", 5)], [page("baseline", 4), {"name": "broken",
                   "user": "scale-admin-01", "error": "HTTP 500"}])  # fmt: skip
    assert run_report(bench, data) == 2
    assert "broken at full: HTTP 500" in capsys.readouterr().out


def test_a_speed_up_above_the_worker_count_is_noise_not_a_pass(bench, capsys):
    data = results([page("baseline", 4)], [page("baseline", 4)])

    def run(rps):
        return {"rps": rps, "requests": int(rps * 20), "errors": 0, "seconds": 20.0}

    gunicorn = {"vendor list": {1: run(2.0), 2: run(4.6)}, "workspace": {1: run(2.0), 2: run(3.0)}}
    assert run_report(bench, data, gunicorn) == 1
    out = capsys.readouterr().out
    assert "vendor list: 1 worker 2.00 req/s" in out and "2.30x, goal >= 1.7  NOISE" in out
    assert "workspace: 1.50x < 1.7" in out


def postgres_reachable() -> bool:
    try:
        import psycopg

        url = os.environ.get("PAGES_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        psycopg.connect(f"{url}/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not postgres_reachable(), reason="the page benchmark needs PostgreSQL")
def test_the_script_runs_every_page_at_the_tiny_size(bench):
    prefix = f"test_pagesbench_{uuid.uuid4().hex[:8]}"
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "--sizes=tiny", "--reps=1", "--no-gunicorn", f"--db-prefix={prefix}"],
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        bench.admin_sql(f'DROP DATABASE IF EXISTS "{prefix}_tiny"')
        shutil.rmtree(bench.BASE_DIR / "var" / "pages-bench" / f"{prefix}_tiny", ignore_errors=True)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("baseline", "home, admin", "workspace, 200 questions", "API answers PUT one item", "API users"):
        assert f"\n{name} " in done.stdout, name
    assert "Crashed" not in done.stdout
