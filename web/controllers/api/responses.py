"""A respondent's own response: reading it, saving answers, submitting.

Each handler looks the respondent's token up itself, in the same trip to a worker
thread as its work and the commit (``request_db.run_and_commit``); the controller's
guard only refuses a request without a well-formed bearer header. An unknown token
gets the same 401 as from the full guard, and the rate limit counts it.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from instruments import Instrument
from survey.errors import NotFound
from survey.models import Response, Round
from survey.services import responses
from survey.services.pinned import PinnedInstruments
from web import request_db
from web.auth import (
    RESPONDENT,
    bearer_token,
    current_respondent,
    require_respondent_bearer,
    unauthorized,
)
from web.controllers.api.openapi import GUARDED, errors
from web.controllers.api.schemas import BEARER, AnswersIn, ResponseOut, SavedOut, response_out
from web.security import TOKEN_LIMIT


def answer_keys(
    answers: dict[tuple[str, str], str], instruments: list[Instrument]
) -> dict[str, str]:
    """Answers keyed as clients send them: the item id, or ``instrument_id/item_id``
    where the item id occurs in more than one of the round's instruments."""
    owners: dict[str, int] = {}
    for instrument in instruments:
        for item in instrument.items:
            owners[item.id] = owners.get(item.id, 0) + 1
    return {
        (item_id if owners.get(item_id, 0) == 1 else f"{instrument_id}/{item_id}"): value
        for (instrument_id, item_id), value in sorted(answers.items())
    }


def _response_out(db: Session, pinned: PinnedInstruments, response: Response) -> ResponseOut:
    round_ = db.get(Round, response.round_id)
    assert round_ is not None
    instruments = pinned.of(db, round_.id)
    return response_out(
        response,
        round_,
        answer_keys(responses.answers_of(db, response), instruments),
        answered=responses.answered_count(db, response),
        total=responses.asked_count(instruments, response.role),
    )


class ResponseController(Controller):
    path = "/api/responses"
    tags = ["responses"]
    guards = [require_respondent_bearer]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        "/{response_id:str}",
        summary="The respondent's own response with its answers and progress",
        responses=errors(*GUARDED),
    )
    async def get_response(
        self,
        request: Request[Any, Any, Any],
        pinned: NamedDependency[PinnedInstruments],
        response_id: FromPath[str],
    ) -> ResponseOut:
        def read(db: Session) -> ResponseOut:
            response = responses.get_response(db, response_id, of=current_respondent(request, db))
            return _response_out(db, pinned, response)

        return await request_db.run_and_commit(request, read)

    @put(
        "/{response_id:str}/answers",
        summary="Save answers (latest wins; idempotent)",
        description="Keys are item ids (or instrument_id/item_id where an item id occurs "
        "in several of the round's instruments); values are option values. All answers "
        "are checked before any is saved. 409 once submitted or when the round is closed.",
        responses=errors(*GUARDED, 409, 422),
    )
    async def save_answers(
        self,
        request: Request[Any, Any, Any],
        pinned: NamedDependency[PinnedInstruments],
        response_id: FromPath[str],
        data: JSONBody[AnswersIn],
    ) -> SavedOut:
        def save(db: Session) -> SavedOut:
            found = responses.locked_respondent_for_token(db, bearer_token(request))
            if found is None:
                raise unauthorized(RESPONDENT)
            if response_id != found.id:
                raise NotFound("No such response.")
            saved = responses.save_respondent_answers(
                db, found, data.answers, pinned, page=data.page
            )
            return SavedOut(answered=saved.answered, total=saved.total)

        return await request_db.run_and_commit(request, save)

    @post(
        "/{response_id:str}/submit",
        summary="Submit the response (idempotent)",
        status_code=HTTP_200_OK,
        responses=errors(*GUARDED, 409, 422),
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        pinned: NamedDependency[PinnedInstruments],
        response_id: FromPath[str],
    ) -> ResponseOut:
        def submit(db: Session) -> ResponseOut:
            response = responses.get_response(db, response_id, of=current_respondent(request, db))
            return _response_out(db, pinned, responses.submit(db, response))

        return await request_db.run_and_commit(request, submit)
