"""The Vega runtime, served by the app itself (no CDN: many networks have no internet).

The script is vl-convert's bundle of Vega, Vega-Lite and Vega-Embed
(:func:`analytics.render.vega_bundle`), which puts ``vega``, ``vegaLite`` and
``vegaEmbed`` on ``window``. Its URL names the installed vl-convert and Vega-Lite
versions, so it is cached for a year as immutable and changes when they do; an
outdated URL is a 404. The bundle is built on the first request (about two seconds)
and kept in memory, also gzip-compressed for the browsers that accept it.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from analytics.render import vega_bundle, vega_lite_version

VEGA_ROUTE = "vega_runtime"
IMMUTABLE = "public, max-age=31536000, immutable"
JAVASCRIPT = "text/javascript; charset=utf-8"


@cache
def vega_key() -> str:
    """A short name for the installed runtime (changes with vl-convert or Vega-Lite)."""
    made_of = f"{version('vl-convert-python')}/{vega_lite_version()}"
    return hashlib.sha256(made_of.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Script:
    plain: bytes
    gzipped: bytes
    etag: str


@cache
def _vega_script() -> _Script:
    plain = vega_bundle().encode("utf-8")
    return _Script(
        plain=plain,
        gzipped=gzip.compress(plain, compresslevel=9, mtime=0),
        etag='"' + hashlib.sha256(plain).hexdigest()[:32] + '"',
    )


def vega_url(request: Request[Any, Any, Any]) -> str:
    """The runtime's URL, built from the route's name."""
    return request.app.route_reverse(VEGA_ROUTE, key=vega_key())


class AssetController(Controller):
    path = "/assets"
    include_in_schema = False

    @get("/vega/{key:str}/vega.js", name=VEGA_ROUTE, sync_to_thread=True)
    def vega(self, request: Request[Any, Any, Any], key: FromPath[str]) -> Response[bytes]:
        if key != vega_key():
            raise NotFoundException()
        script = _vega_script()
        headers = {"Cache-Control": IMMUTABLE, "ETag": script.etag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == script.etag:
            return Response(b"", status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(script.gzipped, media_type=JAVASCRIPT, headers=headers)
        return Response(script.plain, media_type=JAVASCRIPT, headers=headers)
