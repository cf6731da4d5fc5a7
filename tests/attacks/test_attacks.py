"""The attack suite (D1): every reader of the attacker model against generated
populations; no hidden score may be confined to 1 point or less.

Each attack feeds a reader exactly what the real publishing functions publish
(:mod:`tests.attacks.readers`) and propagates intervals over order statistics
(:mod:`tests.attacks.intervals`): nested differencing (every peer group at once),
order-statistic inversion with the reader's own score and position, subtraction of
named sharers (the office), year-to-year differencing (every year's groups, earlier
rounds' pages) and exports combined with pages. The same attacks run against the
previous rules (exact interpolated quantiles) must recover values: they work.
"""

from __future__ import annotations

import polars as pl
import pytest

from analytics import benchmark
from tests.attacks import population, readers, surfaces
from tests.attacks.readers import NEW, OLD

SEEDS = list(range(1, 11))
SHAPES = {
    "no sharers, small sectors": dict(sectors=[5, 7, 6], share=0.0, years=2),
    "everyone shares": dict(sectors=[12, 30], share=1.0, years=3),
    "most share": dict(sectors=[9, 25, 60], share=0.9, years=2),
    "one large sector": dict(sectors=[60], share=0.3, years=3),
}


def _populations() -> list[tuple[str, population.Population]]:
    found = [(f"seed {seed}", population.generate(seed)) for seed in SEEDS]
    found += [(name, population.generate(99, **shape)) for name, shape in SHAPES.items()]
    return found


POPULATIONS = _populations()


def _organisation_readers(pop: population.Population) -> list[str]:
    """A sharer, a non-sharer, and one with several rounds (year differencing)."""
    orgs = pop.organisations
    rounds = pop.results.group_by("organisation_id").agg(pl.col("round_id").n_unique().alias("n"))
    chosen = [
        *orgs.filter(pl.col("shares")).get_column("organisation_id").head(1).to_list(),
        *orgs.filter(~pl.col("shares")).get_column("organisation_id").head(1).to_list(),
        *rounds.filter(pl.col("n") > 1)
        .sort("organisation_id")
        .get_column("organisation_id")
        .head(1)
        .to_list(),
    ]
    return list(dict.fromkeys(chosen))


@pytest.mark.parametrize(("name", "pop"), POPULATIONS, ids=[n for n, _ in POPULATIONS])
def test_no_reader_recovers_a_hidden_score(name: str, pop: population.Population) -> None:
    outcomes = [readers.office(pop, NEW)]
    outcomes += [readers.organisation(pop, org, NEW) for org in _organisation_readers(pop)]
    for outcome in outcomes:
        assert outcome.hidden > 0
        assert outcome.recovered == 0, (name, outcome)
        assert outcome.recovered_unnamed == 0, (name, outcome)


@pytest.mark.parametrize(("name", "pop"), POPULATIONS[:4], ids=[n for n, _ in POPULATIONS[:4]])
def test_nothing_published_depends_on_a_score_beyond_its_band(
    name: str, pop: population.Population
) -> None:
    """The strongest attack of all: two worlds that differ anywhere inside the bands of
    the hidden scores publish exactly the same, so nothing any reader combines can
    confine a hidden score to less than its band (5 points)."""
    current = benchmark.representatives(pop.results).get_column("round_id").unique()
    office_knows = pl.col("shares") & pl.col("round_id").is_in(current.implode())
    one_org = pop.organisations.get_column("organisation_id")[0]
    reference = surfaces.published(pop, pop.results, pages=8)
    for seed, keep in ((1, office_knows), (2, pl.col("organisation_id") == one_org)):
        moved = surfaces.within_bands(pop.results, keep, seed)
        assert not moved.get_column("score").equals(pop.results.get_column("score"))
        assert surfaces.differences(reference, surfaces.published(pop, moved, pages=8)) == []


def test_the_attacks_find_the_old_leaks() -> None:
    """Against the previous rules the same attacks recover scores: they work."""
    totals = {"recovered": 0, "unnamed": 0}
    for _name, pop in POPULATIONS[:6]:
        outcome = readers.office(pop, OLD)
        totals["recovered"] += outcome.recovered
        totals["unnamed"] += outcome.recovered_unnamed
    assert totals["recovered"] > 0
    assert totals["unnamed"] > 0


def test_group_of_five_with_four_sharers_old_leak_and_new_rules() -> None:
    """The issue's case: the office subtracts four named sharers from exact quartiles
    and reads the fifth's score; under D1 the group publishes its count only and the
    fifth may score anything without any publication changing."""
    scores = [42.3, 55.1, 61.7, 68.2, 74.9]
    pop = population.single_group(scores, [True, True, False, True, True])
    old = readers.office(pop, OLD)
    assert (old.hidden, old.recovered) == (1, 1)
    new = readers.office(pop, NEW)
    assert (new.recovered, new.recovered_unnamed, new.band_determined) == (0, 0, 0)
    reference = surfaces.published(pop, pop.results)
    for fifth in (0.0, 33.3, 61.7, 99.0, 100.0):
        moved = pop.results.with_columns(
            pl.when(pl.col("organisation_id") == "o2")
            .then(fifth)
            .otherwise(pl.col("score"))
            .alias("score")
        )
        assert surfaces.differences(reference, surfaces.published(pop, moved)) == []


def test_group_of_seven_top_decile_attack_finds_the_old_leak() -> None:
    """The issue's case: a member that knows its own score and percentile rank solves
    a neighbour's score from the interpolated top decile; not from bands."""
    pop = population.single_group([30.2, 41.5, 47.9, 52.3, 58.8, 66.4, 81.7], [False] * 7)
    for reader in ("o4", "o5", "o6"):
        assert readers.organisation(pop, reader, OLD).recovered_unnamed > 0
        new = readers.organisation(pop, reader, NEW)
        assert (new.recovered, new.recovered_unnamed) == (0, 0)
