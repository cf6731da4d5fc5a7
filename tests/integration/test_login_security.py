"""Sign-in security on both databases: back-off and lockout per account and per address
(shared by every worker), bounded argon2 work, and the office's TOTP second factor."""

from __future__ import annotations

import threading
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from survey import passwords
from survey.db import Database
from survey.errors import InvalidInput
from survey.models import User, utcnow
from survey.policy import DEFAULT_POLICY, CredentialPolicy, Throttle
from survey.services import audit, totp, users
from survey.services.login import Outcome

PASSWORD = "correct horse battery"
WRONG = "wrong horse battery!"


@pytest.fixture
def office_user(database):
    with database.session() as s:
        return users.create_user(s, "inspector", PASSWORD)


def _login(database, password, *, username="inspector", address="192.0.2.1", now=None, **kw):
    with database.session() as s:
        return users.login(s, username, password, address=address, now=now, **kw)


def test_five_failures_lock_the_account_with_a_clear_message_and_audit_events(
    database, office_user
):
    now = utcnow()
    for _ in range(4):
        assert _login(database, WRONG, now=now).outcome is Outcome.FAILED
    fifth = _login(database, WRONG, now=now)
    assert fifth.outcome is Outcome.LOCKED
    assert fifth.retry_after == 60
    assert fifth.message == "Too many failed sign-ins. Try again in 1 minute(s)."
    # Locked: even the right password is refused, without a password check.
    blocked = _login(database, PASSWORD, now=now + timedelta(seconds=30))
    assert blocked.outcome is Outcome.LOCKED and blocked.retry_after == 30
    # Another address is locked out of this account too (it is the account that is locked).
    assert _login(database, PASSWORD, address="203.0.113.9", now=now).outcome is Outcome.LOCKED
    # After the lock, the right password works and clears the count.
    assert _login(database, PASSWORD, now=now + timedelta(seconds=61)).ok
    assert _login(database, WRONG, now=now + timedelta(seconds=62)).outcome is Outcome.FAILED
    with database.session() as s:
        events = [
            (e.event, e.outcome, e.detail) for e in audit.events(s) if e.event.startswith("login")
        ]
    assert events[:6] == [("login", "failure", "wrong password")] * 5 + [
        ("login.locked", "failure", "account locked")
    ]
    assert events[6:9] == [("login.blocked", "failure", "account locked")] * 2 + [
        ("login", "success", None)
    ]


def test_the_lock_doubles_with_each_further_failure_up_to_the_longest(database, office_user):
    start = now = utcnow()
    locks = []
    for _ in range(9):
        result = _login(database, WRONG, now=now)
        if result.outcome is Outcome.LOCKED:
            locks.append(result.retry_after)
            now += timedelta(seconds=result.retry_after)
    assert locks == [60, 120, 240, 480, 900]
    # The window (15 minutes from the first failure) has passed and no lock is on:
    # counting starts again.
    assert now - start > timedelta(minutes=15)
    assert _login(database, WRONG, now=now).outcome is Outcome.FAILED


def test_one_address_trying_many_accounts_is_locked(database):
    now = utcnow()
    results = [
        _login(database, WRONG, username=f"guess{n}", address="198.51.100.5", now=now)
        for n in range(20)
    ]
    assert [r.outcome for r in results[:19]] == [Outcome.FAILED] * 19
    assert results[19].outcome is Outcome.LOCKED
    assert _login(database, WRONG, username="fresh", address="198.51.100.5", now=now).outcome is (
        Outcome.LOCKED
    )
    fresh = _login(database, WRONG, username="fresh", address="198.51.100.6", now=now)
    assert fresh.outcome is Outcome.FAILED  # other addresses are not affected
    with database.session() as s:
        locked = audit.events(s, event=audit.LOGIN_LOCKED)
        assert [(e.detail, e.address) for e in locked] == [("address locked", "198.51.100.5")]


def test_failures_outside_the_window_start_a_new_count(database, office_user):
    now = utcnow()
    for minute in range(0, 80, 20):  # four failures, 20 minutes apart
        assert _login(database, WRONG, now=now + timedelta(minutes=minute)).outcome is (
            Outcome.FAILED
        )


def test_the_lock_is_shared_by_every_worker(database, office_user, db_url):
    """Two engines (as two worker processes have): a lock made through one holds in the other."""
    now = utcnow()
    other_worker = Database(db_url)
    try:
        for n in range(5):
            target = database if n % 2 else other_worker
            _login(target, WRONG, now=now)
        assert _login(other_worker, PASSWORD, now=now).outcome is Outcome.LOCKED
        assert _login(database, PASSWORD, now=now).outcome is Outcome.LOCKED
    finally:
        other_worker.dispose()


def test_the_throttle_rules_come_from_the_settings():
    from survey.policy import policy_from
    from survey.settings import Settings

    policy = policy_from(Settings(login_account_failures=3, login_first_lock_seconds=10))
    assert policy.throttle.account_failures == 3
    assert policy.throttle.lock_for(3, 3) == timedelta(seconds=10)
    assert policy.throttle.lock_for(2, 3) is None
    assert policy_from(Settings()) == DEFAULT_POLICY


