"""Benchmarks: a closed round against its peers (coordinator), and the integrity
office's statistics per group. Figures come from :mod:`analytics.service`, which
decides nothing itself: what is published is :mod:`analytics.benchmark` under the
rules of :mod:`survey.disclosure`."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from sqlalchemy.orm import Session

from analytics import service
from analytics.service import BenchmarkCache
from instruments import InstrumentLibrary
from survey.errors import NotFound
from survey.models import Organisation
from survey.services import rounds
from web.auth import require_coordinator, require_office
from web.controllers.api.benchmarks_out import (
    FiltersOut,
    OfficeBy,
    PeerGroup,
    RoundBenchmarkOut,
    StatisticsOut,
    round_benchmark_out,
    statistics_out,
)
from web.controllers.api.openapi import GUARDED, errors
from web.controllers.api.schemas import BEARER
from web.security import TOKEN_LIMIT

Filter = Annotated[str | None, Parameter(max_length=100)]


def resolve_version(
    db: Session,
    cache: BenchmarkCache,
    library: InstrumentLibrary,
    instrument_id: str,
    version: str | None,
) -> str:
    """The version asked for, or the library's latest; 404 when neither the library
    nor the stored results know the instrument version."""
    known = library.get(instrument_id, version)
    if known is not None:
        return known.version
    stored = [v for i, v in service.instrument_versions(db, cache=cache) if i == instrument_id]
    if version is None and stored:
        return stored[-1]
    if version is not None and version in stored:
        return version
    raise NotFound(f"No instrument '{instrument_id}'" + (f" {version}." if version else "."))


class RoundBenchmarkController(Controller):
    path = "/api/rounds"
    tags = ["benchmarks"]
    guards = [require_coordinator]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        "/{round_id:str}/benchmark",
        summary="A closed round against its peer group (coordinator)",
        description="Peers are each organisation's latest closed round on the same "
        "instrument version; demo organisations are compared only with each other. Peer "
        "figures are 5-point bands (`median_low`-`median_high` ...); `form` says what a "
        "group publishes (count, median, quartiles) from its number of organisations "
        "whose scores a reader does not already know, and `suppression` with "
        "`explanation` why the rest is not shown. 409 while the round is open.",
        responses=errors(*GUARDED, 409),
        sync_to_thread=True,
    )
    def round_benchmark(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        benchmarks: NamedDependency[BenchmarkCache],
        round_id: FromPath[str],
        peers: Annotated[PeerGroup, Parameter(description="The peer group")] = "all",
    ) -> RoundBenchmarkOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        found = service.round_benchmark(db, round_, peers, library=library, cache=benchmarks)
        return round_benchmark_out(found)


class BenchmarkController(Controller):
    path = "/api/benchmarks"
    tags = ["benchmarks"]
    guards = [require_office]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        summary="Statistics per group for one instrument version (integrity office)",
        description="Groups by sector, size band, country or year (sector groups per "
        "year); filters pick groups. Each group has its organisation count; each "
        "dimension the bands its `form` allows and the reason code of what it leaves "
        "out. Demo (synthetic) groups are apart and labelled.",
        responses=errors(*GUARDED, 422),
        sync_to_thread=True,
    )
    def statistics(
        self,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        benchmarks: NamedDependency[BenchmarkCache],
        instrument: Annotated[str, Parameter(max_length=100, description="Instrument id")],
        by: Annotated[OfficeBy, Parameter(description="Grouping")] = "sector",
        version: Annotated[
            str | None, Parameter(max_length=20, description="Version (default: latest)")
        ] = None,
        sector: Filter = None,
        size_band: Filter = None,
        country: Filter = None,
        year: Annotated[int | None, Parameter(ge=1900, le=9999)] = None,
        synthetic: Annotated[
            bool | None, Parameter(description="Only demo (true) or only real (false) groups")
        ] = None,
    ) -> StatisticsOut:
        chosen = resolve_version(db, benchmarks, library, instrument, version)
        statistics = service.office_statistics(
            db,
            instrument_id=instrument,
            instrument_version=chosen,
            by=by,
            sector=sector,
            size_band=size_band,
            country=country,
            year=year,
            synthetic=synthetic,
            cache=benchmarks,
        )
        return statistics_out(
            statistics,
            instrument=instrument,
            version=chosen,
            by=by,
            filters=FiltersOut(sector, size_band, country, year, synthetic),
        )
