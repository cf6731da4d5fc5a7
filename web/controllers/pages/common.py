"""What every page controller shares: rendering in the request's language, errors, forms."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from survey.errors import Conflict, DomainError, InvalidInput, NotFound
from web import i18n
from web.state import AppState, app_state

logger = logging.getLogger("web.pages")

ERROR_TEMPLATE = "error.html"
NO_STORE = {"Cache-Control": "no-store"}


def state_of(request: Request[Any, Any, Any]) -> AppState:
    return app_state(request.app.state)


def absolute_url(request: Request[Any, Any, Any], path: str) -> str:
    """``path`` as a full URL: under ``BASE_URL`` when set, else under this request's host."""
    base = state_of(request).settings.base_url
    if not base:
        base = f"{request.url.scheme}://{request.url.netloc}"
    return base.rstrip("/") + path


def lang_of(request: Request[Any, Any, Any]) -> str:
    return i18n.request_language(request)


def gettext(request: Request[Any, Any, Any], message: str, **variables: Any) -> str:
    return i18n.gettext(lang_of(request), message, **variables)


def language_cookies(request: Request[Any, Any, Any]) -> list[Cookie]:
    """The ``lang`` cookie when the request chose a language with ``?lang=``."""
    chosen = i18n.supported(request.query_params.get(i18n.LANG_PARAM))
    if chosen is None:
        return []
    return [i18n.language_cookie(chosen, secure=state_of(request).settings.secure_cookies)]


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """The page ``template`` in the request's language."""
    return Template(
        template,
        context={"lang": lang_of(request), **context},
        status_code=status_code,
        cookies=[*language_cookies(request), *(cookies or [])],
        headers=headers,
    )


def redirect(
    request: Request[Any, Any, Any], path: str, *, cookies: list[Cookie] | None = None
) -> Redirect:
    """A 303 redirect: after a form, the browser follows with a GET."""
    return Redirect(
        path=path,
        status_code=HTTP_303_SEE_OTHER,
        cookies=[*language_cookies(request), *(cookies or [])],
    )


def form_value(data: Mapping[str, Any], name: str) -> str:
    """One text value of a URL-encoded form ('' when absent; the first when repeated)."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def form_values(data: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a repeated form field (checkboxes)."""
    value = data.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def error_page(
    request: Request[Any, Any, Any],
    status_code: int,
    message: str | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> Template:
    """The error page for ``status_code``; ``message`` shows only if it has a translation."""
    return Template(
        ERROR_TEMPLATE,
        context={"lang": lang_of(request), "status_code": status_code, "detail": message},
        status_code=status_code,
        headers=headers,
        cookies=language_cookies(request),
    )


def domain_error_page(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, NotFound):
        return error_page(request, 404, exc.message)
    if isinstance(exc, Conflict):
        return error_page(request, 409, exc.message)
    if isinstance(exc, InvalidInput):
        return error_page(request, 422, exc.message)
    return error_page(request, 400, exc.message)


def http_error_page(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status_code = exc.status_code if exc.status_code < 500 else 500
    if status_code >= 500:
        logger.error("%s %s: %s", request.method, request.url.path, exc.detail, exc_info=exc)
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "www-authenticate"}
    return error_page(request, status_code, exc.detail, headers=headers or None)


class PageController(Controller):
    """Base of the page controllers: HTML errors in the request's language."""

    include_in_schema = False
    exception_handlers = {
        DomainError: domain_error_page,
        HTTPException: http_error_page,
    }
