"""The mutation tester (benchmarks/mutation.py) itself: it always puts the module back, and a run
that is stopped still reports, and leaves on disk, what it measured.

The tests of a target are replaced by a stand-in here (the logic under test is the tool's own
bookkeeping, not pytest); the module it mutates is a real file in a temporary directory."""

import importlib.util
import json
import os
import signal
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "mutation.py"
RULES = '''"""A rule module."""


def may_sign(user, assessment):
    if user == assessment:
        return False
    return user is not None and assessment is not None
'''


@pytest.fixture
def mutation(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mutation_tool_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    (tmp_path / "rules.py").write_text(RULES, encoding="utf-8")
    (tmp_path / "test_rules.py").write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    monkeypatch.setattr(module, "BASE_DIR", tmp_path)
    monkeypatch.setattr(module, "uncommitted", lambda files: [])
    monkeypatch.setitem(module.TARGETS, "tiny", module.Target(("rules.py",), ("test_rules.py",)))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # no private Redis is started
    monkeypatch.setattr(module, "measure_reach", lambda files, tests, env: None)  # every test, each mutant
    return module


def scripted_tests(mutation, outcomes, on_call=None):
    """A stand-in for `run_tests`: the baseline passes, then one outcome per mutant; an
    exception in `outcomes` is raised instead, as a signal arriving mid-run would."""
    calls = []

    def run_tests(tests, env, timeout=None):
        calls.append(Path(mutation.BASE_DIR, "rules.py").read_text(encoding="utf-8"))
        if on_call:
            on_call(len(calls))
        if len(calls) == 1:
            return mutation.Run("passed", 0.1)
        outcome = outcomes[len(calls) - 2]
        if isinstance(outcome, BaseException):
            raise outcome
        return mutation.Run(outcome, 0.1)

    return run_tests, calls


def test_a_stopped_run_reports_and_writes_the_mutants_that_finished(mutation, tmp_path, monkeypatch, capsys):
    planned = len(mutation.make_mutants("rules.py"))
    assert planned > 3
    run_tests, calls = scripted_tests(mutation, ["failed", "passed", KeyboardInterrupt()])
    monkeypatch.setattr(mutation, "run_tests", run_tests)
    out = tmp_path / "results.json"

    assert mutation.main(["--module", "tiny", "--json", str(out)]) == 130

    assert (tmp_path / "rules.py").read_text(encoding="utf-8") == RULES
    assert not (tmp_path / ("rules.py" + mutation.BACKUP_SUFFIX)).exists()
    assert all(source != RULES for source in calls[1:])  # each test run saw a mutant
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert data["stopped_by"] == "SIGINT"
    tiny = data["targets"]["tiny"]
    assert (tiny["mutants"], tiny["run"]) == (planned, 2)
    assert [r["outcome"] for r in tiny["results"]] == ["killed", "survived"]
    printed = capsys.readouterr().out
    assert f"tiny (stopped: 2 of {planned} run) | 2 | 1 | 0 | 1 | 50% |" in printed
    assert "Survivors:" in printed and tiny["results"][1]["where"] in printed
    assert "Not run to the end: tiny" in printed


def test_sigterm_stops_the_run_the_same_way(mutation, tmp_path, monkeypatch):
    def send_sigterm(call):
        if call == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    run_tests, _ = scripted_tests(mutation, ["failed", "failed", "failed"], on_call=send_sigterm)
    monkeypatch.setattr(mutation, "run_tests", run_tests)
    out = tmp_path / "results.json"

    assert mutation.main(["--module", "tiny", "--json", str(out)]) == 143

    assert (tmp_path / "rules.py").read_text(encoding="utf-8") == RULES
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["stopped_by"], data["targets"]["tiny"]["run"]) == ("SIGTERM", 1)
    assert signal.getsignal(signal.SIGTERM) is not mutation._on_stop_signal  # handler given back


def test_the_json_on_disk_holds_every_finished_mutant_during_the_run(mutation, tmp_path, monkeypatch):
    """So that even SIGKILL, which nothing can catch, leaves the figures measured so far."""
    out = tmp_path / "results.json"
    seen = []

    def read_back(call):
        if call > 1:
            seen.append(json.loads(out.read_text(encoding="utf-8"))["targets"]["tiny"]["run"])

    planned = len(mutation.make_mutants("rules.py"))
    run_tests, _ = scripted_tests(mutation, ["failed"] * planned, on_call=read_back)
    monkeypatch.setattr(mutation, "run_tests", run_tests)

    assert mutation.main(["--module", "tiny", "--json", str(out)]) == 0

    assert seen == list(range(planned))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["complete"] is True and data["targets"]["tiny"]["run"] == planned
    assert not list(tmp_path.glob("*.partial"))


