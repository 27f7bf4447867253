"""Checklists in English and Simplified Chinese: the built-in checklist's zh-hans translation is
complete, the file format carries translations in and out, bad ones are refused naming the
place, `text_of` falls back to the original, and no translation changes what a signature covers."""

import copy
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation as django_translation

from assessments import record
from audit.models import AuditEntry
from checklists import formats, publishing, reference_data
from checklists.formats import ChecklistFileError, dump, export_checklist, import_checklist, parse, validate
from checklists.models import Checklist, ChecklistLocked, Criterion, Question
from checklists.translation import LANGUAGES, missing, normalise, text_of
from tests.factories import approved_assessment
from tests.helpers.checklists import small_document

BUILTIN = reference_data.CHECKLISTS_DIR / "cgt-cdmo-v1.yaml"
ZH = "zh-hans"
#: Numbers as the English writes them ("3 520", "0.5", "2.6.27", "10"), which a translation keeps.
NUMBER = re.compile(r"\d+(?:[ .,]\d+)*")
#: Regulation references and codes that stay as they are in every language.
KEPT = re.compile(
    r"(?<![A-Za-z])(?:Annex 1|Part IV|Part I|Ph\. Eur\.|21 CFR|EudraLex|EudraGMDP|ISBT 128|ST-028|ICH Q\d+|PIC/S"
    r"|FDA|GMP|ATMP|OOS|CAPA|QA|QC|LIMS|APS|CCS|PPQ|TSE|GMO|RCL|RCR|rcAAV|RCA|AAV|ALCOA\+|qPCR|ddPCR|[A-I]\.\d+)"
    r"(?![A-Za-z])"
)


def builtin():
    return parse(BUILTIN.read_bytes(), BUILTIN.name)


def parts(document):
    """(kind, item) for every criterion and question of a document, in file order."""
    for criterion in document["criteria"]:
        yield "criterion", criterion
        for question in criterion["questions"]:
            yield "question", question


def translated(document):
    """The small document with a zh-hans translation on criterion A and questions A.1 and A.2."""
    a = document["criteria"][0]
    a["translations"] = {ZH: {"title": "经验"}}
    a["questions"][0]["translations"] = {ZH: {"text": "场地是否处理病毒载体？", "guidance": "索取载体清单。"}}
    a["questions"][1]["translations"] = {ZH: {"text": "过去3年的GMP批次？"}}
    return document


def without_translations(document):
    document = copy.deepcopy(document)
    for _, item in parts(document):
        item.pop("translations", None)
    return document


