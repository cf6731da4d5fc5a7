"""Dense integer codes for ids, so that group-bys over millions of answers stay fast.

Every id becomes an integer whose order is the order of the ids; the analyses run
unchanged on codes or on ids, and :func:`survey.scoring.contract.finish` turns codes
back into ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from survey.scoring.contract import ORG


def codes(series: pl.Series) -> pl.Series:
    """Exact integer codes of a string or categorical column (equal strings, equal codes)."""
    if isinstance(series.dtype, pl.Categorical | pl.Enum):
        return series.to_physical()
    return series.cast(pl.Categorical(pl.Categories.random())).to_physical()


def size(coded: pl.Series) -> int:
    """The number of possible codes: the largest code + 1."""
    largest = coded.max()
    return largest + 1 if isinstance(largest, int) else 0


def lookup(coded: pl.Series, values: pl.Series, length: int) -> pl.Series:
    """A series indexed by code: ``lookup.gather(codes)`` returns ``values``."""
    empty = pl.repeat(None, length, dtype=values.dtype, eager=True)
    return empty.scatter(coded, values) if len(coded) else empty


@dataclass(frozen=True)
class AnswerCodes:
    """Integer codes of the answers' respondents and items, one per answer row."""

    respondent: pl.Series
    item_key: pl.Series
    first_of_respondent: pl.Series  # row of each respondent's first answer
    first_of_item_key: pl.Series  # row of each (instrument, item)'s first answer


def answer_codes(typed: pl.DataFrame) -> AnswerCodes:
    """Codes of validated answers; ValueError for a second answer to one item or a
    respondent in two organisations or roles."""
    respondent = codes(typed.get_column("respondent_id"))
    instrument = codes(typed.get_column("instrument_id"))
    item = codes(typed.get_column("item_id"))
    items_per_instrument = max(size(item), 1)
    space = size(instrument) * items_per_instrument * max(size(respondent), 1)
    if space >= 2**63:
        raise ValueError("answers: too many respondents and items to score at once")
    key = pl.UInt32 if space < 2**32 else pl.UInt64  # half the memory, a faster sort
    item_key = instrument.cast(key) * items_per_instrument + item.cast(key)
    keys = size(instrument) * items_per_instrument
    first = respondent_blocks(typed, respondent, item_key)
    if first is None:
        first = _checked_firsts(typed, respondent, item_key, keys)
    return AnswerCodes(respondent, item_key, first, item_key.arg_unique())


def respondent_blocks(
    typed: pl.DataFrame, respondent: pl.Series, item_key: pl.Series
) -> pl.Series | None:
    """The row of each respondent's first answer, when the answers come as files mostly
    hold them: each respondent's answers in one run of rows, its items in increasing
    order, one organisation and one role throughout. Such answers have no second answer
    to an item and no respondent in two organisations or roles, which one pass over
    them shows (without sorting every answer's key). None when they come otherwise."""
    same = pl.col("respondent").eq_missing(pl.col("respondent").shift())

    def changes(column: str, changed: pl.Expr) -> pl.Expr:
        return (same & changed).any().alias(column)

    columns = [respondent.alias("respondent"), item_key.alias("item_key")]
    found = (
        pl.DataFrame([*columns, typed.get_column(ORG), typed.get_column("role")])
        .lazy()
        .select(
            changes("item_key", pl.col("item_key") <= pl.col("item_key").shift()),
            *(changes(c, pl.col(c) != pl.col(c).shift()) for c in (ORG, "role")),
            (~same).arg_true().implode().alias("first"),
        )
        .collect()
    )
    if any(found.get_column(c)[0] for c in ("item_key", ORG, "role")):
        return None
    first: pl.Series = found.get_column("first")[0]
    return first if respondent.gather(first).n_unique() == len(first) else None


def _checked_firsts(
    typed: pl.DataFrame, respondent: pl.Series, item_key: pl.Series, keys: int
) -> pl.Series:
    """The row of each respondent's first answer, for answers in any order;
    ValueError for a second answer to one item or a respondent in two organisations
    or roles."""
    answer_key = respondent.cast(item_key.dtype) * keys + item_key
    ordered = answer_key.sort()  # a sorted copy finds repeats without an 11-million-key hash set
    del answer_key
    if (ordered.slice(1) == ordered.slice(0, max(len(ordered) - 1, 0))).any():
        raise ValueError("answers: more than one row per (respondent_id, instrument_id, item_id)")
    del ordered
    first = respondent.arg_unique()
    length = size(respondent)
    for column in (ORG, "role"):
        values = typed.get_column(column)
        per_respondent = lookup(respondent.gather(first), values.gather(first), length)
        if (values != per_respondent.gather(respondent)).any():
            raise ValueError(f"answers: a respondent_id has more than one {column}")
    return first


def composite(parts: Sequence[tuple[str, int]]) -> pl.Expr:
    """One UInt64 key from integer columns with the given numbers of values."""
    key = pl.lit(0, pl.UInt64)
    for column, length in parts:
        key = key * length + pl.col(column).cast(pl.UInt64)
    return key


def check_key_space(parts: Sequence[tuple[str, int]]) -> None:
    total = 1
    for _, length in parts:
        total *= max(length, 1)
    if total >= 2**63:
        raise ValueError("too many organisations, roles and items to score at once")
