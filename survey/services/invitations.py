"""Personal invitations: one link per person that starts one response and resumes it.

The link's token is derived from the server secret and the invitation id (like the
round's invitation code), so reminders can repeat it while the database keeps only
its hash. The address, and which response the link started, are kept only while the
round is open: closing the round erases both (`erase_personal_data`), and no page,
export or API answer puts an address next to answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.errors import Conflict, InvalidInput
from survey.mail import enqueue_message
from survey.mail.texts import invitation_mail
from survey.models import (
    Invitation,
    OutboxMessage,
    Response,
    Round,
    RoundSchedule,
)
from survey.services.invitation_lists import Person
from survey.tokens import hash_token, new_token

LinkBuilder = Callable[[str], str]
"""Turns a personal token into the absolute link a person opens."""


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    link: str


@dataclass(frozen=True)
class InvitationStatus:
    id: str
    email: str | None
    role: str
    lang: str
    delivery: str
    """``not mailed`` (no mail server: the link was shown to copy), ``queued``, ``sent`` or
    ``failed``."""
    response: str
    """``not started``, ``started`` or ``submitted``; ``erased`` once the round is closed
    (which response a link started is forgotten then)."""


@dataclass(frozen=True)
class OpenedLink:
    response: Response
    token: str
    """A fresh respondent token for the resume cookie (the previous one stops working)."""


def personal_token(invitation_id: str, secret_key: str) -> str:
    """The invitation's token: 256 bits derived from the server secret."""
    digest = hmac.new(
        secret_key.encode(), f"person:{invitation_id}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def invite_people(
    session: Session,
    round_: Round,
    people: list[Person],
    *,
    secret_key: str,
    link_for: LinkBuilder,
    mail: bool,
) -> list[CreatedInvitation]:
    """Invite everybody not yet invited to the open round; with ``mail``, queue a mail
    to each (in their language), else the caller shows the links to copy."""
    if not round_.is_open:
        raise Conflict("This round is closed; it takes no more invitations.")
    if not people:
        raise InvalidInput("Give at least one person to invite.", "invitations")
    known = {
        email.lower()
        for email in session.scalars(
            select(Invitation.email).where(
                Invitation.round_id == round_.id, Invitation.email.is_not(None)
            )
        )
        if email
    }
    schedule = session.get(RoundSchedule, round_.id)
    created = []
    for person in people:
        if person.email.lower() in known:
            continue
        known.add(person.email.lower())
        invitation = Invitation(
            round_id=round_.id,
            email=person.email,
            role=person.role,
            lang=person.lang,
            token_hash="",
        )
        session.add(invitation)
        session.flush()
        token = personal_token(invitation.id, secret_key)
        invitation.token_hash = hash_token(token)
        link = link_for(token)
        if mail:
            content = invitation_mail(
                lang=person.lang,
                organisation=round_.organisation.name,
                role=vocabularies().roles.label(person.role, person.lang),
                link=link,
                closes_at=schedule.closes_at if schedule else None,
            )
            enqueue_message(
                session,
                to=person.email,
                lang=person.lang,
                content=content,
                invitation_id=invitation.id,
            )
        created.append(CreatedInvitation(invitation, link))
    session.flush()
    return created


def statuses(session: Session, round_: Round) -> list[InvitationStatus]:
    """Each invitation's delivery and response status, in the order they were made."""
    outbox = {
        invitation_id: (sent, failed)
        for invitation_id, sent, failed in session.execute(
            select(
                OutboxMessage.invitation_id,
                func.max(OutboxMessage.sent_at),
                func.max(OutboxMessage.failed_at),
            )
            .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
            .where(Invitation.round_id == round_.id)
            .group_by(OutboxMessage.invitation_id)
        )
    }
    rows = session.execute(
        select(Invitation, Response.status)
        .outerjoin(Response, Response.id == Invitation.response_id)
        .where(Invitation.round_id == round_.id)
        .order_by(Invitation.created_at, Invitation.id)
    ).all()
    found = []
    for invitation, response_status in rows:
        sent, failed = outbox.get(invitation.id, (None, None))
        if invitation.mailed_at or sent:
            delivery = "sent"
        elif failed:
            delivery = "failed"
        elif invitation.id in outbox:
            delivery = "queued"
        else:
            delivery = "not mailed"
        if not round_.is_open:
            response = "erased"
        else:
            response = {None: "not started", "submitted": "submitted"}.get(
                response_status, "started"
            )
        found.append(
            InvitationStatus(
                invitation.id,
                invitation.email,
                invitation.role,
                invitation.lang,
                delivery,
                response,
            )
        )
    return found


def open_personal_link(
    session: Session, token: str | None, *, in_browser: Response | None = None
) -> OpenedLink | None:
    """The response of a personal link: started on first use, the same one afterwards.

    On first use, a response this browser already started in the round for the same
    role (through the shared link) becomes the link's response instead of a second
    one. None for an unknown token; Conflict once the round is closed."""
    if not token or len(token) > 200:
        return None
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token)).with_for_update()
    )
    if invitation is None:
        return None
    round_ = session.get(Round, invitation.round_id)
    if round_ is None or not round_.is_open:
        raise Conflict("This assessment round is closed; it no longer accepts responses.")
    respondent_token = new_token()
    response = session.get(Response, invitation.response_id) if invitation.response_id else None
    if response is None and in_browser is not None and _adoptable(session, in_browser, invitation):
        response = in_browser
        invitation.response_id = in_browser.id
    if response is None:
        response = Response(
            round_id=round_.id,
            role=invitation.role,
            lang=invitation.lang,
            token_hash=hash_token(respondent_token),
        )
        session.add(response)
        session.flush()
        invitation.response_id = response.id
    else:
        response.token_hash = hash_token(respondent_token)
        response.token_revoked_at = None
    session.flush()
    return OpenedLink(response, respondent_token)


def _adoptable(session: Session, response: Response, invitation: Invitation) -> bool:
    return (
        response.round_id == invitation.round_id
        and response.role == invitation.role
        and session.scalar(select(Invitation.id).where(Invitation.response_id == response.id))
        is None
    )


def not_submitted(session: Session, round_id: str) -> list[Invitation]:
    """The invitations of the round whose person has not submitted (with an address)."""
    return list(
        session.scalars(
            select(Invitation)
            .outerjoin(Response, Response.id == Invitation.response_id)
            .where(
                Invitation.round_id == round_id,
                Invitation.email.is_not(None),
                (Response.id.is_(None)) | (Response.status != "submitted"),
            )
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def erase_personal_data(session: Session, round_id: str) -> None:
    """At close: forget the addresses, which response each link started, and the mails."""
    invitation_ids = select(Invitation.id).where(Invitation.round_id == round_id)
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.invitation_id.in_(invitation_ids))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Invitation)
        .where(Invitation.round_id == round_id)
        .values(email=None, response_id=None)
        .execution_options(synchronize_session=False)
    )
