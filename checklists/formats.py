"""Checklist files: read, check, import and export checklist versions as YAML or JSON.

The format is documented for quality administrators in docs/checklist-format.md, and its structure
in docs/checklist.schema.json. A file is checked completely before anything is written, every
problem is reported at once with the criterion and question codes it concerns, and an import
always creates a draft: publishing stays a separate, deliberate step (checklists.publishing).

A file comes from a person, possibly a hostile one, and is refused before it can cost much
(docs/checklist-format.md, "Limits"): larger than CHECKLIST_IMPORT_MAX_BYTES (2 MiB by default)
before it is read or parsed; nested deeper than MAX_DEPTH (the format needs 7 levels) before
anything is built from it, so that no parser or check recurses without end; and in YAML, any
anchor (`&name`) or alias (`*name`). Aliases are what makes a 1 KB "billion laughs" file expand to
a billion values; the format never needs them, so refusing every one, from the parser's events and
before anything is built, is simpler and safer than counting how far they expand. Every import
path (the API, the admin's upload, `manage.py import_checklist`, the built-in checklists) goes
through `import_checklist`, and so through `parse`.
"""

import difflib
import json
import logging
import math
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.conf import settings
from django.db import IntegrityError, transaction

from checklists.scoring_settings import ScoringSettings

from .choices import AnswerType
from .models import Checklist, Question
from .publishing import condition_value_fits, copy_into
from .translation import FIELDS as TRANSLATED_FIELDS
from .translation import LANGUAGES

logger = logging.getLogger(__name__)

FORMAT = "cdmo-checklist/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "checklist.schema.json"
LIMIT_DECIMAL_PLACES = 4  # Question.min_value / max_value store 4 decimal places
#: Deepest nesting of mappings and lists a file may have. The format needs 7 (the file, its
#: criteria, a criterion, its questions, a question, its translations, one language's texts);
#: deeper is refused unread.
MAX_DEPTH = 10

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}
_PATTERN_HINTS = {
    "^[A-Za-z0-9_-]+$": "must contain only letters, digits, - and _ (e.g. CGT-CDMO)",
    "^[A-Z][A-Z0-9]{0,9}$": "must be an upper-case letter followed by at most 9 upper-case letters or digits (e.g. D)",
    r"^[A-Z][A-Z0-9]*\.[0-9]+[a-z]?$": "must be a criterion code, a dot and a number, "
    "optionally followed by a lower-case letter (e.g. D.3 or D.3a)",
}
_YAML_BOOLEAN_HINT = " (YAML reads an unquoted yes, no, on or off as true or false: put the value in quotes)"
_LIST_ITEM_NAMES = {"criteria": "criterion", "questions": "question"}
_TOP = (-1, -1)  # sort position of problems that concern the whole file


class ChecklistFileError(Exception):
    """A checklist file that cannot be imported; `problems` lists every reason, one per line.
    The API answers `status_code`."""

    status_code = 400

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(*self.problems)

    def __str__(self):
        return "\n".join(self.problems)


class ChecklistFileTooLarge(ChecklistFileError):
    """Over CHECKLIST_IMPORT_MAX_BYTES: the API answers 413, like any upload over its limit."""

    status_code = 413


# --------------------------------------------------------------------------- size


def max_bytes() -> int:
    return settings.CHECKLIST_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    """Refuse a file over CHECKLIST_IMPORT_MAX_BYTES, from its size alone."""
    limit = max_bytes()
    if size > limit:
        mib = f" ({limit / (1024 * 1024):.1f} MiB)" if limit >= 1024 * 1024 else ""
        raise ChecklistFileTooLarge(
            f"The file is {size:,} bytes; a checklist file may be at most {limit:,} bytes{mib}."
        )


def read_upload(upload) -> bytes:
    """The content of an uploaded file, refused by its size before any of it is read."""
    check_size(upload.size)
    return upload.read()


# --------------------------------------------------------------------------- parsing


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that refuses a key given twice, which plain YAML would silently overwrite."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first given on line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _too_deep(line: int, column: int, kind: str) -> ChecklistFileError:
    return ChecklistFileError(
        f"{kind} error at line {line}, column {column}: lists and mappings are nested more than "
        f"{MAX_DEPTH} deep here; a checklist file needs no more than 7."
    )


