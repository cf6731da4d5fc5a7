"""The instruments each round pinned when it opened, read once per worker.

A round's pinned versions are written when it opens and never change, so a worker
may keep them: every worker reads its own copy from the database, and a round that
is gone only leaves an entry nobody asks for (round ids are never reused)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary
from survey.models import RoundInstrument

DEFAULT_SIZE = 4096


class PinnedInstruments:
    """Round id -> its instruments at the pinned versions (the latest ``size`` rounds)."""

    def __init__(self, library: InstrumentLibrary, size: int = DEFAULT_SIZE):
        self.library = library
        self._size = size
        self._found: OrderedDict[str, tuple[Instrument, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, session: Session, round_id: str) -> list[Instrument]:
        with self._lock:
            found = self._found.get(round_id)
            if found is not None:
                self._found.move_to_end(round_id)
                return list(found)
        rows = session.execute(
            select(RoundInstrument.instrument_id, RoundInstrument.instrument_version)
            .where(RoundInstrument.round_id == round_id)
            .order_by(RoundInstrument.position)
        ).all()
        instruments = tuple(self._installed(i, version) for i, version in rows)
        if instruments:
            with self._lock:
                self._found[round_id] = instruments
                while len(self._found) > self._size:
                    self._found.popitem(last=False)
        return list(instruments)

    def _installed(self, instrument_id: str, version: str) -> Instrument:
        instrument = self.library.get(instrument_id, version)
        if instrument is None:
            raise LookupError(f"instrument {instrument_id} {version} is not installed")
        return instrument
