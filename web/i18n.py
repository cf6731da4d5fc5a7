"""The web part of the translations: the request's language and its cookie.

The texts themselves are in the one catalogue, read through :mod:`survey.i18n`. A
request's language is ``?lang=`` if given, else the ``lang`` cookie, else the best
match of the ``Accept-Language`` header (Babel's negotiation), else English.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie

from survey.i18n import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from survey.i18n import LANGUAGES as LANGUAGES
from survey.i18n import N_ as N_
from survey.i18n import language_name, negotiate, translator
from survey.i18n import load_all as load_all
from survey.i18n import supported as supported
from survey.i18n import translations as translations

LANGUAGE_NAMES = {lang: language_name(lang) for lang in LANGUAGES}
LANG_COOKIE = "lang"
LANG_PARAM = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
_STATE_KEY = "lang"


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    return supported(query) or supported(cookie) or negotiate(accept_language) or DEFAULT_LANGUAGE


def request_language(request: Request[Any, Any, Any]) -> str:
    """The language of this request's page (decided once per request)."""
    chosen = request.scope.get("state", {}).get(_STATE_KEY)
    if chosen is None:
        chosen = choose_language(
            request.query_params.get(LANG_PARAM),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        set_request_language(request, chosen)
    return chosen


def set_request_language(request: Request[Any, Any, Any], lang: str) -> None:
    """Fix the language of the rest of this request (after a choice made in a form)."""
    request.scope.setdefault("state", {})[_STATE_KEY] = supported(lang) or DEFAULT_LANGUAGE


def language_cookie(lang: str, *, secure: bool = False) -> Cookie:
    return Cookie(
        key=LANG_COOKIE,
        value=lang,
        max_age=LANG_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def gettext(lang: str, message: str, **variables: Any) -> str:
    """``message`` in ``lang``, with ``%(name)s`` placeholders filled from ``variables``."""
    return translator(lang).gettext(message, **variables)


def switch_url(request: Request[Any, Any, Any], lang: str) -> str:
    """This page's path and query with ``lang`` set: the link of the language switch."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != LANG_PARAM]
    params.append((LANG_PARAM, lang))
    return f"{request.url.path}?{urlencode(params)}"


ERROR_TITLES = {
    400: N_("The request could not be understood"),
    401: N_("You need to sign in first"),
    403: N_("The form has expired"),
    404: N_("Page not found"),
    405: N_("This action is not possible here"),
    409: N_("This can no longer be changed"),
    413: N_("The form is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}
ERROR_MESSAGES = {
    400: N_("Go back, check what you entered and try again."),
    401: N_("Open your personal link again, or sign in."),
    403: N_("Go back, reload the page and try again."),
    404: N_("The page or link does not exist, or it is not yours to see."),
    405: N_("Go back and use the buttons on the page."),
    409: N_("Its state does not allow this change any more."),
    413: N_("Send less at a time."),
    422: N_("Go back, check what you entered and try again."),
    429: N_("Wait a minute and try again."),
    500: N_("Please try again later. If the problem stays, tell the administrator."),
}


def error_text(lang: str, status_code: int, detail: str | None = None) -> tuple[str, str]:
    """The title and message of an error page in ``lang``.

    ``detail`` (a domain error's message) is shown when the catalog knows it;
    otherwise a general message for the status is.
    """
    known = status_code if status_code in ERROR_TITLES else (500 if status_code >= 500 else 400)
    t = translator(lang)
    title = t.gettext(ERROR_TITLES[known])
    if detail and t.knows(detail):
        return title, t.gettext(detail)
    return title, t.gettext(ERROR_MESSAGES[known])
