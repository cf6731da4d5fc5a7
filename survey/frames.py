"""Instruments as Polars frames: the bridge from the instrument library to scoring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from instruments import Instrument

ITEM_SCHEMA = {
    "item_id": pl.String,
    "instrument_id": pl.String,
    "dimension_id": pl.String,
    "weight": pl.Float64,
    "tag": pl.String,
}

ANSWER_SCHEMA = {
    "organisation_id": pl.String,
    "respondent_id": pl.String,
    "role": pl.String,
    "instrument_id": pl.String,
    "item_id": pl.String,
    "score": pl.Float64,
    "kind": pl.String,
}


def items_frame(instruments: Iterable[Instrument]) -> pl.DataFrame:
    rows = [
        {
            "item_id": item.id,
            "instrument_id": inst.id,
            "dimension_id": item.dimension,
            "weight": float(item.weight),
            "tag": item.tag.value if item.tag else None,
        }
        for inst in instruments
        for item in inst.items
    ]
    return pl.DataFrame(rows, schema=ITEM_SCHEMA)


def answers_frame(rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ANSWER_SCHEMA)
