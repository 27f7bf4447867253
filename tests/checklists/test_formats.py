"""Checklist files (docs/checklist-format.md): parsing, validation, import, export, the built-in
checklist as reference data, and the import_checklist / export_checklist commands."""

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from checklists import formats, reference_data
from checklists.choices import AnswerType
from checklists.formats import ChecklistFileError, dump, export_checklist, import_checklist, parse, validate
from checklists.models import Checklist, Criterion, Question
from checklists.scoring_settings import ScoringSettings
from tests.helpers.checklists import small_document

BUILTIN = reference_data.CHECKLISTS_DIR / "cgt-cdmo-v1.yaml"
SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "checklist.schema.json"
DELETE = object()


def find_question(document, code):
    return next(q for c in document["criteria"] for q in c["questions"] if q["code"] == code)


def find_criterion(document, code):
    return next(c for c in document["criteria"] if c["code"] == code)


def _apply(item, fields):
    for key, value in fields.items():
        if value is DELETE:
            item.pop(key, None)
        else:
            item[key] = value


def set_question(code, /, **fields):
    """A file source: the small document as YAML with one question changed."""

    def source(document):
        _apply(find_question(document, code), fields)
        return dump(document), "checklist.yaml"

    return source


def set_criterion(code, /, **fields):
    def source(document):
        _apply(find_criterion(document, code), fields)
        return dump(document), "checklist.yaml"

    return source


def set_top(**fields):
    def source(document):
        _apply(document, fields)
        return dump(document), "checklist.yaml"

    return source


def raw(text, filename="checklist.yaml"):
    return lambda document: (text, filename)


def row_counts():
    return Checklist.objects.count(), Criterion.objects.count(), Question.objects.count()


@pytest.fixture
def builtin():
    return parse(BUILTIN.read_bytes(), BUILTIN.name)


# --------------------------------------------------------------------------- schema and built-in file


def test_schema_file_is_valid_json_schema_and_the_builtin_file_conforms(builtin):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(builtin)
    assert formats.schema() == schema


def test_schema_is_strict(builtin):
    validator = jsonschema.Draft202012Validator(formats.schema())
    for edit in (
        lambda d: d.update(extra=1),
        lambda d: d["criteria"][0].update(colour="red"),
        lambda d: d["criteria"][0]["questions"][0].update(answer_type="score"),
        lambda d: d["criteria"][0]["questions"][0].update(weight=6),
        lambda d: d["criteria"][0]["questions"][0].update(severity=0),
        lambda d: d["criteria"][0]["questions"][0].update(code="A-1"),
        lambda d: d["criteria"][0].update(code="AB CD"),
        lambda d: d["criteria"][0].update(questions=[]),
        lambda d: d["criteria"][0]["questions"][3].update(expected_answer=True),
        lambda d: d["criteria"][0]["questions"][6].update(condition={"question": "A.6", "equals": True}),
        lambda d: d.pop("version"),
    ):
        document = copy.deepcopy(builtin)
        edit(document)
        assert not validator.is_valid(document)


def test_builtin_file_validates_and_has_nine_guided_criteria(builtin):
    assert validate(builtin) == []
    assert [c["code"] for c in builtin["criteria"]] == list("ABCDEFGHI")
    questions = [q for c in builtin["criteria"] for q in c["questions"]]
    assert len(questions) >= 54
    assert all(len(c["questions"]) >= 6 for c in builtin["criteria"])
    assert all(q["guidance"].strip() and q["reference"].strip() for q in questions)