def _check_yaml_events(text: str) -> None:
    """Anchors, aliases and deep nesting, refused from the parser's events: before any node or
    value is built, so that an alias bomb or a deep file costs no more than reading it once."""
    depth = 0
    for event in yaml.parse(text, Loader=_YamlLoader):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            what = "an alias" if sign == "*" else "an anchor"
            raise ChecklistFileError(
                f"YAML error at line {mark.line + 1}, column {mark.column + 1}: {what} ({sign}{event.anchor}) "
                "is not allowed; checklist files use no anchors or aliases: write each value out in full."
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(mark.line + 1, mark.column + 1, "YAML")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


# A JSON string (escapes included) or a bracket: enough to measure nesting without parsing.
_JSON_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]', re.DOTALL)
_JSON_OPEN, _JSON_CLOSE = frozenset("[{"), frozenset("]}")


def _check_json_depth(text: str) -> None:
    """Deep nesting, refused before json.loads, which would recurse once per level."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in _JSON_OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                start = match.start()
                raise _too_deep(text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start), "JSON")
        elif token in _JSON_CLOSE:
            depth -= 1


def _json_object(pairs):
    """A JSON object that refuses a key given twice; linear, so a file of many keys is cheap."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen.add(key)
    return dict(pairs)


def _json_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _is_json(text: str, filename: str | None) -> bool:
    suffix = Path(filename).suffix.lower() if filename else ""
    if suffix == ".json":
        return True
    if suffix in (".yaml", ".yml"):
        return False
    return text.lstrip().startswith("{")


