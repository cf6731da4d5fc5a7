"""What the app hands to every request: the root's settings, database, instruments,
pinned-instrument and benchmark caches, and this worker's session gate."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from litestar.datastructures import State

from analytics.service import BenchmarkCache
from bootstrap import Root
from instruments import InstrumentLibrary
from survey.db import Database
from survey.services.pinned import PinnedInstruments
from web.settings import WebSettings


class SessionGate:
    """As many request sessions at once as the database takes (``Database.capacity``),
    the others queued in the worker (``web.request_db``). A semaphore, not a lock: a
    request may end in another task than it began. Made anew whenever the app starts,
    in the event loop that serves it."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.semaphore = anyio.Semaphore(slots)

    async def open(self) -> None:
        self.semaphore = anyio.Semaphore(self.slots)


@dataclass(frozen=True)
class AppState:
    settings: WebSettings
    database: Database
    library: InstrumentLibrary
    pinned: PinnedInstruments
    benchmarks: BenchmarkCache
    gate: SessionGate

    @classmethod
    def build(cls, root: Root) -> AppState:
        return cls(
            settings=root.settings,
            database=root.database,
            library=root.library,
            pinned=root.pinned,
            benchmarks=root.benchmarks,
            gate=SessionGate(root.database.capacity),
        )

    def as_litestar_state(self) -> State:
        return State({"app": self})


def app_state(state: State) -> AppState:
    return state["app"]
