"""Rendering charts without any network: SVG for reports, the Vega runtime for pages.

Both use vl-convert, which embeds Vega, Vega-Lite and Vega-Embed; specifications are
converted with external data requests refused, and the JavaScript bundle is served
by the app itself (no CDN). :func:`collector_paused` keeps Python's cyclic garbage
collector out of a report render.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import altair as alt
import vl_convert


@cache
def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes (``major.minor``), when vl-convert has it."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def spec(chart: alt.TopLevelMixin, *, validate: bool = True) -> dict[str, Any]:
    """The chart's Vega-Lite specification. ``validate=False`` skips Altair's schema
    check (a third of the time): for charts our own builders made, whose
    specifications the chart tests validate."""
    return chart.to_dict(validate=validate)


def spec_to_svg(specification: dict[str, Any]) -> str:
    """A Vega-Lite specification drawn as an SVG document; fails rather than fetch
    any external URL."""
    return vl_convert.vegalite_to_svg(
        specification, vl_version=vega_lite_version(), allowed_base_urls=[]
    )


def to_svg(chart: alt.TopLevelMixin, *, validate: bool = True) -> str:
    """The chart as an SVG document (see :func:`spec` and :func:`spec_to_svg`)."""
    return spec_to_svg(spec(chart, validate=validate))


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one self-contained script (made once per
    process), which puts ``vegaEmbed``, ``vegaLite`` and ``vega`` on ``window``."""
    # the snippet is optional at run time (the default one sets the globals); the type
    # stub asks for it
    return vl_convert.javascript_bundle(vl_version=vega_lite_version())  # type: ignore[call-arg]


class _CollectorPause:
    """How many renders run now, and whether the collector ran before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.was_enabled = False


_pause = _CollectorPause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector off.

    A report render allocates some millions of short-lived objects (WeasyPrint's boxes,
    styles and text runs); the collector would walk them again and again, for about a
    tenth of the render. The renders that run at once (threads of one worker) share one
    pause, counted under a lock: the first turns the collector off, the last turns it
    back on, when it was on before the first, and collects the youngest generation.
    Memory freed by reference counting is freed as usual meanwhile.
    """
    with _pause.lock:
        if _pause.running == 0:
            _pause.was_enabled = gc.isenabled()
            gc.disable()
        _pause.running += 1
    try:
        yield
    finally:
        with _pause.lock:
            _pause.running -= 1
            if _pause.running == 0 and _pause.was_enabled:
                gc.enable()
                gc.collect(0)
