"""The office's scores export narrowed to what the dashboard shows.

The dashboard's filters (instrument version, sector, size band, country, year, real or
demo data) apply to the export as well: a group row stays when its group lies within
the filters (its sector, size band and country are those chosen; a group that does not
split by a chosen attribute, such as "all" under a sector filter, is left out), a named
organisation row when the organisation does. The year keeps organisations whose
latest round closed in that year; group rows are the current peer groups, whose
figures do not depend on the year. Real and demo data are never mixed: demo rows only
when asked for, and then only they.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from instruments import vocabularies
from survey.errors import InvalidInput

ORGANISATION_RECORD = "organisation"


@dataclass(frozen=True)
class ExportFilters:
    instrument_id: str | None = None
    instrument_version: str | None = None
    sector: str | None = None
    size_band: str | None = None
    country: str | None = None
    year: int | None = None
    demo: bool = False


def checked(filters: ExportFilters) -> ExportFilters:
    """The filters, or :class:`InvalidInput` naming one that names nothing known."""
    vocab = vocabularies()
    for field, value, known in (
        ("sector", filters.sector, vocab.sectors),
        ("size_band", filters.size_band, vocab.size_bands),
        ("country", filters.country, vocab.countries),
    ):
        if value is not None and value not in known:
            raise InvalidInput(f"Unknown {field.replace('_', ' ')} '{value}'.", field)
    if filters.year is not None and not 2000 <= filters.year <= 2100:
        raise InvalidInput("The year is between 2000 and 2100.", "year")
    return filters


def apply(frame: pl.DataFrame, filters: ExportFilters) -> pl.DataFrame:
    """The rows of the export (:data:`analytics.service.EXPORT_SCHEMA`) the filters keep."""
    keep = pl.col("synthetic") == filters.demo
    for column, value in (
        ("instrument_id", filters.instrument_id),
        ("instrument_version", filters.instrument_version),
        ("sector", filters.sector),
        ("size_band", filters.size_band),
        ("country", filters.country),
    ):
        if value is not None:
            keep &= pl.col(column).eq(value).fill_null(False)
    if filters.year is not None:
        keep &= (pl.col("record") != ORGANISATION_RECORD) | (
            pl.col("closed_at").dt.year() == filters.year
        ).fill_null(False)
    return frame.filter(keep)
