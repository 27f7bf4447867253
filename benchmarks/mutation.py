#!/usr/bin/env python
"""Mutation testing of the rule modules: do their tests notice when a rule is broken?

    .venv/bin/python benchmarks/mutation.py [--module NAME ...] [--list] [--json PATH]

For each target module it parses the source with `ast` and makes one small change at a time,
of the kinds that break a rule: a comparison flipped (== !=, < <=, > >=, in / not in, is / is
not), `and`/`or` swapped, `&`/`|` swapped (the django-rules predicates), a `not` removed or put
in front of a condition, True/False flipped (keyword arguments such as `sort_keys=True`
included), a small whole number raised by one, and a statement replaced by `pass`: a guard (`if
...: raise/return`), a `raise`, the `return`/`continue` that ends a guard, a call statement
(`transaction.on_commit(...)`, `_require(...)`, `vendor.save(...)`) and an assignment to an
attribute (`vendor.status = ...`). Nothing is generated in docstrings, messages (f-strings, the
exception a `raise` builds), logging calls or type annotations.

Each mutant is written over the module file in place, the target's tests run with
`pytest -x -q -p no:randomly` (the per-target selection in TARGETS, the tests that exercise
that module), and the original file is written back, always: in a `finally`, on Ctrl-C and on
SIGTERM, checked byte for byte. A copy of the original waits beside the file
(`<name>.mutation-orig`) while a mutant is in place, and the next run restores from it should
the script ever be killed outright. A mutant is killed when the tests fail (or time out, or
cannot be imported), and survives when they pass.

A run that is stopped (Ctrl-C, SIGTERM from `timeout`, SIGHUP) puts the file back, prints the
table and the survivors of the mutants that finished, marks each target that did not run to its
end, and exits 130 (Ctrl-C) or 143; `--json` is rewritten after every mutant, so even a run killed
outright leaves the results it measured (`"complete": false`).

Because it rewrites product files, run it only in a checkout you are not editing (the target
files must be committed: it refuses otherwise). It is a benchmark, not part of `make test`; see
benchmarks/README.md, "Mutation testing".
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTEST_ARGS = ["-x", "-q", "-p", "no:randomly", "--reuse-db", "--hypothesis-seed=0", "-W", "ignore"]
BACKUP_SUFFIX = ".mutation-orig"
GOAL = 0.90


@dataclass(frozen=True)
class Target:
    """A rule module (or package) and the tests that exercise it, fastest and sharpest first:
    `-x` stops at the first failure, so a killed mutant costs only the tests before it."""

    files: tuple[str, ...]
    tests: tuple[str, ...]
    required: bool = True  # False: listed and run, but not held to the 90% goal (yet)


TARGETS = {
    "workflow": Target(
        ("assessments/workflow.py",),
        (
            "tests/assessments/test_rules_mutation_workflow.py",
            "tests/assessments/test_workspace_next_step.py",  # what the record waits for, and who
            "tests/assessments/test_vendor_follows_decision.py",
            "tests/assessments/test_api_lifecycle.py",
            "tests/compliance/test_separation_of_duties.py",
            "tests/security/test_text_limits.py",  # the length of every step's reason
            "tests/vendors/test_qualification.py",  # what reopening and lifting do to the vendor
            "tests/assessments/test_return_and_respond.py",  # the return recorded, the response kept
            "tests/assessments/test_frozen_scores.py",  # the scores approved on, kept
            "tests/notifications/test_events.py",  # the lifecycle's signals are what others hear
        ),
    ),
    "signatures": Target(
        ("assessments/signatures.py",),
        (
            "tests/assessments/test_rules_mutation_signatures.py",
            "tests/assessments/test_record.py",
            "tests/assessments/test_api_lifecycle.py",
            "tests/compliance/test_separation_of_duties.py",
        ),
    ),
    "permissions": Target(
        ("assessments/permissions.py",),
        (
            "tests/assessments/test_rules_mutation_permissions.py",
            "tests/compliance/test_separation_of_duties.py",
            "tests/assessments/test_api_lifecycle.py",
            "tests/assessments/test_findings_edit_withdraw_and_comments.py",  # who answers comments
            "tests/test_permission_matrix.py",
        ),
    ),
    "record": Target(
        ("assessments/record.py",),
        (
            "tests/assessments/test_record.py",
            "tests/assessments/test_rules_mutation_record.py",
            "tests/assessments/test_corrective_action_verification.py",  # signatures on an action
        ),
    ),
    "planning": Target(
        ("assessments/planning.py",),
        (
            "tests/assessments/test_rules_mutation_planning.py",
            "tests/compliance/test_separation_of_duties.py",
            "tests/assessments/test_report_narrative.py",
            "tests/notifications/test_events.py",  # who is told of an assignment
        ),
    ),
    "scoring": Target(
        tuple(
            f"assessments/scoring/{name}.py"
            for name in ("answers", "assessment", "criteria", "findings", "numbers", "rating", "submission")
        ),
        (
            "tests/assessments/test_scoring.py",
            "tests/assessments/test_frozen_scores.py",
            "tests/assessments/test_not_approved_reaudit.py",
            "tests/assessments/test_api_score.py",
        ),
    ),
    "findings": Target(
        ("assessments/findings.py",),
        (
            "tests/assessments/test_rules_mutation_findings.py",
            "tests/assessments/test_finding_rules.py",
            "tests/assessments/test_api_findings.py",
            "tests/assessments/test_findings_edit_withdraw_and_comments.py",
            "tests/assessments/test_corrective_action_verification.py",
            "tests/assessments/test_finding_files.py",
            "tests/assessments/test_vendor_follows_decision.py",
            "tests/vendors/test_qualification.py",
            "tests/security/test_text_limits.py",
            "tests/compliance/test_separation_of_duties.py",
        ),
    ),
    "qualification": Target(
        ("vendors/qualification.py",),
        (
            "tests/vendors/test_qualification.py",
            "tests/vendors/test_qualification_paths.py",
            "tests/assessments/test_vendor_follows_decision.py",
            "tests/assessments/test_not_approved_reaudit.py",
            "tests/assessments/test_corrective_action_verification.py",  # lifting a condition
            "tests/assessments/test_rules_mutation_workflow.py",
            "tests/vendors/test_api.py",
        ),
    ),
}


# --- Making mutants ---------------------------------------------------------------------------
COMPARE_SWAP = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BOOL_SWAP = {ast.And: ast.Or, ast.Or: ast.And}
BIT_SWAP = {ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd}
GUARD_ENDS = (ast.Raise, ast.Return, ast.Continue, ast.Break)
SMALL_INT = 100
LOGGING_NAMES = {"logger", "log", "logging", "print", "warnings"}


@dataclass
class Mutant:
    path: str
    lineno: int
    kind: str
    original: str  # the source line as it is
    mutated: str  # the same line with the mutant in place
    source: str = field(repr=False)  # the whole mutated module

    @property
    def where(self) -> str:
        return f"{self.path}:{self.lineno}"


def _is_docstring(node) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_logging_call(node) -> bool:
    """`logger.info(...)`, `logging.warning(...)`, `print(...)`: what they say is no rule."""
    func = node.func if isinstance(node, ast.Call) else None
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in LOGGING_NAMES


def _children(node):
    """(field, index, child) of every child node, in source order."""
    for name, value in ast.iter_fields(node):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield name, index, item
        elif isinstance(value, ast.AST):
            yield name, None, value


SKIPPED_FIELDS = {"annotation", "returns", "decorator_list"}


def _walk(node, path=()):
    """Every node that may be mutated, with its path from the module; not inside messages,
    annotations, docstrings or logging calls."""
    yield node, path
    for name, index, child in _children(node):
        if name in SKIPPED_FIELDS or isinstance(child, ast.JoinedStr) or _is_docstring(child):
            continue
        if isinstance(node, ast.Raise) and name in ("exc", "cause"):
            continue  # the exception a raise builds is its message
        if isinstance(child, ast.Expr) and _is_logging_call(child.value):
            continue
        if isinstance(child, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in child.targets):
            continue
        yield from _walk(child, (*path, (name, index)))


def _with(node, **changes):
    new = copy.copy(node)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def _pass_for(node):
    return ast.copy_location(ast.Pass(), node)


def _is_guard(node) -> bool:
    return isinstance(node, ast.If) and not node.orelse and isinstance(node.body[-1], GUARD_ENDS)


def _conditions(node):
    """The tests of conditions a `not` can be put in front of."""
    if isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
        yield "test", None, node.test
    elif isinstance(node, ast.comprehension):
        for index, test in enumerate(node.ifs):
            yield "ifs", index, test


NEGATABLE = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _negated_elsewhere(test) -> bool:
    """`not` in front of `not x` or of `a == b` is the same mutant as removing the `not` or
    flipping the comparison: made once."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], NEGATABLE)