def test_reference_data_publishes_the_builtin_checklist_once(db, builtin):
    out = StringIO()
    reference_data.load(stdout=out)
    questions = sum(len(c["questions"]) for c in builtin["criteria"])
    assert out.getvalue().strip() == f"Checklists: CGT-CDMO v1 published (9 criteria, {questions} questions)."
    checklist = Checklist.objects.get(code="CGT-CDMO", version=1)
    assert checklist.status == Checklist.Status.PUBLISHED
    assert checklist.published_at is not None and checklist.published_by is None
    assert checklist.criteria.count() == 9 and checklist.questions.count() == questions
    assert all(q.guidance and q.reference for q in checklist.questions.all())
    before = row_counts()

    out = StringIO()
    reference_data.load(stdout=out)
    assert out.getvalue().strip() == "Checklists: CGT-CDMO v1 already loaded (published)."
    assert row_counts() == before


def test_load_reference_data_command_finds_the_checklists(db):
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "Checklists: CGT-CDMO v1 published (9 criteria, " in out.getvalue()
    assert Checklist.objects.get(code="CGT-CDMO").status == Checklist.Status.PUBLISHED


def test_export_of_the_builtin_checklist_is_the_builtin_file(db, builtin):
    reference_data.load()
    exported = export_checklist(Checklist.objects.get(code="CGT-CDMO", version=1))
    assert exported == builtin
    assert list(exported) == ["format", "code", "name", "version", "description", "scoring", "criteria"]


def test_the_documented_example_is_valid_in_yaml_and_json(db):
    text = (Path(settings.BASE_DIR) / "docs" / "checklist-format.md").read_text(encoding="utf-8")
    example = text.split("## A complete example", 1)[1]
    yaml_text = example.split("```yaml\n", 1)[1].split("```", 1)[0]
    json_text = example.split("```json\n", 1)[1].split("```", 1)[0]
    document = parse(yaml_text, "example.yaml")
    assert parse(json_text, "example.json") == document
    assert validate(document) == []
    assert import_checklist(json_text, "example.json").questions.count() == 5


# --------------------------------------------------------------------------- parsing


def test_yaml_and_json_files_import_the_same_checklist(db):
    from_yaml = import_checklist(dump(small_document("FROM-YAML"), "yaml"), "checklist.yaml")
    from_json = import_checklist(dump(small_document("FROM-JSON"), "json").encode(), "checklist.json")
    assert from_yaml.status == from_json.status == Checklist.Status.DRAFT
    assert {**export_checklist(from_json), "code": "FROM-YAML"} == export_checklist(from_yaml)


def test_json_is_recognised_by_extension_or_by_its_first_character():
    text = json.dumps(small_document())
    assert parse(text) == parse(text, "upload.json") == parse("\ufeff \n" + text, None) == small_document()
    assert parse(("\ufeff" + text).encode("utf-8")) == small_document()
    with pytest.raises(ChecklistFileError, match=r"^JSON syntax error at line 2, column 1"):
        parse('{"code": "X",\n}')
    with pytest.raises(ChecklistFileError, match=r"^JSON syntax error at line 1, column 1"):
        parse("format: cdmo-checklist/1", "checklist.json")


@pytest.mark.parametrize(
    "text, filename, message",
    [
        ("format: cdmo-checklist/1\ncode: [X\n", None, "YAML syntax error at line 3, column 1"),
        ("format: cdmo-checklist/1\n  code: X\n", "c.yml", "YAML syntax error at line 2, column 7"),
        (
            "code: A\nname: N\ncode: B\n",
            None,
            "YAML error at line 3, column 1: duplicate key 'code' (first given on line 1)",
        ),
        ('{"code": "A", "code": "B"}', None, "JSON error: duplicate key 'code'"),
        ('{"version": NaN}', None, "JSON error: NaN is not a number JSON allows"),
        (
            "code: !!python/object:os.system x\n",
            None,
            "YAML error at line 1, column 7: could not determine a constructor for the tag",
        ),
        ("", None, "The file is empty."),
        ("- code: A\n", None, "The file must hold one checklist"),
        (b"code: \xff\n", None, "The file is not UTF-8 text (byte 7 cannot be read)."),
    ],
)
def test_unreadable_files_are_refused_with_line_and_column(text, filename, message):
    with pytest.raises(ChecklistFileError) as excinfo:
        parse(text, filename)
    assert excinfo.value.problems[0].startswith(message)


