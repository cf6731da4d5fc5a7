"""The scoring contract: input and output columns, rule constants, frame helpers.

Input contract (schema 1)
-------------------------
``items``: item_id, instrument_id, dimension_id, weight (> 0), tag
("control" | "enablement" | null); one row per item of the instruments in scope.
``answers``: organisation_id, respondent_id, role, instrument_id, item_id,
score (0-100, null unless scored), kind ("scored" | "dont_know" |
"not_applicable"); submitted responses only, one row per respondent and item.
Items are identified by (instrument_id, item_id).

Schema 2 adds columns to both (see :data:`ITEM_SCHEMA_V2`, :data:`ANSWER_SCHEMA_V2`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

DEFAULT_MATURITY_INSTRUMENT = "sm-maturity"
KINDS = ("scored", "dont_know", "not_applicable")
TAGS = ("control", "enablement")
LEVEL_LOWER_BOUNDS = (20.0, 40.0, 60.0, 80.0)  # schema 1: level n + 1 starts at bound n
COHERENT_LEVEL = 3
HIGH_BALANCE = 50.0
HIGH_DONT_KNOW_RATE = 0.30
ROLE_DISAGREEMENT = 20.0
SCORE_DECIMALS = 9
FINDINGS = ("low_score", "awareness_gap", "role_disagreement")
QUADRANTS = ("unguided", "restrictive", "anything_goes", "balanced")

ORG = "organisation_id"
ITEM_KEY = ["instrument_id", "item_id"]
DIMENSION_KEY = ["instrument_id", "dimension_id"]

ITEM_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "weight": pl.Float64(),
    "tag": pl.String(),
}
ANSWER_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "item_id": pl.String(),
    "score": pl.Float64(),
    "kind": pl.String(),
}
RESPONDENT_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "scored_items": pl.Int64(),
    "item_count": pl.Int64(),
}
ROLE_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
}
ORGANISATION_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "respondents": pl.Int64(),
    "role_groups": pl.Int64(),
}
DONT_KNOW_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "dont_know_rate": pl.Float64(),
    "answered": pl.Int64(),
    "answering_respondents": pl.Int64(),
}
DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    **ORGANISATION_DIMENSION_SCHEMA,
    "dont_know_rate": pl.Float64(),
    "answered": pl.Int64(),
    "answering_respondents": pl.Int64(),
}
INSTRUMENT_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "dimensions": pl.Int64(),
    "scored_dimensions": pl.Int64(),
    "min_respondents": pl.Int64(),
}
ITEM_RESULT_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "item_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
    "answered": pl.Int64(),
    "dont_know_rate": pl.Float64(),
    "role_spread": pl.Float64(),
    "priority": pl.Float64(),
    "weight": pl.Float64(),
}
BALANCE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "control": pl.Float64(),
    "enablement": pl.Float64(),
    "quadrant": pl.String(),
    "control_respondents": pl.Int64(),
    "enablement_respondents": pl.Int64(),
}
COHERENCE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "coherent": pl.Boolean(),
}
PRIORITY_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "rank": pl.Int64(),
    "finding": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "item_id": pl.String(),
    "priority": pl.Float64(),
    "score": pl.Float64(),
    "weight": pl.Float64(),
    "dont_know_rate": pl.Float64(),
    "role_spread": pl.Float64(),
}


def lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def require(frame: Frame, columns: Iterable[str], name: str) -> None:
    present = set(lazy(frame).collect_schema().names())
    for column in columns:
        if column not in present:
            raise ValueError(f"{name}: missing column '{column}'")


def checked(frame: Frame, columns: Iterable[str], name: str) -> pl.LazyFrame:
    """``frame`` as a LazyFrame, after checking that it has ``columns``."""
    require(frame, columns, name)
    return lazy(frame)


def finish(
    frame: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    sort: Sequence[str] = (),
    names: Mapping[str, pl.Series] | None = None,
) -> pl.LazyFrame:
    """Sort, turn codes back into ids (``names[column][code]``), cast to ``schema``."""
    if sort:
        frame = frame.sort(sort)
    if names:
        frame = frame.with_columns(
            pl.lit(table).gather(pl.col(column)).alias(column)
            for column, table in names.items()
            if column in schema
        )
    return frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())
