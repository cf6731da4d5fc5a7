"""Input checks: refuse what cannot be scored correctly, with an error naming the problem."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from survey.scoring.coding import AnswerCodes, answer_codes
from survey.scoring.contract import (
    ANSWER_SCHEMA,
    ITEM_KEY,
    ITEM_SCHEMA,
    KINDS,
    TAGS,
    Frame,
    lazy,
    require,
)


def typed(frame: Frame, schema: Mapping[str, pl.DataType], name: str) -> pl.DataFrame:
    """The contract's columns, in order, cast to the contract's dtypes; a text column
    held as categories stays so (its codes are the integer codes the engine needs)."""
    require(frame, schema, name)
    raw = lazy(frame).select(list(schema)).collect()
    columns = []
    for column, dtype in schema.items():
        series = raw.get_column(column)
        if dtype == pl.String and isinstance(series.dtype, pl.Categorical | pl.Enum):
            columns.append(series)
            continue
        try:
            columns.append(series.cast(dtype, strict=True))
        except (pl.exceptions.PolarsError, TypeError) as error:
            raise ValueError(f"{name}: column '{column}' is not {dtype}") from error
    return pl.DataFrame(columns)


def raise_violations(frame: pl.DataFrame, checks: Mapping[str, pl.Expr], name: str) -> None:
    found = frame.select(expr.any().alias(message) for message, expr in checks.items())
    for message in checks:
        if found.get_column(message)[0]:
            raise ValueError(f"{name}: {message}")


def item_checks(schema: Mapping[str, pl.DataType], nullable: tuple[str, ...]) -> dict[str, pl.Expr]:
    checks = {f"column '{c}' has nulls": pl.col(c).is_null() for c in schema if c not in nullable}
    weight = pl.col("weight")
    checks["column 'weight' must be a finite number > 0"] = (
        weight.is_nan() | weight.is_infinite() | (weight <= 0)
    )
    checks["more than one row per (instrument_id, item_id)"] = pl.struct(ITEM_KEY).is_duplicated()
    return checks


def validate_items(items: Frame) -> pl.DataFrame:
    """``items`` with the contract's columns and dtypes; ValueError naming any problem."""
    frame = typed(items, ITEM_SCHEMA, "items")
    checks = item_checks(ITEM_SCHEMA, ("tag",))
    checks["column 'tag' must be 'control', 'enablement' or null"] = pl.col(
        "tag"
    ).is_not_null() & ~pl.col("tag").is_in(TAGS)
    raise_violations(frame, checks, "items")
    return frame


def answer_checks(
    schema: Mapping[str, pl.DataType], nullable: tuple[str, ...]
) -> dict[str, pl.Expr]:
    scored = pl.col("kind") == "scored"
    score = pl.col("score")
    checks = {f"column '{c}' has nulls": pl.col(c).is_null() for c in schema if c not in nullable}
    checks[f"column 'kind' must be one of {', '.join(KINDS)}"] = ~pl.col("kind").is_in(KINDS)
    checks["column 'score' must be set for a scored answer"] = scored & score.is_null()
    checks["column 'score' must be null unless kind is 'scored'"] = ~scored & score.is_not_null()
    checks["column 'score' must be between 0 and 100"] = (
        score.is_nan() | (score < 0) | (score > 100)
    ).fill_null(False)
    return checks


def validated_answers(answers: Frame) -> tuple[pl.DataFrame, AnswerCodes]:
    frame = typed(answers, ANSWER_SCHEMA, "answers")
    raise_violations(frame, answer_checks(ANSWER_SCHEMA, ("score",)), "answers")
    return frame, answer_codes(frame)


def validate_answers(answers: Frame) -> pl.DataFrame:
    """``answers`` with the contract's columns and dtypes; ValueError naming any problem."""
    return validated_answers(answers)[0]
