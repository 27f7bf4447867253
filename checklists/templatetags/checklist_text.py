"""`{{ criterion|in_language:"title" }}`: a checklist part's text in the active language, with
the original as fallback (checklists/translation.py)."""

from django import template

from checklists.translation import text_of

register = template.Library()


@register.filter
def in_language(obj, field: str) -> str:
    return text_of(obj, field)