def mutations(node, parent_guard: bool):
    """(kind, replacement node) for every mutant of this one node."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAP:
                ops = list(node.ops)
                ops[i] = COMPARE_SWAP[type(op)]()
                yield "compare", _with(node, ops=ops)
    elif isinstance(node, ast.BoolOp):
        yield "and/or", _with(node, op=BOOL_SWAP[type(node.op)]())
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BIT_SWAP:
        yield "&/|", _with(node, op=BIT_SWAP[type(node.op)]())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not removed", node.operand
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "true/false", _with(node, value=not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int and abs(node.value) <= SMALL_INT:
        yield "number", _with(node, value=node.value + 1)

    if isinstance(node, ast.stmt):
        if _is_guard(node):
            yield "guard deleted", _pass_for(node)
        elif isinstance(node, ast.Raise) and not parent_guard:
            yield "raise deleted", _pass_for(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield "call deleted", _pass_for(node)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Attribute) for t in node.targets):
            yield "assignment deleted", _pass_for(node)


def _replace(tree, path, new):
    """A copy of `tree` with the node at `path` replaced by `new`."""
    tree = copy.deepcopy(tree)
    parent = tree
    for name, index in path[:-1]:
        parent = getattr(parent, name) if index is None else getattr(parent, name)[index]
    name, index = path[-1]
    if index is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[index] = new
    return tree


def _offset(lines, lineno, col):
    """Character offset of (1-based line, UTF-8 byte column) in the source."""
    line = lines[lineno - 1]
    return sum(len(x) for x in lines[: lineno - 1]) + len(line.encode()[:col].decode())


def _rewrite(source, lines, node, text):
    start = _offset(lines, node.lineno, node.col_offset)
    end = _offset(lines, node.end_lineno, node.end_col_offset)
    return source[:start] + text + source[end:]


def _mutant_source(source, lines, tree, path, node, new):
    """The module's source with only `node` rewritten, checked to parse as exactly the mutated
    tree (with brackets when precedence needs them)."""
    expected = ast.dump(_replace(tree, path, new))
    text = ast.unparse(new)
    candidates = [text, f"({text})"]
    if isinstance(node, ast.If) and lines[node.lineno - 1].lstrip().startswith("elif"):
        candidates = [f"else:\n{' ' * (node.col_offset + 4)}pass"]  # an `elif` guard leaves an empty else
    for candidate in candidates:
        mutated = _rewrite(source, lines, node, candidate)
        try:
            if ast.dump(ast.parse(mutated)) == expected:
                return mutated
        except SyntaxError:
            continue
    raise RuntimeError(f"cannot write the mutant {text!r} at line {node.lineno}")


def make_mutants(path: str) -> list[Mutant]:
    """Every mutant of one file, in source order."""
    source = (BASE_DIR / path).read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    guard_bodies = set()
    for node in ast.walk(tree):
        if _is_guard(node):
            if len(node.body) == 1:
                guard_bodies.add(id(node.body[0]))  # deleting it is deleting the guard
    found, seen = [], {source}
    for node, path_ in _walk(tree):
        candidates = list(mutations(node, id(node) in guard_bodies))
        if _is_guard(node) and len(node.body) > 1:
            last = len(node.body) - 1
            candidates_at = [("guard end deleted", ("body", last), node.body[last], _pass_for(node.body[last]))]
        else:
            candidates_at = []
        for name, index, test in _conditions(node):
            if not _negated_elsewhere(test):
                negated = ast.copy_location(ast.UnaryOp(op=ast.Not(), operand=test), test)
                candidates_at.append(("not added", (name, index), test, negated))
        jobs = [(kind, path_, node, new) for kind, new in candidates]
        jobs += [(kind, (*path_, where), child, new) for kind, where, child, new in candidates_at]
        for kind, at, old, new in jobs:
            mutated = _mutant_source(source, lines, tree, at, old, new)
            if mutated in seen:
                continue
            seen.add(mutated)
            mutated_lines = mutated.splitlines()
            found.append(
                Mutant(
                    path=path,
                    lineno=old.lineno,
                    kind=kind,
                    original=lines[old.lineno - 1].strip(),
                    mutated=mutated_lines[old.lineno - 1].strip() if old.lineno <= len(mutated_lines) else "",
                    source=mutated,
                )
            )
    found.sort(key=lambda m: m.lineno)  # stable: same line keeps the walk's order
    return found


# --- Writing a mutant in place, and always putting the original back -------------------------
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Terminated(Exception):
    """SIGTERM or SIGHUP (`timeout`, a closed terminal): stopped like Ctrl-C."""


def _on_stop_signal(signum, frame):
    raise Terminated(signal.Signals(signum).name)


class StopSignalsHeld:
    """Ctrl-C, SIGTERM and SIGHUP wait while the original is written back: a second Ctrl-C in the
    middle of a restore must not leave a half-written module. They are delivered on leaving."""

    def __enter__(self):
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return False


def _pycache(file: Path):
    return list((file.parent / "__pycache__").glob(f"{file.stem}.*.pyc"))


def restore_left_over(files) -> None:
    """A backup beside a target means a run was killed outright with a mutant in place."""
    for path in files:
        file, backup = BASE_DIR / path, BASE_DIR / (path + BACKUP_SUFFIX)
        if backup.exists():
            shutil.copyfile(backup, file)
            if file.read_bytes() != backup.read_bytes():
                sys.exit(f"Could not restore {path} from {backup.name}; restore it by hand.")
            backup.unlink()
            print(f"Restored {path} from a run that was stopped with a mutant in place.")


class MutantInPlace:
    """`with MutantInPlace(path, source):` the mutant is the file; afterwards the original is,
    byte for byte, whatever happened (exception, Ctrl-C, SIGTERM)."""

    def __init__(self, path: str, source: str):
        self.file = BASE_DIR / path
        self.backup = BASE_DIR / (path + BACKUP_SUFFIX)
        self.source = source

    def __enter__(self):
        self.original = self.file.read_bytes()
        self.backup.write_bytes(self.original)
        for pyc in _pycache(self.file):
            pyc.unlink()
        self.file.write_text(self.source, encoding="utf-8")

    def __exit__(self, *exc):
        with StopSignalsHeld():
            self.file.write_bytes(self.original)
            if self.file.read_bytes() != self.original:
                raise SystemExit(f"{self.file} was not restored; its original is in {self.backup}.")
            self.backup.unlink()
            for pyc in _pycache(self.file):
                pyc.unlink()
        return False


# --- Running the tests ------------------------------------------------------------------------
@dataclass
class Run:
    outcome: str  # passed, failed, timeout
    seconds: float
    output: str = ""


def run_tests(tests, env, timeout=None) -> Run:
    """The target's tests in a process group of their own, killed whole on a timeout."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return Run("timeout", time.monotonic() - started)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    seconds = time.monotonic() - started
    if process.returncode in (4, 5):  # usage error, no tests collected: the selection is wrong
        return Run("unusable", seconds, output)
    return Run("passed" if process.returncode == 0 else "failed", seconds, output)


