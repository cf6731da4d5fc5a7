"""Translations of the pages: gettext catalogs per language and the request's language.

The catalogs are the ``.po`` files under ``web/i18n/<lang>/LC_MESSAGES/``; they are
read and compiled in memory (no ``.mo`` files in the tree). A request's language is
``?lang=`` if given, else the ``lang`` cookie, else the best match of the
``Accept-Language`` header, else English.

English is the source language: message ids are the English texts. After changing
a text in a template or page controller, run ``python -m web.i18n`` to bring both
catalogs up to date, then translate the new empty entries of the Dutch catalog.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from litestar import Request
from litestar.datastructures import Cookie

LANGUAGES: tuple[str, ...] = ("en", "nl")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
LANG_COOKIE = "lang"
LANG_PARAM = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
WEB_DIR = Path(__file__).parent
CATALOG_DIR = WEB_DIR / "i18n"
DOMAIN = "messages"
_STATE_KEY = "lang"


def catalog_path(lang: str) -> Path:
    return CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _compiled(lang: str) -> tuple[Translations, frozenset[str]]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    # English is the source language: its catalog may leave every translation empty.
    translated = frozenset(
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and (message.string or lang == DEFAULT_LANGUAGE)
    )
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN), translated


def translations(lang: str) -> Translations:
    """The compiled catalog of ``lang`` (read from its .po file once per process)."""
    return _compiled(lang)[0]


def is_translated(lang: str, message: str) -> bool:
    """Whether the catalog of ``lang`` holds ``message`` (translated, unless English)."""
    return message in _compiled(lang)[1]


def load_all() -> None:
    """Compile every catalog now, so that a broken catalog stops the app at start-up."""
    for lang in LANGUAGES:
        translations(lang)


def supported(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the ``Accept-Language`` header prefers most, if any."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if quality > 0 and primary in LANGUAGES:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    return (
        supported(query)
        or supported(cookie)
        or from_accept_language(accept_language)
        or DEFAULT_LANGUAGE
    )


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
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def switch_url(request: Request[Any, Any, Any], lang: str) -> str:
    """This page's path and query with ``lang`` set: the link of the language switch."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != LANG_PARAM]
    params.append((LANG_PARAM, lang))
    return f"{request.url.path}?{urlencode(params)}"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


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
    title = translations(lang).gettext(ERROR_TITLES[known])
    if detail and is_translated(lang, detail):
        return title, translations(lang).gettext(detail)
    return title, translations(lang).gettext(ERROR_MESSAGES[known])


# --- keeping the catalogs up to date --------------------------------------------------

EXTRACT_METHODS = [
    ("templates/**.html", "jinja2"),
    ("controllers/pages/**.py", "python"),
    ("i18n.py", "python"),
]
EXTRACT_OPTIONS = {
    "templates/**.html": {
        "extensions": "jinja2.ext.i18n",
        "trimmed": "true",
        "newstyle_gettext": "true",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
        "silent": "false",
    }
}


def extract_messages() -> Catalog:
    """Every translatable text of the templates and page controllers."""
    catalog = Catalog(project="smbench", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB_DIR, EXTRACT_METHODS, EXTRACT_OPTIONS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogs() -> None:
    """Add new texts to every catalog and drop texts that are gone; translations stay."""
    template = extract_messages()
    for lang in LANGUAGES:
        path = catalog_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=lang,
                domain=DOMAIN,
                project="smbench",
                version="0.1",
                copyright_holder="the smbench authors",
                msgid_bugs_address="",
                last_translator="the smbench authors",
                language_team=LANGUAGE_NAMES[lang],
                charset="utf-8",
                fuzzy=False,
            )
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":
    update_catalogs()