def test_error_lists_every_problem():
    error = ChecklistFileError(["first", "second"])
    assert error.problems == ["first", "second"]
    assert str(error) == "first\nsecond"
    assert ChecklistFileError("only").problems == ["only"]


# --------------------------------------------------------------------------- import


def test_import_creates_a_draft_with_every_field_and_the_defaults(db):
    checklist = import_checklist(dump(small_document()), "checklist.yaml")
    assert (checklist.code, checklist.version, checklist.status) == ("TEST-CL", 1, Checklist.Status.DRAFT)
    assert checklist.description == "For the tests."
    settings_ = checklist.settings()
    assert settings_.critical_below_overall == 55 and settings_.high_below_overall == 75
    assert settings_.requalification_months["low"]["low"] == 48
    assert checklist.scoring_settings == settings_.to_dict()  # stored complete, not just the overrides
    a, b = checklist.criteria.all()
    assert (a.code, a.weight, a.order, b.weight, b.description) == ("A", 2, 0, 1, "QA independence.")
    assert [q.code for q in checklist.questions.all()] == ["A.1", "A.2", "A.3", "B.1", "B.2", "B.2a"]
    a1, a2, a3, b1, b2, b2a = checklist.questions.all()
    assert (a1.answer_type, a1.expected_answer, a1.weight, a1.severity, a1.required, a1.evidence_required) == (
        AnswerType.YES_NO,
        "yes",
        3,
        3,
        True,
        False,
    )
    assert (a2.min_value, a2.max_value, a2.unit, a2.weight, a2.severity, a2.evidence_required) == (
        Decimal(10),
        None,
        "batches",
        4,
        5,
        True,
    )
    assert a3.condition == {"question": "A.1", "equals": "yes"}
    assert b1.required is False and b1.answer_type == AnswerType.MATURITY
    assert (b2.guidance, b2.reference) == ("Free notes.", "ICH Q10")
    assert (b2a.min_value, b2a.max_value, b2a.condition) == (
        Decimal(0),
        Decimal("2.5"),
        {"question": "B.1", "equals": "3"},
    )


def test_import_without_scoring_takes_the_product_defaults(db):
    document = small_document()
    del document["scoring"]
    checklist = import_checklist(dump(document, "json"), "c.json")
    assert checklist.scoring_settings == ScoringSettings().to_dict()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("change", [{"code": "CGT-CDMO-COPY"}, {"version": 2}])
def test_export_import_export_round_trip(db, fmt, change):
    reference_data.load()
    exported = export_checklist(Checklist.objects.get(code="CGT-CDMO", version=1))
    text = dump({**exported, **change}, fmt)
    assert parse(text, f"copy.{fmt}") == {**exported, **change}
    imported = import_checklist(text, f"copy.{fmt}")
    assert imported.status == Checklist.Status.DRAFT
    assert export_checklist(imported) == {**exported, **change}


def test_export_writes_only_the_fields_of_each_answer_type_and_plain_numbers(db):
    exported = export_checklist(import_checklist(dump(small_document()), "checklist.yaml"))
    assert list(exported["criteria"][0]) == ["code", "title", "description", "weight", "questions"]
    common = [
        "code",
        "text",
        "guidance",
        "reference",
        "answer_type",
        "weight",
        "severity",
        "required",
        "evidence_required",
    ]
    questions = {q["code"]: q for c in exported["criteria"] for q in c["questions"]}
    assert list(questions["A.1"]) == [*common, "expected_answer"]
    assert list(questions["A.2"]) == [*common, "min_value", "max_value", "unit"]
    assert list(questions["A.3"]) == [*common, "condition"]
    assert list(questions["B.1"]) == list(questions["B.2"]) == common
    assert list(questions["B.2a"]) == [*common, "min_value", "max_value", "unit", "condition"]
    assert questions["A.2"]["min_value"] == 10 and type(questions["A.2"]["min_value"]) is int
    assert questions["A.2"]["max_value"] is None
    assert questions["B.2a"]["max_value"] == 2.5 and type(questions["B.2a"]["max_value"]) is float
    assert exported["scoring"]["rating_thresholds"]["critical_below_overall"] == 55
    assert type(exported["scoring"]["rating_thresholds"]["high_below_overall"]) is int
    json.dumps(exported)  # plain JSON types only


