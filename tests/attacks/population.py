"""Generated populations of realistic shape, shared by every attack in this folder.

A population is what the benchmark reads: the stored results of closed rounds
(:data:`analytics.benchmark.RESULTS_SCHEMA`), for several sectors of 5 to 60
organisations, 3 to 40 respondents (a few with 1 or 2, as happens), a share of
sharing organisations from 0 to 100 %, several size bands and countries, and two or
three years of rounds. Scores are continuous (one decimal), as stored scores are.

Role-group attacks (the scoring rules) can import :func:`generate` and add their own
answers per organisation; :attr:`Population.organisations` lists every organisation
with its attributes and respondent count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from analytics.benchmark import RESULTS_SCHEMA

INSTRUMENT = ("attack", "1")
SIZE_BANDS = ("1-49", "50-249", "250-999", "1000+")
COUNTRIES = ("NL", "BE", "DE")
SHARE_LEVELS = (0.0, 0.1, 0.3, 0.6, 0.9, 1.0)


@dataclass(frozen=True)
class Population:
    """Closed-round results (:data:`RESULTS_SCHEMA`) and the organisations behind them."""

    seed: int
    results: pl.DataFrame
    organisations: pl.DataFrame
    years: tuple[int, ...]
    dimensions: tuple[str, ...]
    share: float = 0.0
    """The chance that an organisation shares its named scores with the office."""


def _org_rows(rng: random.Random, sectors: list[int], share: float) -> list[dict[str, object]]:
    rows = []
    for s, size in enumerate(sectors):
        bands = rng.sample(SIZE_BANDS, rng.randint(2, 4))
        countries = rng.sample(COUNTRIES, rng.randint(1, 3))
        for n in range(size):
            rows.append(
                {
                    "organisation_id": f"s{s}o{n:02d}",
                    "sector": f"sector{s}",
                    "size_band": rng.choice(bands),
                    "country": rng.choice(countries),
                    "shares": rng.random() < share,
                    "respondents": rng.choice([1, 2])
                    if rng.random() < 0.05
                    else rng.randint(3, 40),
                    "maturity": rng.uniform(15, 85),
                }
            )
    return rows


def generate(
    seed: int,
    *,
    sectors: list[int] | None = None,
    share: float | None = None,
    years: int | None = None,
    dimensions: int = 2,
) -> Population:
    """A seeded population; unspecified shape parameters are drawn from the seed."""
    rng = random.Random(seed)
    sizes = sectors or [rng.randint(5, 60) for _ in range(rng.randint(1, 3))]
    share_level = rng.choice(SHARE_LEVELS) if share is None else share
    year_count = years or rng.randint(2, 3)
    year_list = tuple(2023 + y for y in range(year_count))
    dims = tuple(f"d{d}" for d in range(dimensions))
    orgs = _org_rows(rng, sizes, share_level)
    rows = []
    for org in orgs:
        closes = [y for y in year_list if rng.random() < 0.75] or [rng.choice(year_list)]
        for year in closes:
            closed_at = datetime(year, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
            for dim in dims:
                score = org["maturity"] + rng.gauss(0, 8) + (year - year_list[0]) * 2
                rows.append(
                    {
                        "organisation_id": org["organisation_id"],
                        "round_id": f"{org['organisation_id']}-{year}",
                        "instrument_id": INSTRUMENT[0],
                        "instrument_version": INSTRUMENT[1],
                        "dimension_id": dim,
                        "score": round(min(100.0, max(0.0, score)), 1),
                        "respondents": org["respondents"],
                        "closed_at": closed_at,
                        "sector": org["sector"],
                        "size_band": org["size_band"],
                        "country": org["country"],
                        "synthetic": False,
                        "shares": org["shares"],
                    }
                )
    results = pl.DataFrame(rows, schema=RESULTS_SCHEMA, orient="row")
    organisations = pl.DataFrame(orgs).drop("maturity")
    return Population(seed, results, organisations, year_list, dims, share_level)


def single_group(scores: list[float], sharers: list[bool], *, respondents: int = 10) -> Population:
    """One sector of one size band and country, one year, one dimension: the issue's
    hand-made cases (a group of 5 where 4 share; a group of 7)."""
    rows = [
        {
            "organisation_id": f"o{n}",
            "round_id": f"o{n}-2025",
            "instrument_id": INSTRUMENT[0],
            "instrument_version": INSTRUMENT[1],
            "dimension_id": "d0",
            "score": score,
            "respondents": respondents,
            "closed_at": datetime(2025, 3, 1, tzinfo=UTC),
            "sector": "sector0",
            "size_band": SIZE_BANDS[0],
            "country": COUNTRIES[0],
            "synthetic": False,
            "shares": share,
        }
        for n, (score, share) in enumerate(zip(scores, sharers, strict=True))
    ]
    results = pl.DataFrame(rows, schema=RESULTS_SCHEMA, orient="row")
    organisations = results.select(
        "organisation_id", "sector", "size_band", "country", "shares", "respondents"
    )
    share = sum(sharers) / len(sharers)
    return Population(0, results, organisations, (2025,), ("d0",), share)
