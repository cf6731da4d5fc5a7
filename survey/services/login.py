"""One sign-in attempt with a password, for integrity-office users and coordinators.

The steps, in order: refuse at once while the account or the address is locked
(without hashing); verify the password in a bounded hashing slot; ask the account's
second factor, if any; count a failure (which may begin a lock) or clear the
account's count; record an audit event for every outcome. Nothing here raises for a
wrong credential or a lock, so the caller's transaction commits the count and the
audit event; the result says what happened and carries a message to show.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from survey.models import Coordinator, User, utcnow
from survey.passwords import HashingBusy, hash_password, needs_rehash, verify_password
from survey.policy import CredentialPolicy
from survey.services import audit, throttle


class Outcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    LOCKED = "locked"
    BUSY = "busy"
    SECOND_FACTOR = "second-factor"  # password right; the TOTP code is needed
    ENROL_SECOND_FACTOR = "enrol-second-factor"  # password right; TOTP must be set up first


Account = User | Coordinator
A = TypeVar("A", User, Coordinator)

FAILED_MESSAGE = "The sign-in details are not right."
LOCKED_MESSAGE = "Too many failed sign-ins. Try again in {minutes} minute(s)."
BUSY_MESSAGE = "Too many sign-ins are being checked at once; try again shortly."
SECOND_FACTOR_MESSAGE = "Enter the six-digit code from your authenticator app."
ENROL_MESSAGE = "Your office requires a second factor: set up an authenticator app first."


@dataclass(frozen=True)
class LoginResult(Generic[A]):
    outcome: Outcome
    account: A | None = None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def message(self) -> str | None:
        """What to tell the person (English; the web layer translates it)."""
        if self.outcome is Outcome.LOCKED:
            return LOCKED_MESSAGE.format(minutes=max(1, -(-(self.retry_after or 60) // 60)))
        return {
            Outcome.FAILED: FAILED_MESSAGE,
            Outcome.BUSY: BUSY_MESSAGE,
            Outcome.SECOND_FACTOR: SECOND_FACTOR_MESSAGE,
            Outcome.ENROL_SECOND_FACTOR: ENROL_MESSAGE,
        }.get(self.outcome)


# A second-factor check: given the account whose password was right, OK, FAILED
# (a wrong code), SECOND_FACTOR (no code given) or ENROL_SECOND_FACTOR.
SecondFactor = Callable[[A, datetime], Outcome]


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account kind ("office" or "coordinator"), the name as typed."""

    kind: str
    name: str
    address: str | None
    organisation_id: str | None = None

    def actor(self, account: Account | None) -> audit.Actor:
        return audit.Actor(self.kind, account.id if account else None, self.name)


def sign_in(
    session: Session,
    attempt: Attempt,
    account: A | None,
    password: str | None,
    policy: CredentialPolicy,
    *,
    second_factor: SecondFactor[A] | None = None,
    now: datetime | None = None,
) -> LoginResult[A]:
    now = now or utcnow()
    keys = throttle.Keys.of(attempt.kind, attempt.name, attempt.address)
    lock = throttle.current_lock(session, keys, now)
    if lock is not None:
        _record(session, attempt, account, audit.LOGIN_BLOCKED, "failure", f"{lock.what} locked")
        return LoginResult(Outcome.LOCKED, retry_after=lock.retry_after(now))
    try:
        password_ok = verify_password(account.password_hash if account else None, password)
    except HashingBusy:
        _record(session, attempt, account, audit.LOGIN, "failure", "no hashing slot free")
        return LoginResult(Outcome.BUSY)
    step = Outcome.FAILED
    if password_ok and account is not None:
        step = second_factor(account, now) if second_factor else Outcome.OK
    if step is Outcome.FAILED:
        reason = "unknown account" if account is None else "wrong password"
        if password_ok:
            reason = "wrong second-factor code"
        _record(session, attempt, account, audit.LOGIN, "failure", reason, password)
        began = throttle.record_failure(session, keys, policy.throttle, now)
        if began is None:
            return LoginResult(Outcome.FAILED)
        _record(session, attempt, account, audit.LOGIN_LOCKED, "failure", f"{began.what} locked")
        return LoginResult(Outcome.LOCKED, retry_after=began.retry_after(now))
    if step is not Outcome.OK:
        _record(session, attempt, account, audit.LOGIN, "info", f"password accepted; {step}")
        return LoginResult(step, account)
    throttle.record_success(session, keys)
    assert account is not None
    if password and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    _record(session, attempt, account, audit.LOGIN, "success", None, password)
    return LoginResult(Outcome.OK, account)


def confirm_second_factor(
    session: Session,
    attempt: Attempt,
    account: A,
    check: Callable[[datetime], bool],
    policy: CredentialPolicy,
    *,
    secret: str | None = None,
    now: datetime | None = None,
) -> LoginResult[A]:
    """A second step on its own (the code after the password): the same locks, counts
    and audit events as `sign_in`."""
    now = now or utcnow()
    keys = throttle.Keys.of(attempt.kind, attempt.name, attempt.address)
    lock = throttle.current_lock(session, keys, now)
    if lock is not None:
        _record(session, attempt, account, audit.LOGIN_BLOCKED, "failure", f"{lock.what} locked")
        return LoginResult(Outcome.LOCKED, retry_after=lock.retry_after(now))
    if not check(now):
        _record(
            session, attempt, account, audit.LOGIN, "failure", "wrong second-factor code", secret
        )
        began = throttle.record_failure(session, keys, policy.throttle, now)
        if began is None:
            return LoginResult(Outcome.FAILED)
        _record(session, attempt, account, audit.LOGIN_LOCKED, "failure", f"{began.what} locked")
        return LoginResult(Outcome.LOCKED, retry_after=began.retry_after(now))
    throttle.record_success(session, keys)
    _record(session, attempt, account, audit.LOGIN, "success", "second factor", secret)
    return LoginResult(Outcome.OK, account)


def _record(
    session: Session,
    attempt: Attempt,
    account: Account | None,
    event: str,
    outcome: str,
    detail: str | None,
    password: str | None = None,
) -> None:
    audit.record(
        session,
        event,
        attempt.actor(account),
        outcome=outcome,
        address=attempt.address,
        detail=detail,
        organisation_id=attempt.organisation_id,
        secrets=[password] if password else [],
    )
