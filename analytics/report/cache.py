"""The report cache: what a cached report depends on, and the ``report_cache`` table.

A rendered report is stored under a key naming what it is (round or instrument,
format, language) with a fingerprint: the hash of everything the file depends on (the
round's stored results, a peer's new closed round, an organisation's profile, the
instrument versions, :data:`REPORT_VERSION`). A request with the same fingerprint is
served from the table, which every worker shares; a new fingerprint renders again
and replaces the entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from analytics.report import followup
from analytics.report.inputs import DEFAULT_PEER_GROUP, pinned_versions
from instruments import Instrument, InstrumentLibrary
from survey.db import upsert
from survey.models import (
    DimensionResult,
    InstrumentResult,
    ItemResult,
    Organisation,
    ReportCache,
    RoleResult,
    Round,
)
from survey.services.rounds import role_counts

# Bump whenever the content, wording, templates or rendering change what a report says
# or looks like: every cached report is rendered again.
REPORT_VERSION = "2"


# --- fingerprints --------------------------------------------------------------------------


class Digest:
    """A SHA-256 of values and rows, each value separated from the next."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def feed(self, *values: Any) -> None:
        for value in values:
            self._hash.update(repr(value).encode("utf-8"))
            self._hash.update(b"\x1f")

    def rows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.feed(tuple(row))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


# keyed by the object's id; the object is kept with its hash so the id stays its own
_instrument_hashes: dict[int, tuple[Instrument, str]] = {}


def instrument_hash(instrument: Instrument) -> str:
    """A hash of the instrument's whole content (texts included), computed once."""
    known = _instrument_hashes.get(id(instrument))
    if known is None or known[0] is not instrument:
        digest = hashlib.sha256(instrument.model_dump_json().encode("utf-8")).hexdigest()
        known = _instrument_hashes[id(instrument)] = (instrument, digest)
    return known[1]


def _round_rows(session: Session, round_: Round, digest: Digest) -> None:
    """The round's own stored results, all of them, in a stable order."""
    for table, order in (
        (InstrumentResult, (InstrumentResult.instrument_id,)),
        (DimensionResult, (DimensionResult.instrument_id, DimensionResult.dimension_id)),
        (RoleResult, (RoleResult.instrument_id, RoleResult.dimension_id, RoleResult.role)),
        (ItemResult, (ItemResult.instrument_id, ItemResult.item_id)),
    ):
        columns = [c for c in table.__table__.columns if c.name != "round_id"]
        digest.rows(
            session.execute(select(*columns).where(table.round_id == round_.id).order_by(*order))
        )
    digest.feed(sorted(role_counts(round_, session).items()))


def _population_rows(
    session: Session, versions: list[tuple[str, str]], synthetic: bool, digest: Digest
) -> None:
    """What the peer comparison rests on: per sector × size band × country, the closed
    rounds on these instrument versions (count, latest closing, sums of the stored
    instrument scores). A peer's new round, a recomputed result, a profile change or a
    removed organisation all change it."""
    if not versions:
        return
    digest.rows(
        session.execute(
            select(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
                func.count(),
                func.count(func.distinct(Round.organisation_id)),
                func.max(Round.closed_at),
                func.sum(InstrumentResult.score),
                func.sum(InstrumentResult.min_respondents),
            )
            .join(Round, Round.id == InstrumentResult.round_id)
            .join(Organisation, Organisation.id == Round.organisation_id)
            .where(
                Round.status == "closed",
                Organisation.synthetic == synthetic,
                tuple_(InstrumentResult.instrument_id, InstrumentResult.instrument_version).in_(
                    versions
                ),
            )
            .group_by(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
            )
            .order_by(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
            )
        )
    )


def round_fingerprint(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    peer_group: str = DEFAULT_PEER_GROUP,
    base_url: str | None = None,
) -> str:
    """The hash of everything the round's report depends on (see the module docstring)."""
    digest = Digest()
    digest.feed(REPORT_VERSION, peer_group, base_url)
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    digest.feed(
        organisation.name,
        organisation.sector,
        organisation.size_band,
        organisation.country,
        organisation.synthetic,
    )
    digest.feed(
        round_.id,
        round_.label,
        round_.status,
        round_.closed_at,
        round_.submitted_count,
        round_.control_score,
        round_.enablement_score,
        round_.control_respondents,
        round_.enablement_respondents,
        round_.quadrant,
        round_.coherent,
    )
    versions = pinned_versions(round_)
    for instrument_id, version in versions:
        instrument = library.get(instrument_id, version)
        digest.feed(instrument_id, version, instrument_hash(instrument) if instrument else None)
    _round_rows(session, round_, digest)
    digest.rows(followup.fingerprint_rows(session, round_))
    _population_rows(session, versions, bool(organisation.synthetic), digest)
    return digest.hexdigest()


# --- the cache -----------------------------------------------------------------------------


_STORE = upsert(
    ReportCache, keys=("key",), update=("fingerprint", "media_type", "content", "created_at")
)


def cached(session: Session, key: str, fingerprint: str) -> ReportCache | None:
    entry = session.get(ReportCache, key, populate_existing=True)
    if entry is not None and entry.fingerprint == fingerprint:
        return entry
    return None


def store(session: Session, key: str, fingerprint: str, media_type: str, content: bytes) -> None:
    """Insert or replace the cache entry (an upsert, so concurrent workers never clash)."""
    _STORE.execute(
        session,
        [
            {
                "key": key,
                "fingerprint": fingerprint,
                "media_type": media_type,
                "content": content,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    session.flush()
