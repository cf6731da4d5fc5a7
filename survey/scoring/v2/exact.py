"""Exact arithmetic: sums of integers, one rounding at the end (D3).

Answers sit on rungs 0-4 (score 25 per rung; emphasis 0-4 the same way) and weights
come in half steps, so a respondent's weighted mean is a fraction a / b of integers
(a = sum of 2w x rung, b = sum of 2w). It is kept as the integer ``a * UNIT // b``
in units of 1 / UNIT rung, with UNIT = lcm(1, ..., 48): exact whenever b divides
UNIT (every weight sum up to 48, that is up to 24 items of weight 1 in one figure).
Views and organisation figures are sums of these integers (exact, whatever the order
of the rows), and a figure's value sum / (count x UNIT) is turned into a float once,
by :func:`to_quarter_units` and :func:`score_of`. Equal answers therefore give
bit-identical scores, and equal exact values give identical floats.
"""

from __future__ import annotations

import math
from functools import reduce

import polars as pl

UNIT = reduce(math.lcm, range(1, 49))
"""Integer units per rung (about 4.4e20, 69 bits)."""
FRACTION_BITS = 48
"""A figure's value is floored to 2^-48 rung (about 1e-13 score points), once."""
INT = pl.Int128


def respondent_units(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """A weighted mean a / b (rungs) in units of 1 / UNIT rung (exact when b | UNIT)."""
    return (a.cast(INT) * UNIT) // b.cast(INT)


def to_quarter_units(total: pl.Expr, count: pl.Expr) -> pl.Expr:
    """floor(total / (count x UNIT) x 2^48): the value in rungs, as an Int128 of
    2^-48 rung; a function of the exact value only, so equal values give equal results.

    Long division in two steps of 24 bits keeps every intermediate below 2^127 for
    counts up to 2^30.
    """
    denominator = count.cast(INT) * UNIT
    step = 2 ** (FRACTION_BITS // 2)
    first = (total % denominator) * step
    second = (first % denominator) * step
    return (
        (total // denominator) * 2**FRACTION_BITS
        + (first // denominator) * step
        + second // denominator
    )


def score_of(quantised: pl.Expr) -> pl.Expr:
    """The score (0-100) of a value from :func:`to_quarter_units`: one float rounding."""
    return quantised.cast(pl.Float64) * (25.0 / 2**FRACTION_BITS)


def level_of_units(quantised: pl.Expr) -> pl.Expr:
    """The nearest rung (1-5) of a value from :func:`to_quarter_units`, exactly:
    level k from rung k - 1.5 (inclusive) to k - 0.5 (exclusive)."""
    half = 2 ** (FRACTION_BITS - 1)
    level = pl.lit(1, pl.Int8)
    for bound in (1, 3, 5, 7):
        level = level + (quantised >= bound * half).cast(pl.Int8)
    return pl.when(quantised.is_null()).then(pl.lit(None, pl.Int8)).otherwise(level)
