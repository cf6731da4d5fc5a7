"""Vega's SVG made drawable by WeasyPrint's SVG engine.

WeasyPrint (version 70) draws a linear gradient in bounding-box units (SVG's default,
which Vega writes for a colour legend) as a few stray dots; in user-space units it
draws it right. :func:`gradients_in_user_space` rewrites each such gradient into the
user space of the rectangle that Vega fills with it. ``tests/unit/test_report_charts.py``
draws a legend through WeasyPrint and reads the gradient's coordinates back from the PDF.
"""

from __future__ import annotations

import re

_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
_GRADIENT = re.compile(
    rf'<linearGradient id="(?P<id>[^"]+)" x1="(?P<x1>{_NUMBER})" x2="(?P<x2>{_NUMBER})" '
    rf'y1="(?P<y1>{_NUMBER})" y2="(?P<y2>{_NUMBER})">'
)
# Vega draws a rect mark as a path "M x,y h width v height h -width Z".
_FILLED_RECT = re.compile(
    rf'<path d="M(?P<x>{_NUMBER}),(?P<y>{_NUMBER})h(?P<w>{_NUMBER})v(?P<h>{_NUMBER})h-?{_NUMBER}Z" '
    r'fill="url\(#(?P<id>[^)"]+)\)"'
)


def gradients_in_user_space(svg: str) -> str:
    """``svg`` with every bounding-box linear gradient that fills one of Vega's
    rectangles given in that rectangle's user-space coordinates; others unchanged."""
    boxes = {
        m["id"]: tuple(float(m[k]) for k in ("x", "y", "w", "h"))
        for m in _FILLED_RECT.finditer(svg)
    }

    def in_user_space(m: re.Match[str]) -> str:
        if m["id"] not in boxes:
            return m[0]
        x, y, w, h = boxes[m["id"]]
        x1, x2 = (x + float(m[k]) * w for k in ("x1", "x2"))
        y1, y2 = (y + float(m[k]) * h for k in ("y1", "y2"))
        return (
            f'<linearGradient id="{m["id"]}" gradientUnits="userSpaceOnUse" '
            f'x1="{x1:g}" x2="{x2:g}" y1="{y1:g}" y2="{y2:g}">'
        )

    return _GRADIENT.sub(in_user_space, svg)
