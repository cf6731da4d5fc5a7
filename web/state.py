"""What the composition root hands to every request: settings, database, instruments."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import State

from instruments import InstrumentLibrary
from survey.db import Database
from survey.settings import Settings


@dataclass(frozen=True)
class AppState:
    settings: Settings
    database: Database
    library: InstrumentLibrary

    def as_litestar_state(self) -> State:
        return State({"app": self})


def app_state(state: State) -> AppState:
    return state["app"]
