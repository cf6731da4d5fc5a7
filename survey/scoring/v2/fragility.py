"""Leave-one-out: would leaving out any single respondent change a level? (D2)

All respondents of one role group are interchangeable for the views (only their
value differs), and the organisation figure rises as the value left out falls, so
it is enough to leave out each group's lowest and highest value: that gives the
lowest and highest level any single respondent's absence can lead to. Views,
the pool and left-out answers are worked out again in every variant, the role of the
respondent left out having one member fewer.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.scoring.v2.views import organisation_figures, view_sums


def leave_one_out_levels(groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Per figure: ``lowest_level`` and ``highest_level`` over every variant with one
    respondent left out; a variant without any view has no level and counts as 0.

    Besides each group's lowest and highest value, a role of exactly 3 members loses
    its view when any member leaves, even one without a value in this figure: that
    variant leaves out no value (``out`` null) but takes the member away."""
    ends = [
        groups.select(
            *keys,
            pl.col("role").alias("out_role"),
            pl.col(column).alias("out"),
            pl.lit(end, pl.Int8).alias("end"),
        )
        for end, column in enumerate(("lowest", "highest"))
    ]
    member_only = groups.filter(pl.col("members") == MIN_ROLE_GROUP).select(
        *keys,
        pl.col("role").alias("out_role"),
        pl.lit(None, pl.Int128).alias("out"),
        pl.lit(2, pl.Int8).alias("end"),
    )
    removed = pl.concat([*ends, member_only], how="vertical_relaxed")
    hit = pl.col("role") == pl.col("out_role")
    with_value = hit & pl.col("out").is_not_null()
    variants = (
        removed.join(groups, on=list(keys))
        .with_columns(
            (pl.col("n") - with_value.cast(pl.UInt32)).alias("n"),
            (pl.col("members") - hit.cast(pl.UInt32)).alias("members"),
            pl.when(with_value).then(pl.col("total") - pl.col("out")).otherwise(pl.col("total")),
        )
        .filter(pl.col("n") > 0)
        .select(*keys, "out_role", "end", "role", "n", "members", "total")
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
