"""Routing and each respondent's value per figure (schema 2).

A *figure* is one published number of an organisation: a dimension, an item, a use
(per instrument) or a balance axis (control, enablement; per instrument). Keys:
instrument_id, kind, figure_id.

Routing: a respondent is scored only on the items asked of their role; answers to
other items are left out. A respondent's value for a figure is the weighted mean of
their scored answers to the figure's items asked of their role (rungs 0-4, or the
chosen option's emphasis 0-4 for a balance axis), defined when at least half of
those items have one; "don't know" and "not applicable" are never a value.
"""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import ORG
from survey.scoring.v2.contract import AXES
from survey.scoring.v2.exact import respondent_units

FIGURE = ["instrument_id", "kind", "figure_id"]
RESPONDENT = [ORG, "respondent_id", "role"]


def memberships(items: pl.LazyFrame) -> pl.LazyFrame:
    """Which figures each item belongs to, and what an answer contributes there:
    instrument_id, item_id, kind, figure_id, source ("rung" or an axis)."""
    rung = pl.lit("rung").alias("source")
    parts = [
        items.select(
            "instrument_id",
            "item_id",
            pl.lit("dimension").alias("kind"),
            pl.col("dimension_id").alias("figure_id"),
            rung,
        ),
        items.select(
            "instrument_id",
            "item_id",
            pl.lit("item").alias("kind"),
            pl.col("item_id").alias("figure_id"),
            rung,
        ),
        items.select(
            "instrument_id",
            "item_id",
            pl.lit("use").alias("kind"),
            pl.col("uses").alias("figure_id"),
            rung,
        )
        .explode("figure_id")
        .drop_nulls("figure_id"),
    ]
    parts.extend(
        items.filter(pl.col(f"{axis}_item")).select(
            "instrument_id",
            "item_id",
            pl.lit(axis).alias("kind"),
            pl.lit(axis).alias("figure_id"),
            pl.lit(axis).alias("source"),
        )
        for axis in AXES
    )
    return pl.concat(parts)


def asked(items: pl.LazyFrame, member: pl.LazyFrame) -> pl.LazyFrame:
    """Per role and figure: the number of the figure's items asked of that role."""
    return (
        items.select("instrument_id", "item_id", pl.col("roles").alias("role"))
        .explode("role")
        .join(member, on=["instrument_id", "item_id"])
        .group_by("role", *FIGURE)
        .agg(pl.len().alias("item_count"))
    )


def routed(answers: pl.LazyFrame, items: pl.LazyFrame) -> pl.LazyFrame:
    """Answers to items asked of the respondent's role, with the item's weight."""
    return (
        answers.join(
            items.select("instrument_id", "item_id", "weight", "roles"),
            on=["instrument_id", "item_id"],
        )
        .filter(pl.col("roles").list.contains(pl.col("role")))
        .drop("roles")
    )


def respondent_values(answers: pl.LazyFrame, items: pl.LazyFrame) -> pl.LazyFrame:
    """One row per respondent and figure they answered: a, b (integers), scored_items,
    dont_know, answered (scored + don't know), item_count, defined, units (the value
    in 1 / UNIT rung, null unless defined)."""
    member = memberships(items)
    double_weight = (pl.col("weight") * 2).round().cast(pl.Int64)
    source = pl.col("source")
    unit = (
        pl.when(source == "rung")
        .then((pl.col("score") / 25).round().cast(pl.Int64))
        .when(source == "control")
        .then(pl.col("control").cast(pl.Int64))
        .when(source == "enablement")
        .then(pl.col("enablement").cast(pl.Int64))
    )
    scored = (pl.col("kind_answer") == "scored") & pl.col("unit").is_not_null()
    dont_know = pl.col("kind_answer") == "dont_know"
    per_answer = (
        routed(answers, items)
        .rename({"kind": "kind_answer"})
        .join(member, on=["instrument_id", "item_id"])
        .with_columns(unit.alias("unit"), double_weight.alias("w2"))
    )
    sums = per_answer.group_by(*RESPONDENT, *FIGURE).agg(
        pl.when(scored).then(pl.col("w2") * pl.col("unit")).otherwise(0).sum().alias("a"),
        pl.when(scored).then(pl.col("w2")).otherwise(0).sum().alias("b"),
        scored.sum().alias("scored_items"),
        dont_know.sum().alias("dont_know"),
        (scored | dont_know).sum().alias("answered"),
    )
    defined = (pl.col("scored_items") > 0) & (2 * pl.col("scored_items") >= pl.col("item_count"))
    return (
        sums.join(asked(items, member), on=["role", *FIGURE])
        .with_columns(defined.alias("defined"))
        .with_columns(
            pl.when(pl.col("defined"))
            .then(respondent_units(pl.col("a"), pl.col("b")))
            .alias("units")
        )
    )