def run_selection(tests, env, timeout=None) -> Run:
    """`run_tests`, refusing a selection pytest cannot run (a file or test that does not exist)."""
    run = run_tests(tests, env, timeout)
    if run.outcome == "unusable":
        raise SystemExit(f"pytest could not run {' '.join(tests)}:\n{run.output}")
    return run


def _files_of(node_ids) -> list[str]:
    return list(dict.fromkeys(node.split("::", 1)[0] for node in node_ids))


def test_env(var_dir: Path, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        VAR_DIR=str(var_dir),  # its own test database, reused from one mutant to the next
        REDIS_URL=redis_url,
        PYTHONDONTWRITEBYTECODE="1",  # never cache a mutant's bytecode
        PYTHONHASHSEED="0",
    )
    return env


class PrivateRedis:
    """The suite's private Redis (scripts/private-redis.sh) unless REDIS_URL is set."""

    def __init__(self, port: int):
        self.port = port
        self.started = False

    def __enter__(self):
        if os.environ.get("REDIS_URL"):
            return os.environ["REDIS_URL"]
        subprocess.run(["scripts/private-redis.sh", "start", str(self.port)], cwd=BASE_DIR, check=True)
        self.started = True
        return f"redis://127.0.0.1:{self.port}/0"

    def __exit__(self, *exc):
        if self.started:
            subprocess.run(["scripts/private-redis.sh", "stop", str(self.port)], cwd=BASE_DIR, check=False)
        return False


