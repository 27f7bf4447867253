"""Account lock-out after repeated failed log-ins (21 CFR 11.300(d)), by django-axes: the log-in
page, the API token endpoint and the signature dialog all count toward it and all refuse a
locked account with the same message."""
from django.http import JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = (
    "This account is locked after repeated failed log-ins. Ask a quality administrator to unlock it."
)


def is_locked(request, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": username})


def locked_out_response(request, credentials, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_MESSAGE}, status=403)
    return render(request, "registration/locked_out.html", {"message": LOCKED_MESSAGE}, status=403)
