"""Checklist files that would cost the server dear are refused before they can (issue #10, points
10 and 11): YAML anchors and aliases (a "billion laughs" bomb among them), nesting deeper than
formats.MAX_DEPTH in YAML or JSON, files over CHECKLIST_IMPORT_MAX_BYTES, and texts over their
caps. Through the API, the admin's upload and the import command alike; nothing is created."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from checklists import formats, reference_data
from checklists.models import Checklist, Criterion, Question
from config.limits import LONG_TEXT

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/checklists/import/"
BUILTIN = reference_data.CHECKLISTS_DIR / "cgt-cdmo-v1.yaml"
DEPTH_MESSAGE = f"lists and mappings are nested more than {formats.MAX_DEPTH} deep here"


def billion_laughs(levels=9, width=9) -> str:
    """The classic alias bomb: `levels` lists of `width` aliases of the list before; the last one
    stands for width**levels (9**9, some 387 million) strings in a file of under 1 KB."""
    lines = ["format: cdmo-checklist/1", "code: BOMB", "name: Bomb", "version: 1"]
    lines.append("l0: &l0 [" + ", ".join(['"lol"'] * width) + "]")
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    lines.append(f"criteria: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def nested_yaml(depth: int) -> str:
    return "format: cdmo-checklist/1\ndescription: " + "[" * depth + "]" * depth + "\n"


def nested_json(depth: int) -> str:
    return '{"format": "cdmo-checklist/1", "description": ' + "[" * depth + "]" * depth + "}"


def upload(text, name="checklist.yaml"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def counts():
    return Checklist.objects.count(), Criterion.objects.count(), Question.objects.count()


@pytest.fixture
def never_built(monkeypatch):
    """Fails the test if the file gets as far as being built into values or validated: the
    refusal must come from reading it."""

    def fail(*args, **kwargs):
        raise AssertionError("the file was built or validated; it should have been refused unread")

    monkeypatch.setattr(yaml, "load", fail)
    monkeypatch.setattr(formats, "json", SimpleNamespace(loads=fail, JSONDecodeError=json.JSONDecodeError))
    monkeypatch.setattr(formats, "validate", fail)


# --------------------------------------------------------------------------- the bomb


def test_the_bomb_is_under_a_kilobyte_and_really_a_bomb():
    bomb = billion_laughs()
    assert len(bomb.encode()) < 1024
    events = list(yaml.parse(bomb, Loader=yaml.SafeLoader))
    assert sum(isinstance(e, yaml.AliasEvent) for e in events) == 8 * 9 + 1


def test_an_alias_bomb_is_400_through_the_api_and_nothing_is_created(api, quality_admin, never_built):
    before = counts()
    response = api.as_user(quality_admin).post(
        IMPORT_URL, {"file": upload(billion_laughs(), "bomb.yaml")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "YAML error at line 5, column 5: an anchor (&l0) is not allowed; checklist files use no anchors "
            "or aliases: write each value out in full."
        ]
    }
    assert counts() == before


def test_an_alias_bomb_is_refused_by_the_admin_upload(client, quality_admin, never_built):
    client.force_login(quality_admin)
    response = client.post(reverse("admin:checklists_checklist_upload"), {"file": upload(billion_laughs())})
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith("YAML error at line 5, column 5: an anchor (&l0) is not allowed")
    assert counts() == (0, 0, 0)


def test_an_alias_bomb_is_refused_by_the_import_command(tmp_path, never_built):
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(CommandError, match=r"bomb\.yaml was not imported \(1 problem\):\n  - YAML error at line 5"):
        call_command("import_checklist", str(path))
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: &n Test\ncode: *n\n", "YAML error at line 1, column 7: an anchor (&n) is not allowed"),
        (
            "format: cdmo-checklist/1\ncriteria:\n  - code: A\n    questions:\n      - &q {code: A.1}\n",
            "YAML error at line 5, column 9: an anchor (&q) is not allowed",
        ),
        # An alias to an anchor that was never set is refused as an alias, not as a syntax error.
        ("format: cdmo-checklist/1\nname: *undefined\n", "YAML error at line 2, column 7: an alias (*undefined)"),
        (
            "defaults: &d {weight: 2}\ncriteria:\n  - <<: *d\n    code: A\n",
            "YAML error at line 1, column 11: an anchor (&d) is not allowed",
        ),
    ],
)
def test_anchors_and_aliases_are_refused_with_line_and_column(text, message, never_built):
    with pytest.raises(formats.ChecklistFileError) as excinfo:
        formats.parse(text, "c.yaml")
    [problem] = excinfo.value.problems
    assert problem.startswith(message)
    assert "write each value out in full" in problem


def test_the_export_writes_no_alias_even_for_a_value_used_twice(checklist):
    document = formats.export_checklist(checklist)
    shared = {"low": 12, "medium": 12, "high": 6, "critical": 6}
    document["scoring"]["requalification_months"] = {"high": shared, "medium": shared, "low": shared}
    text = formats.dump(document)
    assert "&" not in text.replace("R&D", "") and "*id" not in text
    assert formats.parse(text)["scoring"]["requalification_months"]["low"] == shared


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    "text, filename, message",
    [
        (nested_yaml(50_000), "deep.yaml", f"YAML error at line 2, column 23: {DEPTH_MESSAGE}"),
        (nested_json(50_000), "deep.json", f"JSON error at line 1, column 56: {DEPTH_MESSAGE}"),
        (
            "".join("  " * i + "k:\n" for i in range(200)),  # block style
            "deep.yml",
            f"YAML error at line 11, column 21: {DEPTH_MESSAGE}",
        ),
    ],
)
def test_a_file_nested_50000_deep_is_400_naming_where(api, quality_admin, never_built, text, filename, message):
    response = api.as_user(quality_admin).post(IMPORT_URL, {"file": upload(text, filename)}, format="multipart")
    assert response.status_code == 400
    [problem] = response.json()["file"]
    assert problem == message + "; a checklist file needs no more than 7."
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("build, filename", [(nested_yaml, "c.yaml"), (nested_json, "c.json")])
def test_nesting_up_to_the_limit_is_read_and_checked_as_usual(build, filename):
    """The file itself is one level: `description` holds MAX_DEPTH - 1 lists, the deepest allowed;
    it is then refused by the schema like any misplaced value."""
    with pytest.raises(formats.ChecklistFileError, match=DEPTH_MESSAGE):
        formats.parse(build(formats.MAX_DEPTH), filename)
    document = formats.parse(build(formats.MAX_DEPTH - 1), filename)
    assert "description: must be text, got a list" in formats.validate(document)


def test_brackets_inside_json_strings_are_not_nesting():
    text = json.dumps({"format": "cdmo-checklist/1", "name": "[" * 100 + '"{' * 50})
    assert formats.parse(text, "c.json")["name"].startswith("[[[")


# --------------------------------------------------------------------------- size


def test_the_builtin_checklist_fits_the_size_limit_with_room(settings):
    assert settings.CHECKLIST_IMPORT_MAX_BYTES == 2 * 1024 * 1024
    assert BUILTIN.stat().st_size * 10 < settings.CHECKLIST_IMPORT_MAX_BYTES


def test_a_file_over_the_size_limit_is_413_before_it_is_read(api, quality_admin, settings, never_built):
    """Undecodable bytes: had the file been read at all, the answer would be "not UTF-8"."""
    settings.CHECKLIST_IMPORT_MAX_BYTES = 1000
    client = api.as_user(quality_admin)
    response = client.post(IMPORT_URL, {"file": upload(b"\xff" * 1001, "big.yaml")}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"file": ["The file is 1,001 bytes; a checklist file may be at most 1,000 bytes."]}
    assert counts() == (0, 0, 0)


def test_a_file_over_the_size_limit_is_refused_by_the_admin_upload_and_the_command(
    client, quality_admin, settings, tmp_path, never_built
):
    settings.CHECKLIST_IMPORT_MAX_BYTES = 1000
    client.force_login(quality_admin)
    response = client.post(reverse("admin:checklists_checklist_upload"), {"file": upload(b"\xff" * 1001)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is 1,001 bytes; a checklist file may be at most 1,000 bytes."
    ]
    path = Path(tmp_path) / "big.yaml"
    path.write_bytes(b"\xff" * 1001)
    with pytest.raises(CommandError, match="The file is 1,001 bytes"):
        call_command("import_checklist", str(path))
    assert counts() == (0, 0, 0)


def test_the_size_check_reads_nothing_of_an_upload():
    class Upload:
        size = 3 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(formats.ChecklistFileTooLarge) as excinfo:
        formats.read_upload(Upload())
    assert excinfo.value.status_code == 413


def test_a_file_at_the_size_limit_is_read(settings):
    text = nested_yaml(1)
    settings.CHECKLIST_IMPORT_MAX_BYTES = len(text.encode())
    assert formats.parse(text)["description"] == []


# --------------------------------------------------------------------------- the built-in checklist


def test_the_builtin_checklist_exported_as_yaml_imports_again_through_the_api(api, checklist, quality_admin):
    client = api.as_user(quality_admin)
    response = client.get(f"/api/checklists/{checklist.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/yaml"
    text = response.content.decode().replace("\nversion: 1\n", "\nversion: 2\n", 1)
    response = client.post(IMPORT_URL, {"file": upload(text, "CGT-CDMO-v2.yaml")}, format="multipart")
    assert response.status_code == 201, response.json()
    copy = Checklist.objects.get(pk=response.json()["id"])
    assert formats.export_checklist(copy) == {**formats.export_checklist(checklist), "version": 2}


# --------------------------------------------------------------------------- texts in the file


def test_a_text_over_its_cap_is_400_naming_the_question_and_the_cap(api, quality_admin, checklist):
    document = formats.export_checklist(checklist)
    document["version"] = 2
    document["criteria"][0]["questions"][0]["guidance"] = "g" * (LONG_TEXT + 1)
    document["criteria"][1]["description"] = "d" * LONG_TEXT  # at the cap: accepted
    before = counts()
    response = api.as_user(quality_admin).post(
        IMPORT_URL, {"file": upload(formats.dump(document, "json"), "c.json")}, format="multipart"
    )
    assert response.status_code == 400
    code = document["criteria"][0]["questions"][0]["code"]
    criterion = document["criteria"][0]["code"]
    assert response.json() == {
        "file": [
            f"criterion {criterion} question {code}: guidance: is 20001 characters long; at most 20000 are allowed"
        ]
    }
    assert counts() == before

    document["criteria"][0]["questions"][0]["guidance"] = "g" * LONG_TEXT
    response = api.as_user(quality_admin).post(
        IMPORT_URL, {"file": upload(formats.dump(document, "json"), "c.json")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    question = Question.objects.get(checklist_id=response.json()["id"], code=code)
    assert len(question.guidance) == LONG_TEXT


def test_the_schema_caps_are_the_model_caps():
    """docs/checklist.schema.json says the same lengths as the models, so that a file that passes
    the schema fits the database and one the admin would refuse cannot be imported."""
    schema = formats.schema()
    question, criterion = schema["$defs"]["question"]["properties"], schema["$defs"]["criterion"]["properties"]
    pairs = [
        (schema["properties"]["name"], Checklist, "name"),
        (schema["properties"]["description"], Checklist, "description"),
        (criterion["title"], Criterion, "title"),
        (criterion["description"], Criterion, "description"),
        (question["text"], Question, "text"),
        (question["guidance"], Question, "guidance"),
        (question["reference"], Question, "reference"),
        (question["unit"], Question, "unit"),
    ]
    for prop, model, field in pairs:
        assert prop["maxLength"] == model._meta.get_field(field).max_length, (model.__name__, field)
