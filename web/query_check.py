"""The API answers 400 to a query parameter that its operation does not declare.

A misspelt parameter (``?langauge=nl``) would otherwise be ignored, and the caller would
get an answer to a question it did not ask. The served OpenAPI schema is the one list of
what each operation takes, so the names are read from it once per process, by the first
API request with a query string (building the schema takes about 0.1 s, which start-up
need not pay), keyed by the route's path template (the form both Litestar's router and
the schema use).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response
from litestar.status_codes import HTTP_400_BAD_REQUEST

from web.errors import error_response

API_PREFIX = "/api/"
QueryNames = dict[tuple[str, str], frozenset[str]]


def declared_query_names(app: Litestar) -> QueryNames:
    """(path template, METHOD) → the query parameters the operation declares."""
    names: QueryNames = {}
    for path, item in (app.openapi_schema.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch", "head", "options"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            names[(path, method.upper())] = frozenset(
                parameter.name
                for parameter in operation.parameters or []
                if getattr(parameter, "param_in", None) == "query"
            )
    return names


class QueryCheck:
    """A ``before_request`` hook."""

    def __init__(self) -> None:
        self._names: QueryNames | None = None

    async def __call__(self, request: Request[Any, Any, Any]) -> Response[Any] | None:
        if not request.scope["path"].startswith(API_PREFIX) or not request.scope["query_string"]:
            return None
        if self._names is None:
            self._names = declared_query_names(request.app)
        key = (request.scope.get("path_template", ""), request.method)
        declared = self._names.get(key)
        if declared is None:
            return None
        unknown = sorted(set(request.query_params) - declared)
        if not unknown:
            return None
        takes = ", ".join(sorted(declared)) or "none"
        return error_response(
            request,
            HTTP_400_BAD_REQUEST,
            f"Unknown query parameter '{unknown[0]}'; this operation takes: {takes}.",
            field=unknown[0],
        )