def test_dump_formats():
    document = small_document()
    text = dump(document)
    assert text.startswith("format: cdmo-checklist/1\ncode: TEST-CL\n")
    assert "condition: {question: A.1, equals: 'yes'}" in text
    assert yaml.safe_load(text) == document
    assert dump(document, "json") == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert "Qualité" in dump({"name": "Qualité"}) and "Qualité" in dump({"name": "Qualité"}, "json")
    multi_line = {"guidance": "First line.\nSecond line.\n"}
    assert yaml.safe_load(dump(multi_line)) == multi_line
    with pytest.raises(ValueError, match="xml"):
        dump(document, "xml")


BAD_FILES = [
    pytest.param(
        raw("format: cdmo-checklist/1\ncode: [TEST\nname: x\n"),
        "YAML syntax error at line 3, column 5",
        id="yaml-syntax",
    ),
    pytest.param(
        raw('{"format": "cdmo-checklist/1",\n "code": }', "c.json"),
        "JSON syntax error at line 2, column 10",
        id="json-syntax",
    ),
    pytest.param(
        set_question("A.3", answer_type="score"),
        "criterion A question A.3: answer_type: must be one of compliance, yes_no, maturity, numeric, text, "
        "got 'score'",
        id="unknown-answer-type",
    ),
    pytest.param(
        set_criterion("B", weight=7), "criterion B: weight: 7 is greater than the maximum of 5", id="criterion-weight-7"
    ),
    pytest.param(
        set_question("A.2", severity=0),
        "criterion A question A.2: severity: 0 is less than the minimum of 1",
        id="severity-0",
    ),
    pytest.param(
        set_question("A.2", weight="high"),
        "criterion A question A.2: weight: must be a whole number, got 'high'",
        id="weight-not-a-number",
    ),
    pytest.param(
        set_question("A.2", min_value="ten"),
        "criterion A question A.2: min_value: must be a number or null, got 'ten'",
        id="limit-not-a-number",
    ),
    pytest.param(
        set_question("B.2", code="B.1"),
        "criterion B question B.1: code: B.1 is used by an earlier question too",
        id="duplicate-question-code",
    ),
    pytest.param(
        set_criterion("B", code="A"),
        "criterion A: code: A is used by an earlier criterion too",
        id="duplicate-criterion-code",
    ),
    pytest.param(
        set_question("B.2", code="A.9"),
        "criterion B question A.9: code: must start with B. (the code of its criterion), got 'A.9'",
        id="question-not-under-its-criterion",
    ),
    pytest.param(set_criterion("B", code="b"), "criterion b: code: must be an upper-case letter", id="criterion-code"),
    pytest.param(
        set_question("A.1", code="A-1"),
        "criterion A question A-1: code: must be a criterion code, a dot and a number",
        id="question-code",
    ),
    pytest.param(
        set_question("A.1", condition={"question": "A.3", "equals": "compliant"}),
        "criterion A question A.1: condition: A.3 comes later in the checklist; a condition must point at an "
        "earlier question",
        id="condition-on-later-question",
    ),
    pytest.param(
        set_question("A.3", condition={"question": "A.3", "equals": "compliant"}),
        "criterion A question A.3: condition: a question cannot depend on itself",
        id="condition-on-itself",
    ),
    pytest.param(
        set_question("A.3", condition={"question": "Z.1", "equals": "yes"}),
        "criterion A question A.3: condition: Z.1 is not a question of this checklist",
        id="condition-on-unknown-question",
    ),
    pytest.param(
        set_question("A.3", condition={"question": "A.1", "equals": "maybe"}),
        "criterion A question A.3: condition.equals: A.1 is a yes_no question and can never have the answer 'maybe'",
        id="condition-value-impossible",
    ),
    pytest.param(
        set_question("B.2a", condition={"question": "B.1", "equals": 5}),
        "criterion B question B.2a: condition.equals: B.1 is a maturity question and can never have the answer 5",
        id="condition-maturity-5",
    ),
    pytest.param(
        set_question("A.3", condition={"question": "A.1"}),
        "criterion A question A.3: condition.equals: is required",
        id="condition-without-value",
    ),
    pytest.param(
        set_question("A.1", expected_answer=DELETE),
        "criterion A question A.1: expected_answer: is required for a yes_no question",
        id="yes-no-without-expected-answer",
    ),
    pytest.param(
        raw(dump(small_document()).replace("expected_answer: 'yes'", "expected_answer: yes")),
        "criterion A question A.1: expected_answer: must be one of yes, no, got true (YAML reads an unquoted "
        "yes, no, on or off as true or false: put the value in quotes)",
        id="unquoted-yes",
    ),
    pytest.param(
        set_question("A.3", min_value=1, unit="%"),
        "criterion A question A.3: min_value: does not apply to a compliance question; remove it",
        id="limits-on-compliance-question",
    ),
    pytest.param(
        set_question("A.2", expected_answer="yes"),
        "criterion A question A.2: expected_answer: does not apply to a numeric question",
        id="expected-answer-on-numeric",
    ),
    pytest.param(
        set_question("A.2", min_value=None),
        "criterion A question A.2: a numeric question needs a min_value, a max_value or both",
        id="numeric-without-limits",
    ),
    pytest.param(
        set_question("B.2a", min_value=5, max_value=2.5),
        "criterion B question B.2a: min_value: 5 is greater than max_value 2.5",
        id="limits-reversed",
    ),
    pytest.param(
        set_question("B.2a", max_value=2.00001),
        "criterion B question B.2a: max_value: 2.00001 has more than 4 decimal places",
        id="limit-precision",
    ),
    pytest.param(
        set_question("B.2a", max_value=1e12),
        "criterion B question B.2a: max_value: 1000000000000.0 is greater than the maximum of 9999999999.9999",
        id="limit-too-large",
    ),
    pytest.param(
        set_criterion("B", questions=[{"code": "B.1", "text": "Notes?", "answer_type": "text"}]),
        "criterion B: needs at least one scored question (all its questions are text)",
        id="criterion-without-scored-question",
    ),
    pytest.param(
        set_criterion("B", questions=[]),
        "criterion B: questions: needs at least one question",
        id="criterion-without-questions",
    ),
    pytest.param(
        set_question("A.2", wieght=3),
        "criterion A question A.2: wieght: unknown field (did you mean weight?)",
        id="unknown-field",
    ),
    pytest.param(set_question("A.2", text=DELETE), "criterion A question A.2: text: is required", id="missing-text"),
    pytest.param(set_top(version=DELETE), "version: is required", id="missing-version"),
    pytest.param(set_top(version=0), "version: 0 is less than the minimum of 1", id="version-0"),
    pytest.param(
        set_top(format="cdmo-checklist/2"),
        "format: must be cdmo-checklist/1, got 'cdmo-checklist/2'",
        id="wrong-format",
    ),
    pytest.param(set_top(code="CGT CDMO"), "code: must contain only letters, digits, - and _", id="checklist-code"),
    pytest.param(set_top(criteria=[]), "criteria: needs at least one criterion", id="no-criteria"),
    pytest.param(
        set_top(scoring={"rating_thresholds": {"critical_below_overall": 80}}),
        "scoring: rating_thresholds: need critical_below_overall <= high_below_overall <= "
        "medium_below_overall, got 80.0 / 75.0 / 90.0",
        id="thresholds-out-of-order",
    ),
    pytest.param(
        set_top(scoring={"rating_thresholds": {"high_below_overall": 150}}),
        "scoring: rating_thresholds.high_below_overall: 150 is greater than the maximum of 100",
        id="threshold-above-100",
    ),
    pytest.param(
        set_top(scoring={"rating_thresholds": {"critical_below": 50}}),
        "scoring: rating_thresholds.critical_below: unknown field (did you mean critical_below_overall?)",
        id="unknown-threshold",
    ),
    pytest.param(
        set_top(scoring={"requalification_months": {"high": {"low": 0}}}),
        "scoring: requalification_months.high.low: 0 is less than the minimum of 1",
        id="months-0",
    ),
    pytest.param(
        set_top(scoring={"requalification_months": {"high": {"low": 12.5}}}),
        "scoring: requalification_months.high.low: must be a whole number, got 12.5",
        id="months-fraction",
    ),
    pytest.param(
        raw(dump(small_document()).replace("  weight: 2\n", "  weight: 2\n  weight: 3\n")),
        "YAML error at line 14, column 3: duplicate key 'weight' (first given on line 13).",
        id="duplicate-yaml-key",
    ),
    pytest.param(raw("[]", "c.json"), "The file must hold one checklist", id="not-a-mapping"),
]