def test_argon2_parameters_and_rehash_of_older_hashes(database):
    older = PasswordHasher().hash(PASSWORD)  # the library default: 64 MiB, 3 passes, 4 lanes
    with database.session() as s:
        s.add(User(username="old", password_hash=older))
    assert "m=65536" in older
    assert _login(database, PASSWORD, username="old").ok
    with database.session() as s:
        rehashed = s.scalar(select(User).where(User.username == "old")).password_hash
    assert rehashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert _login(database, PASSWORD, username="old").ok


def test_hashing_runs_in_a_bounded_number_of_slots(database, office_user):
    """With every slot held, a sign-in waits, then is told to try again (no failure counted)."""
    passwords.configure(2, 0.2)
    try:
        with passwords._slot(), passwords._slot():
            result = _login(database, PASSWORD)
        assert result.outcome is Outcome.BUSY
        assert "try again" in result.message
        assert _login(database, PASSWORD).ok
        # Many sign-ins at once never run more than two hashes at a time.
        passwords.configure(2, 30)
        slots = passwords._current_slots()
        peak, running, lock = [0], [0], threading.Lock()
        original_hasher = passwords._hasher

        class Counting:
            def verify(self, hashed, password):
                with lock:
                    running[0] += 1
                    peak[0] = max(peak[0], running[0])
                try:
                    return original_hasher.verify(hashed, password)
                finally:
                    with lock:
                        running[0] -= 1

            def __getattr__(self, name):
                return getattr(original_hasher, name)

        passwords._hasher = Counting()
        try:
            threads = [
                threading.Thread(target=passwords.verify_password, args=(None, "x" * 20))
                for _ in range(8)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            passwords._hasher = original_hasher
        assert peak[0] == 2
        assert slots.concurrency == 2
    finally:
        passwords.configure(2, 5.0)


def test_an_over_long_password_is_refused_without_hashing(database, office_user):
    assert _login(database, "x" * 5000).outcome is Outcome.FAILED


def _code(secret: str, at) -> str:
    return pyotp.TOTP(secret).at(at)


def _enrol(database, user_id: str, now):
    secret = totp.new_secret()
    wrong = "000000" if _code(secret, now) != "000000" else "111111"
    with pytest.raises(InvalidInput), database.session() as s:
        totp.enrol(s, s.get(User, user_id), secret, wrong, now=now)
    with database.session() as s:
        totp.enrol(s, s.get(User, user_id), secret, _code(secret, now), now=now)
    return secret


def test_totp_second_factor_once_enrolled(database, office_user):
    now = utcnow()
    secret = _enrol(database, office_user.id, now - timedelta(minutes=5))
    assert len(secret) == 32  # 160 bits
    needs = _login(database, PASSWORD, now=now)
    assert needs.outcome is Outcome.SECOND_FACTOR and needs.account.id == office_user.id
    with database.session() as s:
        assert users.authenticate(s, "inspector", PASSWORD) is None  # no code: no session
    code = _code(secret, now)
    assert _login(database, PASSWORD, totp_code=code, now=now).ok
    replay = _login(database, PASSWORD, totp_code=code, now=now)
    assert replay.outcome is Outcome.FAILED, "a code is usable once"
    wrong = str((int(_code(secret, now + timedelta(seconds=30))) + 1) % 1_000_000).zfill(6)
    assert _login(database, PASSWORD, totp_code=wrong, now=now + timedelta(seconds=30)).outcome is (
        Outcome.FAILED
    )
    # The two-step form: password first, then the code alone.
    later = now + timedelta(seconds=60)
    with database.session() as s:
        user = s.get(User, office_user.id)
        assert users.complete_second_factor(s, user, "12345x", now=later).outcome is Outcome.FAILED
        assert users.complete_second_factor(s, user, _code(secret, later), now=later).ok
    with database.session() as s:
        details = [e.detail for e in audit.events(s, event=audit.LOGIN)]
        text = " ".join(str(e.detail) + str(e.actor_name) for e in audit.events(s))
    assert details.count("wrong second-factor code") == 3
    assert secret not in text and code not in text


def test_the_office_can_require_a_second_factor(database, office_user):
    policy = CredentialPolicy(office_totp_required=True)
    result = _login(database, PASSWORD, policy=policy)
    assert result.outcome is Outcome.ENROL_SECOND_FACTOR
    assert "authenticator" in result.message
    now = utcnow()
    secret = _enrol(database, office_user.id, now - timedelta(minutes=1))
    assert _login(database, PASSWORD, policy=policy, totp_code=_code(secret, now), now=now).ok


def test_wrong_totp_codes_count_towards_the_lock(database, office_user):
    now = utcnow()
    secret = _enrol(database, office_user.id, now - timedelta(minutes=5))
    valid = {_code(secret, now + timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    policy = CredentialPolicy(throttle=Throttle(account_failures=3))
    outcomes = [
        _login(database, PASSWORD, totp_code=wrong, policy=policy, now=now).outcome
        for _ in range(3)
    ]
    assert outcomes == [Outcome.FAILED, Outcome.FAILED, Outcome.LOCKED]
