"""Checks and headers that apply to every request, pages and API alike."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from config import inputs

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refusal(request, status: int, errors: dict):
    """The API's error shape ({"detail": "..."} or {field: [messages]}) under /api/, plain text
    on pages."""
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=status)
    text = " ".join(value if field == "detail" else f"{field}: {' '.join(value)}" for field, value in errors.items())
    return HttpResponse(f"The request was refused. {text}\n", status=status, content_type="text/plain; charset=utf-8")


def body_limit(request) -> int | None:
    """The most a request body may hold: file uploads (multipart) UPLOAD_MAX_REQUEST_BYTES, any
    other body DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestLimitsMiddleware:
    """Refuses, before any view or other middleware reads it, a request whose body is over its
    limit (413) or whose path, query string or form body holds a NUL character (400 naming the
    field). JSON bodies and the form bodies of PUT and PATCH are checked by the API's parsers
    (config/parsers.py), the only code that reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return _refusal(
                request, 413, {"detail": f"The request body is larger than the limit of {limit // (1024 * 1024)} MiB."}
            )
        try:
            if "\x00" in request.path:
                raise inputs.BadInput("path", inputs.NUL_MESSAGE)
            inputs.check_querydict(request.GET)
            if request.method == "POST" and request.content_type in FORM_TYPES:
                inputs.check_querydict(request.POST)
        except inputs.BadInput as exc:
            return _refusal(request, 400, exc.as_dict())
        except RequestDataTooBig:
            return _refusal(request, 413, {"detail": "The form is larger than the limit."})
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError) as exc:
            return _refusal(request, 400, {"detail": str(exc) or "The form could not be read."})
        return None


class PermissionsPolicyMiddleware:
    """Sends PERMISSIONS_POLICY on every response: the browser features a page may use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


#: Where the idle timeout keeps the time (seconds since the epoch) the session was last refreshed.
LAST_REFRESH_KEY = "_idle_refreshed_at"
#: A session's expiry is written at most this often; a read within it writes nothing.
REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """An idle session ends after SESSION_IDLE_MINUTES (SESSION_COOKIE_AGE) without a request, and
    a read costs no session write: the expiry is renewed (the session saved) only when its last
    renewal is REFRESH_SECONDS old or more, or when the request changes the session anyway. A
    session whose last renewal is older than the idle time is logged out here, whatever the store
    says. Since the time kept is that of the last renewal, not of the last request, a session ends
    between SESSION_IDLE_MINUTES less a minute and SESSION_IDLE_MINUTES after its last request,
    never later. Only sessions of a logged-in user are touched: a request with an API token and
    no session creates none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(time.time())
        if SESSION_KEY in session:
            refreshed = session.get(LAST_REFRESH_KEY)
            if isinstance(refreshed, int) and now - refreshed > settings.SESSION_COOKIE_AGE:
                logout(request)
        response = self.get_response(request)
        if SESSION_KEY in session:  # logged in (also by this request)
            refreshed = session.get(LAST_REFRESH_KEY)
            if session.modified or not isinstance(refreshed, int) or now - refreshed >= REFRESH_SECONDS:
                session[LAST_REFRESH_KEY] = now
        return response
