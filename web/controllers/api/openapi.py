"""What the served OpenAPI schema says about answers other than success.

Every API operation declares, from the one table ``ERRORS``, the error answers it can
give (``errors(...)``); all share the body ``ErrorOut`` (``web/errors.py``). Operations
that answer in several file formats declare each media type (``documented_as``).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, Schema


class ErrorOut(msgspec.Struct, omit_defaults=True):
    """Every error answer: its status, a message for people, and the input at fault."""

    status_code: int
    detail: str
    field: str | None = None


ERRORS = {
    400: "Malformed request: invalid UTF-8, JSON nested too deep, a NUL character, a "
    "value of the wrong type or a query parameter the operation does not take (`field` "
    "names it).",
    401: "No valid credential: send `Authorization: Bearer <token>`.",
    404: "No such object, or not one the credential may see.",
    409: "The object's state does not allow this (a round still open or already closed, "
    "a response already submitted).",
    413: "The request body is larger than the server accepts.",
    414: "The query string is longer than 4,096 bytes.",
    422: "Well-formed input that the rules refuse; `field` names it.",
    429: "Too many requests from this address; `Retry-After` gives the seconds to wait.",
    503: "The database is unavailable or overloaded; `Retry-After` gives the seconds to wait.",
}
MALFORMED = (400, 413, 414)  # the input guard answers these on every path
DATABASE = 503
LIMITED = 429
GUARDED = (401, 404, LIMITED, DATABASE)  # a Bearer credential and an object of its own


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The ``responses=`` of an operation: the malformed-input answers and ``codes``."""
    return {
        code: ResponseSpec(
            data_container=ErrorOut, description=ERRORS[code], generate_examples=False
        )
        for code in sorted({*MALFORMED, *codes})
    }


def documented_as(media_types: list[str]) -> type[Operation]:
    """An OpenAPI operation whose 200 answer lists every media type it may have."""

    @dataclass
    class FileOperation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if ok is not None and hasattr(ok, "content"):
                binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ok.content = {media: OpenAPIMediaType(schema=binary) for media in media_types}

    return FileOperation
