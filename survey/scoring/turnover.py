"""Re-measurement: how much of a change between two rounds respondent turnover alone
could explain (docs/methodology.md, "Change between rounds").

A dimension score is a weighted mean of its groups' means (schema 1: every role group
counted once, c_g = 1; schema 2: every view counted with c_g = min(n_g, 10)), so its
standard error from the sampling of respondents is

    se = sqrt(sum over groups g of c_g² · s_g² / n_g) / sum of c_g

with ``n_g`` the group's respondents with a score and ``s_g²`` their sample variance
(the pooled within-group variance when the group has a single respondent). A change counts when it exceeds 1.96 · sqrt(se₁² + se₂²): a 95%
interval for the difference of two independent means. Only the verdict is published,
never a standard error (it would tell something of the spread of small groups).
"""

from __future__ import annotations

import math

import polars as pl

Z = 1.96
KEY = ("organisation_id", "instrument_id", "dimension_id")
TURNOVER_SCHEMA = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "turnover_error": pl.Float64(),
}


def turnover_errors(
    respondent_dimensions: pl.DataFrame, role_dimensions: pl.DataFrame, scheme: int = 1
) -> pl.DataFrame:
    """Per organisation, instrument and dimension the standard error of its score.

    The groups are the roles of ``role_dimensions`` with a score (the dimension's role
    groups or views); respondents of other roles are left out, as in the score. The
    error is null when a group's variance cannot be estimated (every group has a single
    respondent).
    """
    views = role_dimensions.filter(pl.col("score").is_not_null()).select(*KEY, "role").unique()
    scored = respondent_dimensions.filter(pl.col("score").is_not_null()).join(
        views, on=[*KEY, "role"], how="semi"
    )
    groups = scored.group_by(*KEY, "role").agg(
        n=pl.len(),
        variance=pl.col("score").var(ddof=1),
        squares=((pl.col("score") - pl.col("score").mean()) ** 2).sum(),
    )
    pooled = groups.group_by(*KEY).agg(
        pooled=pl.when((pl.col("n") - 1).sum() > 0)
        .then(pl.col("squares").sum() / (pl.col("n") - 1).sum())
        .otherwise(None)
    )
    weight = pl.lit(1.0) if scheme == 1 else pl.col("n").clip(upper_bound=10).cast(pl.Float64)
    frame = (
        groups.join(pooled, on=list(KEY))
        .with_columns(weight=weight)
        .with_columns(
            share=pl.col("weight") ** 2
            * pl.when(pl.col("n") >= 2).then(pl.col("variance")).otherwise(pl.col("pooled"))
            / pl.col("n")
        )
        .group_by(*KEY)
        .agg(
            total=pl.col("share").sum(),
            missing=pl.col("share").null_count(),
            weights=pl.col("weight").sum(),
        )
        .select(
            *KEY,
            turnover_error=pl.when(pl.col("missing") == 0)
            .then(pl.col("total").sqrt() / pl.col("weights"))
            .otherwise(None),
        )
    )
    return frame.select(TURNOVER_SCHEMA.keys()).cast(TURNOVER_SCHEMA).sort(list(KEY))  # type: ignore[arg-type]


def beyond_turnover(
    change: float | None, error_before: float | None, error_after: float | None
) -> bool | None:
    """Whether a change exceeds what respondent turnover alone could explain (None when
    either standard error is unknown)."""
    if change is None or error_before is None or error_after is None:
        return None
    return abs(change) > Z * math.sqrt(error_before**2 + error_after**2)
