"""Responses: starting through an invitation, saving answers, submitting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Integer, Table, TextClause, bindparam, func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from instruments import Instrument, vocabularies
from survey.db import upsert
from survey.errors import Conflict, InvalidInput, NotFound
from survey.i18n import LANGUAGES
from survey.models import Answer, Response, Round, utcnow
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.services.pinned import PinnedInstruments
from survey.services.rounds import round_for_invite
from survey.tokens import hash_token, new_token

MAX_ANSWERS_PER_REQUEST = 500
_RESPONSES = cast(Table, Response.__table__)
_ANSWERS = cast(Table, Answer.__table__)
_STATUSES = (
    "SELECT responses.status, rounds.status FROM responses"
    " JOIN rounds ON rounds.id = responses.round_id WHERE responses.id = :response"
)
# The response's status and its round's, the response locked and the round shared (so
# that a close or a submit waits for the save), in one statement; SQLite needs no
# locking clause, as every transaction there begins IMMEDIATE (survey.db).
_LOCK: dict[str, TextClause] = {
    "postgresql": text(_STATUSES + " FOR UPDATE OF responses FOR SHARE OF rounds"),
    "sqlite": text(_STATUSES),
}
# The response's last save and page (kept when None), returning its count of answers
# (the upsert before it in the transaction included), as Core: compiled once.
_TOUCH = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("response"))
    .values(
        updated_at=bindparam("now"),
        last_page=func.coalesce(bindparam("page", type_=Integer), _RESPONSES.c.last_page),
    )
    .returning(
        select(func.count())
        .where(_ANSWERS.c.response_id == bindparam("response"))
        .scalar_subquery()
    )
)
# The response of a token, built once (the guard runs it on every respondent request).
_BY_TOKEN = select(Response).where(Response.token_hash == bindparam("token_hash"))
# A token's response as the save needs it, with its round's status, locked as _LOCK
# locks them: the save's lookup and lock in one Core statement (columns, no ORM object).
_BY_TOKEN_LOCKED = (
    select(
        _RESPONSES.c.id,
        _RESPONSES.c.round_id,
        _RESPONSES.c.role,
        _RESPONSES.c.status,
        _RESPONSES.c.created_at,
        _RESPONSES.c.token_revoked_at,
        Round.__table__.c.status.label("round_status"),
    )
    .join(Round.__table__, Round.__table__.c.id == _RESPONSES.c.round_id)
    .where(_RESPONSES.c.token_hash == bindparam("token_hash"))
    .suffix_with("FOR UPDATE OF responses FOR SHARE OF rounds", dialect="postgresql")
)
SAVE_ANSWERS = upsert(
    Answer, keys=("response_id", "instrument_id", "item_id"), update=("option_value", "updated_at")
)


@dataclass(frozen=True)
class StartedResponse:
    response: Response
    token: str


@dataclass(frozen=True)
class LockedRespondent:
    """A respondent token's response (its row locked, its round's shared) as the save
    needs it: plain values read with Core, no ORM object."""

    id: str
    round_id: str
    role: str
    status: str
    round_status: str


@dataclass(frozen=True)
class SaveResult:
    answered: int
    total: int


def start_response(session: Session, invite_code: str, *, role: str, lang: str) -> StartedResponse:
    """Start an anonymous response in the invited round; the token is returned once."""
    round_ = round_for_invite(session, invite_code)
    if round_ is None:
        raise NotFound("This invitation link is not valid.")
    if not round_.is_open:
        raise Conflict("This assessment round is closed; it no longer accepts responses.")
    if role not in vocabularies().roles:
        raise InvalidInput(f"Unknown role '{role}'.", "role")
    if lang not in LANGUAGES:
        raise InvalidInput(f"Unknown language '{lang}' (use {', '.join(LANGUAGES)}).", "lang")
    token = new_token()
    response = Response(round_id=round_.id, role=role, lang=lang, token_hash=hash_token(token))
    session.add(response)
    session.flush()
    return StartedResponse(response, token)


def response_for_token(
    session: Session,
    token: str | None,
    *,
    now: datetime | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> Response | None:
    """The response of a live respondent token (not revoked, within its lifetime).

    A closed round still recognises it, so that its respondent can read the response
    and be told clearly that it no longer takes answers; resuming needs
    `response_for_resume_token`."""
    if not token or len(token) > 200:
        return None
    found = session.scalar(_BY_TOKEN, {"token_hash": hash_token(token)})
    return found if _live(found, now, policy) else None


def locked_respondent_for_token(
    session: Session,
    token: str | None,
    *,
    now: datetime | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> LockedRespondent | None:
    """`response_for_token` and its round's status, the response locked and the round
    shared for the rest of the transaction (for `save_respondent_answers`)."""
    if not token or len(token) > 200:
        return None
    row = session.connection().execute(_BY_TOKEN_LOCKED, {"token_hash": hash_token(token)}).first()
    if row is None or not _live(row, now, policy):
        return None
    return LockedRespondent(row.id, row.round_id, row.role, row.status, row.round_status)


class _TokenDates(Protocol):
    """A response's row or object: when its token was made and whether it was revoked."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def token_revoked_at(self) -> datetime | None: ...


