"""Balance as orientation (D3): control and enablement emphasis, quadrants at 50 with
an uncertainty margin.

Each axis is the emphasis (0-4, scaled to 0-100) of the options chosen, aggregated
like a dimension. An axis is *near the line* when its score lies closer to 50 than
its margin: max(5, 2 x 25 x sqrt(sum c_v^2 / n_v) / sum c_v), about two standard
errors of the capped weighted mean if respondents differ by one emphasis step
(25 points); the margin depends only on the views' sizes, never on the answers, so it
reveals nothing about a small view's spread. An organisation near either line is
placed in no quadrant.
"""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import HIGH_BALANCE, ORG
from survey.scoring.levels import quadrant
from survey.scoring.v2.contract import AXES, MIN_MARGIN, PLANNING_SD, WEIGHT_CAP


def margins(views: pl.LazyFrame) -> pl.LazyFrame:
    """Per organisation, instrument and axis: the margin from the views' sizes."""
    weight = pl.min_horizontal(pl.col("n"), pl.lit(WEIGHT_CAP)).cast(pl.Float64)
    return (
        views.filter(pl.col("kind").is_in(AXES))
        .group_by(ORG, "instrument_id", "kind")
        .agg(
            (weight.pow(2) / pl.col("n")).sort().sum().alias("spread"),
            weight.sum().alias("weights"),
        )
        .select(
            ORG,
            "instrument_id",
            "kind",
            pl.max_horizontal(
                pl.lit(MIN_MARGIN),
                2 * PLANNING_SD * pl.col("spread").sqrt() / pl.col("weights"),
            ).alias("margin"),
        )
    )


def orientation(figures: pl.LazyFrame, views: pl.LazyFrame, scope: pl.LazyFrame) -> pl.LazyFrame:
    """Per organisation and instrument in ``scope``: each axis's score, respondents,
    margin and left-out count, ``near_line`` and the quadrant (null when near)."""
    axes = figures.filter(pl.col("kind").is_in(AXES)).join(
        margins(views), on=[ORG, "instrument_id", "kind"], how="left"
    )
    wide = scope.select(ORG, "instrument_id").unique()
    for axis in AXES:
        wide = wide.join(
            axes.filter(pl.col("kind") == axis).select(
                ORG,
                "instrument_id",
                pl.col("score").alias(axis),
                pl.col("respondents").alias(f"{axis}_respondents"),
                pl.col("margin").alias(f"{axis}_margin"),
                pl.col("left_out").alias(f"{axis}_left_out"),
            ),
            on=[ORG, "instrument_id"],
            how="left",
        )
    near = pl.any_horizontal(
        (pl.col(axis) - HIGH_BALANCE).abs() < pl.col(f"{axis}_margin") for axis in AXES
    )
    return wide.with_columns(
        pl.col(
            "control_respondents",
            "enablement_respondents",
            "control_left_out",
            "enablement_left_out",
        ).fill_null(0),
        near.alias("near_line"),
    ).with_columns(
        pl.when(pl.col("near_line"))
        .then(pl.lit(None, pl.String))
        .otherwise(quadrant(pl.col("control"), pl.col("enablement")))
        .alias("quadrant")
    )
