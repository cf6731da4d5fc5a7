"""Role views, the pooled "other roles", left-out answers and capped weights (D2).

Views are decided once per instrument: a role with at least ``MIN_ROLE_GROUP``
*members* (respondents who answered any item of the instrument) is a role view;
the members of smaller roles form the pool ``other``. Per figure, a role view stands
when at least ``MIN_ROLE_GROUP`` of its members have a value there, and is left out of
the figure otherwise (never pooled). The pool stands only in item figures, when at
least ``MIN_ROLE_GROUP`` of its members scored the item; it is left out of dimension,
use and balance figures. A pool mixes roles that are asked different items, so as a
view of a dimension its membership would change from figure to figure, and
differencing those figures confined pooled answers (the role-complement attack of
``tests/attacks/test_role_views.py``); its item means are disjoint sums of 3 or more
answers each. The organisation figure is sum c_v x mean_v / sum c_v with
c_v = min(n_v, 10). Every function works from per-role sums, so the same code serves
the figures and their leave-one-out variants (:mod:`survey.scoring.v2.fragility`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.scoring.contract import ORG
from survey.scoring.v2.contract import OTHER, WEIGHT_CAP
from survey.scoring.v2.exact import INT, level_of_units, score_of
from survey.scoring.v2.exact import quantised as quantised_expr


def members(values: pl.LazyFrame) -> pl.LazyFrame:
    """Per organisation, instrument and role: ``members``, the respondents who answered
    (a rung or "don't know") any item of the instrument asked of their role."""
    return (
        values.filter(pl.col("answered") > 0)
        .group_by(ORG, "instrument_id", "role")
        .agg(pl.col("respondent_id").n_unique().alias("members"))
    )


def with_members(groups: pl.LazyFrame, values: pl.LazyFrame) -> pl.LazyFrame:
    """``groups`` (per figure and role) with the role's ``members`` in the instrument."""
    return groups.join(members(values), on=[ORG, "instrument_id", "role"], how="left").with_columns(
        pl.col("members").fill_null(0)
    )


def role_groups(values: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure and role, over the respondents with a defined value: n, total,
    lowest and highest value (units), and the role's members in the instrument."""
    groups = (
        values.filter(pl.col("defined"))
        .group_by(*keys, "role")
        .agg(
            pl.len().alias("n"),
            pl.col("units").sum().alias("total"),
            pl.col("units").min().alias("lowest"),
            pl.col("units").max().alias("highest"),
        )
    )
    return with_members(groups, values)


def assign_views(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Add ``view`` (the role, or ``other`` for a role with fewer than 3 members) and
    ``included``: a role view with 3 or more values in the figure; the pool in an item
    figure with 3 or more of its members scored."""
    small = pl.col("members") < MIN_ROLE_GROUP
    pool = pl.when(small).then(pl.col("n")).otherwise(0).sum().over(keys)
    return groups.with_columns(
        pl.when(small).then(pl.lit(OTHER)).otherwise(pl.col("role")).alias("view"),
        pl.when(small)
        .then((pl.col("kind") == "item") & (pool >= MIN_ROLE_GROUP))
        .otherwise(pl.col("n") >= MIN_ROLE_GROUP)
        .alias("included"),
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
