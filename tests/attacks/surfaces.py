"""Everything the surfaces publish about peers, from the real publishing functions.

:func:`published` gathers, for a population, what the office dashboard, its export's
group records, the sector report and trend, every coordinator's benchmark pages (each
round, each peer group), the balance charts and ``survey analyse`` output publish
about peers. An organisation's own exact score (shown to itself only) and its own
balance point are left out: they are not about peers. If moving hidden scores
anywhere inside their bands leaves all of it unchanged, no reader, whatever it
combines, can confine a hidden score to less than its band.
"""

from __future__ import annotations

import random

import polars as pl

from analytics import benchmark
from analytics.benchmark import BALANCE_SCHEMA, PEER_GROUPS
from survey.disclosure.rules import BAND_WIDTH, TOP_BAND
from tests.attacks.population import Population

OWN_COLUMNS = ("score", "control", "enablement")


def balance_frame(results: pl.DataFrame) -> pl.DataFrame:
    """One balance row per closed round: dimension d0 as control, d1 as enablement."""
    wide = results.pivot("dimension_id", index="round_id", values="score")
    rounds = results.unique("round_id").drop("dimension_id", "score")
    return (
        rounds.join(wide, on="round_id")
        .rename({"d0": "control", "d1": "enablement"})
        .select(pl.col(c).cast(t) for c, t in BALANCE_SCHEMA.items())
    )


def published(
    population: Population, results: pl.DataFrame, *, pages: int | None = None
) -> dict[str, pl.DataFrame]:
    """Every peer-facing publication of ``results`` (the population's shape). ``pages``
    limits the earlier-round pages and balance charts to that many rounds each (the
    first by id), to keep a test fast; all group figures are always included."""
    found: dict[str, pl.DataFrame] = {}
    current = benchmark.representatives(results)
    for year in (None, *population.years):
        chosen = results if year is None else results.filter(pl.col("closed_at").dt.year() == year)
        reps = benchmark.representatives(chosen)
        for group in PEER_GROUPS:
            found[f"statistics/{year}/{group}"] = benchmark.peer_statistics(reps, group)
    found["trend"] = benchmark.sector_trend(benchmark.representatives_by_year(results))
    found["pages"] = benchmark.benchmark_all(current).drop("score")
    earlier = results.join(current.select("round_id").unique(), on="round_id", how="anti")
    chosen_rounds = sorted(earlier.get_column("round_id").unique().to_list())[:pages]
    earlier = earlier.filter(pl.col("round_id").is_in(chosen_rounds))
    for (org, round_id), _rows in earlier.partition_by(
        "organisation_id", "round_id", as_dict=True
    ).items():
        others = current.filter(pl.col("organisation_id") != org)
        own = results.filter(pl.col("round_id") == round_id)
        for group in PEER_GROUPS:
            found[f"page/{round_id}/{group}"] = benchmark.benchmark(
                pl.concat([others, own]), str(org), str(round_id), group
            ).drop("score")
    if "d1" in population.dimensions:
        balance = balance_frame(results)
        rounds = current.unique("round_id").sort("round_id")
        for row in (rounds.head(pages) if pages else rounds).iter_rows(named=True):
            for group in PEER_GROUPS:
                points = benchmark.balance_peers(
                    balance, row["organisation_id"], row["round_id"], group
                )
                found[f"balance/{row['round_id']}/{group}"] = points.filter(~pl.col("own"))
    return found


def within_bands(results: pl.DataFrame, keep: pl.Expr, seed: int) -> pl.DataFrame:
    """``results`` with every score not selected by ``keep`` moved to a random point of
    its band (its bottom, its top or anywhere between)."""
    rng = random.Random(seed)
    scores = results.get_column("score").to_list()
    kept = results.select(keep).to_series().to_list()
    moved = []
    for score, stay in zip(scores, kept, strict=True):
        if stay or score is None:
            moved.append(score)
            continue
        band = min(int(score // BAND_WIDTH), TOP_BAND)
        low = band * BAND_WIDTH
        high = low + BAND_WIDTH - (0 if band == TOP_BAND else 1e-6)
        moved.append(rng.choice([low, high, rng.uniform(low, high)]))
    return results.with_columns(pl.Series("score", moved, dtype=pl.Float64))


def differences(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> list[str]:
    """The publications that differ between two worlds (by name)."""
    names = sorted(set(left) | set(right))
    return [
        name
        for name in names
        if name not in left or name not in right or not left[name].equals(right[name])
    ]
