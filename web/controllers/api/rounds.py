"""Assessment rounds: opening, following, closing, and the scores of a closed round."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary
from survey.models import Organisation, Round
from survey.services import organisations, results, rounds
from survey.settings import Settings
from survey.tokens import invite_code_for
from web.auth import invite_url, require_coordinator
from web.controllers.api.openapi import GUARDED, errors
from web.controllers.api.schemas import (
    BEARER,
    Lang,
    OpenedRoundOut,
    RoundIn,
    RoundOut,
    round_out,
)
from web.controllers.api.scores_out import ScoresOut, scores_out
from web.security import TOKEN_LIMIT


def _round_out(request: Request, settings: Settings, db: Session, round_: Round) -> RoundOut:
    code = invite_code_for(round_.id, settings.resolved_secret_key()) if round_.is_open else None
    return round_out(
        round_,
        rounds.progress(db, round_),
        invite_code=code,
        invite_url=invite_url(request, settings, code) if code else None,
    )


class RoundController(Controller):
    path = "/api"
    tags = ["rounds"]
    guards = [require_coordinator]
    opt = TOKEN_LIMIT
    security = BEARER

    @post(
        "/organisations/{org_id:str}/rounds",
        summary="Open a round with the chosen instruments (coordinator)",
        description="Each instrument is pinned to its latest version. Returns the "
        "invitation code and link to share with respondents.",
        status_code=HTTP_201_CREATED,
        responses=errors(*GUARDED, 422),
        sync_to_thread=True,
    )
    def open_round(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        settings: NamedDependency[Settings],
        request: Request,
        org_id: FromPath[str],
        data: JSONBody[RoundIn],
    ) -> OpenedRoundOut:
        organisation = organisations.get_organisation(db, org_id, of=coordinator)
        opened = rounds.open_round(
            db,
            organisation,
            label=data.label,
            instrument_ids=data.instruments,
            library=library,
            secret_key=settings.resolved_secret_key(),
        )
        return OpenedRoundOut(
            id=opened.round.id,
            invite_code=opened.invite_code,
            invite_url=invite_url(request, settings, opened.invite_code),
        )

    @get(
        "/organisations/{org_id:str}/rounds",
        summary="The organisation's rounds, newest first (coordinator)",
        responses=errors(*GUARDED),
        sync_to_thread=True,
    )
    def list_rounds(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        request: Request,
        org_id: FromPath[str],
    ) -> list[RoundOut]:
        organisation = organisations.get_organisation(db, org_id, of=coordinator)
        return [_round_out(request, settings, db, r) for r in rounds.list_rounds(db, organisation)]

    @get(
        "/rounds/{round_id:str}",
        summary="A round with its response counts per role (coordinator)",
        responses=errors(*GUARDED),
        sync_to_thread=True,
    )
    def get_round(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        request: Request,
        round_id: FromPath[str],
    ) -> RoundOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return _round_out(request, settings, db, round_)

    @post(
        "/rounds/{round_id:str}/close",
        summary="Close the round and store its results (coordinator; idempotent)",
        status_code=HTTP_200_OK,
        responses=errors(*GUARDED, 409),
        sync_to_thread=True,
    )
    def close_round(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        library: NamedDependency[InstrumentLibrary],
        request: Request,
        round_id: FromPath[str],
    ) -> RoundOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        closed = rounds.close_round(db, round_, library)
        return _round_out(request, settings, db, closed)

    @get(
        "/rounds/{round_id:str}/scores",
        summary="The scores of a closed round, anonymised (coordinator)",
        description="409 while the round is open. Role groups under 3 respondents and "
        "figures that would reveal them are suppressed.",
        responses=errors(*GUARDED, 409),
        sync_to_thread=True,
    )
    def get_scores(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
        lang: Annotated[Lang, Parameter(description="Language of the texts")] = "en",
    ) -> ScoresOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return scores_out(results.round_scores(db, round_, library, lang))
