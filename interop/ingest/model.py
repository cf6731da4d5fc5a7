"""What a reader returns: canonical answers, and what it left out.

The canonical columns (:data:`CANONICAL_SCHEMA`) are those the platform's own
imports and analyses use: organisation, respondent, role, instrument and version,
item, the option value answered, its score and its kind (scored, don't know, not
applicable). Incomplete responses are left out and counted; so are answers to items
not asked of the respondent's role (a tool without routing may show them anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from instruments import Instrument

CANONICAL_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "item_id": pl.String(),
    "answer": pl.String(),
    "score": pl.Float64(),
    "kind": pl.String(),
}


@dataclass(frozen=True)
class ReadOptions:
    format: str = "auto"
    instrument: str | None = None
    version: str | None = None
    mapping: Path | None = None
    organisation: str | None = None
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadResult:
    path: Path
    answers: pl.DataFrame
    instrument: Instrument
    format: str
    encoding: str | None
    delimiter: str | None
    responses: int
    incomplete: int
    not_asked: int
    organisation_source: str


@dataclass
class Counts:
    responses: int = 0
    incomplete: int = 0
    not_asked: int = 0
