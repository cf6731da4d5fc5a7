"""The readers of the attacker model, each fed exactly what the surfaces publish.

Publications come from the real publishing functions of :mod:`analytics.benchmark`
(the ones behind the office dashboard and export, the sector report and trend, the
coordinator's benchmark pages and ``survey analyse``), or, to show that the attacks
work, from the previous rules (:mod:`tests.attacks.legacy`). Group membership is
taken to be known exactly (every organisation's sector, size band and country, and
which round represents it in which year): the strongest reader.

* the integrity office: the named exact scores of sharing organisations (current
  round, 3 or more respondents: the export) and every group's figures, current and
  per year (dashboard, export, sector report, trend);
* an organisation: its own exact scores (every round), its benchmark pages for every
  round and peer group, and every group's figures of every report and export.

A variable is one score: ``(round_id, dimension_id)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from analytics import benchmark
from analytics.benchmark import PEER_GROUPS, SCOPE
from survey.disclosure import peers
from tests.attacks import legacy
from tests.attacks.intervals import Attack
from tests.attacks.population import Population

NEW, OLD = "new", "old"


@dataclass(frozen=True)
class Outcome:
    """What one reader learned."""

    reader: str
    hidden: int
    recovered: int
    recovered_unnamed: int
    band_determined: int


def _var(row: dict) -> tuple[str, str]:
    return (row["round_id"], row["dimension_id"])


def populations_by_year(population: Population) -> Iterator[tuple[int | None, pl.DataFrame]]:
    """The current representatives, then each year's (latest round closed that year)."""
    results = population.results
    yield None, benchmark.representatives(results)
    for year in population.years:
        yielded = results.filter(pl.col("closed_at").dt.year() == year)
        if yielded.height:
            yield year, benchmark.representatives(yielded)


def _members(reps: pl.DataFrame, group: str, row: dict) -> list[tuple[str, str]]:
    keys = ["synthetic", *PEER_GROUPS[group], *SCOPE]
    frame = reps.filter(pl.col("score").is_not_null())
    for key in keys:
        frame = frame.filter(pl.col(key) == row[key])
    return [_var(r) for r in frame.select("round_id", "dimension_id").iter_rows(named=True)]


def _group_figures(attack: Attack, reps: pl.DataFrame, rules: str) -> None:
    for group in PEER_GROUPS:
        if rules == NEW:
            for row in benchmark.peer_statistics(reps, group).iter_rows(named=True):
                _banded(attack, _members(reps, group, row), row)
        else:
            for row in legacy.peer_statistics(reps, group).iter_rows(named=True):
                if not row["suppressed"]:
                    members = _members(reps, group, row)
                    for name, q in legacy.QUANTILES.items():
                        attack.exact_quantile(members, q, row[name])


def _banded(attack: Attack, members: list[tuple[str, str]], row: dict) -> None:
    for name in peers.STATISTICS:
        if row[f"{name}_low"] is not None:
            rank = peers.nearest_rank(len(members), name)
            attack.band_quantile(members, rank, row[f"{name}_low"], row[f"{name}_high"])


def _percentile_of_bands(
    attack: Attack, members: list[tuple[str, str]], own_score: float, percentile: int
) -> None:
    """Every (lower, same) that gives the published percentile; the hull of what each
    says about the order statistics."""
    n = len(members)
    low_band = peers.band(own_score) * peers.BAND_WIDTH
    candidates = [
        (lower, same)
        for lower in range(n)
        for same in range(1, n - lower + 1)
        if peers.band_percentile(lower, same, n) == percentile
    ]
    if not candidates:
        return
    for i in range(n):
        lows, highs = [], []
        for lower, same in candidates:
            if i < lower:
                lows.append(0.0)
                highs.append(float(low_band))
            elif i < lower + same:
                lows.append(float(low_band))
                highs.append(float(low_band + peers.BAND_WIDTH))
            else:
                lows.append(float(low_band + peers.BAND_WIDTH))
                highs.append(100.0)
        attack.group(members).confine(i, min(lows), max(highs))


def _own_pages(attack: Attack, population: Population, organisation: str, rules: str) -> None:
    """The organisation's benchmark pages: each of its rounds against the others'
    current representatives, for every peer group."""
    results = population.results
    current = benchmark.representatives(results)
    others = current.filter(pl.col("organisation_id") != organisation)
    rounds = results.filter(pl.col("organisation_id") == organisation)
    for (round_id,), own in rounds.partition_by("round_id", as_dict=True).items():
        reps = pl.concat([others, own])
        for group in PEER_GROUPS:
            if rules == NEW:
                rows = benchmark.benchmark(reps, organisation, str(round_id), group)
                for row in rows.iter_rows(named=True):
                    members = _members(reps, group, row)
                    _banded(attack, members, row)
                    if row["percentile"] is not None:
                        _percentile_of_bands(attack, members, row["score"], row["percentile"])
            else:
                ranks = legacy.percentiles(reps, group).filter(
                    (pl.col("round_id") == round_id) & ~pl.col("suppressed")
                )
                for row in ranks.iter_rows(named=True):
                    members = _members(reps, group, row)
                    position = round(row["percentile"] * len(members) / 100 - 0.5)
                    attack.own_rank(members, position, row["score"])


def _outcome(reader: str, attack: Attack, population: Population) -> Outcome:
    for row in population.results.select("round_id", "dimension_id").iter_rows(named=True):
        attack.values.setdefault(_var(row), [0.0, 100.0])
    attack.propagate()
    return Outcome(
        reader=reader,
        hidden=len(attack.hidden()),
        recovered=len(attack.recovered()),
        recovered_unnamed=len(attack.recovered_unnamed()),
        band_determined=len(attack.band_determined()),
    )


def office(population: Population, rules: str = NEW) -> Outcome:
    current = benchmark.representatives(population.results)
    named = current.filter(pl.col("shares") & (pl.col("respondents") >= 3))
    attack = Attack({_var(r): r["score"] for r in named.iter_rows(named=True)})
    for _year, reps in populations_by_year(population):
        _group_figures(attack, reps, rules)
    return _outcome("office", attack, population)


def organisation(population: Population, organisation_id: str, rules: str = NEW) -> Outcome:
    own = population.results.filter(pl.col("organisation_id") == organisation_id)
    attack = Attack({_var(r): r["score"] for r in own.iter_rows(named=True)})
    for _year, reps in populations_by_year(population):
        _group_figures(attack, reps, rules)
    _own_pages(attack, population, organisation_id, rules)
    return _outcome(organisation_id, attack, population)
