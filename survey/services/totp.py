"""TOTP second factor (RFC 6238) for integrity-office users, with pyotp.

Six digits, 30-second steps; a code is accepted for the current step or one step
either side (clock drift), and only once: the step of the last accepted code is
stored and older or equal steps are refused. Seeds are 160 random bits from the
operating system's CSPRNG.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import User, utcnow
from survey.services import audit

ISSUER = "Social media maturity benchmark"
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str | None, after: int | None, now: datetime) -> int | None:
    """The time step that ``code`` belongs to, if it is valid and newer than ``after``."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_code(user: User, code: str | None, now: datetime | None = None) -> bool:
    """Check the user's code and use it up (a second use of the same code fails)."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step, now or utcnow())
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enrol(
    session: Session,
    user: User,
    secret: str,
    code: str | None,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> None:
    """Turn the second factor on with a ``secret`` from `new_secret`, once the person has
    shown a valid code from it (so the app really holds the seed)."""
    step = matching_step(secret, code, None, now or utcnow())
    if step is None:
        raise InvalidInput("The code does not match; check the app's clock and try again.", "code")
    user.totp_secret = secret
    user.totp_last_step = step
    audit.record(
        session,
        audit.SECOND_FACTOR_ENROLLED,
        audit.Actor("office", user.id, user.username),
        address=address,
        secrets=[secret, code],
    )
    session.flush()


def remove(session: Session, user: User, by: audit.Actor, *, address: str | None = None) -> None:
    """Turn the second factor off (for a lost device; an administrator's act)."""
    user.totp_secret = None
    user.totp_last_step = None
    audit.record(
        session, audit.SECOND_FACTOR_REMOVED, by, address=address, target=f"user:{user.id}"
    )
    session.flush()
