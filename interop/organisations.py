"""The organisations file of ``survey analyse``: one row per organisation.

Columns ``organisation_id`` (or ``organisation``), ``sector``, ``size_band``,
``country`` and optionally ``name``, in any table format the readers take. Sectors,
size bands and countries may be written as ids or as labels in English or Dutch
(``Gemeenten`` is ``municipalities``); an unknown value is an error naming the row
and the nearest valid value.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from interop.ingest.problems import Problems
from interop.ingest.table import read_table
from interop.vocab import normal, resolvers

ALIASES = {
    "organisation_id": (
        "organisation_id",
        "organisation",
        "organization_id",
        "organization",
        "organisatie",
    ),
    "sector": ("sector",),
    "size_band": ("size_band", "size band", "size", "grootte"),
    "country": ("country", "land"),
    "name": ("name", "naam"),
}
SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "name": pl.String(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
}


def read_organisations(path: Path) -> pl.DataFrame:
    table = read_table(path)
    problems = Problems(path)
    names = [normal(h) for h in table.header]
    at: dict[str, int] = {}
    for key, aliases in ALIASES.items():
        found = next((names.index(normal(a)) for a in aliases if normal(a) in names), None)
        if found is not None:
            at[key] = found
        elif key != "name":
            problems.add("missing column", table.header_place, key)
    problems.raise_any()
    vocabularies = resolvers()
    rows = []
    seen: dict[str, str] = {}
    for r, place in enumerate(table.places):
        values = {key: table.cell(r, n).strip() for key, n in at.items()}
        row: dict[str, str | None] = {
            "organisation_id": values["organisation_id"],
            "name": values.get("name") or None,
        }
        for key in ("organisation_id", "sector", "size_band", "country"):
            if not values[key]:
                problems.add("empty value", place, table.header[at[key]])
        if not values["organisation_id"]:
            continue
        first = seen.setdefault(values["organisation_id"], place)
        if first != place:
            problems.add(
                f"organisation '{values['organisation_id']}' is listed twice (first at {first})",
                place,
                table.header[at["organisation_id"]],
            )
        for key in ("sector", "size_band", "country"):
            if not values[key]:
                continue
            resolved = vocabularies[key].resolve(values[key])
            if resolved is None:
                problems.add(vocabularies[key].problem(values[key]), place, table.header[at[key]])
            row[key] = resolved
        rows.append(row)
    problems.raise_any()
    return pl.DataFrame(rows, schema=SCHEMA)
