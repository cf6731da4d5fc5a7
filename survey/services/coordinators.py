"""Coordinator accounts: claiming the first, inviting more, removing, signing in,
and resetting or changing passwords.

* An organisation has one or more coordinators (e-mail address and argon2 password).
* The dashboard link that registration shows once claims the first account, and is
  then used up, so organisations registered before accounts existed keep working.
* A coordinator invites another by a one-time token (`account_tokens`, kind
  ``invitation``), bound to the invited e-mail address and short-lived.
* A coordinator may remove another, or themself, but never the last one.
* A lost password is reset with a one-time, short-lived token (kind ``reset``), made
  for mail delivery or by ``survey admin reset-coordinator``. A reset or change of the
  password sets ``credentials_changed_at``: sessions begun before it are no longer valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import AccountToken, Coordinator, Organisation, utcnow
from survey.passwords import check_new_password, hash_password, verify_password
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.services import audit
from survey.services.login import Attempt, LoginResult, sign_in
from survey.services.organisations import link_is_live
from survey.tokens import hash_token, new_token

INVITATION = "invitation"
RESET = "reset"
COORDINATOR = "coordinator"
MAX_EMAIL = 254
# Paths of the links that carry these tokens (the web layer serves them, exchanges the
# token for a session and redirects to a URL without it).
INVITATION_PATH = "/coordinators/join/{token}"
RESET_PATH = "/password-reset/{token}"
LINK_NOT_VALID = "This dashboard link is not valid, or it has expired or been used."
TOKEN_NOT_VALID = "This link is not valid, or it has expired or been used."  # noqa: S105


@dataclass(frozen=True)
class IssuedToken:
    """A one-time token: ``token`` is shown once (in a link), ``row`` keeps its hash."""

    token: str
    row: AccountToken


def actor_of(coordinator: Coordinator) -> audit.Actor:
    return audit.Actor(COORDINATOR, coordinator.id, coordinator.email, coordinator.organisation_id)


def normalise_email(email: str | None) -> str:
    cleaned = (email or "").strip().lower()
    local, at, domain = cleaned.partition("@")
    if (
        not (local and at and "." in domain)
        or len(cleaned) > MAX_EMAIL
        or any(c.isspace() or not c.isprintable() for c in cleaned)
    ):
        raise InvalidInput("Give a valid e-mail address.", "email")
    return cleaned


def coordinators_of(session: Session, organisation: Organisation) -> list[Coordinator]:
    return list(
        session.scalars(
            select(Coordinator)
            .where(Coordinator.organisation_id == organisation.id)
            .order_by(Coordinator.created_at, Coordinator.email)
        )
    )


def _context(session: Session, organisation_id: str, email: str) -> tuple[str, ...]:
    """The words a guesser of this account's password knows: its address and its
    organisation's name."""
    organisation = session.get(Organisation, organisation_id)
    return (email,) if organisation is None else (email, organisation.name)


def _own_context(session: Session, coordinator: Coordinator) -> tuple[str, ...]:
    return _context(session, coordinator.organisation_id, coordinator.email)


def _new_account(
    session: Session, organisation_id: str, email: str, password: str, lang: str | None
) -> Coordinator:
    email = normalise_email(email)
    check_new_password(password, context=_context(session, organisation_id, email))
    if session.scalar(select(Coordinator).where(Coordinator.email == email)):
        raise Conflict("There is already a coordinator account with this e-mail address.")
    coordinator = Coordinator(
        organisation_id=organisation_id,
        email=email,
        password_hash=hash_password(password),
        lang=lang,
    )
    session.add(coordinator)
    session.flush()
    return coordinator


