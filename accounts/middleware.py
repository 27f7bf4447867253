"""The language of the pages: the person's own choice (`User.language`) once they are logged in;
before that, and when they chose none, what LocaleMiddleware took from the browser."""

from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if chosen:
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