@pytest.mark.parametrize("source, expected", BAD_FILES)
def test_bad_file_is_refused_naming_the_place_and_nothing_is_created(db, source, expected):
    import_checklist(dump(small_document("OTHER")), "other.yaml")  # so that the counts are not all zero
    data, filename = source(small_document())
    before = row_counts()
    with pytest.raises(ChecklistFileError) as excinfo:
        import_checklist(data, filename)
    assert any(problem.startswith(expected) for problem in excinfo.value.problems), excinfo.value.problems
    assert row_counts() == before


def test_every_problem_is_reported_at_once_in_file_order():
    document = small_document()
    find_question(document, "B.2a")["max_value"] = "high"
    find_criterion(document, "A")["weight"] = 9
    find_question(document, "A.1")["expected_answer"] = "maybe"
    document["name"] = ""
    assert validate(document) == [
        "name: must not be empty",
        "criterion A: weight: 9 is greater than the maximum of 5",
        "criterion A question A.1: expected_answer: must be one of yes, no, got 'maybe'",
        "criterion B question B.2a: max_value: must be a number or null, got 'high'",
    ]


def test_a_malformed_criterion_code_is_reported_once_not_for_each_of_its_questions():
    document = small_document()
    find_criterion(document, "B")["code"] = "b"
    assert validate(document) == [
        "criterion b: code: must be an upper-case letter followed by at most 9 upper-case letters or digits "
        "(e.g. D), got 'b'"
    ]


