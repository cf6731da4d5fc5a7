"""The reports' charts as drawn: labels whole, in the report's font, and colour legends
that the PDF engine paints."""

from __future__ import annotations

import io
import re

import altair as alt
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from analytics.report import charts, render
from analytics.report.svg_fixes import gradients_in_user_space

LONG = (
    "Aanvaardbaar gebruik over de drie gebruiksvormen "
    "(Aanvaardbaar gebruik van sociale media (CTG)) (n = 32)"
)


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_long_dimension_title_is_drawn_whole_in_the_report_font():
    chart = (
        alt.Chart(
            alt.Data(values=[{"dimension": LONG, "score": 40}, {"dimension": "Kort", "score": 60}])
        )
        .mark_bar()
        .encode(x="score:Q", y="dimension:N")
    )
    svg = charts.draw({"peers": charts.report_spec(chart)})["peers"]
    labels = _labels(svg)
    assert LONG in labels and "Kort" in labels
    assert not any(label.endswith("…") for label in labels)
    assert 'font-family="DejaVu Sans"' in svg


def _shading_coords(pdf: bytes) -> list[list[float]]:
    """The coordinates of every axial shading (a linear gradient) the PDF paints."""
    found: list[list[float]] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, dict):
            if node.get("/ShadingType") == 2:
                found.append([float(c) for c in node["/Coords"]])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page["/Resources"])
    return found


def test_a_colour_legend_is_painted_along_its_whole_bar_in_the_pdf():
    values = [{"x": "a", "median": 10}, {"x": "b", "median": 90}]
    chart = alt.Chart(alt.Data(values=values)).mark_rect().encode(x="x:N", color="median:Q")
    svg = charts.draw({"heatmap": charts.report_spec(chart)})["heatmap"]
    pdf = render.html_to_pdf(f"<!DOCTYPE html><html><body>{svg}</body></html>")
    # vl-convert numbers gradients across the process: gradient_0 only in a new one
    bar = re.search(r'<path d="M0,0h\d+v(\d+)h-\d+Z" fill="url\(#gradient_\d+\)"', svg)
    assert bar is not None
    # the gradient runs along the whole legend bar, not from 0 to 1 (a point or two)
    assert _shading_coords(pdf) == [[0.0, float(bar[1]), 0.0, 0.0]]


def test_only_gradients_that_fill_a_rectangle_are_rewritten():
    svg = (
        '<defs><linearGradient id="gradient_0" x1="0" x2="0" y1="1" y2="0"></linearGradient>'
        '<linearGradient id="lone" x1="0" x2="1" y1="0" y2="0"></linearGradient></defs>'
        '<path d="M5,10h16v64h-16Z" fill="url(#gradient_0)" stroke="#ddd"/>'
    )
    fixed = gradients_in_user_space(svg)
    assert (
        '<linearGradient id="gradient_0" gradientUnits="userSpaceOnUse" '
        'x1="5" x2="5" y1="74" y2="10">'
    ) in fixed
    assert '<linearGradient id="lone" x1="0" x2="1" y1="0" y2="0">' in fixed
