"""Schema 1: item scores, "don't know" rates, role spread and priority per organisation."""

from __future__ import annotations

import polars as pl

from survey.disclosure.roles import mark_visible_role_groups
from survey.scoring.aggregation import clean, exact_mean
from survey.scoring.contract import SCORE_DECIMALS


def item_figures(role_item_sums: pl.DataFrame, min_role_group: int) -> pl.DataFrame:
    """Per figure (organisation and item): the role-balanced score, counts and the role
    spread among the role groups that the schema-1 disclosure rule lets show.

    ``role_item_sums``: figure, role, score_sum, respondents, dont_know, answered.
    """
    # Sorted, the windows and the group-by touch each figure's rows together;
    # collected step by step, as one lazy plan the engine does not see that.
    sums = role_item_sums.sort("figure").with_columns(
        pl.when(pl.col("respondents") > 0)
        .then(clean(pl.col("score_sum") / pl.col("respondents")))
        .otherwise(None)
        .alias("score")
    )
    roles = mark_visible_role_groups(sums.lazy(), ["figure"], minimum=min_role_group).collect(
        engine="in-memory"
    )
    visible = pl.col("visible_score")
    return (
        roles.lazy()
        .with_columns(pl.when(pl.col("visible")).then(pl.col("score")).alias("visible_score"))
        .group_by("figure")
        .agg(
            exact_mean(pl.col("score")).alias("score"),
            pl.col("respondents", "answered", "dont_know").sum(),
            pl.when(visible.count() >= 2)
            .then((visible.max() - visible.min()).round(SCORE_DECIMALS))
            .otherwise(None)
            .alias("role_spread"),
        )
        .collect(engine="in-memory")
    )


def item_rows(in_scope: pl.LazyFrame, per_item: pl.LazyFrame) -> pl.LazyFrame:
    """Every item in scope with its figures, "don't know" rate and priority.

    ``in_scope``: the items of each organisation's instruments with their ``figure``.
    """
    return (
        in_scope.join(per_item, on="figure", how="left")
        .with_columns(pl.col("respondents", "answered", "dont_know").fill_null(0))
        .with_columns(
            pl.when(pl.col("answered") > 0)
            .then(pl.col("dont_know") / pl.col("answered"))
            .otherwise(None)
            .alias("dont_know_rate"),
            ((100.0 - pl.col("score")) * pl.col("weight")).alias("priority"),
        )
    )
