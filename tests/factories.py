"""Test data: a small instrument library and helpers that build rounds and responses."""

from __future__ import annotations

from pathlib import Path

from instruments import InstrumentLibrary, load_library
from survey.db import Database
from survey.services import organisations, responses, rounds
from survey.services.pinned import PinnedInstruments

DATA = Path(__file__).parent / "data"
SECRET = "test-secret"


def mini_library() -> InstrumentLibrary:
    return load_library([DATA / "mini.yaml"])


def organisation(db: Database, name: str = "Gemeente Test", **profile):
    profile = {"sector": "municipalities", "size_band": "250-999", "country": "NL", **profile}
    with db.session() as s:
        return organisations.register_organisation(s, name=name, **profile)


def open_round(db: Database, org, library: InstrumentLibrary, instruments=None, label="2026"):
    with db.session() as s:
        org_row = s.merge(org)
        return rounds.open_round(
            s,
            org_row,
            label=label,
            instrument_ids=instruments or [i.id for i in library.latest_versions()],
            library=library,
            secret_key=SECRET,
        )


def respond(db: Database, invite_code: str, library, answers: dict, role="staff", submit=True):
    """Start a response, save `answers` and (by default) submit; returns (id, token)."""
    with db.session() as s:
        started = responses.start_response(s, invite_code, role=role, lang="en")
        responses.save_answers(s, started.response, answers, PinnedInstruments(library))
        if submit:
            responses.submit(s, started.response)
        return started.response.id, started.token
