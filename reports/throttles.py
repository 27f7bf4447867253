"""The rate limit of verifying a copy of a report, by client address (`REPORT_VERIFY_RATE`,
10 a minute by default), shared by the public page and POST /api/reports/verify/: nobody may use
them to hash-test files in bulk. The address is the one the log-in lock-out uses
(`accounts.lockout.client_address`), so a client cannot pick its own with X-Forwarded-For."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import client_address


class VerifyThrottle(SimpleRateThrottle):
    scope = "report_verify"

    def get_rate(self):
        return settings.REPORT_VERIFY_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request) or "unknown"}


def allowed(request) -> tuple[bool, int | None]:
    """For the page: whether this request is within the rate, and else the seconds to wait."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return True, None
    wait = throttle.wait()
    return False, max(1, int(wait or 1))
