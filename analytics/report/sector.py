"""The integrity office's sector benchmark report: the model (pure; its input is
:mod:`analytics.report.sector_input`).

For one instrument version: the distribution of every dimension by sector, size band
and country, the sector medians year on year, and the statements most often weak
across the sector. Every statistic comes from :mod:`analytics.benchmark` under the
rules of :mod:`survey.disclosure` (5-point bands, forms by the number of unknown
organisations), so the report shows exactly what the dashboard and the exports show.
Statements count as weak for an organisation when its stored score is below
:data:`WEAK_BELOW` (a band edge, so the count is a function of the bands); they are
listed only for groups that publish their quartiles (10 or more unknown
organisations), since a count below a threshold says more than a median band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from analytics import benchmark, item_report
from analytics.report.sector_input import SectorInput
from instruments import vocabularies
from survey import scoring
from survey.disclosure import peers, rules
from survey.i18n import N_, Translator

GROUPINGS = {
    "sector": N_("By sector"),
    "size_band": N_("By size band"),
    "country": N_("By country"),
}
WEAK_BELOW = scoring.LEVEL_LOWER_BOUNDS[1]
WEAK_ITEMS_OVERALL = 10
WEAK_ITEMS_PER_SECTOR = 3


# --- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One group's published bands on one dimension as text ("60–65"; None where the
    group's form does not publish them) and the rule behind what is missing."""

    peer_count: int
    suppressed: bool
    median: str | None = None
    q1: str | None = None
    q3: str | None = None
    top_decile: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    organisations: int
    suppressed: bool
    cells: list[Cell]


@dataclass(frozen=True)
class Grouping:
    key: str
    title: str
    rows: list[GroupRow]

    @property
    def notes(self) -> list[RuleNote]:
        """Under the table: each rule that hid or coarsened a figure, with its groups."""
        return notes_of((row.label, cell) for row in self.rows for cell in row.cells)


@dataclass(frozen=True)
class RuleNote:
    """One rule that applied in a table and the groups (or dimensions) it applied to."""

    text: str
    labels: list[str]


def notes_of(cells: Iterable[tuple[str, Cell]]) -> list[RuleNote]:
    """The distinct reasons of ``cells`` (label, cell), in order of first appearance,
    each with the labels it applied to (each once)."""
    found: dict[str, dict[str, None]] = {}
    for label, cell in cells:
        if cell.reason:
            found.setdefault(cell.reason, {})[label] = None
    return [RuleNote(text, list(labels)) for text, labels in found.items()]


@dataclass(frozen=True)
class TrendRow:
    sector: str
    label: str
    cells: list[list[str | None]]  # per dimension, per year: median band (None: not shown)


@dataclass(frozen=True)
class WeakItem:
    item_id: str
    text: str
    dimension_title: str
    weak: int
    peer_count: int
    median: str | None


@dataclass(frozen=True)
class WeakItemGroup:
    label: str
    organisations: int
    items: list[WeakItem]


@dataclass(frozen=True)
class DimensionTitle:
    id: str
    title: str


@dataclass(frozen=True)
class SectorReport:
    lang: str
    instrument_id: str
    instrument_title: str
    version: str
    generated_on: date
    synthetic: bool
    organisations: int
    dimensions: list[DimensionTitle]
    overall: GroupRow
    groupings: list[Grouping]
    years: list[int]
    trend: list[TrendRow]
    weak_items: list[WeakItemGroup]
    anonymity: list[str]
    sector_statistics: pl.DataFrame  # peer statistics by sector (for the heat map)
    item_statistics: item_report.ItemStatistics | None = None

    @property
    def overall_notes(self) -> list[RuleNote]:
        """Under the overview table: each rule that applied, with its dimensions."""
        return notes_of(
            (dim.title, cell) for dim, cell in zip(self.dimensions, self.overall.cells, strict=True)
        )


def _band(row: Mapping[str, Any], name: str) -> str | None:
    return peers.band_label(row[f"{name}_low"], row[f"{name}_high"])


def _cells(
    rows: Mapping[str, Mapping[str, Any]], dimensions: Sequence[DimensionTitle], lang: str
) -> list[Cell]:
    cells = []
    for dim in dimensions:
        row = rows.get(dim.id)
        if row is None:
            cells.append(
                Cell(peer_count=0, suppressed=True, reason=rules.explain(rules.NO_PEERS, lang))
            )
            continue
        reason = rules.explain(row["suppression"], lang) if row["suppression"] else None
        cells.append(
            Cell(
                peer_count=int(row["peer_count"]),
                suppressed=bool(row["suppressed"]),
                reason=reason,
                **{name: _band(row, name) for name in peers.STATISTICS},
            )
        )
    return cells


def _group_rows(
    statistics: pl.DataFrame, grouping: str, dimensions: Sequence[DimensionTitle], t: Translator
) -> list[GroupRow]:
    """One row per group of ``grouping`` (or the single "all" group), in vocabulary order."""
    vocab = vocabularies()
    vocabulary = {
        "sector": vocab.sectors,
        "size_band": vocab.size_bands,
        "country": vocab.countries,
    }.get(grouping)
    by_group: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in statistics.iter_rows(named=True):
        key = row[grouping] if vocabulary else "all"
        by_group.setdefault(key, {})[row["dimension_id"]] = row
    rank = {key: n for n, key in enumerate(vocabulary.ids())} if vocabulary else {}
    found = []
    for key in sorted(by_group, key=lambda k: (rank.get(k, len(rank)), k)):
        cells = _cells(by_group[key], dimensions, t.lang)
        found.append(
            GroupRow(
                key=key,
                label=vocabulary.label(key, t.lang) if vocabulary else t("All sectors"),
                organisations=max((c.peer_count for c in cells), default=0),
                suppressed=all(c.suppressed for c in cells),
                cells=cells,
            )
        )
    return found


