"""Instruments as Polars frames: the bridge from the instrument library to scoring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
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


ITEM_SCHEMA_V2: dict[str, pl.DataType | type[pl.DataType]] = {
    "item_id": pl.String,
    "instrument_id": pl.String,
    "dimension_id": pl.String,
    "weight": pl.Float64,
    "roles": pl.List(pl.String),
    "uses": pl.List(pl.String),
    "basic": pl.Boolean,
    "control_item": pl.Boolean,
    "enablement_item": pl.Boolean,
}

ANSWER_SCHEMA_V2: dict[str, pl.DataType | type[pl.DataType]] = {
    **ANSWER_SCHEMA,
    "control": pl.Int8,
    "enablement": pl.Int8,
}


def items_frame_v2(instruments: Iterable[Instrument]) -> pl.DataFrame:
    """Schema 2: items with their roles, uses, gating and which axes their options lean on."""
    rows = []
    for inst in instruments:
        basics = {b for d in inst.dimensions for b in d.basics}
        for item in inst.items:
            emphases = [o.emphasis for o in item.scored_options if o.emphasis is not None]
            rows.append(
                {
                    "item_id": item.id,
                    "instrument_id": inst.id,
                    "dimension_id": item.dimension,
                    "weight": float(item.weight),
                    "roles": list(item.roles),
                    "uses": [u.value for u in item.uses],
                    "basic": item.id in basics,
                    "control_item": any(e.control is not None for e in emphases),
                    "enablement_item": any(e.enablement is not None for e in emphases),
                }
            )
    return pl.DataFrame(rows, schema=ITEM_SCHEMA_V2)


def answers_frame_v2(rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """Schema 2: answers with the chosen option's emphasis (control, enablement)."""
    return pl.DataFrame(list(rows), schema=ANSWER_SCHEMA_V2)


def answers_frame(rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ANSWER_SCHEMA)
