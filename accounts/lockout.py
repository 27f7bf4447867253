"""Account lock-out after repeated failed log-ins (21 CFR 11.300(d)), by django-axes: the log-in
page, the API token endpoint and the signature dialog all count toward it and all refuse a
locked account with the same message.

The lock-out is keyed on the account *and* the client address, and it is timed
(LOGIN_LOCKOUT_MINUTES): a stranger guessing passwords locks the account from their own address
only, and not for good. Each lock-out is written to the audit trail, attributed to the system, and
ends the account's API token."""

import ipaddress

from django.conf import settings
from django.dispatch import Signal, receiver
from django.http import JsonResponse
from django.shortcuts import render

#: Sent once per lock-out, at the failure that starts it, with `username` and `ip_address`.
account_locked = Signal()

LOCKED_MESSAGE = "This account is locked after repeated failed log-ins. Ask a quality administrator to unlock it."


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def client_address(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or behind the TLS proxy (BEHIND_TLS_PROXY)
    the address the proxy appended last to X-Forwarded-For, the only one it vouches for."""
    address = request.META.get("REMOTE_ADDR")
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            address = str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return address


def is_locked(request, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": username})


def locked_out_response(request, credentials, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_MESSAGE}, status=403)
    return render(request, "registration/locked_out.html", {"message": LOCKED_MESSAGE}, status=403)


def connect():
    """Called once from AccountsConfig.ready()."""
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="accounts.lockout.locked_out")(locked_out)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes sends this at the failure that reaches the limit and at every refused attempt
    after it; the lock-out is recorded, and the token revoked, once: at the failure that starts it."""
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from audit import trail

    failures = getattr(request, "axes_failures_since_start", None)
    if failures != settings.AXES_FAILURE_LIMIT or not username:
        return
    user = User.objects.filter(username=username).first()
    minutes = lockout_minutes()
    trail.record_system_event(
        User,
        user.pk if user else None,
        username,
        f"{failures} failed log-ins of {username} from {ip_address}: log-ins of this account from that "
        f"address are refused for {minutes} minutes.",
        remote_addr=ip_address,
        event="lock-out",
        username=username,
        address=ip_address,
        minutes=minutes,
        failures=failures,
    )
    if user is not None:
        Token.objects.filter(user=user).delete()
    account_locked.send(sender=User, username=username, ip_address=ip_address or "")
