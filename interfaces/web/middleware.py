"""``?lang=en`` / ``?lang=de`` on any page switches the language and remembers it in a cookie.

A plain link works without JavaScript and without a POST form, so the language switcher in the header is
just two links. Runs after Django's LocaleMiddleware, which reads the cookie on later requests.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

ONE_YEAR_S = 365 * 24 * 3600


class QueryLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang", "")
        if lang not in self.languages:
            return self.get_response(request)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=ONE_YEAR_S,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
