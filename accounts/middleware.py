"""The language of the pages: the person's own choice (`User.language`) once they are logged in;
before that, and when they chose none, what LocaleMiddleware took from the browser. The API is
not a page: its words (field errors included) are its contract, English for every reader."""

from django.conf import settings
from django.utils import translation

#: Where the API lives (config/urls.py).
API_PREFIX = "/api/"


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return self.get_response(request)
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if chosen:
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
