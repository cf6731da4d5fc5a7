"""Peer figures (D1, P1-P3): bands, known and unknown organisations, forms, positions.

Pure functions, each in a scalar form and, where frames need it, a Polars expression
form that computes the same thing; :mod:`analytics.benchmark` uses the expressions.
"""

from __future__ import annotations

import polars as pl

from survey.disclosure.rules import (
    BAND_WIDTH,
    FEW_UNKNOWN,
    MIN_UNKNOWN_MEDIAN,
    MIN_UNKNOWN_QUARTILES,
    QUARTILES_FEW_UNKNOWN,
    TOP_BAND,
    Form,
    Position,
)

QUANTILES: dict[str, tuple[int, int]] = {
    "median": (1, 2),
    "q1": (1, 4),
    "q3": (3, 4),
    "top_decile": (9, 10),
}
"""Each published quantile as an exact fraction (no floating point in a rank)."""
STATISTICS = tuple(QUANTILES)
FORM_STATISTICS: dict[Form, tuple[str, ...]] = {
    Form.COUNT: (),
    Form.MEDIAN: ("median",),
    Form.QUARTILES: STATISTICS,
}


def band(score: float) -> int:
    """The band of a score: b with 5b <= score < 5b + 5; 100 is in the top band (19)."""
    if not 0 <= score <= 100:
        raise ValueError(f"score {score!r} is outside 0 to 100")
    return min(int(score // BAND_WIDTH), TOP_BAND)


def band_expr(score: pl.Expr) -> pl.Expr:
    """:func:`band` of a score column (null stays null)."""
    return (score // BAND_WIDTH).clip(0, TOP_BAND).cast(pl.Int64)


def band_low(b: int) -> int:
    return b * BAND_WIDTH


def band_high(b: int) -> int:
    return b * BAND_WIDTH + BAND_WIDTH


def band_label(low: float | None, high: float | None) -> str | None:
    """A published band as text ("60-65"), or None when not published."""
    if low is None or high is None:
        return None
    return f"{low:g}-{high:g}"


def known_count(peer_count: int, sharers: int) -> int:
    """P2: k, the most that one reader with something left to learn knows of a group.

    A member knows itself; the office knows the sharers, unless every member shares:
    then the office has nothing left to learn and only the members count (k = 1).
    """
    if peer_count < 0 or sharers < 0 or sharers > peer_count:
        raise ValueError("need 0 <= sharers <= peer_count")
    return 1 if sharers == peer_count else max(1, sharers)


def unknown_count(peer_count: int, sharers: int) -> int:
    """P2: u = n - k, the organisations whose scores such a reader does not know."""
    return max(0, peer_count - known_count(peer_count, sharers))


def form(unknown: int) -> Form:
    """P3: the form a group is published in, from its unknown count."""
    if unknown >= MIN_UNKNOWN_QUARTILES:
        return Form.QUARTILES
    if unknown >= MIN_UNKNOWN_MEDIAN:
        return Form.MEDIAN
    return Form.COUNT


def reason(unknown: int) -> str | None:
    """The reason code of what :func:`form` leaves out (None for the full form)."""
    return {Form.COUNT: FEW_UNKNOWN, Form.MEDIAN: QUARTILES_FEW_UNKNOWN}.get(form(unknown))


def known_expr(peer_count: pl.Expr, sharers: pl.Expr) -> pl.Expr:
    """:func:`known_count` of two integer columns."""
    return (
        pl.when(sharers == peer_count)
        .then(pl.lit(1))
        .otherwise(pl.max_horizontal(sharers, pl.lit(1)))
        .cast(pl.Int64)
    )


def unknown_expr(peer_count: pl.Expr, sharers: pl.Expr) -> pl.Expr:
    """:func:`unknown_count` of two integer columns."""
    return (peer_count - known_expr(peer_count, sharers)).clip(lower_bound=0)


def form_expr(unknown: pl.Expr) -> pl.Expr:
    """:func:`form` of an integer column, as a string column."""
    return (
        pl.when(unknown >= MIN_UNKNOWN_QUARTILES)
        .then(pl.lit(Form.QUARTILES.value))
        .when(unknown >= MIN_UNKNOWN_MEDIAN)
        .then(pl.lit(Form.MEDIAN.value))
        .otherwise(pl.lit(Form.COUNT.value))
    )


def reason_expr(unknown: pl.Expr) -> pl.Expr:
    """:func:`reason` of an integer column."""
    return (
        pl.when(unknown < MIN_UNKNOWN_MEDIAN)
        .then(pl.lit(FEW_UNKNOWN))
        .when(unknown < MIN_UNKNOWN_QUARTILES)
        .then(pl.lit(QUARTILES_FEW_UNKNOWN))
        .otherwise(pl.lit(None, pl.String))
    )


def shown(statistic: str, form_: Form | str) -> bool:
    """Whether ``statistic`` is published in ``form_``."""
    return statistic in FORM_STATISTICS[Form(form_)]


def nearest_rank(count: int, statistic: str) -> int:
    """The 1-based rank of quantile ``statistic`` among ``count`` values: ceil(q n)."""
    numerator, denominator = QUANTILES[statistic]
    if count < 1:
        raise ValueError("count must be at least 1")
    return max(1, (numerator * count + denominator - 1) // denominator)


def band_quantile(bands: list[int], statistic: str) -> int:
    """The nearest-rank quantile of a list of bands (no interpolation)."""
    ordered = sorted(bands)
    return ordered[nearest_rank(len(ordered), statistic) - 1]


def band_quantile_expr(bands: pl.Expr, statistic: str) -> pl.Expr:
    """:func:`band_quantile` as an aggregation (inside ``group_by().agg``)."""
    numerator, denominator = QUANTILES[statistic]
    values = bands.drop_nulls()
    count = values.len().cast(pl.Int64)
    rank = ((count * numerator + denominator - 1) // denominator).clip(lower_bound=1)
    return values.sort().get(rank - 1, null_on_oob=True)


def position(own_band: int, median_band: int) -> Position:
    """The own band against the median band."""
    if own_band < median_band:
        return Position.BELOW
    if own_band > median_band:
        return Position.ABOVE
    return Position.IN


def position_expr(own_band: pl.Expr, median_band: pl.Expr) -> pl.Expr:
    return (
        pl.when(own_band < median_band)
        .then(pl.lit(Position.BELOW.value))
        .when(own_band > median_band)
        .then(pl.lit(Position.ABOVE.value))
        .when(own_band == median_band)
        .then(pl.lit(Position.IN.value))
        .otherwise(pl.lit(None, pl.String))
    )


def band_percentile(lower: int, same: int, count: int) -> int:
    """P3: 100 x (peers in lower bands + half of the own band) / count, whole percent
    (halves rounded up). ``same`` includes the organisation itself."""
    if count < 1 or lower < 0 or same < 1 or lower + same > count:
        raise ValueError("need 0 <= lower, 1 <= same, lower + same <= count")
    return (100 * (2 * lower + same) + count) // (2 * count)


def band_percentile_expr(lower: pl.Expr, same: pl.Expr, count: pl.Expr) -> pl.Expr:
    return (100 * (2 * lower + same) + count) // (2 * count)