def _live(found: _TokenDates | None, now: datetime | None, policy: CredentialPolicy) -> bool:
    return (
        found is not None
        and found.token_revoked_at is None
        and found.created_at + policy.lifetimes.respondent > (now or utcnow())
    )


def response_for_resume_token(
    session: Session,
    token: str | None,
    *,
    now: datetime | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> Response | None:
    """The response to resume with a personal link or cookie: the token is live and its
    round is still open (resume tokens end when the round closes)."""
    found = response_for_token(session, token, now=now, policy=policy)
    if found is None:
        return None
    round_ = session.get(Round, found.round_id)
    return found if round_ is not None and round_.is_open else None


def get_response(session: Session, response_id: str, *, of: Response) -> Response:
    """The response, only if it is the caller's own (404 otherwise)."""
    if response_id != of.id:
        raise NotFound("No such response.")
    return of


def resolve_answers(
    answers: Mapping[str, object], instruments: list[Instrument], role: str | None = None
) -> list[tuple[str, str, str]]:
    """Check every answer against the pinned instruments before anything is written.

    Keys are item ids, or ``instrument_id/item_id`` where an item id occurs in more
    than one of the round's instruments. With ``role``, an answer to an item not asked
    of that role (routing by role, schema 2) is refused. Returns (instrument_id,
    item_id, value).
    """
    if not isinstance(answers, Mapping):
        raise InvalidInput("'answers' must be an object of item id to option value.", "answers")
    if len(answers) > MAX_ANSWERS_PER_REQUEST:
        raise InvalidInput(f"At most {MAX_ANSWERS_PER_REQUEST} answers per request.", "answers")
    resolved = []
    for key, value in answers.items():
        field = f"answers.{key}"
        if "/" in key:
            instrument_id, item_id = key.split("/", 1)
            candidates = [i for i in instruments if i.id == instrument_id]
        else:
            item_id = key
            candidates = [i for i in instruments if i.item(item_id) is not None]
        owners = [i for i in candidates if i.item(item_id) is not None]
        if not owners:
            raise InvalidInput(f"Unknown item '{key}' in this round.", field)
        if len(owners) > 1:
            raise InvalidInput(
                f"Item '{key}' occurs in several instruments; write it as instrument_id/item_id.",
                field,
            )
        instrument = owners[0]
        item = instrument.item(item_id)
        assert item is not None
        if role is not None and not item.asked_of(role):
            raise InvalidInput(
                f"Item '{key}' is not asked of the role '{role}'; "
                "answer only the questions shown for your role.",
                field,
            )
        if not isinstance(value, str) or item.option(value) is None:
            allowed = ", ".join(o.value for o in item.options)
            raise InvalidInput(
                f"'{value}' is not an option of item '{key}' (use one of: {allowed}).", field
            )
        resolved.append((instrument.id, item_id, value))
    return resolved


def save_answers(
    session: Session,
    response: Response,
    answers: Mapping[str, object],
    pinned: PinnedInstruments,
    *,
    page: int | None = None,
) -> SaveResult:
    """Validate all answers, then upsert them (latest wins) in the session's transaction.

    Idempotent: saving the same answers twice leaves the same state. Refused with
    Conflict when the response is submitted or the round is closed. The response row is
    locked, and the round's shared, so that a close or a submit waits for the save.
    ``response`` is the caller's (its round and role never change); three statements:
    the lock with both statuses, the upsert, and the touch returning the count.
    """
    session.flush()  # Core below: nothing the ORM holds may be left unwritten
    connection = session.connection()
    found = connection.execute(_LOCK[connection.dialect.name], {"response": response.id}).first()
    if found is None:
        raise NotFound("No such response.")
    response_status, round_status = found
    set_committed_value(response, "status", response_status)
    locked = LockedRespondent(
        response.id, response.round_id, response.role, response_status, round_status
    )
    now, page = utcnow(), _page(page)
    saved = _write(session, locked, answers, pinned, page=page, now=now)
    set_committed_value(response, "updated_at", now)
    if page is not None:
        set_committed_value(response, "last_page", page)
    return saved


def save_respondent_answers(
    session: Session,
    respondent: LockedRespondent,
    answers: Mapping[str, object],
    pinned: PinnedInstruments,
    *,
    page: int | None = None,
) -> SaveResult:
    """`save_answers` for the response of `locked_respondent_for_token`, which has locked
    both rows and read both statuses already: two statements, Core only (the save
    path, docs/architecture.md)."""
    return _write(session, respondent, answers, pinned, page=_page(page), now=utcnow())


def _page(page: int | None) -> int | None:
    return page if page is not None and page >= 0 else None


def _write(
    session: Session,
    respondent: LockedRespondent,
    answers: Mapping[str, object],
    pinned: PinnedInstruments,
    *,
    page: int | None,
    now: datetime,
) -> SaveResult:
    if respondent.round_status != "open":
        raise Conflict("This assessment round is closed; answers can no longer be changed.")
    if respondent.status == "submitted":
        raise Conflict("This response has been submitted; answers can no longer be changed.")
    instruments = pinned.of(session, respondent.round_id)
    resolved = resolve_answers(answers, instruments, respondent.role)
    SAVE_ANSWERS.execute(
        session,
        [
            {
                "response_id": respondent.id,
                "instrument_id": instrument_id,
                "item_id": item_id,
                "option_value": value,
                "updated_at": now,
            }
            for instrument_id, item_id, value in resolved
        ],
    )
    answered = (
        session.connection()
        .execute(_TOUCH, {"response": respondent.id, "now": now, "page": page})
        .scalar_one()
    )
    return SaveResult(answered=int(answered), total=asked_count(instruments, respondent.role))


def asked_count(instruments: list[Instrument], role: str) -> int:
    """The number of items asked of ``role`` in the round (progress counts only these)."""
    return sum(len(i.items_for(role)) for i in instruments)


def submit(session: Session, response: Response) -> Response:
    """Submit the response. A replay returns the first result unchanged."""
    locked = _lock_response(session, response.id)
    if locked.status == "submitted":
        return locked
    round_ = session.scalar(
        select(Round).where(Round.id == locked.round_id).with_for_update(read=True)
    )
    assert round_ is not None
    if not round_.is_open:
        raise Conflict("This assessment round is closed; the response can no longer be submitted.")
    locked.status = "submitted"
    locked.submitted_at = utcnow()
    session.flush()
    return locked


def answered_count(session: Session, response: Response) -> int:
    return int(session.scalar(select(func.count()).where(Answer.response_id == response.id)) or 0)


def answers_of(session: Session, response: Response) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(Answer.instrument_id, Answer.item_id, Answer.option_value).where(
            Answer.response_id == response.id
        )
    ).all()
    return {(i, item): value for i, item, value in rows}


def _lock_response(session: Session, response_id: str) -> Response:
    locked = session.scalar(
        select(Response)
        .where(Response.id == response_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound("No such response.")
    return locked
