"""The site icon at ``/favicon.ico``, where browsers look for it unasked (no 404 per page)."""

from __future__ import annotations

from functools import cache

from litestar import Response, get

from web.templating import STATIC_DIR

ICON = STATIC_DIR / "favicon.svg"


@cache
def _icon() -> bytes:
    return ICON.read_bytes()


@get("/favicon.ico", name="favicon", sync_to_thread=False, include_in_schema=False)
def favicon() -> Response[bytes]:
    return Response(
        _icon(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
