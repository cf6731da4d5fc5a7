"""The office export narrowed by the dashboard's filters (analytics/export_filters.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from analytics.export_filters import ExportFilters, apply, checked
from analytics.service import EXPORT_SCHEMA
from survey.errors import InvalidInput


def _rows() -> pl.DataFrame:
    def row(record, synthetic, peer_group=None, sector=None, size_band=None, closed=None):
        values = dict.fromkeys(EXPORT_SCHEMA)
        values |= {
            "record": record,
            "synthetic": synthetic,
            "instrument_id": "mini",
            "instrument_version": "1.0",
            "dimension_id": "rules",
            "peer_group": peer_group,
            "sector": sector,
            "size_band": size_band,
            "organisation_name": f"{record}-{peer_group}-{sector}-{size_band}-{synthetic}",
            "closed_at": closed,
        }
        return values

    in_2025 = datetime(2025, 6, 1, tzinfo=UTC)
    in_2026 = datetime(2026, 6, 1, tzinfo=UTC)
    return pl.DataFrame(
        [
            row("group", False, "all"),
            row("group", False, "sector", "police"),
            row("group", False, "sector", "municipalities"),
            row("group", False, "sector,size_band", "police", "1-49"),
            row("group", True, "all"),
            row("organisation", False, sector="police", size_band="1-49", closed=in_2025),
            row("organisation", False, sector="municipalities", size_band="1-49", closed=in_2026),
            row("organisation", True, sector="police", size_band="1-49", closed=in_2026),
        ],
        schema=EXPORT_SCHEMA,
    )


def _names(filters: ExportFilters) -> list[str]:
    return apply(_rows(), filters)["organisation_name"].to_list()


def test_real_data_only_unless_demo_is_asked_for_and_then_only_demo():
    assert len(_names(ExportFilters())) == 6
    assert _names(ExportFilters(demo=True)) == [
        "group-all-None-None-True",
        "organisation-None-police-1-49-True",
    ]


def test_a_sector_keeps_its_groups_and_organisations_only():
    assert _names(ExportFilters(sector="police")) == [
        "group-sector-police-None-False",
        "group-sector,size_band-police-1-49-False",
        "organisation-None-police-1-49-False",
    ]
    assert _names(ExportFilters(sector="police", size_band="1-49")) == [
        "group-sector,size_band-police-1-49-False",
        "organisation-None-police-1-49-False",
    ]


def test_the_year_applies_to_named_organisations():
    names = _names(ExportFilters(year=2026))
    assert "organisation-None-municipalities-1-49-False" in names
    assert "organisation-None-police-1-49-False" not in names
    assert sum(name.startswith("group") for name in names) == 4


def test_another_instrument_version_keeps_nothing():
    assert _names(ExportFilters(instrument_id="mini", instrument_version="2.0")) == []


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (ExportFilters(sector="nowhere"), "sector"),
        (ExportFilters(size_band="huge"), "size_band"),
        (ExportFilters(country="XX"), "country"),
        (ExportFilters(year=1999), "year"),
    ],
)
def test_unknown_filters_are_refused_naming_the_field(filters, field):
    with pytest.raises(InvalidInput) as refused:
        checked(filters)
    assert refused.value.field == field
