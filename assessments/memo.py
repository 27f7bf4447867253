"""Work once per request: what a page asks of an assessment several times (the content hash, the
contributors, the score, what blocks submission) is worked out once per request and kept for
the rest of it.

The memo lives only while a request runs (`MemoMiddleware` opens it and drops it at the end); a
worker, a command or a test calling the rule modules outside a request computes afresh every
time. It is emptied by every write of a model (any save, delete or change of a many-to-many
relation, which is how the rule modules write), and it is neither read nor written inside a
transaction the request opened (a rule module's `transaction.atomic()`): a check made under a
lock always sees the database, and nothing computed from writes that may still be rolled back
is kept."""

import contextvars
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")


class _Memo:
    __slots__ = ("depth", "values")

    def __init__(self, depth: int):
        self.depth = depth  # the transaction depth the request started at
        self.values: dict = {}


_current: contextvars.ContextVar[_Memo | None] = contextvars.ContextVar("assessment_memo", default=None)


def _depth() -> int:
    return len(connections[DEFAULT_DB_ALIAS].atomic_blocks)


def _usable() -> _Memo | None:
    memo = _current.get()
    if memo is None or _depth() != memo.depth:
        return None
    return memo


def remember(assessment, purpose: str, compute: Callable[[], T], *key) -> T:
    """`compute()` once per request for this assessment and `purpose` (and `key`); afresh outside a
    request, inside a transaction, and after any write."""
    memo = _usable()
    if memo is None or assessment is None or assessment.pk is None:
        return compute()
    full_key = (assessment.pk, purpose, *key)
    if full_key not in memo.values:
        memo.values[full_key] = compute()
    return memo.values[full_key]


def forget() -> None:
    """Drop everything remembered in this request (any write calls it)."""
    memo = _current.get()
    if memo is not None:
        memo.values.clear()


class scope:
    """Remember for the duration of a `with` block (a request; a test)."""

    def __enter__(self):
        self._token = _current.set(_Memo(_depth()))
        return self

    def __exit__(self, *exc):
        _current.reset(self._token)
        return False


class MemoMiddleware:
    """One memo per request, dropped when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope():
            return self.get_response(request)


def _on_write(sender, **kwargs):
    forget()


def connect() -> None:
    """Every write empties the memo (AssessmentsConfig.ready connects it)."""
    post_save.connect(_on_write, dispatch_uid="assessments.memo.save")
    post_delete.connect(_on_write, dispatch_uid="assessments.memo.delete")
    m2m_changed.connect(_on_write, dispatch_uid="assessments.memo.m2m")
