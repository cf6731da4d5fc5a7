"""Integrity-office accounts: users who log in, and API tokens for automation."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput
from survey.models import ApiToken, User
from survey.tokens import hash_token, new_token

_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown user the same.
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD_LENGTH = 12


def create_user(session: Session, username: str, password: str) -> User:
    username = (username or "").strip()
    if not username or len(username) > 80:
        raise InvalidInput("Give a username of at most 80 characters.", "username")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password"
        )
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"User '{username}' already exists.")
    user = User(username=username, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    return user


def create_api_token(session: Session, name: str) -> str:
    """Create a named API token; the token itself is returned once and stored hashed."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput("Give the token a name of at most 80 characters.", "name")
    if session.scalar(select(ApiToken).where(ApiToken.name == name)):
        raise Conflict(f"A token named '{name}' already exists.")
    token = new_token()
    session.add(ApiToken(name=name, token_hash=hash_token(token)))
    session.flush()
    return token


def api_token_for(session: Session, token: str | None) -> ApiToken | None:
    if not token or len(token) > 200:
        return None
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def get_user(session: Session, user_id: str | None) -> User | None:
    return session.get(User, user_id) if user_id else None
