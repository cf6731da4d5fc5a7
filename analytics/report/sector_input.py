"""The sector benchmark report's input: what it reads from the database.

:func:`sector_input` reads the stored results of one instrument version (of the
demonstration population or of the real one, never mixed) for the pure model of
:mod:`analytics.report.sector`; :func:`fingerprint_rows` is what the cached report
depends on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from analytics import data, item_report
from analytics.benchmark import RESULTS_SCHEMA
from instruments import Instrument
from survey.models import DimensionResult, ItemResult, Organisation, Round, RoundInstrument


@dataclass(frozen=True)
class SectorInput:
    instrument: Instrument
    lang: str
    synthetic: bool
    results: pl.DataFrame
    item_results: pl.DataFrame
    generated_on: date
    answers: pl.DataFrame | None = None
    """Submitted answers for the item statistics (None: not loaded, none shown)."""


def population_is_synthetic(session: Session, instrument: Instrument) -> bool:
    """Real organisations are reported when any has a result on this version; the
    synthetic demo population only when no real one has (and it is labelled so)."""

    def has(synthetic: bool) -> bool:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        DimensionResult.instrument_id == instrument.id,
                        DimensionResult.instrument_version == instrument.version,
                        DimensionResult.organisation_id == Organisation.id,
                        Organisation.synthetic == synthetic,
                    )
                )
            )
        )

    return not has(False) and has(True)


def _item_query(instrument: Instrument, synthetic: bool):  # type: ignore[no-untyped-def]
    return (
        select(
            Round.organisation_id,
            ItemResult.round_id,
            ItemResult.instrument_id,
            RoundInstrument.instrument_version,
            ItemResult.item_id,
            ItemResult.score,
            ItemResult.respondents,
            Round.closed_at,
            Organisation.sector,
            Organisation.size_band,
            Organisation.country,
            Organisation.synthetic,
            Organisation.share_with_integrity_office,
        )
        .join(Round, Round.id == ItemResult.round_id)
        .join(
            RoundInstrument,
            (RoundInstrument.round_id == ItemResult.round_id)
            & (RoundInstrument.instrument_id == ItemResult.instrument_id),
        )
        .join(Organisation, Organisation.id == Round.organisation_id)
        .where(
            Round.status == "closed",
            ItemResult.instrument_id == instrument.id,
            RoundInstrument.instrument_version == instrument.version,
            Organisation.synthetic == synthetic,
        )
    )


def item_results(session: Session, instrument: Instrument, *, synthetic: bool) -> pl.DataFrame:
    """Stored item results of closed rounds as benchmark ``results`` rows, each item
    standing in as a dimension (``dimension_id`` = item id)."""
    rows = session.execute(_item_query(instrument, synthetic)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=RESULTS_SCHEMA, orient="row")


def sector_input(
    session: Session,
    instrument: Instrument,
    *,
    lang: str,
    synthetic: bool = False,
    today: date | None = None,
) -> SectorInput:
    return SectorInput(
        instrument=instrument,
        lang=lang,
        synthetic=synthetic,
        results=data.load_results(
            session,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            synthetic=synthetic,
        ),
        item_results=item_results(session, instrument, synthetic=synthetic),
        generated_on=today or datetime.now(UTC).date(),
        answers=item_report.load_answers(session, instrument, synthetic=synthetic),
    )


def fingerprint_rows(session: Session, instrument: Instrument, *, synthetic: bool) -> list[Any]:
    """Aggregates that change whenever the report's statistics can: per sector × size
    band × country, the number of stored results, the latest closing and score sums."""
    profile = (Organisation.sector, Organisation.size_band, Organisation.country)
    dimensions = session.execute(
        select(
            *profile,
            func.count(),
            func.count(func.distinct(DimensionResult.round_id)),
            func.max(DimensionResult.closed_at),
            func.sum(DimensionResult.score),
            func.sum(DimensionResult.respondents),
        )
        .join(Organisation, Organisation.id == DimensionResult.organisation_id)
        .join(Round, Round.id == DimensionResult.round_id)
        .where(
            Round.status == "closed",
            DimensionResult.instrument_id == instrument.id,
            DimensionResult.instrument_version == instrument.version,
            Organisation.synthetic == synthetic,
        )
        .group_by(*profile)
        .order_by(*profile)
    ).all()
    items_query = _item_query(instrument, synthetic).subquery()
    items = session.execute(
        select(
            items_query.c.sector,
            items_query.c.size_band,
            items_query.c.country,
            func.count(),
            func.sum(items_query.c.score),
            func.sum(items_query.c.respondents),
        )
        .group_by(items_query.c.sector, items_query.c.size_band, items_query.c.country)
        .order_by(items_query.c.sector, items_query.c.size_band, items_query.c.country)
    ).all()
    return [tuple(r) for r in dimensions] + [("items", *tuple(r)) for r in items]
