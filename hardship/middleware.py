import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Chinese unless the person picked another language with the switch (stored in the language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: the union's UI language is
    Chinese even on a phone or office PC set up in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionRefreshMiddleware:
    """Keeps a session alive for SESSION_COOKIE_AGE after the last request, but writes it at most once every
    SESSION_REFRESH_SECONDS. SESSION_SAVE_EVERY_REQUEST would commit an UPDATE of the session row on every page
    view; under load that write is a commit per request for a few minutes' more precision in the idle timeout."""

    key = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.key, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.key] = now  # saved, with a new expiry and cookie, by SessionMiddleware
        return response
