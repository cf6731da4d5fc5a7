"""The public documents the instruments rest on, as listed in ``data/sources.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from instruments.loader import DATA_DIR


@dataclass(frozen=True)
class SourceDocument:
    file: str
    title: str
    publisher: str
    year: int


@cache
def sources() -> tuple[SourceDocument, ...]:
    """Every source document, in the order of the file."""
    with (DATA_DIR / "sources.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return tuple(
        SourceDocument(
            file=str(entry["file"]),
            title=str(entry["title"]),
            publisher=str(entry["publisher"]),
            year=int(entry["year"]),
        )
        for entry in raw
    )
