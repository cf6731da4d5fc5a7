"""The integrity office dashboard's charts: sector statistics under the filters, drawn as
on the coordinator's benchmark page, each followed by its table."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from analytics import charts, service
from analytics.service import BenchmarkCache
from instruments import Instrument, vocabularies
from survey.disclosure import rules
from survey.errors import InvalidInput
from web.controllers.pages.benchmark import ChartBlock, chart_block, dimension_labels
from web.controllers.pages.dashboard_filters import Filters
from web.i18n import N_, gettext

DISTRIBUTION_KEY = N_(
    "Box: the middle half of the organisations, with the median band dark. Dashed line: up "
    "to the band where the best tenth begins. Every figure is a 5-point band."
)


def _statistics(
    db: Session, cache: BenchmarkCache, filters: Filters, by: str, **only: Any
) -> pl.DataFrame | None:
    """:func:`analytics.service.office_statistics` with the filters; None for a
    combination of filters that is not a peer group."""
    values = {
        "sector": filters.sector,
        "size_band": filters.size_band,
        "country": filters.country,
        "year": filters.year,
        **only,
    }
    try:
        statistics = service.office_statistics(
            db,
            instrument_id=filters.instrument.id,
            instrument_version=filters.instrument.version,
            by=by,
            synthetic=filters.demo,
            cache=cache,
            **values,
        )
    except InvalidInput:
        return None
    return _in_dimension_order(statistics, filters.instrument)


def _labels(filters: Filters, lang: str) -> dict[str, str]:
    sectors = {e.id: e.label.get(lang) for e in vocabularies().sectors.entries}
    return {**sectors, **dimension_labels(filters.instrument, lang)}


def _group_rows(lang: str, statistics: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per group of the heat map: its name, organisations and whether it shows."""
    vocab = vocabularies()
    rows = []
    for group in service.office_groups(statistics):
        parts = [vocab.sectors.label(group["sector"], lang)] if group["sector"] else []
        if group["size_band"]:
            parts.append(vocab.size_bands.label(group["size_band"], lang))
        if group["country"]:
            parts.append(vocab.countries.label(group["country"], lang))
        rows.append(
            {
                "name": ", ".join(parts) or gettext(lang, N_("All organisations")),
                "organisations": group["peer_count"],
                "suppressed": group["suppressed"],
                "partly": not group["suppressed"]
                and any(d["suppression"] for d in group["dimensions"]),
                "reason": rules.explain(group["suppression"], lang)
                if group["suppression"]
                else None,
                "partly_reasons": sorted(
                    {
                        rules.explain(d["suppression"], lang)
                        for d in group["dimensions"]
                        if d["suppression"]
                    }
                ),
            }
        )
    return rows


def _any_shown(statistics: pl.DataFrame) -> bool:
    return not statistics.get_column("suppressed").all()


def _distribution_frame(statistics: pl.DataFrame) -> pl.DataFrame:
    """Peer statistics shaped for :func:`analytics.charts.distribution_chart` (no own score)."""
    return statistics.with_columns(
        pl.lit(None, pl.Float64).alias("score"),
        pl.lit(None, pl.Int64).alias("percentile"),
        pl.lit(None, pl.String).alias("position"),
    )


def _without_own_score(table: charts.Table) -> charts.Table:
    """The distribution table without its last two columns (own score and percentile),
    which an integrity office does not have."""
    return charts.Table(
        caption=table.caption,
        headers=table.headers[:-2],
        rows=tuple(row[:-2] for row in table.rows),
    )


def _in_dimension_order(statistics: pl.DataFrame, instrument: Instrument) -> pl.DataFrame:
    """Rows in the instrument's order of dimensions (the charts draw them in row order)."""
    order = {d.id: n for n, d in enumerate(instrument.dimensions)}
    position = pl.col("dimension_id").replace_strict(
        order, default=len(order), return_dtype=pl.Int64
    )
    return (
        statistics.with_columns(position.alias("_position"))
        .sort("synthetic", "year", "sector", "size_band", "country", "_position", nulls_last=True)
        .drop("_position")
    )


def office_charts(
    db: Session, cache: BenchmarkCache, filters: Filters, lang: str
) -> dict[str, Any]:
    """The dashboard's charts (heat map, trend, distribution), each with its table, and
    the groups of the heat map; ``invalid`` when the filters are not a peer group."""
    labels = _labels(filters, lang)
    heatmap = _statistics(db, cache, filters, "sector")
    blocks: dict[str, ChartBlock | None] = {"heatmap": None, "trend": None, "distribution": None}
    if heatmap is not None and heatmap.height:
        blocks["heatmap"] = chart_block(
            "heatmap",
            charts.sector_heatmap(heatmap, lang=lang, labels=labels),
            charts.sector_heatmap_table(heatmap, lang=lang, labels=labels),
            draw=_any_shown(heatmap),
        )
    trend = _statistics(db, cache, filters, "year", size_band=None, country=None, year=None)
    if trend is not None:
        trend = trend.filter(pl.col("dimension_id") == filters.dimension)
        if trend.height:
            blocks["trend"] = chart_block(
                "trend",
                charts.sector_trend_chart(trend, lang=lang, labels=labels),
                charts.sector_trend_table(trend, lang=lang, labels=labels),
                draw=_any_shown(trend),
            )
    overall = _statistics(db, cache, filters, "all")
    if overall is not None:
        shown = _distribution_frame(overall)
        if charts.distribution_table(shown, lang=lang, labels=labels).rows:
            blocks["distribution"] = chart_block(
                "distribution",
                charts.distribution_chart(shown, lang=lang, labels=labels),
                _without_own_score(charts.distribution_table(shown, lang=lang, labels=labels)),
                key=gettext(lang, DISTRIBUTION_KEY),
            )
    return {
        **blocks,
        "invalid": heatmap is None or overall is None,
        "groups": _group_rows(lang, heatmap) if heatmap is not None else [],
        "overall": service.office_groups(overall)[0]
        if overall is not None and overall.height
        else None,
        "trend_partial": bool(filters.size_band or filters.country or filters.year),
    }