def upload(text, name="checklist.yaml"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


# --------------------------------------------------------------------------- the built-in translation


def test_every_builtin_criterion_and_question_has_its_zh_hans_text():
    """Fails naming each criterion title or description and each question text or guidance
    that has English but no Simplified Chinese."""
    document = builtin()
    gaps = []
    for kind, item in parts(document):
        texts = item.get("translations", {}).get(ZH, {})
        fields = ("title", "description") if kind == "criterion" else ("text", "guidance")
        for field in fields:
            if item.get(field, "").strip() and not texts.get(field, "").strip():
                gaps.append(f"{kind} {item['code']}: {field}")
    assert gaps == []
    assert sum(1 for kind, _ in parts(document) if kind == "question") == 66


def test_the_builtin_translation_is_chinese_and_keeps_numbers_codes_and_references():
    problems = []
    for _, item in parts(builtin()):
        for field, zh in item["translations"][ZH].items():
            english = item[field]
            if not re.search(r"[\u4e00-\u9fff]", zh):
                problems.append(f"{item['code']} {field}: not Chinese")
            lost = set(NUMBER.findall(english)) - set(NUMBER.findall(zh))
            lost |= set(KEPT.findall(english)) - set(KEPT.findall(zh))
            if lost:
                problems.append(f"{item['code']} {field}: {sorted(lost)}")
    assert problems == []


def test_the_loaded_builtin_checklist_has_every_translation(checklist):
    assert [str(c) for c in checklist.criteria.all() if missing(c, "criterion", ZH)] == []
    assert [q.code for q in checklist.questions.all() if missing(q, "question", ZH)] == []
    question = checklist.questions.get(code="D.3")
    assert text_of(question, "text", ZH) == "过去12个月内进行的无菌工艺模拟中，共发现多少个污染单元？"
    assert text_of(question, "reference", ZH) == question.reference  # references are not translated


# --------------------------------------------------------------------------- import and export


def full_document(code):
    """The small document written out in full (every default explicit), as an export writes it."""
    document = export_checklist(import_checklist(dump(small_document("SMALL")), "small.yaml"))
    return {**document, "code": code}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_import_then_export_gives_the_same_document_with_its_translations(db, fmt):
    document = translated(full_document("TRANSLATED"))
    checklist = import_checklist(dump(document, fmt), f"checklist.{fmt}")
    assert checklist.criteria.get(code="A").translations == {ZH: {"title": "经验"}}
    assert checklist.questions.get(code="A.1").translations[ZH]["guidance"] == "索取载体清单。"
    exported = export_checklist(checklist)
    assert exported == document
    assert list(exported["criteria"][0]) == ["code", "title", "description", "weight", "translations", "questions"]
    assert list(exported["criteria"][0]["questions"][0])[-1] == "translations"


def test_a_file_without_translations_exports_without_them(db):
    document = full_document("PLAIN")
    exported = export_checklist(import_checklist(dump(document), "checklist.yaml"))
    assert exported == document
    assert not any("translations" in item for _, item in parts(exported))


def test_the_builtin_file_round_trips_with_its_translations(checklist):
    exported = export_checklist(checklist)
    assert exported == builtin()
    copy_of = import_checklist(dump({**exported, "version": 2}), "copy.yaml")
    assert export_checklist(copy_of) == {**exported, "version": 2}


def test_a_new_version_keeps_the_translations(checklist):
    draft = publishing.new_version(checklist)
    assert export_checklist(draft)["criteria"] == export_checklist(checklist)["criteria"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda q: q.update(translations={"zh_CN": {"text": "是否？"}}),
            "criterion A question A.1: translations.zh_CN: is not a language a checklist can be translated "
            "into; use zh-hans (Simplified Chinese)",
        ),
        (
            lambda q: q.update(translations={"en": {"text": "Really?"}}),
            "criterion A question A.1: translations.en: is not a language a checklist can be translated into",
        ),
        (
            lambda q: q.update(translations={ZH: {"text": 42}}),
            "criterion A question A.1: translations.zh-hans.text: must be text, got 42",
        ),
        (
            lambda q: q.update(translations={ZH: {"text": ["是", "否"]}}),
            "criterion A question A.1: translations.zh-hans.text: must be text, got a list",
        ),
        (
            lambda q: q.update(translations={ZH: "是否处理病毒载体？"}),
            "criterion A question A.1: translations.zh-hans: must be a mapping, got '是否处理病毒载体？'",
        ),
        (
            lambda q: q.update(translations={ZH: {"reference": "欧盟GMP"}}),
            "criterion A question A.1: translations.zh-hans.reference: unknown field",
        ),
        (
            lambda q: q.update(translations={ZH: {"text": ""}}),
            "criterion A question A.1: translations.zh-hans.text: must not be empty",
        ),
        (
            lambda q: q.update(translations={ZH: {}}),
            "criterion A question A.1: translations.zh-hans: must not be empty: leave it out instead",
        ),
        (
            lambda q: q.update(translations={}),
            "criterion A question A.1: translations: must not be empty: leave it out instead",
        ),
        (
            lambda q: q.update(guidance="", translations={ZH: {"guidance": "索取载体清单。"}}),
            "criterion A question A.1: translations.zh-hans.guidance: translates a guidance that the question "
            "does not have",
        ),
    ],
)
def test_a_bad_translation_is_refused_naming_its_place_and_nothing_is_created(db, edit, expected):
    document = small_document()
    edit(document["criteria"][0]["questions"][0])
    with pytest.raises(ChecklistFileError) as refused:
        import_checklist(dump(document), "checklist.yaml")
    assert any(problem.startswith(expected) for problem in refused.value.problems), refused.value.problems
    assert Checklist.objects.count() == Criterion.objects.count() == Question.objects.count() == 0


