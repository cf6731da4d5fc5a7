"""Back-off and lockout of sign-ins per account and per client address.

The counts live in the database (`login_throttle`), so every worker on every host
sees the same state. Keys are ``account:<kind>:<name as typed, lower case>`` (known
or not, so a lock reveals nothing about which accounts exist) and ``address:<ip>``.
The rules are `survey.policy.Throttle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import upsert
from survey.models import LoginThrottle, utcnow
from survey.policy import Throttle


@dataclass(frozen=True)
class Keys:
    account: str
    address: str | None

    @classmethod
    def of(cls, kind: str, name: str, address: str | None) -> Keys:
        account = f"account:{kind}:{(name or '').strip().lower()}"[:300]
        return cls(account, f"address:{address}"[:300] if address else None)

    def all(self) -> list[tuple[str, str]]:
        """(key, what) pairs: "account" or "address"."""
        pairs = [(self.account, "account")]
        if self.address:
            pairs.append((self.address, "address"))
        return pairs


_NEW_ROW = upsert(LoginThrottle, keys=("key",))


@dataclass(frozen=True)
class Lock:
    what: str  # "account" or "address"
    until: datetime

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the lock ends (at least 1)."""
        return max(1, int((self.until - now).total_seconds() + 0.999))


def _row(session: Session, key: str) -> LoginThrottle:
    """The key's row, created if missing, locked for this transaction."""
    _NEW_ROW.execute(session, [{"key": key, "failures": 0, "window_started_at": utcnow()}])
    row = session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def current_lock(session: Session, keys: Keys, now: datetime | None = None) -> Lock | None:
    """The lock in force on the account or the address, the longer one first."""
    now = now or utcnow()
    found = [
        Lock(what, row.locked_until)
        for key, what in keys.all()
        if (row := session.get(LoginThrottle, key)) is not None
        and row.locked_until is not None
        and row.locked_until > now
    ]
    return max(found, key=lambda lock: lock.until, default=None)


def record_failure(
    session: Session, keys: Keys, policy: Throttle, now: datetime | None = None
) -> Lock | None:
    """Count one failed sign-in; the lock that begins with it, if any."""
    now = now or utcnow()
    began: Lock | None = None
    for key, what in keys.all():
        limit = policy.account_failures if what == "account" else policy.address_failures
        row = _row(session, key)
        if now - row.window_started_at > policy.window and not _locked(row, now):
            row.failures = 0
            row.window_started_at = now
        row.failures += 1
        lock = policy.lock_for(row.failures, limit)
        if lock is not None:
            row.locked_until = now + lock
            if began is None or row.locked_until > began.until:
                began = Lock(what, row.locked_until)
    session.flush()
    return began


def record_success(session: Session, keys: Keys) -> None:
    """A successful sign-in clears the account's count (not the address's)."""
    row = session.get(LoginThrottle, keys.account)
    if row is not None:
        session.delete(row)
        session.flush()


def _locked(row: LoginThrottle, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now
