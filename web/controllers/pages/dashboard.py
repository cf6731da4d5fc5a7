"""The integrity office's dashboard: sector benchmarks with filters, charts and the export.

Signed-in office users only (a session; others are sent to the login page). The
filters are a GET form, so every view has its own address and works without
JavaScript; charts are drawn as on the coordinator's benchmark page, each followed by
its table. Real and demo (synthetic) organisations are never mixed: the ``data``
filter chooses one of them, and demo data is labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import polars as pl
from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from analytics import charts, export_filters, item_report, service
from instruments import Instrument, vocabularies
from survey.disclosure import rules
from survey.errors import InvalidInput
from survey.models import User
from survey.services import audit
from web import downloads
from web.auth import office_for
from web.controllers.api.exports import FORMATS, download
from web.controllers.api.exports import detail as export_detail
from web.controllers.assets import vega_url
from web.controllers.pages.benchmark import ChartBlock, chart_block, dimension_labels
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    db_session,
    gettext,
    lang_of,
    redirect,
    render,
    state_of,
)
from web.i18n import N_

REAL, DEMO = "real", "demo"
DISTRIBUTION_KEY = N_(
    "Box: the middle half of the organisations, with the median band dark. Dashed line: up "
    "to the band where the best tenth begins. Every figure is a 5-point band."
)
NOT_A_PEER_GROUP = N_(
    "This combination of filters is not available: choose a size band or a country, not both."
)


@dataclass(frozen=True)
class Filters:
    instrument: Instrument
    sector: str | None
    size_band: str | None
    country: str | None
    year: int | None
    demo: bool
    dimension: str

    @property
    def key(self) -> str:
        return f"{self.instrument.id}@{self.instrument.version}"


def _export_filters(filters: Filters) -> export_filters.ExportFilters:
    """The dashboard's filters as the export's."""
    return export_filters.ExportFilters(
        instrument_id=filters.instrument.id,
        instrument_version=filters.instrument.version,
        sector=filters.sector,
        size_band=filters.size_band,
        country=filters.country,
        year=filters.year,
        demo=filters.demo,
    )


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


def _filters(
    request: Request[Any, Any, Any], session: Session
) -> tuple[Filters, list[Instrument], list[int], list[str]]:
    """The filters asked for, each one checked against what exists (else ignored)."""
    params = request.query_params
    library = state_of(request).library
    stored = service.instrument_versions(session)
    offered = [i for i in library.instruments if i.key in stored] or library.latest_versions()
    offered.sort(key=lambda i: (i.id != "sm-maturity", i.id, i.version))
    by_key = {f"{i.id}@{i.version}": i for i in offered}
    instrument = by_key.get(params.get("instrument") or "", offered[0])
    years = service.result_years(session, instrument.id, instrument.version)
    statistics = service.office_statistics(
        session, instrument_id=instrument.id, instrument_version=instrument.version, by="country"
    )
    countries = sorted(set(statistics.get_column("country").drop_nulls().to_list()))
    vocab = vocabularies()
    year = params.get("year") or ""
    dimensions = [d.id for d in instrument.dimensions]
    filters = Filters(
        instrument=instrument,
        sector=_choice(params.get("sector"), vocab.sectors.ids()),
        size_band=_choice(params.get("size_band"), vocab.size_bands.ids()),
        country=_choice(params.get("country"), countries),
        year=int(year) if year.isdigit() and int(year) in years else None,
        demo=params.get("data") == DEMO,
        dimension=_choice(params.get("dimension"), dimensions) or dimensions[0],
    )
    return filters, offered, years, countries


def _form(
    request: Request[Any, Any, Any],
    filters: Filters,
    offered: list[Instrument],
    years: list[int],
    countries: list[str],
) -> list[dict[str, Any]]:
    """The filter fields: name, label and options (value, label, selected)."""
    lang = lang_of(request)
    vocab = vocabularies()

    def options(pairs: list[tuple[str, str]], chosen: Any) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "selected": value == (chosen or "")}
            for value, label in pairs
        ]

    def t(message: str) -> str:
        return gettext(request, message)

    version = t(N_("version"))
    return [
        {
            "name": "instrument",
            "label": t(N_("Questionnaire")),
            "options": options(
                [
                    (f"{i.id}@{i.version}", f"{i.title.get(lang)} ({version} {i.version})")
                    for i in offered
                ],
                filters.key,
            ),
        },
        {
            "name": "sector",
            "label": t(N_("Sector")),
            "options": options(
                [("", t(N_("All sectors")))]
                + [(e.id, e.label.get(lang)) for e in vocab.sectors.entries],
                filters.sector,
            ),
        },
        {
            "name": "size_band",
            "label": t(N_("Number of staff")),
            "options": options(
                [("", t(N_("All sizes")))]
                + [(e.id, e.label.get(lang)) for e in vocab.size_bands.entries],
                filters.size_band,
            ),
        },
        {
            "name": "country",
            "label": t(N_("Country")),
            "options": options(
                [("", t(N_("All countries")))]
                + [(c, vocab.countries.label(c, lang)) for c in countries],
                filters.country,
            ),
        },
        {
            "name": "year",
            "label": t(N_("Year")),
            "options": options(
                [("", t(N_("Now (each organisation's latest round)")))]
                + [(str(y), str(y)) for y in reversed(years)],
                str(filters.year) if filters.year else None,
            ),
        },
        {
            "name": "data",
            "label": t(N_("Data")),
            "options": options(
                [(REAL, t(N_("Real organisations"))), (DEMO, t(N_("Demo data (synthetic)")))],
                DEMO if filters.demo else REAL,
            ),
        },
        {
            "name": "dimension",
            "label": t(N_("Topic of the trend chart")),
            "options": options(
                [(d.id, d.title.get(lang)) for d in filters.instrument.dimensions],
                filters.dimension,
            ),
        },
    ]


def _statistics(session: Session, filters: Filters, by: str, **only: Any) -> pl.DataFrame | None:
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
            session,
            instrument_id=filters.instrument.id,
            instrument_version=filters.instrument.version,
            by=by,
            synthetic=filters.demo,
            **values,
        )
    except InvalidInput:
        return None
    return _in_dimension_order(statistics, filters.instrument)


def _labels(filters: Filters, lang: str) -> dict[str, str]:
    sectors = {e.id: e.label.get(lang) for e in vocabularies().sectors.entries}
    return {**sectors, **dimension_labels(filters.instrument, lang)}


def _group_rows(request: Request[Any, Any, Any], statistics: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per group of the heat map: its name, organisations and whether it shows."""
    lang = lang_of(request)
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
                "name": ", ".join(parts) or gettext(request, N_("All organisations")),
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


