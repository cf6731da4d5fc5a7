"""Refuse malformed input before any handler sees it, with a clear 400 on every endpoint.

* Paths and query strings must be valid UTF-8 once percent-decoded (which also refuses
  over-long encodings such as ``%C0%AF``) and hold no NUL character; a query string
  longer than ``MAX_QUERY_BYTES`` gets 414.
* JSON bodies must be valid UTF-8 and nested at most ``MAX_JSON_DEPTH`` levels (the
  JSON decoder would otherwise fail with ``UnicodeDecodeError`` or ``RecursionError``).
* Form bodies (URL-encoded) must be valid UTF-8 and hold no NUL character, as the API's
  text fields already require.

Bodies of those two media types are read here (up to ``max_bytes``, else 413; a larger
declared ``Content-Length`` is refused before reading) and handed on unchanged; other
bodies pass through unread, to Litestar's own limit (``request_max_body_size``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from litestar.exceptions import HTTPException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_414_REQUEST_URI_TOO_LONG,
)
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from web.errors import too_large

MAX_JSON_DEPTH = 64
MAX_QUERY_BYTES = 4096
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def _bad(detail: str) -> HTTPException:
    return HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=detail)


def check_utf8(data: bytes, what: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"The {what} is not valid UTF-8 (byte {exc.start}).") from None


def check_json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse arrays and objects nested deeper than ``limit`` (brackets inside strings
    do not count). Linear in the body's size, and skipped for bodies that cannot be that deep."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return
    depth = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > limit:
            raise _bad(f"The JSON body is nested more than {limit} levels deep.")


def check_form(body: bytes) -> None:
    decoded = unquote_to_bytes(body.replace(b"+", b" "))
    check_utf8(decoded, "form data")
    if b"\x00" in decoded:
        raise _bad("Form fields may not contain NUL characters.")


def check_target(scope: Scope) -> None:
    """The request's path and query string, percent-decoded."""
    query: bytes = scope.get("query_string", b"")
    if len(query) > MAX_QUERY_BYTES:
        raise HTTPException(
            status_code=HTTP_414_REQUEST_URI_TOO_LONG,
            detail=f"The query string may be at most {MAX_QUERY_BYTES} bytes.",
        )
    raw_path = scope.get("raw_path")
    if raw_path is None and "\ufffd" in scope["path"]:  # the server replaced invalid bytes
        raise _bad("The path is not valid UTF-8.")
    for what, raw in (
        ("path", raw_path or scope["path"].encode("utf-8", "surrogateescape")),
        ("query string", query.replace(b"+", b" ")),
    ):
        decoded = unquote_to_bytes(raw)
        check_utf8(decoded, what)
        if b"\x00" in decoded:
            raise _bad(f"The {what} may not contain NUL characters.")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _media_type(scope: Scope) -> str:
    return _header(scope, b"content-type").split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


class InputGuardMiddleware:
    """ASGI middleware applying the checks above to every HTTP request."""

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        check_target(scope)
        media_type = _media_type(scope)
        form = media_type == "application/x-www-form-urlencoded"
        if not (form or _is_json(media_type)):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        body, disconnected = await self._read(receive)
        if form:
            check_form(body)
        else:
            check_utf8(body, "JSON body")
            check_json_depth(body)
        await self.app(scope, _replay(body, disconnected, receive), send)

    def _too_large(self) -> HTTPException:
        return HTTPException(
            status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail=too_large(self.max_bytes)
        )

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            assert isinstance(chunk, bytes)
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    """A ``receive`` that hands on the body already read, then the client's later messages."""
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