def test_malformed_structure_is_reported_without_crashing():
    document = small_document()
    document["criteria"].append("C")
    document["criteria"][1]["questions"].append(["B.3"])
    document["criteria"][0]["questions"][0]["code"] = ["A.1"]
    document["criteria"][0]["questions"][2]["condition"] = {"question": 3, "equals": {"x": 1}}
    problems = validate(document)
    assert "criterion #3: must be a mapping, got 'C'" in problems
    assert "criterion B question #4: must be a mapping, got a list" in problems
    assert "criterion A question #1: code: must be text, got a list" in problems
    assert "criterion A question A.3: condition.question: must be text, got 3" in problems
    assert validate(["not", "a", "mapping"]) == ["must be a mapping, got a list"]


def test_an_existing_code_and_version_is_refused(db):
    reference_data.load()
    before = row_counts()
    exported = export_checklist(Checklist.objects.get(code="CGT-CDMO", version=1))
    with pytest.raises(ChecklistFileError) as excinfo:
        import_checklist(dump(exported), "cgt.yaml")
    assert excinfo.value.problems == [
        "CGT-CDMO version 1 already exists; a checklist version is never overwritten: give the file a version "
        "number that is not used yet (the latest is 1)."
    ]
    assert row_counts() == before
    assert import_checklist(dump({**exported, "version": 2}), "cgt.yaml").version == 2


