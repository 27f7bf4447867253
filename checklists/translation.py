"""Checklist text in other languages than the one the checklist is written in.

A criterion's title and description and a question's text and guidance may carry translations
(`translations` on the model, the same mapping in the file format of docs/checklist-format.md):
`{"zh-hans": {"title": "...", "description": "..."}}` on a criterion, `{"zh-hans": {"text": "...",
"guidance": "..."}}` on a question. Codes, weights, answer types and regulation references have
one value in every language. Translations belong to the checklist version and are frozen with it;
they are never part of a signed record, which names questions by their code
(assessments/record.py), so a record prints the same in any language.

Pages and reports ask `text_of(obj, field, language)`: the translation when there is one, the
original text otherwise.
"""

from django.conf.locale import LANG_INFO
from django.utils import translation

from audit import context

from .models import Criterion, Question

#: Languages a checklist may be translated into, besides the language it is written in
#: (English). docs/checklist.schema.json names the same keys.
LANGUAGES = {"zh-hans": "Simplified Chinese"}
#: The fields each kind of part may translate, in the order files write them.
FIELDS = {"criterion": ("title", "description"), "question": ("text", "guidance")}


def normalise(language: str | None) -> str | None:
    """The translation key for a language code as browsers and Django write it ("zh-Hans",
    "zh_hans", "zh-cn" all give "zh-hans"); None for the original language or an unknown one."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    for fallback in LANG_INFO.get(code, {}).get("fallback", []):
        if fallback in LANGUAGES:
            return fallback
    return None


def text_of(obj, field: str, language: str | None = None) -> str:
    """`field` of a criterion or question in `language` (default: the active language), falling
    back to the original text when there is no translation of that field in that language."""
    original = getattr(obj, field)
    key = normalise(language if language is not None else translation.get_language())
    if key is None:
        return original
    translated = (obj.translations or {}).get(key, {}).get(field)
    return translated if isinstance(translated, str) and translated.strip() else original


def missing(obj, kind: str, language: str) -> list[str]:
    """The fields of `obj` (a criterion or a question, `kind` names which) that have original
    text but no translation into `language`."""
    texts = (obj.translations or {}).get(language, {})
    return [field for field in FIELDS[kind] if getattr(obj, field) and not texts.get(field)]


def add_shipped(checklist, document: dict) -> int:
    """Give a version loaded before its file carried translations the translations the file ships
    (`manage.py load_reference_data`, for a built-in checklist only). Published versions are
    otherwise frozen; this is the one change allowed to them, because translations are not part
    of what assessments rest on or signatures cover, and it is narrow: a part gets the file's
    translations only when it has none yet and its own text is exactly the text the file
    translates. Each change is an audit-trail entry by "system" with the reason. Returns how many
    criteria and questions were given translations."""
    shipped = {}
    for c in document.get("criteria", []):
        shipped[(Criterion, c["code"])] = (c, "criterion")
        for q in c["questions"]:
            shipped[(Question, q["code"])] = (q, "question")
    parts = [*checklist.criteria.all(), *checklist.questions.all()]
    added = 0
    with context.as_system(), context.reason(f"Translations shipped with the built-in checklist {checklist}"):
        for part in parts:
            item, kind = shipped.get((type(part), part.code), (None, None))
            if item is None or part.translations or not item.get("translations"):
                continue
            if any(getattr(part, field) != item.get(field, "") for field in FIELDS[kind]):
                continue  # not the text the file translates
            part.translations = item["translations"]
            part.save_translations()
            added += 1
    return added
