"""Frames for the benchmark, loaded from the stored closed-round results.

Only stored results are read (``dimension_results`` of closed rounds, and the balance
stored on each closed round), never raw answers, so the benchmark stays fast as the
data grows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from analytics import benchmark
from analytics.benchmark import BALANCE_SCHEMA, PEER_GROUPS, RESULTS_SCHEMA
from survey.models import DimensionResult, Organisation, Round

OFFICE_GROUPINGS = ("all", "sector", "size_band", "country")


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def results_query(
    *,
    instrument_id: str | None = None,
    instrument_version: str | None = None,
    sector: str | None = None,
    size_band: str | None = None,
    country: str | None = None,
    year: int | None = None,
    synthetic: bool | None = None,
) -> Select:
    """The select behind :func:`load_results`, columns in :data:`RESULTS_SCHEMA` order."""
    query = (
        select(
            DimensionResult.organisation_id,
            DimensionResult.round_id,
            DimensionResult.instrument_id,
            DimensionResult.instrument_version,
            DimensionResult.dimension_id,
            DimensionResult.score,
            DimensionResult.respondents,
            DimensionResult.closed_at,
            Organisation.sector,
            Organisation.size_band,
            Organisation.country,
            Organisation.synthetic,
            Organisation.share_with_integrity_office,
        )
        .join(Organisation, Organisation.id == DimensionResult.organisation_id)
        .join(Round, Round.id == DimensionResult.round_id)
        .where(Round.status == "closed")
    )
    filters = {
        DimensionResult.instrument_id: instrument_id,
        DimensionResult.instrument_version: instrument_version,
        Organisation.sector: sector,
        Organisation.size_band: size_band,
        Organisation.country: country,
        Organisation.synthetic: synthetic,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if year is not None:
        start, end = _year_bounds(year)
        query = query.where(DimensionResult.closed_at >= start, DimensionResult.closed_at < end)
    return query


def load_results(
    session: Session,
    *,
    instrument_id: str | None = None,
    instrument_version: str | None = None,
    sector: str | None = None,
    size_band: str | None = None,
    country: str | None = None,
    year: int | None = None,
    synthetic: bool | None = None,
) -> pl.DataFrame:
    """The ``results`` frame (:data:`RESULTS_SCHEMA`) of closed rounds, filtered.

    ``year`` keeps rounds closed in that calendar year (UTC). ``shares`` is the
    organisation's choice to share its named scores with the integrity office.
    """
    rows = session.execute(
        results_query(
            instrument_id=instrument_id,
            instrument_version=instrument_version,
            sector=sector,
            size_band=size_band,
            country=country,
            year=year,
            synthetic=synthetic,
        )
    ).all()
    return pl.DataFrame(
        [tuple(row) for row in rows], schema=RESULTS_SCHEMA, orient="row"
    ).with_columns(pl.col("closed_at").dt.convert_time_zone("UTC"))


def load_balance(session: Session, *, synthetic: bool | None = None) -> pl.DataFrame:
    """One row per closed round with its stored balance (:data:`BALANCE_SCHEMA`)."""
    query = (
        select(
            Round.organisation_id,
            Round.id,
            Round.closed_at,
            Round.control_score,
            Round.enablement_score,
            Round.submitted_count,
            Organisation.sector,
            Organisation.size_band,
            Organisation.country,
            Organisation.synthetic,
            Organisation.share_with_integrity_office,
        )
        .join(Organisation, Organisation.id == Round.organisation_id)
        .where(Round.status == "closed", Round.closed_at.is_not(None))
    )
    if synthetic is not None:
        query = query.where(Organisation.synthetic == synthetic)
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(row) for row in rows], schema=BALANCE_SCHEMA, orient="row")


def office_peer_group(by: str, *, sector: bool, size_band: bool, country: bool) -> str:
    """The peer group that groups by ``by`` within the given attribute filters.

    Raises ``ValueError`` for a combination that is not one of :data:`PEER_GROUPS`.
    """
    if by not in OFFICE_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(OFFICE_GROUPINGS)}")
    wanted = {by} - {"all"}
    wanted |= {name for name, on in (("sector", sector), ("size_band", size_band)) if on}
    if country:
        wanted.add("country")
    for group, columns in PEER_GROUPS.items():
        if set(columns) == wanted:
            return group
    raise ValueError(
        "this combination of grouping and filters is not a peer group; "
        f"available: {', '.join(PEER_GROUPS)}"
    )


def office_statistics(
    session: Session,
    *,
    instrument_id: str,
    instrument_version: str,
    by: str,
    sector: str | None = None,
    size_band: str | None = None,
    country: str | None = None,
    year: int | None = None,
    synthetic: bool | None = False,
) -> pl.DataFrame:
    """An integrity office's statistics per group for one instrument version.

    ``by`` is all, sector, size_band or country; the attribute filters select groups
    of the matching peer group (for example by=size_band with a sector gives the sector
    × size band groups of that sector). ``year`` uses each organisation's latest round
    closed in that year. Columns: those of :func:`analytics.benchmark.peer_statistics`.
    """
    group = office_peer_group(
        by, sector=sector is not None, size_band=size_band is not None, country=country is not None
    )
    results = load_results(
        session,
        instrument_id=instrument_id,
        instrument_version=instrument_version,
        year=year,
        synthetic=synthetic,
    )
    reps = benchmark.representatives(results)
    statistics = benchmark.peer_statistics(reps, group)
    for column, value in (("sector", sector), ("size_band", size_band), ("country", country)):
        if value is not None:
            statistics = statistics.filter(pl.col(column) == value)
    return statistics
