"""Invitations: a respondent starts an anonymous response with the round's code."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.orm import Session

from survey.services import responses
from survey.settings import Settings
from web.auth import resume_url
from web.controllers.api.openapi import DATABASE, LIMITED, errors
from web.controllers.api.schemas import ResponseIn, StartedOut
from web.security import TOKEN_LIMIT


class InviteController(Controller):
    path = "/api/invites"
    tags = ["responses"]
    opt = TOKEN_LIMIT

    @post(
        "/{invite_code:str}/responses",
        summary="Start an anonymous response in the invited round",
        description="Returns the respondent token once (stored only as a hash); it "
        "authorises saving answers and submitting, and resumes the response later.",
        status_code=HTTP_201_CREATED,
        responses=errors(404, 409, 422, LIMITED, DATABASE),
        sync_to_thread=True,
    )
    def start_response(
        self,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        request: Request,
        invite_code: FromPath[str],
        data: JSONBody[ResponseIn],
    ) -> StartedOut:
        started = responses.start_response(db, invite_code, role=data.role, lang=data.lang)
        return StartedOut(
            id=started.response.id,
            token=started.token,
            resume_url=resume_url(request, settings, started.token),
        )
