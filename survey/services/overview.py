"""Counts for the integrity office's landing page: closed rounds per sector and instrument.

Counts of rounds and organisations identify nobody, so they are shown at any size;
scores are not part of this overview.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, distinct, func, select
from sqlalchemy.orm import Session

from survey.models import Organisation, Round, RoundInstrument


@dataclass(frozen=True)
class SectorCount:
    sector: str
    organisations: int
    closed_rounds: int
    synthetic_rounds: int


def closed_rounds_by_sector(session: Session) -> dict[str, SectorCount]:
    """Per sector with closed rounds: organisations with one, closed rounds, synthetic ones."""
    rows = session.execute(
        select(
            Organisation.sector,
            func.count(distinct(Organisation.id)),
            func.count(Round.id),
            func.sum(case((Organisation.synthetic, 1), else_=0).cast(Integer)),
        )
        .join(Round, Round.organisation_id == Organisation.id)
        .where(Round.status == "closed")
        .group_by(Organisation.sector)
    ).all()
    return {
        sector: SectorCount(sector, int(orgs), int(closed), int(synthetic or 0))
        for sector, orgs, closed, synthetic in rows
    }


def closed_rounds_by_instrument(session: Session) -> dict[tuple[str, str], int]:
    """Closed rounds per instrument id and version."""
    rows = session.execute(
        select(
            RoundInstrument.instrument_id,
            RoundInstrument.instrument_version,
            func.count(RoundInstrument.round_id),
        )
        .join(Round, Round.id == RoundInstrument.round_id)
        .where(Round.status == "closed")
        .group_by(RoundInstrument.instrument_id, RoundInstrument.instrument_version)
    ).all()
    return {(instrument, version): int(count) for instrument, version, count in rows}
