"""Exceptions to HTTP answers: domain errors, bad input and the unexpected.

Every error answer is ``{"status_code", "detail", "field"?}``; ``field`` names the
input that was wrong. Domain errors map to 404 (NotFound), 409 (Conflict) and 422
(InvalidInput); malformed requests (wrong types, missing fields, broken JSON, bytes
a database cannot hold) to 400. A database that cannot be reached, is locked past the
busy timeout or has no free connection answers 503 with ``Retry-After``. Nothing a
client sends should produce a 500.

Browser requests (outside ``/api``, accepting HTML) get the pages' ``error.html``
(context: ``title``, ``message``, ``field``, ``status_code``), or plain text when it
cannot be rendered.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from survey.errors import Conflict, DomainError, InvalidInput, NotFound

logger = logging.getLogger("web.errors")

ERROR_TEMPLATE = "error.html"
JSON_PREFIXES = ("/api", "/health", "/schema")
RETRY_AFTER_SECONDS = 5


def error_response(
    request: Request[Any, Any, Any],
    status_code: int,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if field is not None:
        body["field"] = field
    if _wants_html(request):
        return _page(request, status_code, detail, field, headers)
    return Response(body, status_code=status_code, headers=headers, media_type=MediaType.JSON)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    path = request.scope.get("path", "")
    if path.startswith(JSON_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def _page(
    request: Request[Any, Any, Any],
    status_code: int,
    detail: str,
    field: str | None,
    headers: dict[str, str] | None,
) -> Response[Any]:
    """The pages' error template, rendered now so that a failure falls back to plain text."""
    try:
        from web import i18n

        template = request.app.template_engine.get_template(ERROR_TEMPLATE)  # type: ignore[union-attr]
        html = template.render(
            {
                "request": request,
                "csrf_input": "",
                "lang": i18n.request_language(request),
                "status_code": status_code,
                "title": HTTPStatus(status_code).phrase,
                "message": detail,
                "field": field,
                "next_url": None,
                "next_label": None,
            }
        )
    except Exception:  # an error page must never fail: plain text instead
        logger.debug("error page template failed; answering in plain text", exc_info=True)
        return Response(detail, status_code=status_code, headers=headers, media_type=MediaType.TEXT)
    return Response(html, status_code=status_code, headers=headers, media_type=MediaType.HTML)


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, NotFound):
        return error_response(request, HTTP_404_NOT_FOUND, exc.message)
    if isinstance(exc, Conflict):
        return error_response(request, HTTP_409_CONFLICT, exc.message)
    if isinstance(exc, InvalidInput):
        return error_response(request, HTTP_422_UNPROCESSABLE_ENTITY, exc.message, field=exc.field)
    return error_response(request, HTTP_400_BAD_REQUEST, exc.message)


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's 400 for input that does not fit the declared types, naming the field."""
    problems = exc.extra if isinstance(exc.extra, list) else []
    first = problems[0] if problems and isinstance(problems[0], dict) else {}
    message = str(first.get("message") or exc.detail)
    field = _field_name(first.get("key"), message)
    detail = f"Invalid value for '{field}': {message}" if field else message
    return error_response(request, HTTP_400_BAD_REQUEST, detail, field=field)


_MISSING = re.compile(r"missing required field `([^`]+)`")


def _field_name(key: object, message: str) -> str | None:
    """The input's name as a client knows it: ``answers`` for msgspec's ``answers[...]``,
    the missing field's name instead of the whole body (``data``)."""
    if not isinstance(key, str) or not key:
        return None
    if key == "data":
        missing = _MISSING.search(message)
        return missing.group(1) if missing else "body"
    return key.split("[", 1)[0]


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        logger.error("%s %s: %s", request.method, request.url.path, exc.detail, exc_info=exc)
    return error_response(request, exc.status_code, exc.detail, headers=exc.headers)


def body_too_large(request: Request[Any, Any, Any], exc: RequestEntityTooLarge) -> Response[Any]:
    """Litestar's 413 (``request_max_body_size``), saying what the limit is."""
    return error_response(
        request, exc.status_code, too_large(request.route_handler.resolve_request_max_body_size())
    )


def too_large(max_bytes: int | None) -> str:
    return f"The request body may be at most {max_bytes} bytes."


def data_error(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    """The database refused a value (such as a NUL character): the client's input."""
    logger.info("database refused a value: %s", exc.orig)
    return error_response(
        request, HTTP_400_BAD_REQUEST, "The request holds a value that cannot be stored."
    )


def database_unavailable(
    request: Request[Any, Any, Any], exc: OperationalError | PoolTimeout
) -> Response[Any]:
    """Overload or an outage, not a fault of the request: 503 and when to try again."""
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    first_line = str(cause).splitlines()[0] if str(cause) else ""
    logger.warning(
        "database unavailable in %s %s: %s %s",
        request.method,
        request.url.path,
        type(cause).__name__,
        first_line,
    )
    return error_response(
        request,
        HTTP_503_SERVICE_UNAVAILABLE,
        "The service is busy or its database is unavailable; try again shortly.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error.")


def exception_handlers() -> ExceptionHandlersMap:
    return {
        DomainError: domain_error,
        ValidationException: validation_error,
        RequestEntityTooLarge: body_too_large,
        HTTPException: http_error,
        DataError: data_error,
        OperationalError: database_unavailable,
        PoolTimeout: database_unavailable,
        Exception: unexpected_error,
    }
