"""The reports' charts as drawn: labels whole, in the report's font."""

from __future__ import annotations

import re

import altair as alt

from analytics.report import charts

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
