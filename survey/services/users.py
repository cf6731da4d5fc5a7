"""Integrity-office accounts: users who sign in (password, optional TOTP second factor),
and API tokens for automation (with a lifetime, revocable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput
from survey.models import ApiToken, User, utcnow
from survey.passwords import MIN_LENGTH, check_new_password, hash_password, verify_password
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.services import audit, totp
from survey.services.login import (
    Attempt,
    LoginResult,
    Outcome,
    confirm_second_factor,
    sign_in,
)
from survey.tokens import hash_token, new_token

MIN_PASSWORD_LENGTH = MIN_LENGTH
OFFICE = "office"


def create_user(
    session: Session, username: str, password: str, *, actor: audit.Actor | None = None
) -> User:
    username = (username or "").strip()
    if not username or len(username) > 80:
        raise InvalidInput("Give a username of at most 80 characters.", "username")
    check_new_password(password, context=(username,))
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"User '{username}' already exists.")
    user = User(username=username, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(
        session,
        audit.ACCOUNT_CREATED,
        actor or audit.cli_actor(),
        target=f"user:{user.id}",
        detail=f"integrity-office user '{username}'",
        secrets=[password],
    )
    return user


def login(
    session: Session,
    username: str,
    password: str,
    *,
    totp_code: str | None = None,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> LoginResult[User]:
    """One sign-in attempt (see `survey.services.login`). A user with a second factor
    needs ``totp_code`` as well; without one, the result asks for it (or, when the
    office requires a second factor and the user has none, for enrolment first)."""
    username = (username or "").strip()
    user = session.scalar(select(User).where(User.username == username))

    def second_factor(found: User, at: datetime) -> Outcome:
        if found.totp_secret:
            if not totp_code:
                return Outcome.SECOND_FACTOR
            return Outcome.OK if totp.use_code(found, totp_code, at) else Outcome.FAILED
        return Outcome.ENROL_SECOND_FACTOR if policy.office_totp_required else Outcome.OK

    attempt = Attempt(OFFICE, username, address)
    return sign_in(session, attempt, user, password, policy, second_factor=second_factor, now=now)


def complete_second_factor(
    session: Session,
    user: User,
    code: str | None,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> LoginResult[User]:
    """The second step, after `login` answered SECOND_FACTOR: the code alone (the web
    layer keeps the user whose password was right in the session meanwhile)."""
    return confirm_second_factor(
        session,
        Attempt(OFFICE, user.username, address),
        user,
        lambda at: totp.use_code(user, code, at),
        policy,
        secret=code,
        now=now,
    )


def change_password(
    session: Session,
    user: User,
    current: str,
    new_password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> None:
    """Change the user's own password; the current one is required. Earlier sessions end."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput("The current password is not right.", "current_password")
    check_new_password(new_password, context=(user.username,))
    user.password_hash = hash_password(new_password)
    user.credentials_changed_at = now or utcnow()
    audit.record(
        session,
        audit.PASSWORD_CHANGED,
        audit.Actor(OFFICE, user.id, user.username),
        address=address,
        secrets=[current, new_password],
    )
    session.flush()


def session_still_valid(user: User, signed_in_at: datetime) -> bool:
    """False for a session that began before the password last changed."""
    changed = user.credentials_changed_at
    return changed is None or signed_in_at >= changed


def authenticate(
    session: Session, username: str, password: str, *, address: str | None = None
) -> User | None:
    """The user, when the password is right and no second factor is needed; else None.
    Lockouts apply (a locked account gets None without a password check)."""
    result = login(session, username, password, address=address)
    return result.account if result.ok else None


def create_api_token(
    session: Session,
    name: str,
    *,
    policy: CredentialPolicy = DEFAULT_POLICY,
    actor: audit.Actor | None = None,
) -> str:
    """Create a named API token; the token itself is returned once and stored hashed."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput("Give the token a name of at most 80 characters.", "name")
    if session.scalar(select(ApiToken).where(ApiToken.name == name)):
        raise Conflict(f"A token named '{name}' already exists.")
    token = new_token()
    now = utcnow()
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=policy.expiry("api_token", now),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        audit.TOKEN_CREATED,
        actor or audit.cli_actor(),
        target=f"api:{row.id}",
        detail=f"API token '{name}'",
        secrets=[token],
    )
    return token


def api_token_for(
    session: Session, token: str | None, now: datetime | None = None
) -> ApiToken | None:
    """The live (not revoked, not expired) API token."""
    if not token or len(token) > 200:
        return None
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if found is None or found.revoked_at is not None or found.expires_at <= (now or utcnow()):
        return None
    return found


def get_user(session: Session, user_id: str | None) -> User | None:
    return session.get(User, user_id) if user_id else None
