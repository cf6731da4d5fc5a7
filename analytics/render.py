"""Rendering charts without any network: SVG for reports, the Vega runtime for pages.

Both use vl-convert, which embeds Vega, Vega-Lite and Vega-Embed; specifications are
converted with external data requests refused, and the JavaScript bundle is served
by the app itself (no CDN).
"""

from __future__ import annotations

from functools import cache

import altair as alt
import vl_convert


@cache
def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes (``major.minor``), when vl-convert has it."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document; fails rather than fetch any external URL."""
    return vl_convert.vegalite_to_svg(
        chart.to_dict(), vl_version=vega_lite_version(), allowed_base_urls=[]
    )


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one self-contained script (made once per
    process), which puts ``vegaEmbed``, ``vegaLite`` and ``vega`` on ``window``."""
    # the snippet is optional at run time (the default one sets the globals); the type
    # stub asks for it
    return vl_convert.javascript_bundle(vl_version=vega_lite_version())  # type: ignore[call-arg]
