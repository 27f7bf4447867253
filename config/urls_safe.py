"""Where a page may send the browser back to: only to this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The `next` parameter of the request (POST, else GET) when it leads to a page of this site
    (a path, or a URL on this host with the request's scheme); otherwise `default`. Never an
    address elsewhere (`https://evil.example/`, `//evil.example/x`), which would make a page of
    the product an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
