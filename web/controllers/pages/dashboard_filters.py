"""The integrity office dashboard's filters: what the query asks for, checked against
what exists, and the GET form that shows them (every view has its own address)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from analytics import export_filters, service
from analytics.service import BenchmarkCache
from instruments import Instrument, InstrumentLibrary, vocabularies
from web.i18n import N_, gettext

REAL, DEMO = "real", "demo"


@dataclass(frozen=True)
class Filters:
    instrument: Instrument
    sector: str | None
    size_band: str | None
    country: str | None
    year: int | None
    demo: bool
    dimension: str

    @property
    def key(self) -> str:
        return f"{self.instrument.id}@{self.instrument.version}"


def export_filters_of(filters: Filters) -> export_filters.ExportFilters:
    """The dashboard's filters as the export's."""
    return export_filters.ExportFilters(
        instrument_id=filters.instrument.id,
        instrument_version=filters.instrument.version,
        sector=filters.sector,
        size_band=filters.size_band,
        country=filters.country,
        year=filters.year,
        demo=filters.demo,
    )


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


def filters_of(
    params: Mapping[str, str], db: Session, cache: BenchmarkCache, library: InstrumentLibrary
) -> tuple[Filters, list[Instrument], list[int], list[str]]:
    """The filters asked for, each one checked against what exists (else ignored), with
    what the form offers: the questionnaires, years and countries that have results."""
    stored = service.instrument_versions(db, cache=cache)
    offered = [i for i in library.instruments if i.key in stored] or library.latest_versions()
    offered.sort(key=lambda i: (i.id != "sm-maturity", i.id, i.version))
    by_key = {f"{i.id}@{i.version}": i for i in offered}
    instrument = by_key.get(params.get("instrument") or "", offered[0])
    years = service.result_years(db, instrument.id, instrument.version, cache=cache)
    statistics = service.office_statistics(
        db,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        by="country",
        cache=cache,
    )
    countries = sorted(set(statistics.get_column("country").drop_nulls().to_list()))
    vocab = vocabularies()
    year = params.get("year") or ""
    dimensions = [d.id for d in instrument.dimensions]
    filters = Filters(
        instrument=instrument,
        sector=_choice(params.get("sector"), vocab.sectors.ids()),
        size_band=_choice(params.get("size_band"), vocab.size_bands.ids()),
        country=_choice(params.get("country"), countries),
        year=int(year) if year.isdigit() and int(year) in years else None,
        demo=params.get("data") == DEMO,
        dimension=_choice(params.get("dimension"), dimensions) or dimensions[0],
    )
    return filters, offered, years, countries


def filter_form(
    lang: str,
    filters: Filters,
    offered: list[Instrument],
    years: list[int],
    countries: list[str],
) -> list[dict[str, Any]]:
    """The filter fields: name, label and options (value, label, selected)."""
    vocab = vocabularies()

    def options(pairs: list[tuple[str, str]], chosen: Any) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "selected": value == (chosen or "")}
            for value, label in pairs
        ]

    def t(message: str) -> str:
        return gettext(lang, message)

    version = t(N_("version"))
    return [
        {
            "name": "instrument",
            "label": t(N_("Questionnaire")),
            "options": options(
                [
                    (f"{i.id}@{i.version}", f"{i.title.get(lang)} ({version} {i.version})")
                    for i in offered
                ],
                filters.key,
            ),
        },
        {
            "name": "sector",
            "label": t(N_("Sector")),
            "options": options(
                [("", t(N_("All sectors")))]
                + [(e.id, e.label.get(lang)) for e in vocab.sectors.entries],
                filters.sector,
            ),
        },
        {
            "name": "size_band",
            "label": t(N_("Number of staff")),
            "options": options(
                [("", t(N_("All sizes")))]
                + [(e.id, e.label.get(lang)) for e in vocab.size_bands.entries],
                filters.size_band,
            ),
        },
        {
            "name": "country",
            "label": t(N_("Country")),
            "options": options(
                [("", t(N_("All countries")))]
                + [(c, vocab.countries.label(c, lang)) for c in countries],
                filters.country,
            ),
        },
        {
            "name": "year",
            "label": t(N_("Year")),
            "options": options(
                [("", t(N_("Now (each organisation's latest round)")))]
                + [(str(y), str(y)) for y in reversed(years)],
                str(filters.year) if filters.year else None,
            ),
        },
        {
            "name": "data",
            "label": t(N_("Data")),
            "options": options(
                [(REAL, t(N_("Real organisations"))), (DEMO, t(N_("Demo data (synthetic)")))],
                DEMO if filters.demo else REAL,
            ),
        },
        {
            "name": "dimension",
            "label": t(N_("Topic of the trend chart")),
            "options": options(
                [(d.id, d.title.get(lang)) for d in filters.instrument.dimensions],
                filters.dimension,
            ),
        },
    ]