def claim_first_account(
    session: Session,
    link_token: str,
    email: str,
    password: str,
    *,
    address: str | None = None,
    lang: str | None = None,
    now: datetime | None = None,
) -> Coordinator:
    """Create the organisation's first coordinator with its dashboard link; uses it up.
    ``lang`` is the language of the pages it was claimed in (that of later notices)."""
    now = now or utcnow()
    organisation = session.scalar(
        select(Organisation)
        .where(Organisation.coordinator_token_hash == hash_token(link_token or ""))
        .with_for_update()
    )
    if organisation is None or not link_is_live(organisation, now):
        raise NotFound(LINK_NOT_VALID)
    if coordinators_of(session, organisation):
        raise Conflict(
            "This organisation already has a coordinator account: ask a coordinator for an "
            "invitation, or reset the password."
        )
    coordinator = _new_account(session, organisation.id, email, password, lang)
    organisation.coordinator_token_revoked_at = now
    audit.record(
        session,
        audit.ACCOUNT_CLAIMED,
        actor_of(coordinator),
        address=address,
        target=f"link:{organisation.id}",
        detail="first coordinator account; the dashboard link is used up",
        secrets=[link_token, password],
    )
    return coordinator


def invite(
    session: Session,
    by: Coordinator,
    email: str,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> IssuedToken:
    """A one-time invitation for ``email`` to join ``by``'s organisation as coordinator."""
    email = normalise_email(email)
    if session.scalar(select(Coordinator).where(Coordinator.email == email)):
        raise Conflict("There is already a coordinator account with this e-mail address.")
    issued = _issue(session, INVITATION, by.organisation_id, policy, email=email, by=by.id)
    audit.record(
        session,
        audit.TOKEN_CREATED,
        actor_of(by),
        address=address,
        target=f"invitation:{issued.row.id}",
        detail=f"invitation for {email}",
        secrets=[issued.token],
    )
    return issued


def accept_invitation(
    session: Session,
    token: str,
    password: str,
    *,
    address: str | None = None,
    lang: str | None = None,
    now: datetime | None = None,
) -> Coordinator:
    """Create the invited coordinator's account (the e-mail address is the invitation's),
    in ``lang``, the language of the pages it was accepted in."""
    row = _live_token(session, INVITATION, token, now)
    assert row.email is not None
    coordinator = _new_account(session, row.organisation_id, row.email, password, lang)
    row.used_at = now or utcnow()
    audit.record(
        session,
        audit.ACCOUNT_CREATED,
        actor_of(coordinator),
        address=address,
        target=f"invitation:{row.id}",
        detail=f"invited by coordinator {row.created_by}",
        secrets=[token, password],
    )
    return coordinator


def remove(
    session: Session, by: Coordinator, coordinator_id: str, *, address: str | None = None
) -> None:
    """Remove a coordinator of ``by``'s own organisation; never the last one."""
    target = session.get(Coordinator, coordinator_id)
    if target is None or target.organisation_id != by.organisation_id:
        raise NotFound("No such coordinator.")
    count = session.scalar(
        select(func.count())
        .select_from(Coordinator)
        .where(Coordinator.organisation_id == by.organisation_id)
    )
    if (count or 0) <= 1:
        raise Conflict("The last coordinator of an organisation cannot be removed.")
    session.delete(target)
    audit.record(
        session,
        audit.ACCOUNT_REMOVED,
        actor_of(by),
        address=address,
        target=f"coordinator:{target.id}",
        detail=f"removed {target.email}",
    )
    session.flush()


def login(
    session: Session,
    email: str,
    password: str,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> LoginResult[Coordinator]:
    """One sign-in attempt with e-mail address and password (see `survey.services.login`)."""
    typed = (email or "").strip().lower()
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == typed))
    attempt = Attempt(
        COORDINATOR, typed, address, coordinator.organisation_id if coordinator else None
    )
    result = sign_in(session, attempt, coordinator, password, policy, now=now)
    if result.ok and coordinator is not None:
        coordinator.last_login_at = now or utcnow()
    return result


