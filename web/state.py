"""What the composition root hands to every request: settings, database, instruments."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from litestar.datastructures import State

from instruments import InstrumentLibrary
from survey.db import Database
from survey.services.pinned import PinnedInstruments
from survey.settings import Settings


class WriteGate:
    """SQLite's one writer at a time, queued in the worker (``web.request_db``): a
    semaphore, not a lock, because a request may end in another task than it began.

    Its lock is made anew whenever the app starts, in the event loop that serves it."""

    def __init__(self) -> None:
        self.lock = anyio.Semaphore(1)

    async def open(self) -> None:
        self.lock = anyio.Semaphore(1)


@dataclass(frozen=True)
class AppState:
    settings: Settings
    database: Database
    library: InstrumentLibrary
    pinned: PinnedInstruments
    write_gate: WriteGate | None

    @classmethod
    def build(cls, settings: Settings, database: Database, library: InstrumentLibrary) -> AppState:
        return cls(
            settings=settings,
            database=database,
            library=library,
            pinned=PinnedInstruments(library),
            write_gate=WriteGate() if database.is_sqlite else None,
        )

    def as_litestar_state(self) -> State:
        return State({"app": self})


def app_state(state: State) -> AppState:
    return state["app"]
