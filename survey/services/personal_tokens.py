"""Coordinators' personal API tokens: bearer tokens for the API, one coordinator each.

A token is an account token of kind ``personal``, stored as a hash, with a label and a
lifetime (``PERSONAL_TOKEN_LIFETIME_DAYS``, 90 days by default). Its coordinator lists,
revokes and rotates it (here, in the browser) and so can an operator
(``survey admin list-tokens`` / ``revoke-token`` / ``rotate-token personal:ID``). It
ends with the account: removing the coordinator deletes the coordinator's tokens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound
from survey.models import AccountToken, Coordinator, utcnow
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.services import audit, credentials
from survey.services.coordinators import IssuedToken, actor_of
from survey.tokens import hash_token, new_token

PERSONAL = "personal"
MAX_LABEL = 80
MAX_LIVE = 20


def tokens_of(session: Session, coordinator: Coordinator) -> list[AccountToken]:
    """The coordinator's personal tokens, newest first (live, expired and revoked)."""
    return list(
        session.scalars(
            select(AccountToken)
            .where(AccountToken.kind == PERSONAL, AccountToken.coordinator_id == coordinator.id)
            .order_by(AccountToken.created_at.desc(), AccountToken.id)
        )
    )


def create(
    session: Session,
    coordinator: Coordinator,
    label: str,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> IssuedToken:
    """A new token (its secret returned once) with a label of 1 to 80 printable characters."""
    label = " ".join((label or "").split())
    if not label or len(label) > MAX_LABEL or not label.isprintable():
        raise InvalidInput(f"Give the token a name of at most {MAX_LABEL} characters.", "label")
    now = now or utcnow()
    live = [t for t in tokens_of(session, coordinator) if _live(t, now)]
    if len(live) >= MAX_LIVE:
        raise InvalidInput(f"At most {MAX_LIVE} live tokens; revoke one first.", "label")
    token = new_token()
    row = AccountToken(
        kind=PERSONAL,
        token_hash=hash_token(token),
        organisation_id=coordinator.organisation_id,
        coordinator_id=coordinator.id,
        label=label,
        created_by=coordinator.id,
        created_at=now,
        expires_at=policy.expiry("personal_token", now),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        audit.TOKEN_CREATED,
        actor_of(coordinator),
        address=address,
        target=f"{PERSONAL}:{row.id}",
        detail=f"personal API token '{label}'",
        secrets=[token],
    )
    return IssuedToken(token, row)


def own(session: Session, coordinator: Coordinator, token_id: str) -> AccountToken:
    """One of the coordinator's own tokens; NotFound for anyone else's."""
    row = session.get(AccountToken, token_id)
    if row is None or row.kind != PERSONAL or row.coordinator_id != coordinator.id:
        raise NotFound("No such token.")
    return row


def revoke(
    session: Session, coordinator: Coordinator, token_id: str, *, address: str | None = None
) -> None:
    row = own(session, coordinator, token_id)
    credentials.revoke(session, f"{PERSONAL}:{row.id}", actor_of(coordinator), address=address)


def rotate(
    session: Session,
    coordinator: Coordinator,
    token_id: str,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> IssuedToken:
    """A new secret and a fresh lifetime for one of the coordinator's tokens."""
    row = own(session, coordinator, token_id)
    token = credentials.rotate(
        session, f"{PERSONAL}:{row.id}", actor_of(coordinator), address=address, policy=policy
    )
    return IssuedToken(token, row)


def coordinator_for_token(
    session: Session, token: str | None, now: datetime | None = None
) -> Coordinator | None:
    """The coordinator whose live personal token this is."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.kind == PERSONAL
        )
    )
    if row is None or not _live(row, now or utcnow()) or row.coordinator_id is None:
        return None
    return session.get(Coordinator, row.coordinator_id)


def _live(row: AccountToken, now: datetime) -> bool:
    return row.revoked_at is None and row.expires_at > now