# --- Which of the target's tests reach a mutant -----------------------------------------------
@dataclass
class Reach:
    """The target's tests in collection order, and for each line of its files the tests that ran
    it (coverage.py with pytest-cov's per-test contexts, measured once on the unmutated code). A
    mutant inside a function needs only the tests that ran some line of that function; a mutant at
    module level (run at import, by every test) or in a function no test ran in process (a worker
    in a subprocess, say) is given every test of the target."""

    order: list[str]
    lines: dict[str, dict[int, set[str]]]  # path -> line -> node ids

    def tests_for(self, mutant: Mutant, tests) -> list[str]:
        span = _function_span(mutant)
        if span is None:
            return list(tests)
        by_line = self.lines.get(mutant.path, {})
        reached = set().union(*(by_line.get(line, ()) for line in range(span[0], span[1] + 1)))
        if not reached:
            return list(tests)
        return [node for node in self.order if node in reached]


def _function_span(mutant: Mutant) -> tuple[int, int] | None:
    """First and last line of the innermost function around the mutant, on the original file."""
    tree = ast.parse((BASE_DIR / mutant.path).read_text(encoding="utf-8"))
    spans = [
        (node.lineno, node.end_lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno <= mutant.lineno <= node.end_lineno
    ]
    return min(spans, key=lambda span: span[1] - span[0]) if spans else None


def _test_of(node_id: str) -> str:
    """The test function of a node id, without its parameters: parameter ids (spaces, brackets,
    values made by the module under test) do not always survive the command line or a mutant."""
    return node_id.split("[", 1)[0]


def measure_reach(files, tests, env) -> Reach:
    with tempfile.TemporaryDirectory(prefix="mutation-reach-") as work:
        rc = Path(work, "coveragerc")
        rc.write_text(
            "[run]\ninclude =\n"
            + "".join(f"    {(BASE_DIR / f).resolve()}\n" for f in files)
            + f"data_file = {work}/.coverage\n",
            encoding="utf-8",
        )
        collected = subprocess.run(
            [sys.executable, "-m", "pytest", *PYTEST_ARGS, "--collect-only", *tests],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        order = list(dict.fromkeys(_test_of(line) for line in collected.stdout.splitlines() if "::" in line))
        covered = run_selection(
            [f"--cov-config={rc}", "--cov", "--cov-context=test", "--cov-report=", *tests], env, timeout=None
        )
        if covered.outcome != "passed":
            raise SystemExit(f"The tests fail under coverage without any mutant:\n{covered.output}")
        from coverage import CoverageData

        data = CoverageData(basename=f"{work}/.coverage")
        data.read()
        lines = {}
        for path in files:
            contexts = data.contexts_by_lineno(str((BASE_DIR / path).resolve()))
            lines[path] = {
                line: {_test_of(context.rsplit("|", 1)[0]) for context in names if context}
                for line, names in contexts.items()
            }
    return Reach(order, lines)


# --- The run ----------------------------------------------------------------------------------
@dataclass
class Result:
    mutant: Mutant
    outcome: str  # killed, survived, timeout
    seconds: float
    tests: str = "all tests"  # or "N tests": those that reach the mutant


def uncommitted(files) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", *files], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return status.stdout.splitlines()


@dataclass
class TargetRun:
    """What one target planned and what it measured so far."""

    planned: int = 0
    results: list[Result] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.results) == self.planned


class Progress:
    """Every result as soon as it is measured, and the JSON file rewritten after each one (a new
    file moved over the old, so a reader never sees half of it): however the run ends, even by
    SIGKILL, the file holds every mutant that finished."""

    def __init__(self, json_path: Path | None):
        self.json_path = json_path
        self.targets: dict[str, TargetRun] = {}
        self.stopped_by: str | None = None

    def start(self, name: str, planned: int) -> TargetRun:
        self.targets[name] = TargetRun(planned)
        self.save()
        return self.targets[name]

    def add(self, name: str, result: Result) -> None:
        self.targets[name].results.append(result)
        self.save()

    @property
    def complete(self) -> bool:
        return self.stopped_by is None and all(t.complete for t in self.targets.values())

    def as_json(self) -> dict:
        return {
            "complete": self.complete,
            "stopped_by": self.stopped_by,
            "targets": {
                name: {
                    "mutants": run.planned,
                    "run": len(run.results),
                    "results": [
                        {
                            "where": r.mutant.where,
                            "kind": r.mutant.kind,
                            "outcome": r.outcome,
                            "original": r.mutant.original,
                            "mutated": r.mutant.mutated,
                            "seconds": round(r.seconds, 1),
                            "tests": r.tests,
                            "id": _mutant_id(r.mutant),
                        }
                        for r in run.results
                    ],
                }
                for name, run in self.targets.items()
            },
        }

    def save(self) -> None:
        if self.json_path is None:
            return
        partial = self.json_path.with_name(self.json_path.name + ".partial")
        partial.write_text(json.dumps(self.as_json(), indent=1), encoding="utf-8")
        os.replace(partial, self.json_path)


def run_target(name: str, target: Target, env: dict, progress: Progress, lines=(), select=True) -> None:
    """Run every mutant of one target, recording each result as it comes (so that a stopped run
    still reports what it measured); with `select`, each mutant against the tests that reach it."""
    files = [f for f in target.files if (BASE_DIR / f).exists()]
    tests = [t for t in target.tests if (BASE_DIR / t).exists()]
    if not files or not tests:
        print(f"\n{name}: skipped ({'no module' if not files else 'no tests'} yet)")
        return
    mutants = [m for f in files for m in make_mutants(f) if not lines or m.lineno in lines]
    print(f"\n{name}: {len(mutants)} mutants; tests: {' '.join(tests)}")
    baseline = run_selection(tests, env)
    if baseline.outcome != "passed":
        raise SystemExit(f"The tests of {name} fail without any mutant; fix them first:\n{baseline.output}")
    timeout = 3 * baseline.seconds + 30
    print(f"  baseline {baseline.seconds:.1f} s, timeout {timeout:.0f} s")
    reach = measure_reach(files, tests, env) if select else None
    progress.start(name, len(mutants))
    for number, mutant in enumerate(mutants, 1):
        chosen = reach.tests_for(mutant, tests) if reach else tests
        with MutantInPlace(mutant.path, mutant.source):
            run = run_tests(chosen, env, timeout)
            if run.outcome == "unusable" and chosen != list(tests):
                # The mutant renamed tests that are generated from the module (a parametrized
                # list, say): run the files those tests are in instead.
                chosen = _files_of(chosen)
                run = run_selection(chosen, env, timeout)
            elif run.outcome == "unusable":
                raise SystemExit(f"pytest could not run {' '.join(chosen)}:\n{run.output}")
        outcome = {"failed": "killed", "passed": "survived", "timeout": "timeout"}[run.outcome]
        if outcome == "timeout":
            shutil.rmtree(env["VAR_DIR"], ignore_errors=True)  # a killed run may leave rows behind
            Path(env["VAR_DIR"]).mkdir()
        if chosen is tests or chosen == list(tests):
            ran = "all tests"
        else:
            ran = f"{len(chosen)} {'tests' if all('::' in c for c in chosen) else 'files'}"
        progress.add(name, Result(mutant, outcome, run.seconds, ran))
        print(
            f"  [{number}/{len(mutants)}] {mutant.where} {mutant.kind}: {outcome} ({run.seconds:.1f} s, {ran})",
            flush=True,
        )


def score(results) -> tuple[int, int, int, int, float]:
    killed = sum(r.outcome == "killed" for r in results)
    timeouts = sum(r.outcome == "timeout" for r in results)
    survived = sum(r.outcome == "survived" for r in results)
    total = len(results)
    return total, killed, timeouts, survived, ((killed + timeouts) / total if total else 1.0)


def report(progress: Progress, seconds: float) -> bool:
    """The table and the survivors of what was run; True when every required target that ran
    to its end reaches the goal. A target stopped part-way is shown with how far it got and is
    never counted as reaching the goal."""
    rows = []
    for name, run in progress.targets.items():
        by_file = {}
        for r in run.results:
            by_file.setdefault(r.mutant.path, []).append(r)
        ran = "" if run.complete else f" (stopped: {len(run.results)} of {run.planned} run)"
        rows.append((name + ran, *score(run.results)))
        if len(by_file) > 1:
            rows += [(f"{name}/{Path(p).name}", *score(rs)) for p, rs in by_file.items()]
    print(f"\nMutation testing, {seconds / 60:.1f} min" + ("" if progress.complete else ", stopped before the end"))
    print("| module | mutants | killed | timeouts | survived | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, total, killed, timeouts, survived, ratio in rows:
        print(f"| {name} | {total} | {killed} | {timeouts} | {survived} | {ratio:.0%} |")
    survivors = [r for run in progress.targets.values() for r in run.results if r.outcome == "survived"]
    if survivors:
        print("\nSurvivors:")
        for r in survivors:
            print(f"  {r.mutant.where} [{r.mutant.kind}]\n      {r.mutant.original}\n    → {r.mutant.mutated}")
    short = [
        name
        for name, run in progress.targets.items()
        if TARGETS[name].required and run.complete and score(run.results)[-1] < GOAL
    ]
    if short:
        print(f"\nBelow {GOAL:.0%}: {', '.join(short)}")
    unfinished = [name for name, run in progress.targets.items() if not run.complete]
    if unfinished:
        print(f"Not run to the end: {', '.join(unfinished)}")
    if progress.json_path:
        print(f"Results written to {progress.json_path}")
    return not short and progress.complete


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(TARGETS), help="run only this target (repeatable)")
    parser.add_argument("--list", action="store_true", help="only list the mutants; run nothing")
    parser.add_argument("--line", type=int, action="append", help="only the mutants of this line (repeatable)")
    parser.add_argument("--json", type=Path, help="write the results to this file, after each mutant")
    parser.add_argument(
        "--all-tests", action="store_true", help="run every test of the target on each mutant, not those that reach it"
    )
    args = parser.parse_args(argv)
    names = args.module or list(TARGETS)
    files = [f for name in names for f in TARGETS[name].files if (BASE_DIR / f).exists()]
    restore_left_over(files)

    if args.list:
        for name in names:
            mutants = [
                m
                for f in TARGETS[name].files
                if (BASE_DIR / f).exists()
                for m in make_mutants(f)
                if not args.line or m.lineno in args.line
            ]
            print(f"{name}: {len(mutants)} mutants")
            for m in mutants:
                print(f"  {m.where} [{m.kind}]\n      {m.original}\n    → {m.mutated}")
        return 0

    dirty = uncommitted(files)
    if dirty:
        sys.exit("Commit or stash the target modules first (the mutants are written over them):\n" + "\n".join(dirty))
    previous = {number: signal.signal(number, _on_stop_signal) for number in STOP_SIGNALS[1:]}
    started = time.monotonic()
    progress = Progress(args.json)
    var_dir = Path(tempfile.mkdtemp(prefix="mutation-"))
    try:
        with PrivateRedis(int(os.environ.get("PRIVATE_REDIS_PORT", "6391"))) as redis_url:
            env = test_env(var_dir, redis_url)
            for name in names:
                run_target(name, TARGETS[name], env, progress, set(args.line or ()), select=not args.all_tests)
    except KeyboardInterrupt:
        progress.stopped_by = "SIGINT"
    except Terminated as stop:
        progress.stopped_by = str(stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        shutil.rmtree(var_dir, ignore_errors=True)
    if progress.stopped_by:
        print(f"\nStopped ({progress.stopped_by}); every target file is back as it was.")
        print("The figures below are of the mutants that finished.")
    progress.save()
    left = uncommitted(files)
    if left:
        print("A target file differs from git after the run, check it:\n" + "\n".join(left))
    ok = report(progress, time.monotonic() - started)
    if left:
        return 2
    if progress.stopped_by:
        return 130 if progress.stopped_by == "SIGINT" else 143
    return 0 if ok else 1


def _mutant_id(mutant: Mutant) -> str:
    return hashlib.sha256(mutant.source.encode()).hexdigest()[:12]


if __name__ == "__main__":
    sys.exit(main())
