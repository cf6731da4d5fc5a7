"""The reports' charts: the pages' own Altair builders, rendered to inline SVG.

One peer distribution chart per instrument (its dimensions as rows, only those whose
peer group may be shown) in the improvement report, and the sector × dimension heat
map of medians in the sector report. Building the specifications (``*_specs``) and
drawing them (:func:`draw`, by :func:`analytics.render.spec_to_svg`) are apart, so
that each can be timed. The SVG is trusted markup (made from our own data, text
escaped by Vega) and goes into the templates as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import polars as pl
from markupsafe import Markup

from analytics import charts
from analytics.render import spec, spec_to_svg
from analytics.report.model import ImprovementReport, ReportInput
from analytics.report.sector import SectorReport
from analytics.report.svg_fixes import gradients_in_user_space
from instruments import vocabularies

# Axis labels have no length limit (Vega's 0), so that long dimension titles stay whole
# instead of ending in "…". With a limit, Vega measures every label again to see whether
# it must be cut: twice the time of the whole chart when the font is a named one.
LABEL_LIMIT = 0
FONT = "DejaVu Sans"  # the report's font: Vega measures the labels with the font drawn


Specs = dict[str, dict[str, Any]]


def report_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The report's specification of ``chart``, not validated again (the chart
    builders' tests validate theirs). Vega's per-mark ARIA attributes are left out: the
    templates give each figure its own label (``role="img"``) and the same figures
    as text next to it, and the markup stays small for the PDF engine. Axis labels
    are never cut (:data:`LABEL_LIMIT`), and use the report's font, so that the
    layout Vega measured is the one the PDF draws."""
    configured = (
        chart.configure(aria=False, font=FONT)
        .configure_axis(labelLimit=LABEL_LIMIT)
        .configure_axisY(  # the row axis's title above its labels, not across them
            titleAngle=0, titleAlign="right", titleBaseline="bottom", titleX=-4, titleY=-4
        )
    )
    return spec(configured, validate=False)


def draw(specs: Mapping[str, dict[str, Any]]) -> dict[str, Markup]:
    """Each specification as inline SVG, under the same name, with its gradients in a
    form the PDF engine draws (:mod:`analytics.report.svg_fixes`)."""
    # SVG made by vl-convert from our data
    return {
        name: Markup(gradients_in_user_space(spec_to_svg(s)))  # noqa: S704
        for name, s in specs.items()
    }


def warm_up() -> None:
    """Draw a small chart in the report's font: vl-convert starts its engine and loads
    the font once per process."""
    sample = (
        alt.Chart(alt.Data(values=[{"x": 1, "label": "Aa"}]))
        .mark_text()
        .encode(x="x:Q", text="label:N")
    )
    draw({"sample": report_spec(sample)})


def improvement_charts(data: ReportInput, model: ImprovementReport) -> dict[str, Markup]:
    """The improvement report's charts, drawn (see :func:`improvement_specs`)."""
    return draw(improvement_specs(data, model))


def sector_charts(model: SectorReport) -> dict[str, Markup]:
    """The sector report's charts, drawn (see :func:`sector_specs`)."""
    return draw(sector_specs(model))


def improvement_specs(data: ReportInput, model: ImprovementReport) -> Specs:
    """The peer comparison chart of the snapshot: every dimension whose peer group
    publishes its quartiles, instrument by instrument in the report's order, as one chart (one chart
    engine call and one figure for the PDF engine, instead of one per instrument)."""
    order = {
        (d.instrument_id, d.dimension_id): n
        for n, d in enumerate(d for inst in model.snapshots for d in inst.dimensions)
    }
    titles = [d.title for inst in model.snapshots for d in inst.dimensions]
    labels = {
        f"{d.instrument_id}/{d.dimension_id}": d.title
        if titles.count(d.title) == 1
        else f"{d.title} ({d.instrument_title})"
        for inst in model.snapshots
        for d in inst.dimensions
    }
    rows = (
        data.benchmark.filter(pl.col("q1_low").is_not_null())
        .with_columns(
            pl.struct("instrument_id", "dimension_id")
            .map_elements(
                lambda key: order.get((key["instrument_id"], key["dimension_id"])),
                return_dtype=pl.Int64,
            )
            .alias("_order"),
            pl.format("{}/{}", "instrument_id", "dimension_id").alias("dimension_id"),
        )
        .filter(pl.col("_order").is_not_null())
        .sort("_order")
        .drop("_order")
    )
    if rows.is_empty():
        return {}
    return {"peers": report_spec(charts.distribution_chart(rows, lang=data.lang, labels=labels))}


def sector_specs(model: SectorReport) -> Specs:
    """The heat map of sector medians (sectors and dimensions in their own order), when
    any sector group may be shown."""
    sectors = vocabularies().sectors
    rank = {key: n for n, key in enumerate([*sectors.ids(), *(d.id for d in model.dimensions)])}
    statistics = model.sector_statistics.sort(
        pl.col("sector").replace_strict(rank, default=len(rank)),
        pl.col("dimension_id").replace_strict(rank, default=len(rank)),
    )
    if statistics.filter(~pl.col("suppressed").fill_null(True)).is_empty():
        return {}
    labels = {d.id: d.title for d in model.dimensions} | {
        sector: sectors.label(sector, model.lang) for sector in sectors.ids()
    }
    return {
        "heatmap": report_spec(charts.sector_heatmap(statistics, lang=model.lang, labels=labels))
    }
