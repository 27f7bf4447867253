import re

from .context import request_context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditContextMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-ID from a proxy) so that every
    audit-trail entry of one user action can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        with request_context(request, given if _SAFE_ID.match(given) else None) as _:
            response = self.get_response(request)
        return response
