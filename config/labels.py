"""Vocabulary labels as the pages show them: in the reader's language. The labels themselves stay
the plain English strings of config/choices.py, which the API, the trail and the record read."""

from django.utils.translation import gettext_lazy


def shown(choices) -> list[tuple[str, str]]:
    """`choices` for a form or a filter that a page shows: each label translated when it is shown,
    in the reader's language; the values stay as they are."""
    return [(value, gettext_lazy(label)) for value, label in choices]
