"""The demo data file, read and checked before anything is written: a mistake in it is reported
by assessment and field instead of failing half-way through the build."""

from pathlib import Path

import yaml

from assessments.choices import ACTION_DONE
from assessments.models import Assessment, CorrectiveAction, Finding
from assessments.planning import NARRATIVE
from vendors.models import GMPCertificate

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
STAGES = ("planned", "in_progress", "returned", "submitted", "approved")
TOP_KEYS = {
    "checklist",
    "auditor_criteria",
    "site_note",
    "certificate_dates",
    "sites",
    "baseline",
    "portal",
    "assessments",
}
REQUIRED = {"key", "vendor", "kind", "mode", "days_ago", "duration_days", "stage", "scope"}
OPTIONAL = {"based_on", "answer_only", "answers", "findings", "return_reason", "narrative"}
ANSWER_KEYS = {"value", "comment", "na_justification"}
UNQUOTED = "write 'yes' and 'no' in quotes (bare, YAML reads them as true and false)"
FINDING_KEYS = {
    "question",
    "classification",
    "downgrade_rationale",
    "fmea",
    "description",
    "requirement",
    "action",
    "follow_up",
}


class DemoDataError(ValueError):
    """The data file cannot be read or does not describe what the builders make."""


def load(path: Path | None = None) -> dict:
    """The data file (demo/data/demo.yaml unless another is given), or DemoDataError."""
    path = path or DATA_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path.name}: {exc}") from exc
    problems = check(data)
    if problems:
        raise DemoDataError(f"{path.name}: " + "; ".join(problems))
    return data


def check(data) -> list[str]:
    """Every problem of the data file, each naming where it is; an empty list when there is none."""
    if not isinstance(data, dict) or TOP_KEYS - set(data):
        return [f"needs the keys {', '.join(sorted(TOP_KEYS))}"]
    problems = [_unknown("the file", data, TOP_KEYS)]
    problems += [_site_problem(site) for site in data["sites"]]
    problems += [f"baseline {code}: {UNQUOTED}" for code, value in data["baseline"].items() if isinstance(value, bool)]
    earlier: list[str] = []
    for spec in data["assessments"]:
        problems += _assessment_problems(spec, set(data["baseline"]), earlier)
        earlier.append(spec.get("key"))
    problems.append(_portal_problem(data["portal"], data["assessments"]))
    return [p for p in problems if p]


def _portal_problem(portal, assessments) -> str:
    """The shared corrective action must be a planned action of an assessment of the vendor."""
    if not isinstance(portal, dict) or {"contact", "vendor", "share"} - set(portal):
        return "portal: needs contact, vendor and share"
    share = portal["share"] or {}
    spec = next((a for a in assessments if a.get("key") == share.get("assessment")), None)
    if spec is None:
        return "portal: share names no assessment"
    if spec["vendor"] != portal["vendor"]:
        return f"portal: {spec['key']} is not an assessment of {portal['vendor']}"
    if not any(f.get("question") == share.get("question") and f.get("action") for f in spec.get("findings", [])):
        return f"portal: {spec['key']} has no corrective action on {share.get('question')}"
    sent = portal.get("questionnaire")
    if sent is not None:
        spec = next((a for a in assessments if a.get("key") == (sent or {}).get("assessment")), None)
        if spec is None or spec["vendor"] != portal["vendor"] or spec.get("mode") != "questionnaire":
            return f"portal: the questionnaire must be a questionnaire-mode assessment of {portal['vendor']}"
        if not isinstance(sent.get("due_days"), int) or sent["due_days"] < 0:
            return "portal: the questionnaire's due_days must be a whole number of days from today"
    return ""


def _unknown(where, mapping, allowed) -> str:
    unknown = set(mapping) - allowed
    return f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}" if unknown else ""


def _site_problem(site) -> str:
    kind = site.get("certificate", {}).get("kind")
    if kind not in GMPCertificate.Kind.values:
        return f"site {site.get('name')!r}: certificate kind {kind!r} is not one of {GMPCertificate.Kind.values}"
    if not set(site.get("grades", "")) <= set("ABCD"):
        return f"site {site.get('name')!r}: grades are letters from ABCD"
    return ""


def _assessment_problems(spec, codes: set, earlier: list) -> list[str]:
    name = f"assessment {spec.get('key')!r}"
    if REQUIRED - set(spec):
        return [f"{name}: needs {', '.join(sorted(REQUIRED - set(spec)))}"]
    stage = spec["stage"]
    rules = [
        (spec["key"] in earlier, "the key is used twice"),
        (spec["kind"] not in Assessment.Kind.values, f"kind is one of {Assessment.Kind.values}"),
        (spec["mode"] not in Assessment.Mode.values, f"mode is one of {Assessment.Mode.values}"),
        (stage not in STAGES, f"stage is one of {STAGES}"),
        ("based_on" in spec and spec["based_on"] not in earlier, "based_on names no earlier assessment"),
        ((stage == "returned") != bool(spec.get("return_reason")), "a return_reason goes with a returned one"),
        (stage == "planned" and bool(spec.get("answers") or spec.get("findings")), "a planned one has no answers"),
    ]
    problems = [f"{name}: {message}" for failed, message in rules if failed]
    problems.append(_unknown(name, spec, REQUIRED | OPTIONAL))
    if "narrative" in spec:
        narrative = spec["narrative"]
        if not isinstance(narrative, dict):
            problems.append(f"{name}: the narrative is a mapping of {', '.join(NARRATIVE)}")
        else:
            problems.append(_unknown(f"{name} narrative", narrative, set(NARRATIVE)))
    for code, answer in spec.get("answers", {}).items():
        problems.append(_answer_problem(f"{name} answer {code}", code, answer, codes))
    for finding in spec.get("findings", []):
        problems.append(_finding_problem(f"{name} finding on {finding.get('question')}", finding, codes))
    return problems


def _answer_problem(where, code, answer, codes: set) -> str:
    if code not in codes:
        return f"{where}: no such question in the baseline"
    if not isinstance(answer, dict) or "value" not in answer:
        return f"{where}: needs a value"
    if isinstance(answer["value"], bool):
        return f"{where}: {UNQUOTED}"
    if (answer["value"] == "na") != bool(answer.get("na_justification")):
        return f"{where}: an N/A answer, and only one, needs an na_justification"
    return _unknown(where, answer, ANSWER_KEYS)


def _finding_problem(where, finding, codes: set) -> str:
    if finding.get("question") not in codes:
        return f"{where}: no such question in the baseline"
    if finding.get("classification") not in Finding.Classification.values:
        return f"{where}: classification is one of {Finding.Classification.values}"
    if finding.get("follow_up") and not finding.get("action"):
        return f"{where}: a follow_up needs an action"
    status = finding.get("follow_up", {}).get("status", CorrectiveAction.Status.OPEN)
    if status not in CorrectiveAction.Status.values:
        return f"{where}: follow-up status is one of {CorrectiveAction.Status.values}"
    if status in ACTION_DONE and not finding["follow_up"].get("verification"):
        return f"{where}: a {status} follow-up needs the QA reviewer's verification"
    return _unknown(where, finding, FINDING_KEYS)
