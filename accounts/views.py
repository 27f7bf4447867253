"""A person's own settings: the language of the pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.http import require_POST

from config.urls_safe import safe_next

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


@login_required
@require_POST
def choose_language(request):
    """Keeps the choice on the person (it follows them to any browser), and in the cookie for the
    log-in page; "" goes back to the browser's language."""
    code = request.POST.get("language", "")
    if code and code not in LANGUAGE_CODES:
        return HttpResponseBadRequest("Unknown language.", content_type="text/plain; charset=utf-8")
    request.user.language = code
    request.user.save(update_fields=["language"])
    response = redirect(safe_next(request, "/"))
    if code:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    translation.activate(code or settings.LANGUAGE_CODE)
    return response