def request_reset(
    session: Session,
    email: str,
    *,
    by: audit.Actor | None = None,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> IssuedToken | None:
    """A one-time reset token for the account with this address (None when there is
    none: the caller answers the same either way, so addresses cannot be probed)."""
    try:
        cleaned = normalise_email(email)
    except InvalidInput:
        return None
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == cleaned))
    if coordinator is None:
        return None
    issued = _issue(
        session,
        RESET,
        coordinator.organisation_id,
        policy,
        coordinator_id=coordinator.id,
        by=by.id if by else None,
    )
    audit.record(
        session,
        audit.TOKEN_CREATED,
        by or actor_of(coordinator),
        address=address,
        organisation_id=coordinator.organisation_id,
        target=f"reset:{issued.row.id}",
        detail=f"password reset for {coordinator.email}",
        secrets=[issued.token],
    )
    return issued


def reset_password(
    session: Session,
    token: str,
    new_password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> Coordinator:
    """Set a new password with a reset token (used up); earlier sessions end."""
    now = now or utcnow()
    row = _live_token(session, RESET, token, now)
    coordinator = session.get(Coordinator, row.coordinator_id)
    if coordinator is None:
        raise NotFound(TOKEN_NOT_VALID)
    check_new_password(new_password, context=_own_context(session, coordinator))
    coordinator.password_hash = hash_password(new_password)
    coordinator.credentials_changed_at = now
    row.used_at = now
    audit.record(
        session,
        audit.PASSWORD_RESET,
        actor_of(coordinator),
        address=address,
        target=f"reset:{row.id}",
        secrets=[token, new_password],
    )
    return coordinator


def change_password(
    session: Session,
    coordinator: Coordinator,
    current: str,
    new_password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> None:
    """Change the password; the current one is required. Earlier sessions end."""
    if not verify_password(coordinator.password_hash, current):
        raise InvalidInput("The current password is not right.", "current_password")
    check_new_password(new_password, context=_own_context(session, coordinator))
    coordinator.password_hash = hash_password(new_password)
    coordinator.credentials_changed_at = now or utcnow()
    audit.record(
        session,
        audit.PASSWORD_CHANGED,
        actor_of(coordinator),
        address=address,
        secrets=[current, new_password],
    )
    session.flush()


def session_still_valid(coordinator: Coordinator, signed_in_at: datetime) -> bool:
    """False for a session that began before the password last changed."""
    return signed_in_at >= coordinator.credentials_changed_at


def _issue(
    session: Session,
    kind: str,
    organisation_id: str,
    policy: CredentialPolicy,
    *,
    email: str | None = None,
    coordinator_id: str | None = None,
    by: str | None = None,
) -> IssuedToken:
    token = new_token()
    now = utcnow()
    row = AccountToken(
        kind=kind,
        token_hash=hash_token(token),
        organisation_id=organisation_id,
        coordinator_id=coordinator_id,
        email=email,
        created_by=by,
        created_at=now,
        expires_at=policy.expiry("invitation" if kind == INVITATION else "password_reset", now),
    )
    session.add(row)
    session.flush()
    return IssuedToken(token, row)


def pending(session: Session, kind: str, token: str | None) -> AccountToken:
    """The live invitation or reset token (NotFound otherwise), to show its form."""
    return _live_token(session, kind, token, None)


def _live_token(
    session: Session, kind: str, token: str | None, now: datetime | None
) -> AccountToken:
    """The unused, unrevoked, unexpired token of this kind (locked); NotFound otherwise."""
    if not token or len(token) > 200:
        raise NotFound(TOKEN_NOT_VALID)
    row = session.scalar(
        select(AccountToken)
        .where(AccountToken.token_hash == hash_token(token), AccountToken.kind == kind)
        .with_for_update()
    )
    if (
        row is None
        or row.used_at is not None
        or row.revoked_at is not None
        or row.expires_at <= (now or utcnow())
    ):
        raise NotFound(TOKEN_NOT_VALID)
    return row
