"""Personal invitations of a round: invite a list of people, follow their status."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.orm import Session

from survey.models import Organisation
from survey.services import invitations, rounds
from survey.services.invitation_lists import Person, people_from_rows
from survey.settings import Settings
from web.auth import personal_url, require_coordinator
from web.controllers.api.openapi import GUARDED, errors
from web.controllers.api.schemas import BEARER, Id, Text
from web.security import TOKEN_LIMIT


class InvitationIn(msgspec.Struct):
    email: Text
    role: Id
    lang: Id = "en"


class InvitationsIn(msgspec.Struct):
    invitations: Annotated[list[InvitationIn], msgspec.Meta(max_length=2000)]


class InvitationOut(msgspec.Struct):
    id: str
    email: str | None
    role: str
    lang: str
    delivery: str
    response: str


class CreatedInvitationOut(msgspec.Struct):
    id: str
    email: str
    role: str
    lang: str
    link: str
    """The personal link; mailed when the server has a mail server, else to pass on."""


class InvitationsCreatedOut(msgspec.Struct):
    created: list[CreatedInvitationOut]
    skipped: int
    """People already invited to this round (matched by address), not invited again."""
    mailed: bool


class InvitationController(Controller):
    path = "/api/rounds/{round_id:str}/invitations"
    tags = ["invitations"]
    guards = [require_coordinator]
    opt = TOKEN_LIMIT
    security = BEARER

    @post(
        summary="Invite people to the round, each with a personal link (coordinator)",
        description="Each person gets a link that starts one response and resumes it. "
        "With a mail server configured each receives a mail in their language; otherwise "
        "the links are returned to pass on. Addresses already invited are skipped. The "
        "whole list is refused (422, naming each bad line) if any entry is invalid.",
        status_code=HTTP_201_CREATED,
        responses=errors(*GUARDED, 409, 422),
        sync_to_thread=True,
    )
    def invite(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        request: Request,
        round_id: FromPath[str],
        data: JSONBody[InvitationsIn],
    ) -> InvitationsCreatedOut:
        rows = [[i.email, i.role, i.lang] for i in data.invitations]
        people: list[Person] = people_from_rows(rows, "en", detect_header=False) if rows else []
        round_ = rounds.get_round(db, round_id, of=coordinator)
        created = invitations.invite_people(
            db,
            round_,
            people,
            secret_key=settings.resolved_secret_key(),
            link_for=lambda token: personal_url(request, settings, token),
            mail=settings.smtp_url is not None,
        )
        return InvitationsCreatedOut(
            created=[
                CreatedInvitationOut(
                    id=c.invitation.id,
                    email=c.invitation.email or "",
                    role=c.invitation.role,
                    lang=c.invitation.lang,
                    link=c.link,
                )
                for c in created
            ],
            skipped=len(people) - len(created),
            mailed=settings.smtp_url is not None,
        )

    @get(
        summary="Delivery and response status of each invitation (coordinator)",
        description="Whether each mail went out and whether each person has started or "
        "submitted; never what anybody answered. Addresses are erased when the round "
        "closes (then `email` is null and `response` is `erased`).",
        responses=errors(*GUARDED),
        sync_to_thread=True,
    )
    def list_invitations(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
    ) -> list[InvitationOut]:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return [
            InvitationOut(s.id, s.email, s.role, s.lang, s.delivery, s.response)
            for s in invitations.statuses(db, round_)
        ]