def parse(data: bytes | str, filename: str | None = None) -> dict:
    """The checklist document in a YAML or JSON file; syntax errors are reported by line and
    column so that an administrator can find them in the file. The size, the nesting and (in
    YAML) anchors and aliases are refused before anything is built (module docstring)."""
    check_size(len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass")))
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ChecklistFileError(f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read).") from exc
    else:
        text = data.removeprefix("\ufeff")
    if _is_json(text, filename):
        try:
            _check_json_depth(text)
            document = json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant)
        except json.JSONDecodeError as exc:
            raise ChecklistFileError(f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from exc
        except ValueError as exc:
            raise ChecklistFileError(f"JSON error: {exc}.") from exc
    else:
        try:
            _check_yaml_events(text)
            document = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a safe loader, no aliases left
        except yaml.MarkedYAMLError as exc:
            # A constructor error (a duplicate key, an unknown tag) is well-formed YAML we refuse.
            kind = "error" if isinstance(exc, yaml.constructor.ConstructorError) else "syntax error"
            mark = exc.problem_mark or exc.context_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise ChecklistFileError(f"YAML {kind}{where}: {exc.problem or exc.context}.") from exc
        except yaml.YAMLError as exc:
            raise ChecklistFileError(f"YAML syntax error: {exc}.") from exc
    if document is None:
        raise ChecklistFileError("The file is empty.")
    if not isinstance(document, dict):
        raise ChecklistFileError(
            f"The file must hold one checklist (a mapping with format, code, name, version and criteria), "
            f"not {_show(document)}."
        )
    return document


# --------------------------------------------------------------------------- validation


@cache
def schema() -> dict:
    """docs/checklist.schema.json: the single definition of the file structure."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


class _Report:
    """Problems with their place in the file, listed in file order and each once."""

    def __init__(self, document):
        self.document = document
        self.items = []
        self.schema_paths = set()  # where the schema found problems, so that rules do not repeat them

    def add(self, at, place, field, message):
        self.items.append((at, ": ".join(part for part in (place, field, message) if part)))

    def messages(self) -> list[str]:
        ordered = [message for _, message in sorted(self.items, key=lambda item: item[0])]
        return list(dict.fromkeys(ordered))

    def where(self, ci, qi=None):
        """Sort position and name ("criterion D question D.3") of a criterion or question."""
        criterion = self.document["criteria"][ci]
        place = f"criterion {_code(criterion) or f'#{ci + 1}'}"
        if qi is None:
            return (ci, -1), place
        question = criterion["questions"][qi]
        return (ci, qi), f"{place} question {_code(question) or f'#{qi + 1}'}"

    def locate(self, path):
        """Sort position, place name and remaining field path of a JSON-Schema error path."""
        if len(path) >= 2 and path[0] == "criteria" and isinstance(path[1], int):
            rest = path[2:]
            if len(rest) >= 2 and rest[0] == "questions" and isinstance(rest[1], int):
                return (*self.where(path[1], rest[1]), rest[2:])
            return (*self.where(path[1]), rest)
        if len(path) >= 2 and path[0] == "scoring":
            return _TOP, "scoring", path[1:]
        return _TOP, None, path


def _code(item):
    code = item.get("code") if isinstance(item, dict) else None
    return code[:20] if isinstance(code, str) and code.strip() else None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value) -> str:
    """A value as the administrator wrote it, short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(path) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _explain(error):
    """(extra field path, message) pairs for one JSON-Schema error, in words, not in schema terms."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    boolean_hint = _YAML_BOOLEAN_HINT if isinstance(value, bool) else ""
    if kind == "required":
        return [([name], "is required") for name in expected if name not in value]
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        if error.absolute_path and error.absolute_path[-1] == "translations":
            known = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
            return [
                ([str(name)], f"is not a language a checklist can be translated into; use {known}")
                for name in value
                if name not in allowed
            ]
        problems = []
        for name in (key for key in value if key not in allowed):
            close = difflib.get_close_matches(str(name), allowed, n=1)
            problems.append(([str(name)], "unknown field" + (f" (did you mean {close[0]}?)" if close else "")))
        return problems
    if kind == "type":
        types = [expected] if isinstance(expected, str) else expected
        hint = boolean_hint if "string" in types else ""
        return [([], f"must be {' or '.join(_TYPE_NAMES[t] for t in types)}, got {_show(value)}{hint}")]
    if kind == "enum":
        hint = boolean_hint if any(isinstance(option, str) for option in expected) else ""
        return [([], f"must be one of {', '.join(map(str, expected))}, got {_show(value)}{hint}")]
    if kind == "const":
        return [([], f"must be {expected}, got {_show(value)}")]
    if kind == "pattern":
        return [([], f"{_PATTERN_HINTS.get(expected, f'must match {expected}')}, got {_show(value)}")]
    if kind == "minLength":
        return [([], "must not be empty")]
    if kind == "maxLength":
        return [([], f"is {len(value)} characters long; at most {expected} are allowed")]
    if kind == "minProperties":
        return [([], "must not be empty: leave it out instead")]
    if kind == "minItems":
        name = _LIST_ITEM_NAMES.get(error.absolute_path[-1] if error.absolute_path else None, "item")
        return [([], f"needs at least one {name}")]
    return [([], error.message)]


def _check_schema(report):
    validator = jsonschema.Draft202012Validator(schema())
    for error in validator.iter_errors(report.document):
        path = list(error.absolute_path)
        for extra, message in _explain(error):
            report.schema_paths.add(tuple(path + extra))
            at, place, rest = report.locate(path + extra)
            report.add(at, place, _dotted(rest), message)


def _check_scoring(report):
    if any(path[:1] == ("scoring",) for path in report.schema_paths):
        return  # already explained field by field
    try:
        ScoringSettings.from_dict(report.document.get("scoring"))
    except (ValueError, TypeError) as exc:
        report.add(_TOP, "scoring", None, str(exc))


def _check_limits(report, at, place, question):
    low, high = question.get("min_value"), question.get("max_value")
    if low is None and high is None:
        report.add(at, place, None, "a numeric question needs a min_value, a max_value or both")
    for field, value in (("min_value", low), ("max_value", high)):
        if not _is_number(value):
            continue
        if not math.isfinite(value):
            report.add(at, place, field, "must be a finite number")
        elif Decimal(repr(value)).as_tuple().exponent < -LIMIT_DECIMAL_PLACES:
            report.add(at, place, field, f"{value} has more than {LIMIT_DECIMAL_PLACES} decimal places")
    if _is_number(low) and _is_number(high) and low > high:
        report.add(at, place, "min_value", f"{low} is greater than max_value {high}")


def _check_answer_type(report, at, place, question):
    answer_type = question.get("answer_type")
    if answer_type not in AnswerType.values:
        return  # the schema reports it
    if answer_type == AnswerType.YES_NO and "expected_answer" not in question:
        report.add(
            at, place, "expected_answer", "is required for a yes_no question: say which answer, yes or no, is compliant"
        )
    foreign = [] if answer_type == AnswerType.YES_NO else ["expected_answer"]
    foreign += [] if answer_type == AnswerType.NUMERIC else ["min_value", "max_value", "unit"]
    for field in foreign:
        if field in question:
            report.add(at, place, field, f"does not apply to a {answer_type} question; remove it")
    if answer_type == AnswerType.NUMERIC:
        _check_limits(report, at, place, question)


def _check_condition(report, at, place, question, earlier, all_codes):
    condition = question.get("condition")
    if not isinstance(condition, dict) or not isinstance(condition.get("question"), str):
        return
    target, equals = condition["question"], condition.get("equals")
    if target == question.get("code"):
        report.add(at, place, "condition", "a question cannot depend on itself")
    elif target in earlier:
        answer_type = earlier[target]
        if (
            isinstance(equals, (str, int))
            and not isinstance(equals, bool)
            and answer_type in AnswerType.values
            and not condition_value_fits(Question(answer_type=answer_type), str(equals))
        ):
            report.add(
                at,
                place,
                "condition.equals",
                f"{target} is a {answer_type} question and can never have the answer {_show(equals)}",
            )
    elif target in all_codes:
        report.add(
            at,
            place,
            "condition",
            f"{target} comes later in the checklist; a condition must point at an earlier question",
        )
    else:
        report.add(at, place, "condition", f"{target} is not a question of this checklist")


def _check_translations(report, at, place, item, kind):
    """A translation must translate something: a field the original leaves empty has none."""
    translations = item.get("translations")
    if not isinstance(translations, dict):
        return
    for language, texts in translations.items():
        if not isinstance(texts, dict):
            continue
        for field in TRANSLATED_FIELDS[kind]:
            if field in texts and not (isinstance(item.get(field), str) and item[field].strip()):
                report.add(
                    at,
                    place,
                    f"translations.{language}.{field}",
                    f"translates a {field} that the {kind} does not have: write the {field} first or remove it",
                )


def _items(value):
    """(index, mapping) pairs of a list, skipping what the schema already reports as malformed."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _check_rules(report):
    """What the schema cannot say: codes unique and nested, fields per answer type, conditions."""
    criteria = _items(report.document.get("criteria"))
    all_codes = {
        question.get("code")
        for _, criterion in criteria
        for _, question in _items(criterion.get("questions"))
        if isinstance(question.get("code"), str)
    }
    criterion_codes, earlier = set(), {}  # earlier: question code -> answer type, in file order
    for ci, criterion in criteria:
        at, place = report.where(ci)
        _check_translations(report, at, place, criterion, "criterion")
        criterion_code = criterion.get("code")
        if ("criteria", ci, "code") in report.schema_paths:
            criterion_code = None  # a malformed code would make every question look misplaced
        if isinstance(criterion_code, str):
            if criterion_code in criterion_codes:
                report.add(at, place, "code", f"{criterion_code} is used by an earlier criterion too")
            criterion_codes.add(criterion_code)
        questions = _items(criterion.get("questions"))
        for qi, question in questions:
            q_at, q_place = report.where(ci, qi)
            code = question.get("code")
            if isinstance(code, str):
                if code in earlier:
                    report.add(q_at, q_place, "code", f"{code} is used by an earlier question too")
                elif isinstance(criterion_code, str) and "." in code and code.split(".")[0] != criterion_code:
                    report.add(
                        q_at,
                        q_place,
                        "code",
                        f"must start with {criterion_code}. (the code of its criterion), got {code!r}",
                    )
            _check_answer_type(report, q_at, q_place, question)
            _check_translations(report, q_at, q_place, question, "question")
            _check_condition(report, q_at, q_place, question, earlier, all_codes)
            if isinstance(code, str):
                earlier.setdefault(code, question.get("answer_type"))
        answer_types = [question.get("answer_type") for _, question in questions]
        if answer_types and all(answer_type == AnswerType.TEXT for answer_type in answer_types):
            report.add(at, place, None, "needs at least one scored question (all its questions are text)")


def validate(document: dict) -> list[str]:
    """Every problem in a parsed checklist file, in file order, each naming its place, e.g.
    "criterion D question D.4: min_value: must be a number or null, got 'ten'"; empty if none."""
    report = _Report(document)
    _check_schema(report)
    if isinstance(document, dict):
        _check_scoring(report)
        _check_rules(report)
    return report.messages()


# --------------------------------------------------------------------------- import


def _exists_message(code, version) -> str:
    latest = Checklist.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first()
    return (
        f"{code} version {version} already exists; a checklist version is never overwritten: "
        f"give the file a version number that is not used yet (the latest is {latest})."
    )


def counts(checklist: Checklist) -> str:
    """The size of a checklist for messages, e.g. "9 criteria, 66 questions"."""
    return f"{checklist.criteria.count()} criteria, {checklist.questions.count()} questions"


def import_checklist(data: bytes | str, filename: str | None = None, user=None) -> Checklist:
    """A new DRAFT checklist from a file, all or nothing; refuses a code+version that exists,
    since a version's content must never change once assessments may rest on it."""
    document = parse(data, filename)
    problems = validate(document)
    if problems:
        raise ChecklistFileError(problems)
    code, version = document["code"], document["version"]
    if Checklist.objects.filter(code=code, version=version).exists():
        raise ChecklistFileError(_exists_message(code, version))
    try:
        with transaction.atomic():
            checklist = Checklist.objects.create(
                code=code,
                version=version,
                name=document["name"],
                description=document.get("description", ""),
                scoring_settings=ScoringSettings.from_dict(document.get("scoring")).to_dict(),
            )
            copy_into(checklist, document["criteria"])
    except IntegrityError:
        if Checklist.objects.filter(code=code, version=version).exists():  # imported at the same moment
            raise ChecklistFileError(_exists_message(code, version)) from None
        raise
    logger.info(
        "Checklist %s v%s imported as a draft from %s by %s", code, version, filename or "a file", user or "the system"
    )
    return checklist


# --------------------------------------------------------------------------- export


def _plain_number(value):
    """Decimal limits and float thresholds as the file writes them: 10, not 10.0000."""
    if value is None:
        return None
    if isinstance(value, (Decimal, float)) and value == int(value):
        return int(value)
    return float(value)


def _export_question(question: Question) -> dict:
    item = {
        "code": question.code,
        "text": question.text,
        "guidance": question.guidance,
        "reference": question.reference,
        "answer_type": question.answer_type,
        "weight": question.weight,
        "severity": question.severity,
        "required": question.required,
        "evidence_required": question.evidence_required,
    }
    if question.answer_type == AnswerType.YES_NO and question.expected_answer:
        item["expected_answer"] = question.expected_answer
    if question.answer_type == AnswerType.NUMERIC:
        item["min_value"] = _plain_number(question.min_value)
        item["max_value"] = _plain_number(question.max_value)
        item["unit"] = question.unit
    if question.condition:
        item["condition"] = dict(question.condition)
    if question.translations:
        item["translations"] = _export_translations(question.translations, "question")
    return item


def _export_translations(translations: dict, kind: str) -> dict:
    """Languages in the documented order (any other after them), fields in file order."""
    order = list(LANGUAGES)
    return {
        language: {field: texts[field] for field in TRANSLATED_FIELDS[kind] if field in texts}
        for language, texts in sorted(
            translations.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0])
        )
    }


