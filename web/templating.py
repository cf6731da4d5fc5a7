"""Templates and static files of the pages: the Jinja environment and its helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.router import Router
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from web import auth, i18n
from web.settings import WebSettings

WEB_DIR = Path(__file__).parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
STATIC_PATH = "/static"
STATIC_NAME = "static"


def _lang(context: Mapping[str, Any]) -> str:
    if "lang" in context:
        return str(context["lang"])
    request = context.get("request")
    return i18n.request_language(request) if request is not None else i18n.DEFAULT_LANGUAGE


@pass_context
def _gettext(context: Mapping[str, Any], message: str) -> str:
    return i18n.translations(_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Mapping[str, Any], singular: str, plural: str, n: int) -> str:
    return i18n.translations(_lang(context)).ngettext(singular, plural, n)


def _exact(value: float) -> Decimal:
    """``value`` as the decimal it prints as, so that 62.5 is a half and rounds up."""
    return Decimal(repr(float(value)))


@pass_context
def _number(context: Mapping[str, Any], value: float | None, digits: int = 0) -> str:
    """A figure as the pages and the reports print it: halves rounded up."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    with localcontext(rounding=ROUND_HALF_UP):
        return format_decimal(_exact(value), format=pattern, locale=_lang(context))


@pass_context
def _percent(context: Mapping[str, Any], value: float | None) -> str:
    if value is None:
        return ""
    with localcontext(rounding=ROUND_HALF_UP):
        return format_percent(_exact(value), format="#,##0 %", locale=_lang(context))


@pass_context
def _date(context: Mapping[str, Any], value: datetime | None) -> str:
    return format_date(value, format="long", locale=_lang(context)) if value else ""


@pass_context
def _datetime(context: Mapping[str, Any], value: datetime | None) -> str:
    return format_datetime(value, format="medium", locale=_lang(context)) if value else ""


@pass_context
def _signed_in(context: Mapping[str, Any]) -> bool:
    request = context.get("request")
    return request is not None and auth.signed_in(request)


@pass_context
def _language_links(context: Mapping[str, Any]) -> list[dict[str, Any]]:
    request = context["request"]
    current = _lang(context)
    return [
        {
            "lang": lang,
            "name": i18n.LANGUAGE_NAMES[lang],
            "url": i18n.switch_url(request, lang),
            "current": lang == current,
        }
        for lang in i18n.LANGUAGES
    ]


@pass_context
def _static_url(context: Mapping[str, Any], file_path: str) -> str:
    """The URL of a file under ``web/static``, built from the static route's name."""
    return str(
        context["request"].app.route_reverse(STATIC_NAME, file_path="/" + file_path.lstrip("/"))
    )


@pass_context
def _current_lang(context: Mapping[str, Any]) -> str:
    return _lang(context)


@pass_context
def _error_title(context: Mapping[str, Any], status_code: int) -> str:
    return i18n.error_text(_lang(context), status_code)[0]


@pass_context
def _error_message(context: Mapping[str, Any], status_code: int, detail: str | None) -> str:
    return i18n.error_text(_lang(context), status_code, detail)[1]


def environment(*, auto_reload: bool = False) -> Environment:
    """The Jinja environment of every page: autoescaped, with gettext for the request's language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        auto_reload=auto_reload,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    env.filters.update(number=_number, percent=_percent, date=_date, datetime=_datetime)
    env.globals.update(
        language_links=_language_links,
        signed_in=_signed_in,
        current_lang=_current_lang,
        static_url=_static_url,
        error_title=_error_title,
        error_message=_error_message,
    )
    return env


def template_config(settings: WebSettings | None = None) -> TemplateConfig[JinjaTemplateEngine]:
    """The template configuration of the app; compiles the translation catalogs at start-up."""
    i18n.load_all()
    env = environment(auto_reload=bool(settings and settings.debug))
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


def static_files_router() -> Router:
    """The stylesheets, scripts and icon under ``/static`` (all assets are the app's own)."""
    return create_static_files_router(path=STATIC_PATH, directories=[STATIC_DIR], name=STATIC_NAME)
