"""Who acts, why, and as part of which user action: the context every audit-trail entry is
written in. The middleware sets it for web and API requests; `acting()` sets it for Celery
tasks and commands."""

import contextlib
import uuid
from contextvars import ContextVar

_request = ContextVar("audit_request", default=None)
_actor = ContextVar("audit_actor", default=None)
_request_id = ContextVar("audit_request_id", default=None)
_reason = ContextVar("audit_reason", default="")
_label = ContextVar("audit_label", default="")
_system = ContextVar("audit_system", default=False)


def current_actor():
    """The user acting now: set explicitly, else the request's (DRF sets request.user once it
    has authenticated a token, so this also works for API calls). Nobody inside `as_system()`."""
    if _system.get():
        return None
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def get_request_id() -> str | None:
    return _request_id.get()


def current_reason() -> str:
    return _reason.get()


def current_label() -> str:
    """Who acted when no user did (a Celery task, a command)."""
    return _label.get()


@contextlib.contextmanager
def _set(var, value):
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


@contextlib.contextmanager
def request_context(request, request_id: str | None = None):
    with _set(_request, request), _set(_request_id, request_id or uuid.uuid4().hex):
        yield


@contextlib.contextmanager
def acting(user=None, label: str = "", request_id: str | None = None):
    """For work outside a web request: a task names the user it acts for, or itself."""
    with _set(_actor, user), _set(_label, label), _set(_request_id, request_id or uuid.uuid4().hex):
        yield


@contextlib.contextmanager
def reason(text: str):
    """The reason given for the changes made inside the block."""
    with _set(_reason, (text or "").strip()):
        yield


@contextlib.contextmanager
def as_system(label: str = "system"):
    """Entries written inside the block are the product's own doing (a lock-out, say), even in a
    request of a logged-in user: no actor, the user name `label`. The request id is kept."""
    with _set(_system, True), _set(_actor, None), _set(_label, label):
        yield