def test_a_failure_while_writing_leaves_nothing_behind(db, monkeypatch):
    real_copy_into = formats.copy_into

    def copy_then_fail(checklist, criteria):
        real_copy_into(checklist, criteria)
        assert Question.objects.filter(checklist=checklist).exists()
        raise RuntimeError("database went away")

    monkeypatch.setattr(formats, "copy_into", copy_then_fail)
    before = row_counts()
    with pytest.raises(RuntimeError):
        import_checklist(dump(small_document()), "checklist.yaml")
    assert row_counts() == before


# --------------------------------------------------------------------------- commands


def test_import_command_imports_a_draft_or_publishes(db, tmp_path):
    path = tmp_path / "test.yaml"
    path.write_text(dump(small_document()), encoding="utf-8")
    out = StringIO()
    call_command("import_checklist", str(path), stdout=out)
    assert out.getvalue().strip() == "TEST-CL v1 imported as a draft (2 criteria, 6 questions)."
    assert Checklist.objects.get(code="TEST-CL").status == Checklist.Status.DRAFT

    path = tmp_path / "test-v2.json"
    path.write_text(dump(small_document(version=2), "json"), encoding="utf-8")
    out = StringIO()
    call_command("import_checklist", str(path), "--publish", stdout=out)
    assert out.getvalue().strip() == "TEST-CL v2 published (2 criteria, 6 questions)."
    assert Checklist.objects.get(code="TEST-CL", version=2).status == Checklist.Status.PUBLISHED


def test_import_command_lists_every_problem_and_imports_nothing(db, tmp_path):
    document = small_document()
    find_criterion(document, "B")["weight"] = 7
    find_question(document, "A.3")["min_value"] = 1
    path = tmp_path / "bad.yaml"
    path.write_text(dump(document), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_checklist", str(path), "--publish")
    assert excinfo.value.returncode == 1
    assert str(excinfo.value) == (
        "bad.yaml was not imported (2 problems):\n"
        "  - criterion A question A.3: min_value: does not apply to a compliance question; remove it\n"
        "  - criterion B: weight: 7 is greater than the maximum of 5"
    )
    assert row_counts() == (0, 0, 0)

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_checklist", str(tmp_path / "missing.yaml"))


def test_export_command_writes_yaml_or_json(db, tmp_path):
    reference_data.load()
    expected = export_checklist(Checklist.objects.get(code="CGT-CDMO", version=1))
    out = StringIO()
    call_command("export_checklist", "CGT-CDMO", "1", stdout=out)
    assert parse(out.getvalue()) == expected

    out = StringIO()
    call_command("export_checklist", "CGT-CDMO", "1", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == expected

    target = tmp_path / "cgt.json"
    out = StringIO()
    call_command("export_checklist", "CGT-CDMO", "1", output=str(target), stdout=out)
    assert out.getvalue().strip() == f"CGT-CDMO v1 written to {target} (json)."
    assert json.loads(target.read_text(encoding="utf-8")) == expected


def test_export_command_names_the_versions_that_exist(db):
    reference_data.load()
    with pytest.raises(CommandError, match=r"There is no checklist CGT-CDMO version 7 \(its versions are 1\)\."):
        call_command("export_checklist", "CGT-CDMO", "7")
    with pytest.raises(CommandError, match=r"no checklist has that code"):
        call_command("export_checklist", "NOPE", "1")