def _trend(
    results: pl.DataFrame, dimensions: Sequence[DimensionTitle], lang: str
) -> tuple[list[int], list[TrendRow]]:
    if results.is_empty():
        return [], []
    trend = benchmark.sector_trend(benchmark.representatives_by_year(results))
    medians = {
        (r["sector"], r["dimension_id"], r["year"]): peers.band_label(
            r["median_low"], r["median_high"]
        )
        for r in trend.iter_rows(named=True)
        if not r["suppressed"]
    }
    years = sorted({year for _, _, year in medians})
    if len(years) < 2:
        return sorted(trend.get_column("year").unique().to_list()), []
    sectors = vocabularies().sectors
    rows = []
    for sector in sectors.ids():
        cells = [[medians.get((sector, d.id, y)) for y in years] for d in dimensions]
        if any(v is not None for cell in cells for v in cell):
            rows.append(TrendRow(sector=sector, label=sectors.label(sector, lang), cells=cells))
    return years, rows


def _weak_items(
    source: SectorInput, dimensions: Sequence[DimensionTitle], t: Translator
) -> list[WeakItemGroup]:
    if source.item_results.is_empty():
        return []
    reps = benchmark.representatives(source.item_results)
    titles = {d.id: d.title for d in dimensions}
    items = {i.id: i for i in source.instrument.items}
    weak = reps.with_columns((pl.col("score") < WEAK_BELOW).alias("weak"))
    groups = []
    sectors = vocabularies().sectors
    rank = {sector: n for n, sector in enumerate(sectors.ids())}
    for grouping, limit in (("all", WEAK_ITEMS_OVERALL), ("sector", WEAK_ITEMS_PER_SECTOR)):
        statistics = benchmark.peer_statistics(reps, grouping).filter(
            pl.col("form") == rules.Form.QUARTILES.value
        )
        keys = [] if grouping == "all" else ["sector"]
        counted = (
            weak.group_by(*keys, "dimension_id")
            .agg(pl.col("weak").sum().alias("weak_count"))
            .join(statistics, on=[*keys, "dimension_id"], how="inner")
            .filter(pl.col("weak_count") > 0)
            .sort(
                [*keys, "weak_count", "median_low", "dimension_id"],
                descending=[*([False] * len(keys)), True, False, False],
            )
        )
        partitions = (
            [(None, counted)]
            if grouping == "all"
            else sorted(
                counted.partition_by("sector", as_dict=True).items(),
                key=lambda group: rank.get(group[0][0], len(rank)),
            )
        )
        for key, frame in partitions:
            listed = []
            for row in frame.head(limit).iter_rows(named=True):
                item = items.get(row["dimension_id"])
                if item is None:
                    continue
                listed.append(
                    WeakItem(
                        item_id=item.id,
                        text=item.text.get(source.lang),
                        dimension_title=titles.get(item.dimension, item.dimension),
                        weak=int(row["weak_count"]),
                        peer_count=int(row["peer_count"]),
                        median=_band(row, "median"),
                    )
                )
            if listed:
                label = t("All sectors") if key is None else sectors.label(key[0], source.lang)
                groups.append(
                    WeakItemGroup(
                        label=label,
                        organisations=max(i.peer_count for i in listed),
                        items=listed,
                    )
                )
    return groups


def sector_report(source: SectorInput) -> SectorReport:
    """The sector report model; every figure as :mod:`analytics.benchmark` shows it."""
    t = Translator(source.lang)
    inst = source.instrument
    dimensions = [DimensionTitle(d.id, d.title.get(source.lang)) for d in inst.dimensions]
    reps = benchmark.representatives(source.results)
    overall_rows = _group_rows(benchmark.peer_statistics(reps, "all"), "all", dimensions, t)
    overall = (
        overall_rows[0]
        if overall_rows
        else GroupRow("all", t("All sectors"), 0, True, _cells({}, dimensions, t.lang))
    )
    by_sector = benchmark.peer_statistics(reps, "sector")
    groupings = [
        Grouping(
            key=grouping,
            title=t.of(GROUPINGS, grouping),
            rows=_group_rows(
                by_sector if grouping == "sector" else benchmark.peer_statistics(reps, grouping),
                grouping,
                dimensions,
                t,
            ),
        )
        for grouping in GROUPINGS
    ]
    years, trend = _trend(source.results, dimensions, source.lang)
    return SectorReport(
        lang=source.lang,
        instrument_id=inst.id,
        instrument_title=inst.title.get(source.lang),
        version=inst.version,
        generated_on=source.generated_on,
        synthetic=source.synthetic,
        organisations=reps.select("organisation_id").n_unique() if not reps.is_empty() else 0,
        dimensions=dimensions,
        overall=overall,
        groupings=groupings,
        years=years,
        trend=trend,
        weak_items=_weak_items(source, dimensions, t),
        anonymity=[
            t(
                "Peer figures are 5-point bands. A group shows its median band with at least 4 organisations whose scores a reader does not already know, its quartiles with 10; otherwise only its count."
            ),
            t(
                "No organisation is named and no single organisation's score is shown: every figure is a band of a group of at least %(minimum)s organisations.",
                minimum=rules.MIN_PEER_GROUP,
            ),
            t(
                "Statements scoring below %(threshold)s (level 1 or 2) in the most organisations, counted only in groups that show their quartiles.",
                threshold=score_threshold(),
            ),
        ],
        sector_statistics=by_sector,
        item_statistics=None
        if source.answers is None
        else item_report.item_statistics(source.answers, inst, source.lang),
    )


def score_threshold() -> str:
    """The weak-statement threshold as the report prints it."""
    return f"{WEAK_BELOW:.0f}"
