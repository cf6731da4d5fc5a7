"""Schema 1: respondent, role-group and organisation aggregation (rules 2-5, 9).

Written once against the column names, these plans run on ids (the public functions
that take earlier results) and on the engine's integer codes alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from survey.scoring.contract import COHERENT_LEVEL, DIMENSION_KEY, ORG, SCORE_DECIMALS
from survey.scoring.levels import maturity_level


def clean(score: pl.Expr) -> pl.Expr:
    """A mean kept inside 0-100, without floating-point noise from summation order."""
    return score.clip(0.0, 100.0).round(SCORE_DECIMALS)


SCALE = 10**SCORE_DECIMALS
"""A score rounded to ``SCORE_DECIMALS`` decimals is a whole number of 1 / SCALE points."""


def exact_mean(score: pl.Expr) -> pl.Expr:
    """The mean of scores already rounded to ``SCORE_DECIMALS`` decimals, summed exactly.

    Each score is a whole number of 1 / SCALE points, so their sum is an exact integer
    and the mean is rounded once, in integers, to the nearest 1 / SCALE point, halves up
    (as the pages round).
    A float sum depended on the order of the rows, and on a rounding boundary that
    flipped the ninth decimal: two organisations with the same answers could differ,
    and percentile ties broke against the published rule."""
    units = (score * SCALE).round(0).cast(pl.Int64)
    count = units.count().cast(pl.Int64)
    nearest = (2 * units.sum() + count) // (2 * count)
    return pl.when(count > 0).then(clean(nearest.cast(pl.Float64) / SCALE))


def half_rule(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Rule 2 from sums: defined when at least half of the items have a scored answer."""
    return frame.with_columns(
        pl.when(2 * pl.col("scored_items") >= pl.col("item_count"))
        .then(clean(pl.col("weighted") / pl.col("weights")))
        .otherwise(None)
        .alias("score")
    )


def role_plan(respondent_scores: pl.LazyFrame, group: Sequence[str]) -> pl.LazyFrame:
    """Rule 3: mean of the defined respondent scores per role group."""
    return respondent_scores.group_by(ORG, "role", *group).agg(*role_figures())


def role_figures() -> list[pl.Expr]:
    """Rule 3's figures of one role group, from its respondents' scores."""
    return [
        exact_mean(pl.col("score")).alias("score"),
        pl.col("score").count().alias("respondents"),
    ]


def organisation_plan(role_scores: pl.LazyFrame, group: Sequence[str]) -> pl.LazyFrame:
    """Rule 4: mean of the role groups' defined scores, each group counted once."""
    return role_scores.group_by(ORG, *group).agg(*organisation_figures())


def organisation_figures() -> list[pl.Expr]:
    """Rule 4's figures of one organisation, from its role groups' scores."""
    return [
        exact_mean(pl.col("score")).alias("score"),
        pl.col("respondents").sum().alias("respondents"),
        pl.col("score").count().alias("role_groups"),
    ]


def organisation_dimensions_plan(role_scores: pl.LazyFrame) -> pl.LazyFrame:
    return organisation_plan(role_scores, DIMENSION_KEY).with_columns(
        maturity_level(pl.col("score")).alias("level")
    )


def instruments_plan(dimension_scores: pl.LazyFrame) -> pl.LazyFrame:
    """Rule 5; min_respondents: fewest respondents behind a defined dimension score."""
    defined = pl.col("score").is_not_null()
    return (
        dimension_scores.group_by(ORG, "instrument_id")
        .agg(
            exact_mean(pl.col("score")).alias("score"),
            pl.len().alias("dimensions"),
            pl.col("score").count().alias("scored_dimensions"),
            pl.when(defined).then(pl.col("respondents")).min().alias("min_respondents"),
        )
        .with_columns(maturity_level(pl.col("score")).alias("level"))
    )


def coherence_plan(dimension_scores: pl.LazyFrame, maturity_instrument_id: str) -> pl.LazyFrame:
    """Rule 9 with three-valued logic: false as soon as one dimension is below level 3."""
    judged = (
        dimension_scores.filter(pl.col("instrument_id") == maturity_instrument_id)
        .group_by(ORG)
        .agg(
            (maturity_level(pl.col("score")) >= COHERENT_LEVEL)
            .all(ignore_nulls=False)
            .alias("coherent")
        )
    )
    return dimension_scores.select(ORG).unique().join(judged, on=ORG, how="left")
