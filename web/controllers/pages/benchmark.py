"""The coordinator's benchmark page: a closed round against a chosen peer group.

Charts are Altair specifications from :mod:`analytics.charts`, embedded in the page as
JSON (``<script type="application/json">``, which is data, not script) and drawn by
``/static/charts.js`` with the Vega runtime the app serves itself. Every chart is
followed by its text alternative, a table that is always in the page (and is all
there is without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.orm import Session

from analytics import charts, service
from analytics.benchmark import PEER_GROUPS
from analytics.service import BenchmarkCache
from instruments import Instrument, InstrumentLibrary, vocabularies
from survey.disclosure import rules
from survey.models import Organisation, Round
from survey.services import rounds
from survey.services.results import shown_scores
from web.controllers.assets import vega_url
from web.controllers.pages.common import NO_STORE, PageController, gettext, lang_of, render
from web.controllers.pages.coordinator_callers import coordinator_page
from web.i18n import N_

DEFAULT_PEER_GROUP = "sector"
PEER_GROUP_NAMES = {
    "all": N_("All organisations"),
    "sector": N_("Same sector"),
    "size_band": N_("Same number of staff"),
    "country": N_("Same country"),
    "sector,size_band": N_("Same sector and number of staff"),
    "sector,country": N_("Same sector and country"),
}


@dataclass(frozen=True)
class ChartBlock:
    """One chart on a page: its ids, its specification and its text alternative."""

    id: str
    title: str
    spec: dict[str, Any] | None
    table: charts.Table
    key: str | None = None
    context_id: str | None = None

    @property
    def description(self) -> str:
        """The chart's text alternative: what it shows (the specification's own)."""
        return str((self.spec or {}).get("description", self.title))

    @property
    def spec_id(self) -> str:
        return f"{self.id}-spec"

    @property
    def caption_id(self) -> str:
        return f"{self.id}-caption"


def chart_block(
    chart_id: str,
    chart: alt.TopLevelMixin,
    table: charts.Table,
    *,
    draw: bool = True,
    key: str | None = None,
    context_id: str | None = None,
) -> ChartBlock:
    """A chart and its table; with ``draw`` false (nothing to draw) the table only.
    ``context_id`` names the heading that tells this chart from others with the same
    caption on the page (it is read with the caption as the table's region name)."""
    return ChartBlock(
        id=chart_id,
        title=table.caption,
        spec=chart.to_dict() if draw else None,
        table=table,
        key=key,
        context_id=context_id,
    )


def dimension_labels(instrument: Instrument | None, lang: str) -> dict[str, str]:
    if instrument is None:
        return {}
    return {d.id: d.title.get(lang) for d in instrument.dimensions}


def peer_group_choices(
    request: Request[Any, Any, Any], organisation: Organisation, chosen: str
) -> list[dict[str, Any]]:
    """The peer groups with the organisation's own values in their names."""
    lang = lang_of(request)
    vocab = vocabularies()
    values = {
        "sector": vocab.sectors.label(organisation.sector, lang),
        "size_band": vocab.size_bands.label(organisation.size_band, lang),
        "country": vocab.countries.label(organisation.country, lang),
    }
    choices = []
    for group, columns in PEER_GROUPS.items():
        detail = ", ".join(values[c] for c in columns)
        name = gettext(request, PEER_GROUP_NAMES[group])
        choices.append(
            {
                "id": group,
                "label": f"{name} ({detail})" if detail else name,
                "selected": group == chosen,
            }
        )
    return choices


PROFILE_KEY = N_(
    "Diamond: your score. Dark bar: the 5-point band of the peer median. Light bar: the "
    "middle half of the peers (from the first quartile's band to the third's)."
)
DISTRIBUTION_KEY = N_(
    "Box: the middle half of the peers, with the median band dark. Dashed line: up to the "
    "band where the best tenth begins. Diamond: your score."
)

BALANCE_KEY = N_(
    "Diamond: your organisation. Cross: the peers' median bands. Grey dots: 5-point cells "
    "holding peers, unnamed, sized by their number."
)


def _instrument_charts(
    request: Request[Any, Any, Any],
    number: int,
    instrument: Instrument | None,
    rows: pl.DataFrame,
    role_scores: pl.DataFrame,
) -> list[ChartBlock]:
    lang = lang_of(request)
    labels = dimension_labels(instrument, lang)
    roles = {entry.id: entry.label.get(lang) for entry in vocabularies().roles.entries}
    blocks = [
        chart_block(
            f"profile-{number}",
            charts.profile_chart(rows, lang=lang, labels=labels),
            charts.profile_table(rows, lang=lang, labels=labels),
            key=gettext(request, PROFILE_KEY),
            context_id=f"instrument-{number}",
        )
    ]
    if charts.distribution_table(rows, lang=lang, labels=labels).rows:
        blocks.append(
            chart_block(
                f"distribution-{number}",
                charts.distribution_chart(rows, lang=lang, labels=labels),
                charts.distribution_table(rows, lang=lang, labels=labels),
                key=gettext(request, DISTRIBUTION_KEY),
                context_id=f"instrument-{number}",
            )
        )
    role_labels = {**labels, **roles}
    if charts.role_table(role_scores, lang=lang, labels=role_labels).rows:
        blocks.append(
            chart_block(
                f"roles-{number}",
                charts.role_chart(role_scores, lang=lang, labels=role_labels),
                charts.role_table(role_scores, lang=lang, labels=role_labels),
                context_id=f"instrument-{number}",
            )
        )
    return blocks


def benchmark_sections(
    request: Request[Any, Any, Any],
    library: InstrumentLibrary,
    round_: Round,
    found: service.RoundBenchmark,
    role_dimensions: pl.DataFrame,
) -> list[dict[str, Any]]:
    """Per instrument of the round: its title and charts."""
    lang = lang_of(request)
    sections = []
    for number, pinned in enumerate(sorted(round_.instruments, key=lambda p: p.position), 1):
        instrument = library.get(pinned.instrument_id, pinned.instrument_version)
        rows = found.dimensions.filter(pl.col("instrument_id") == pinned.instrument_id)
        if rows.is_empty():
            continue
        roles = role_dimensions.filter(pl.col("instrument_id") == pinned.instrument_id)
        blocks = _instrument_charts(request, number, instrument, rows, roles)
        sections.append(
            {
                "id": f"instrument-{number}",
                "title": instrument.title.get(lang) if instrument else pinned.instrument_id,
                "version": pinned.instrument_version,
                "charts": blocks,
                "roles_shown": any(b.id.startswith("roles-") for b in blocks),
                "hidden_roles": _hidden_roles(roles, lang),
                "notes": peer_notes(rows, lang),
            }
        )
    return sections


def peer_notes(rows: pl.DataFrame, lang: str) -> list[str]:
    """The rule behind every peer figure of ``rows`` not shown, once each."""
    codes = rows.get_column("suppression").drop_nulls().unique(maintain_order=True).to_list()
    if rows.get_column("score_suppressed").any():
        codes.append(rules.FEW_RESPONDENTS)
    return [rules.explain(code, lang) for code in codes]


def _hidden_roles(role_scores: pl.DataFrame, lang: str) -> list[str]:
    hidden = (
        role_scores.group_by("role").agg(pl.col("suppressed").all()).filter(pl.col("suppressed"))
    )
    roles = vocabularies().roles
    return sorted(roles.label(r, lang) for r in hidden.get_column("role").to_list())


def _balance_note(points: pl.DataFrame, lang: str) -> str | None:
    """Why the peers' points are not all shown (the reason of the balance group's form)."""
    if points.is_empty() or points.get_column("suppression")[0] is None:
        return None
    return rules.explain(points.get_column("suppression")[0], lang)


class BenchmarkPages(PageController):
    @get(
        "/rounds/{round_id:str}/benchmark",
        name="round_benchmark",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def round_benchmark(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        benchmarks: NamedDependency[BenchmarkCache],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Template:
        peers = request.query_params.get("peers") or DEFAULT_PEER_GROUP
        round_ = rounds.get_round(db, round_id, of=coordinator)
        if round_.is_open:
            return render(
                request,
                "benchmark/round.html",
                headers=NO_STORE,
                organisation=coordinator,
                round=round_,
                found=None,
                choices=[],
                sections=[],
                balance=None,
                vega_url=vega_url(request),
            )
        found = service.round_benchmark(db, round_, peers, library=library, cache=benchmarks)
        role_dimensions = shown_scores(db, round_).role_dimensions
        points = service.balance_points(db, round_, peers, cache=benchmarks)
        choices = peer_group_choices(request, coordinator, peers)
        balance = None
        if not points.is_empty():
            balance = chart_block(
                "balance",
                charts.balance_chart(points, lang=page_lang),
                charts.balance_table(points, lang=page_lang),
                key=gettext(request, BALANCE_KEY),
            )
        return render(
            request,
            "benchmark/round.html",
            headers=NO_STORE,
            organisation=coordinator,
            round=round_,
            found=found,
            peer_group_name=next(c["label"] for c in choices if c["selected"]),
            choices=choices,
            sections=benchmark_sections(request, library, round_, found, role_dimensions),
            balance=balance,
            balance_note=_balance_note(points, page_lang),
            suppression_note=rules.explain(found.suppression, page_lang)
            if found.suppression
            else None,
            vega_url=vega_url(request),
        )