def test_a_criterion_translation_is_checked_too():
    document = small_document()
    document["criteria"][1]["translations"] = {"zh-Hant": {"title": 7}}
    document["criteria"][0]["translations"] = {ZH: {"title": "经验", "description": "说明"}}
    assert validate(document) == [
        "criterion A: translations.zh-hans.description: translates a description that the criterion does not "
        "have: write the description first or remove it",
        "criterion B: translations.zh-Hant: is not a language a checklist can be translated into; "
        "use zh-hans (Simplified Chinese)",
    ]


def test_the_api_import_answers_400_for_a_bad_translation_and_creates_nothing(api, quality_admin):
    client = api.as_user(quality_admin)
    document = translated(small_document("UPLOAD"))
    document["criteria"][0]["questions"][1]["translations"] = {"fr": {"text": "Lots GMP ?"}}
    document["criteria"][0]["questions"][0]["translations"][ZH]["text"] = True
    response = client.post("/api/checklists/import/", {"file": upload(dump(document))}, format="multipart")
    assert response.status_code == 400
    problems = response.json()["file"]
    assert "criterion A question A.1: translations.zh-hans.text: must be text, got true" in problems[0]
    assert problems[1].startswith("criterion A question A.2: translations.fr: is not a language")
    assert Checklist.objects.filter(code="UPLOAD").count() == 0

    document = translated(full_document("UPLOAD"))
    response = client.post("/api/checklists/import/", {"file": upload(dump(document))}, format="multipart")
    assert response.status_code == 201, response.json()
    assert export_checklist(Checklist.objects.get(code="UPLOAD")) == document


# --------------------------------------------------------------------------- reading a translation


def test_text_of_gives_the_translation_or_falls_back_to_the_original(db):
    checklist = import_checklist(dump(translated(small_document())), "checklist.yaml")
    a1 = checklist.questions.get(code="A.1")
    a2 = checklist.questions.get(code="A.2")
    b1 = checklist.questions.get(code="B.1")
    criterion = checklist.criteria.get(code="A")
    assert text_of(a1, "text", "zh-hans") == "场地是否处理病毒载体？"
    assert text_of(a1, "text", "zh-Hans") == text_of(a1, "text", "zh_hans") == "场地是否处理病毒载体？"
    assert text_of(a1, "text", "zh-cn") == "场地是否处理病毒载体？"  # Django's fallback for zh-cn
    assert text_of(a1, "text", "en") == text_of(a1, "text", "en-gb") == "Are viral vectors handled on site?"
    assert text_of(a1, "text", "de") == "Are viral vectors handled on site?"
    assert text_of(a2, "guidance", ZH) == ""  # no guidance in either language
    assert text_of(b1, "text", ZH) == "How mature is the CAPA system?"  # no translation at all
    assert text_of(criterion, "title", ZH) == "经验"
    assert text_of(criterion, "description", ZH) == ""
    with django_translation.override("zh-hans"):
        assert text_of(a1, "text") == "场地是否处理病毒载体？"
    with django_translation.override("en"):
        assert text_of(a1, "text") == "Are viral vectors handled on site?"


def test_language_codes_are_normalised_to_the_translation_keys():
    assert list(LANGUAGES) == [ZH]
    assert [normalise(code) for code in ("zh-hans", "ZH-HANS", "zh_Hans", "zh-cn", "zh-sg")] == [ZH] * 5
    assert [normalise(code) for code in ("en", "en-gb", "zh-hant", "zh-tw", "", None)] == [None] * 6


# --------------------------------------------------------------------------- frozen with the version


def test_translations_of_a_published_version_cannot_be_changed(checklist):
    question = checklist.questions.get(code="A.1")
    question.translations = {ZH: {"text": "改过的问题？"}}
    with pytest.raises(ChecklistLocked):
        question.save()
    criterion = checklist.criteria.get(code="A")
    criterion.translations = {}
    with pytest.raises(ChecklistLocked):
        criterion.save()
    assert checklist.questions.get(code="A.1").translations[ZH]["text"].startswith("过去3年内")


def test_translations_of_a_draft_can_be_edited(db):
    checklist = import_checklist(dump(small_document()), "checklist.yaml")
    question = checklist.questions.get(code="B.1")
    question.translations = {ZH: {"text": "CAPA体系的成熟度如何？"}}
    question.save()
    assert export_checklist(checklist)["criteria"][1]["questions"][0]["translations"] == {
        ZH: {"text": "CAPA体系的成熟度如何？"}
    }


