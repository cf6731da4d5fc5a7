"""Leave-one-out: would leaving out any single respondent change a level? (D2)

All respondents of one role group are interchangeable for the views (only their
value differs), and the organisation figure rises as the value left out falls, so
it is enough to leave out each group's lowest and highest value: that gives the
lowest and highest level any single respondent's absence can lead to. Views,
the pool and left-out answers are worked out again in every variant.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from survey.scoring.v2.views import organisation_figures, view_sums


def leave_one_out_levels(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure: ``lowest_level`` and ``highest_level`` over every variant with one
    respondent left out; a variant without any view has no level and counts as 0."""
    removed = (
        groups.select(*keys, pl.col("role").alias("out_role"), pl.col("lowest").alias("out"))
        .with_columns(pl.lit(0, pl.Int8).alias("end"))
        .pipe(
            lambda low: pl.concat(
                [
                    low,
                    groups.select(
                        *keys, pl.col("role").alias("out_role"), pl.col("highest").alias("out")
                    ).with_columns(pl.lit(1, pl.Int8).alias("end")),
                ]
            )
        )
    )
    hit = pl.col("role") == pl.col("out_role")
    variants = (
        removed.join(groups, on=list(keys))
        .with_columns(
            (pl.col("n") - hit.cast(pl.UInt32)).alias("n"),
            pl.when(hit).then(pl.col("total") - pl.col("out")).otherwise(pl.col("total")),
        )
        .filter(pl.col("n") > 0)
        .select(*keys, "out_role", "end", "role", "n", "total")
    )
    variant_keys = [*keys, "out_role", "end"]
    levels = organisation_figures(view_sums(variants, variant_keys), variant_keys)
    every = removed.select(variant_keys).join(
        levels.select(*variant_keys, "level"), on=variant_keys, how="left"
    )
    level = pl.col("level").fill_null(0)
    return every.group_by(*keys).agg(
        level.min().alias("lowest_level"), level.max().alias("highest_level")
    )
