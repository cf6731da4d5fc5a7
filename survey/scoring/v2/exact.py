"""Exact arithmetic: sums of integers, one rounding at the end (D3).

Answers sit on rungs 0-4 (score 25 per rung; emphasis 0-4 the same way) and weights
come in half steps, so a respondent's weighted mean is a fraction a / b of integers
(a = sum of 2w x rung, b = sum of 2w). It is kept as the integer ``a * UNIT // b``
in units of 1 / UNIT rung, with UNIT = lcm(1, ..., 48): exact whenever b divides
UNIT (every weight sum up to 48, that is up to 24 items of weight 1 in one figure).
Views and organisation figures are sums of these integers (exact, whatever the order
of the rows), and a figure's value sum / (count x UNIT) is turned into a float once,
by :func:`quantised` and :func:`score_of`. Equal answers therefore give
bit-identical scores, and equal exact values give identical floats.
"""

from __future__ import annotations

import math
from functools import reduce

import polars as pl

UNIT = reduce(math.lcm, range(1, 49))
"""Integer units per rung (about 4.4e20, 69 bits)."""
FRACTION_BITS = 60
"""A figure's score is floored to 2^-60 point once, then converted to a float."""
INT = pl.Int128
STEP_BITS = 20


def respondent_units(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """A weighted mean a / b (rungs) in units of 1 / UNIT rung (exact when b | UNIT)."""
    return (a.cast(INT) * UNIT) // b.cast(INT)


def quantised(total: pl.Expr, count: pl.Expr) -> pl.Expr:
    """floor(25 x total / (count x UNIT) x 2^60): the mean of ``count`` values in units,
    as a score in 2^-60 points (an Int128). A function of the exact mean only, so equal
    means give equal results.

    Long division in three steps of 20 bits keeps every intermediate below 2^127 for
    counts up to 2^30.
    """
    numerator = total * 25
    denominator = count.cast(INT) * UNIT
    result = numerator // denominator
    rest = numerator % denominator
    for _ in range(FRACTION_BITS // STEP_BITS):
        rest = rest * 2**STEP_BITS
        result = result * 2**STEP_BITS + rest // denominator
        rest = rest % denominator
    return result


def score_of(value: pl.Expr) -> pl.Expr:
    """The score (0-100) of a value from :func:`quantised`: one rounding, to the float
    nearest to it."""
    return value.cast(pl.Float64) * 2.0**-FRACTION_BITS


def level_of_units(value: pl.Expr) -> pl.Expr:
    """The nearest rung (1-5) of a value from :func:`quantised`, exactly: level k from
    25 (k - 1) - 12.5 (inclusive) to 25 (k - 1) + 12.5 (exclusive)."""
    level = pl.lit(1, pl.Int8)
    for bound in (12.5, 37.5, 62.5, 87.5):
        level = level + (value >= int(bound * 2**FRACTION_BITS)).cast(pl.Int8)
    return pl.when(value.is_null()).then(pl.lit(None, pl.Int8)).otherwise(level)