# --------------------------------------------------------------------------- an installation from before


def install_without_translations(**changed_text):
    """CGT-CDMO v1 as an installation that loaded it before the file carried translations has
    it: published, no translations; `changed_text` gives some questions another text."""
    document = without_translations(builtin())
    for _, item in parts(document):
        if item["code"] in changed_text:
            item["text"] = changed_text[item["code"]]
    return publishing.publish(import_checklist(dump(document), "cgt-cdmo-v1.yaml"))


def test_an_earlier_installation_gets_the_shipped_translations_once_recorded_by_system(db):
    checklist = install_without_translations(**{"B.1": "A text this installation has and the file does not."})
    question_type = ContentType.objects.get_for_model(Question)
    before = AuditEntry.objects.filter(content_type=question_type).count()

    reference_data.load()

    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.PUBLISHED
    assert [q.code for q in checklist.questions.all() if missing(q, "question", ZH)] == ["B.1"]
    assert [c.code for c in checklist.criteria.all() if missing(c, "criterion", ZH)] == []
    assert export_checklist(checklist)["criteria"][0] == builtin()["criteria"][0]
    entries = AuditEntry.objects.filter(content_type=question_type).order_by("pk")[before:]
    assert len(entries) == 65
    entry = entries[0]
    assert entry.actor is None and entry.username == "system"
    assert entry.reason == "Translations shipped with the built-in checklist Cell and gene therapy CDMO assessment v1"
    assert list(entry.changes_dict) == ["translations"]

    from io import StringIO

    out = StringIO()
    reference_data.load(stdout=out)
    assert out.getvalue().strip() == "Checklists: CGT-CDMO v1 already loaded (published)."
    assert AuditEntry.objects.filter(content_type=question_type).count() == before + 65


def test_the_shipped_translations_leave_the_signed_record_and_its_hash_as_they_were(db, vendor, lead_auditor, reviewer):
    checklist = install_without_translations()
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    content = record.canonical_content(assessment)
    before = record.hash_of(content)
    assert all(state.valid for state in record.signature_states(assessment, before))

    assert "translations added to 75 criteria and questions" in _load()
    assert checklist.questions.exclude(translations={}).count() == 66

    assert record.canonical_content(assessment) == content
    after = record.hash_of(record.canonical_content(assessment))
    assert after == before
    assert all(state.valid for state in record.signature_states(assessment, after))
    assert not re.search(r"[\u4e00-\u9fff]", record.canonical_json(content))


def test_the_hash_is_the_same_whether_the_checklist_has_translations_or_not(checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    with_translations = record.hash_of(record.canonical_content(assessment))
    # What a database without them holds, written past the lock as only SQL could.
    Question.objects.filter(checklist=checklist).update(translations={})
    Criterion.objects.filter(checklist=checklist).update(translations={})
    assert record.hash_of(record.canonical_content(assessment)) == with_translations


def _load() -> str:
    from io import StringIO

    out = StringIO()
    reference_data.load(stdout=out)
    return out.getvalue()


def test_formats_module_names_the_languages_the_schema_allows():
    schema = formats.schema()["$defs"]
    assert list(schema["question"]["properties"]["translations"]["properties"]) == list(LANGUAGES)
    assert list(schema["criterion"]["properties"]["translations"]["properties"]) == list(LANGUAGES)


def test_the_admin_shows_the_translations_of_a_version_for_review(client, checklist, quality_admin):
    client.force_login(quality_admin)
    response = client.get(reverse("admin:checklists_checklist_change", args=[checklist.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Simplified Chinese, title: 污染控制" in html
    assert "Simplified Chinese, text: 过去12个月内进行的无菌工艺模拟中，共发现多少个污染单元？" in html
    assert 'name="questions-0-translations' not in html  # shown, never edited in a form

    draft = import_checklist(dump(small_document()), "checklist.yaml")
    response = client.get(reverse("admin:checklists_checklist_change", args=[draft.pk]))
    assert response.status_code == 200 and "Translations" in response.content.decode()