def test_a_complete_run_below_the_goal_fails(mutation, monkeypatch, capsys):
    planned = len(mutation.make_mutants("rules.py"))
    run_tests, _ = scripted_tests(mutation, ["passed"] + ["failed"] * (planned - 1))
    monkeypatch.setattr(mutation, "run_tests", run_tests)
    monkeypatch.setattr(mutation, "GOAL", 1.0)

    assert mutation.main(["--module", "tiny"]) == 1
    assert "Below 100%: tiny" in capsys.readouterr().out


def test_an_error_in_the_tests_still_puts_the_module_back(mutation, tmp_path, monkeypatch):
    run_tests, _ = scripted_tests(mutation, [RuntimeError("pytest crashed")])
    monkeypatch.setattr(mutation, "run_tests", run_tests)

    with pytest.raises(RuntimeError):
        mutation.main(["--module", "tiny"])
    assert (tmp_path / "rules.py").read_text(encoding="utf-8") == RULES
    assert not (tmp_path / ("rules.py" + mutation.BACKUP_SUFFIX)).exists()


def test_a_run_killed_outright_is_repaired_by_the_next(mutation, tmp_path, capsys):
    (tmp_path / ("rules.py" + mutation.BACKUP_SUFFIX)).write_text(RULES, encoding="utf-8")
    (tmp_path / "rules.py").write_text(RULES.replace("==", "!="), encoding="utf-8")

    assert mutation.main(["--module", "tiny", "--list"]) == 0

    assert (tmp_path / "rules.py").read_text(encoding="utf-8") == RULES
    assert not (tmp_path / ("rules.py" + mutation.BACKUP_SUFFIX)).exists()
    assert "Restored rules.py" in capsys.readouterr().out


def test_every_mutant_changes_one_line_and_parses(mutation):
    mutants = mutation.make_mutants("rules.py")
    kinds = {m.kind for m in mutants}
    assert {"compare", "and/or", "guard deleted", "true/false"} <= kinds
    for m in mutants:
        compile(m.source, "rules.py", "exec")
        assert m.source != RULES and m.original != m.mutated


REACHED = '''"""Two rules and a constant."""
LIMIT = 3


def may_sign(user, assessment):
    if user == assessment:
        return False
    return user is not None


def may_close(action):
    return action > LIMIT
'''
REACHING_TESTS = """import rules


def test_sign():
    assert rules.may_sign(1, 2)
    assert not rules.may_sign(1, 1)


def test_close():
    assert rules.may_close(4)


def test_nothing():
    pass
"""


def test_each_mutant_runs_only_the_tests_that_reach_its_function(tmp_path, monkeypatch):
    """Measured for real: pytest under coverage with per-test contexts, in a directory of its own
    (the `mutation` fixture's stand-in is not used here)."""
    spec = importlib.util.spec_from_file_location("mutation_tool_reach", SCRIPT)
    mutation = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, mutation)
    spec.loader.exec_module(mutation)
    monkeypatch.setattr(mutation, "BASE_DIR", tmp_path)
    (tmp_path / "rules.py").write_text(REACHED, encoding="utf-8")
    (tmp_path / "test_rules.py").write_text(REACHING_TESTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # no Django here

    reach = mutation.measure_reach(["rules.py"], ["test_rules.py"], env)

    assert reach.order == ["test_rules.py::test_sign", "test_rules.py::test_close", "test_rules.py::test_nothing"]
    lines = REACHED.splitlines()
    chosen = {m.lineno: reach.tests_for(m, ["test_rules.py"]) for m in mutation.make_mutants("rules.py")}
    assert chosen[lines.index("    if user == assessment:") + 1] == ["test_rules.py::test_sign"]
    assert chosen[lines.index("    return action > LIMIT") + 1] == ["test_rules.py::test_close"]
    assert chosen[lines.index("LIMIT = 3") + 1] == ["test_rules.py"]  # module level: every test


def test_a_selection_the_mutant_renamed_falls_back_to_its_files(mutation, tmp_path, monkeypatch):
    """Tests parametrized from the module change their ids with it: pytest cannot find the ids
    measured on the original, so the files they are in are run instead."""
    chosen = ["test_rules.py::test_sign[a]", "test_rules.py::test_sign[b]"]

    class Reached:
        def tests_for(self, mutant, tests):
            return list(chosen)

    monkeypatch.setattr(mutation, "measure_reach", lambda files, tests, env: Reached())
    given = []

    def run_tests(tests, env, timeout=None):
        given.append(list(tests))
        if len(given) == 1:
            return mutation.Run("passed", 0.1)  # the baseline
        return mutation.Run("unusable" if "::" in tests[0] else "failed", 0.1)

    monkeypatch.setattr(mutation, "run_tests", run_tests)
    out = tmp_path / "results.json"
    assert mutation.main(["--module", "tiny", "--json", str(out)]) == 0
    assert given[1] == chosen and given[2] == ["test_rules.py"]
    results = json.loads(out.read_text(encoding="utf-8"))["targets"]["tiny"]["results"]
    assert {r["outcome"] for r in results} == {"killed"} and results[0]["tests"] == "all tests"
