"""Checks and headers that apply to every request, pages and API alike."""

from django.conf import settings
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