def _export_criterion(criterion) -> dict:
    item = {
        "code": criterion.code,
        "title": criterion.title,
        "description": criterion.description,
        "weight": criterion.weight,
    }
    if criterion.translations:
        item["translations"] = _export_translations(criterion.translations, "criterion")
    item["questions"] = [_export_question(question) for question in criterion.questions.all()]
    return item


def export_checklist(checklist: Checklist) -> dict:
    """The checklist as a file document (any status), keys in the documented order, so that it
    can be reviewed, kept under change control and imported again as a new version."""
    settings_dict = checklist.settings().to_dict()
    return {
        "format": FORMAT,
        "code": checklist.code,
        "name": checklist.name,
        "version": checklist.version,
        "description": checklist.description,
        "scoring": {
            "rating_thresholds": {k: _plain_number(v) for k, v in settings_dict["rating_thresholds"].items()},
            "requalification_months": settings_dict["requalification_months"],
        },
        "criteria": [_export_criterion(criterion) for criterion in checklist.criteria.prefetch_related("questions")],
    }


class _YamlDumper(yaml.SafeDumper):
    """Readable YAML, as a person would write it: long texts folded, multi-line texts as blocks,
    small mappings (a condition, a row of months) on one line; never an anchor or an alias, which
    the import refuses (a value used twice is written twice)."""

    def ignore_aliases(self, data):
        return True

    def represent_str(self, data):
        style = "|" if "\n" in data else (">" if len(data) > self.best_width else None)
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    def represent_dict(self, data):
        node = super().represent_dict(data)
        node.flow_style = all(not isinstance(value, (dict, list)) for value in data.values()) and len(str(data)) < 60
        return node


_YamlDumper.add_representer(str, _YamlDumper.represent_str)
_YamlDumper.add_representer(dict, _YamlDumper.represent_dict)


def dump(document: dict, fmt: str = "yaml") -> str:
    """The document as YAML or JSON text (UTF-8, not escaped)."""
    if fmt == "yaml":
        return yaml.dump(document, Dumper=_YamlDumper, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"Unknown format {fmt!r}: use yaml or json.")
