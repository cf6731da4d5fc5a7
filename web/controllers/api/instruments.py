"""The instrument library: what can be answered, in English or Dutch."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromPath, Parameter

from survey.errors import NotFound
from web.controllers.api.openapi import errors
from web.controllers.api.schemas import (
    InstrumentDetail,
    InstrumentSummary,
    Lang,
    instrument_detail,
    instrument_summary,
)
from web.state import app_state

LangParam = Annotated[Lang, Parameter(description="Language of the texts")]


class InstrumentController(Controller):
    path = "/api/instruments"
    tags = ["instruments"]

    @get(
        summary="The instruments on offer (latest versions)",
        responses=errors(),
        sync_to_thread=False,
    )
    def list_instruments(self, state: State, lang: LangParam = "en") -> list[InstrumentSummary]:
        return [instrument_summary(i, lang) for i in app_state(state).library.latest_versions()]

    @get(
        "/{instrument_id:str}",
        summary="One instrument with its dimensions, items and answer options",
        responses=errors(404),
        sync_to_thread=False,
    )
    def get_instrument(
        self,
        state: State,
        instrument_id: FromPath[str],
        lang: LangParam = "en",
        version: Annotated[
            str | None,
            Parameter(description="A version that rounds pinned (default: the latest)"),
        ] = None,
    ) -> InstrumentDetail:
        instrument = app_state(state).library.get(instrument_id, version)
        if instrument is None:
            raise NotFound(
                f"No instrument '{instrument_id}'" + (f" {version}." if version else ".")
            )
        return instrument_detail(instrument, lang)
