"""Maturity levels and balance quadrants from scores.

Schema 1 cuts levels at 20, 40, 60 and 80. Schema 2 takes the nearest rung: rung k
scores 25 (k - 1), and a mean is at level k in [25 (k - 1) - 12.5, 25 (k - 1) + 12.5),
so rung k everywhere gives level k.
"""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import HIGH_BALANCE, LEVEL_LOWER_BOUNDS

RUNG_SIZE = 25.0
RUNG_LOWER_BOUNDS = (12.5, 37.5, 62.5, 87.5)  # schema 2: level n + 1 starts at bound n


def _level(score: pl.Expr, bounds: tuple[float, ...]) -> pl.Expr:
    first, second, third, fourth = bounds
    return (
        pl.when(score < first)
        .then(pl.lit(1, pl.Int8))
        .when(score < second)
        .then(pl.lit(2, pl.Int8))
        .when(score < third)
        .then(pl.lit(3, pl.Int8))
        .when(score < fourth)
        .then(pl.lit(4, pl.Int8))
        .when(score >= fourth)
        .then(pl.lit(5, pl.Int8))
        .otherwise(pl.lit(None, pl.Int8))
    )


def maturity_level(score: pl.Expr) -> pl.Expr:
    """Schema 1, rule 6: level 1 below 20, 2 below 40, 3 below 60, 4 below 80, 5 from 80."""
    return _level(score, LEVEL_LOWER_BOUNDS)


def rung_level(score: pl.Expr) -> pl.Expr:
    """Schema 2: the nearest rung (bounds inclusive below), as Int8; null for no score."""
    return _level(score, RUNG_LOWER_BOUNDS)


def level_of(score: float | None, *, scheme: int = 1) -> int | None:
    """The level of one score under the scheme's rule; None for no score."""
    if score is None:
        return None
    if score != score:
        raise ValueError("score is NaN")
    bounds = LEVEL_LOWER_BOUNDS if scheme == 1 else RUNG_LOWER_BOUNDS
    return 1 + sum(score >= bound for bound in bounds)


def quadrant(control: pl.Expr, enablement: pl.Expr) -> pl.Expr:
    """The balance quadrant at 50 on both axes; null when either score is null."""
    high_control = control >= HIGH_BALANCE
    high_enablement = enablement >= HIGH_BALANCE
    return (
        pl.when(control.is_null() | enablement.is_null())
        .then(pl.lit(None, pl.String))
        .when(high_control & high_enablement)
        .then(pl.lit("balanced"))
        .when(high_control)
        .then(pl.lit("restrictive"))
        .when(high_enablement)
        .then(pl.lit("anything_goes"))
        .otherwise(pl.lit("unguided"))
    )