def _charts(request: Request[Any, Any, Any], session: Session, filters: Filters) -> dict[str, Any]:
    lang = lang_of(request)
    labels = _labels(filters, lang)
    heatmap = _statistics(session, filters, "sector")
    blocks: dict[str, ChartBlock | None] = {"heatmap": None, "trend": None, "distribution": None}
    if heatmap is not None and heatmap.height:
        blocks["heatmap"] = chart_block(
            "heatmap",
            charts.sector_heatmap(heatmap, lang=lang, labels=labels),
            charts.sector_heatmap_table(heatmap, lang=lang, labels=labels),
            draw=_any_shown(heatmap),
        )
    trend = _statistics(session, filters, "year", size_band=None, country=None, year=None)
    if trend is not None:
        trend = trend.filter(pl.col("dimension_id") == filters.dimension)
        if trend.height:
            blocks["trend"] = chart_block(
                "trend",
                charts.sector_trend_chart(trend, lang=lang, labels=labels),
                charts.sector_trend_table(trend, lang=lang, labels=labels),
                draw=_any_shown(trend),
            )
    overall = _statistics(session, filters, "all")
    if overall is not None:
        shown = _distribution_frame(overall)
        if charts.distribution_table(shown, lang=lang, labels=labels).rows:
            blocks["distribution"] = chart_block(
                "distribution",
                charts.distribution_chart(shown, lang=lang, labels=labels),
                _without_own_score(charts.distribution_table(shown, lang=lang, labels=labels)),
                key=gettext(request, DISTRIBUTION_KEY),
            )
    return {
        **blocks,
        "invalid": heatmap is None or overall is None,
        "groups": _group_rows(request, heatmap) if heatmap is not None else [],
        "overall": service.office_groups(overall)[0]
        if overall is not None and overall.height
        else None,
        "trend_partial": bool(filters.size_band or filters.country or filters.year),
    }


class DashboardPages(PageController):
    @get("/office/dashboard", name="office_dashboard", sync_to_thread=True)
    def dashboard(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        with db_session(request) as session:
            who = office_for(request, session)
            if not isinstance(who, User):
                return redirect(request, request.app.route_reverse("login"))
            filters, offered, years, countries = _filters(request, session)
            shown = _charts(request, session, filters)
            answers = item_report.load_answers(session, filters.instrument, synthetic=filters.demo)
        return render(
            request,
            "office/dashboard.html",
            headers=NO_STORE,
            user=who,
            filters=filters,
            fields=_form(request, filters, offered, years, countries),
            not_a_peer_group=gettext(request, NOT_A_PEER_GROUP),
            exports=[
                {
                    "format": f,
                    "url": request.app.route_reverse("office_export")
                    + "?"
                    + urlencode({**dict(request.query_params), "format": f}),
                }
                for f in FORMATS
            ],
            vega_url=vega_url(request),
            item_statistics=item_report.item_statistics(
                answers, filters.instrument, lang_of(request)
            ),
            **shown,
        )

    @get("/office/dashboard/export", name="office_export", sync_to_thread=True)
    def export(self, request: Request[Any, Any, Any]) -> Response[bytes] | Redirect:
        """The scores export (as ``GET /api/exports/scores``) for a signed-in user."""
        export_format = request.query_params.get("format") or "csv"
        if export_format not in FORMATS:
            raise NotFoundException()
        with db_session(request) as session:
            user = office_for(request, session)
            if not isinstance(user, User):
                return redirect(request, request.app.route_reverse("login"))
            filters, *_ = _filters(request, session)
            frame = export_filters.apply(service.export_scores(session), _export_filters(filters))
            downloads.record(
                session,
                request,
                user,
                audit.EXPORT,
                target="scores",
                detail=export_detail(frame, export_format),
            )
        response = download(frame, export_format)
        response.headers["Cache-Control"] = "no-store"
        return response
