"""Role views, the pooled "other roles", left-out answers and capped weights (D2).

Per figure, a role group with at least ``MIN_ROLE_GROUP`` respondents behind the
figure is a view of its own; smaller role groups are pooled into the view ``other``
when the pool has at least ``MIN_ROLE_GROUP`` respondents, and left out of the figure
otherwise. The organisation figure is sum c_v x mean_v / sum c_v with
c_v = min(n_v, 10). Every function works from per-role sums, so the same code serves
the figures and their leave-one-out variants (:mod:`survey.scoring.v2.fragility`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.scoring.v2.contract import OTHER, WEIGHT_CAP
from survey.scoring.v2.exact import INT, level_of_units, score_of
from survey.scoring.v2.exact import quantised as quantised_expr


def role_groups(values: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure and role, over the respondents with a defined value: n, total,
    lowest and highest value (units)."""
    return (
        values.filter(pl.col("defined"))
        .group_by(*keys, "role")
        .agg(
            pl.len().alias("n"),
            pl.col("units").sum().alias("total"),
            pl.col("units").min().alias("lowest"),
            pl.col("units").max().alias("highest"),
        )
    )


def assign_views(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Add ``view`` (the role, or ``other``) and ``included`` (false for a pool of 1-2)."""
    small = pl.col("n") < MIN_ROLE_GROUP
    pool = pl.when(small).then(pl.col("n")).otherwise(0).sum().over(keys)
    return groups.with_columns(
        pl.when(small).then(pl.lit(OTHER)).otherwise(pl.col("role")).alias("view"),
        (~small | (pool >= MIN_ROLE_GROUP)).alias("included"),
    )


def view_sums(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure and view: n and total, over the included role groups."""
    return (
        assign_views(groups, keys)
        .filter(pl.col("included"))
        .group_by(*keys, "view")
        .agg(pl.col("n").sum(), pl.col("total").sum())
    )


def left_out(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure: the number of respondents whose answers are left out of it."""
    return (
        assign_views(groups, keys)
        .group_by(*keys)
        .agg(pl.when(pl.col("included")).then(0).otherwise(pl.col("n")).sum().alias("left_out"))
    )


def view_scores(views: pl.LazyFrame) -> pl.LazyFrame:
    """Each view's mean as a score (one rounding) and its quantised value."""
    quantised = quantised_expr(pl.col("total"), pl.col("n"))
    return views.with_columns(quantised.alias("quantised")).with_columns(
        score_of(pl.col("quantised")).alias("score")
    )


def organisation_figures(views: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure: sum c_v mean_v / sum c_v (c_v = min(n_v, 10)) as ``quantised``,
    ``score`` and ``level`` (nearest rung), with ``respondents`` and ``views``."""
    weight = pl.min_horizontal(pl.col("n"), pl.lit(WEIGHT_CAP)).cast(INT)
    share = (weight * pl.col("total")) // pl.col("n").cast(INT)
    return (
        views.group_by(*keys)
        .agg(
            share.sum().alias("weighted"),
            weight.sum().alias("weights"),
            pl.col("n").sum().alias("respondents"),
            pl.len().alias("views"),
        )
        .with_columns(quantised_expr(pl.col("weighted"), pl.col("weights")).alias("quantised"))
        .with_columns(
            score_of(pl.col("quantised")).alias("score"),
            level_of_units(pl.col("quantised")).alias("level"),
        )
    )
