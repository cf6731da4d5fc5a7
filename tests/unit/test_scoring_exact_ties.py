"""Schema 1, exact ties (issue 11, item 6): a mean of rounded scores is summed exactly,
so equal answers give bit-identical scores whatever the order of the rows."""

from __future__ import annotations

import random

import polars as pl

from survey.scoring.aggregation import clean, exact_mean, organisation_plan, role_plan

SEED = 1
RUNGS = (0, 25, 33, 50, 67, 75, 100)


def _scores(rng: random.Random) -> list[float]:
    """Respondent scores as schema 1 stores them: means of rungs, rounded to 9 decimals."""
    count = rng.randint(3, 40)
    return [
        min(100.0, round(rng.choice(RUNGS) * rng.random() + rng.randint(0, 3) / 3, 9))
        for _ in range(count)
    ]


def _orders(rng: random.Random, values: list[float], times: int = 6) -> list[list[float]]:
    found = []
    for _ in range(times):
        values = values[:]
        rng.shuffle(values)
        found.append(values)
    return found


def test_the_seeded_population_reaches_the_boundaries_a_float_sum_breaks():
    """The reproduction: with a float mean some groups round differently by row order."""
    rng = random.Random(SEED)
    broken = 0
    for _ in range(3000):
        means = {
            pl.DataFrame({"s": order}).select(clean(pl.col("s").mean())).item()
            for order in _orders(rng, _scores(rng))
        }
        broken += len(means) > 1
    assert broken > 0


def test_an_exact_mean_does_not_depend_on_the_order_of_the_rows():
    rng = random.Random(SEED)
    for _ in range(3000):
        means = {
            pl.DataFrame({"s": order}).select(exact_mean(pl.col("s"))).item()
            for order in _orders(rng, _scores(rng))
        }
        assert len(means) == 1


def test_equal_respondent_scores_give_identical_role_and_organisation_scores():
    """Two organisations whose respondents have the same roles and scores, listed in
    another order, get bit-identical role and organisation scores (so percentile ties
    follow the published rule)."""
    rng = random.Random(SEED)
    keys = ["instrument_id", "dimension_id"]
    for _ in range(300):
        people = [(("management", "staff")[n % 2], v) for n, v in enumerate(_scores(rng))]
        shuffled = people[:]
        rng.shuffle(shuffled)
        frame = pl.DataFrame(
            [
                {
                    "organisation_id": org,
                    "role": role,
                    "instrument_id": "i",
                    "dimension_id": "d",
                    "score": value,
                }
                for org, listed in (("a", people), ("b", shuffled))
                for role, value in listed
            ]
        )
        roles = role_plan(frame.lazy(), keys).collect()
        for role in ("management", "staff"):
            same = roles.filter(pl.col("role") == role).get_column("score").to_list()
            assert same[0] == same[1]
        organisations = organisation_plan(roles.lazy(), keys).collect()
        assert organisations.get_column("score").n_unique() == 1


def test_a_group_without_scores_has_no_mean():
    empty = pl.DataFrame({"s": [None, None]}, schema={"s": pl.Float64})
    assert empty.select(exact_mean(pl.col("s"))).item() is None
