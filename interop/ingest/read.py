"""The entry point: read any supported export into canonical answers."""

from __future__ import annotations

from pathlib import Path

from instruments import InstrumentLibrary
from interop.ingest.layouts import FORMATS, LAYOUTS, detect
from interop.ingest.long import read_long
from interop.ingest.model import ReadOptions, ReadResult
from interop.ingest.problems import IngestError
from interop.ingest.table import read_table
from interop.ingest.wide import read_wide


def read_answers(path: Path, library: InstrumentLibrary, options: ReadOptions) -> ReadResult:
    table = read_table(path)
    name = options.format if options.format != "auto" else detect(table)
    if name not in FORMATS:
        raise IngestError.one(path, f"unknown format '{name}' (use {', '.join(FORMATS)})")
    if name == "long":
        return read_long(path, table, library, options)
    return read_wide(path, table, LAYOUTS[name], library, options)
