"""Figures as the reports print them: whole numbers and percentages, halves rounded up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def score_text(value: float | None) -> str:
    """A 0–100 figure as the report prints it: a whole number, halves rounded up."""
    if value is None:
        return ""
    return str(int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def rate_text(value: float | None) -> str:
    """A rate (0–1) as a whole percentage, halves rounded up."""
    if value is None:
        return ""
    return f"{score_text(100 * value)}%"
