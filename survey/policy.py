"""Credential lifetimes and sign-in rules, in one value built from the settings.

The defaults here equal the defaults of `survey.settings.Settings`; services take a
`CredentialPolicy` argument (the composition root builds it with `policy_from`) and
fall back to `DEFAULT_POLICY`. docs/deployment.md explains each number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from survey.settings import Settings


@dataclass(frozen=True)
class Lifetimes:
    """How long each kind of credential is valid after it is issued."""

    coordinator_link: timedelta = timedelta(days=30)
    api_token: timedelta = timedelta(days=365)
    personal_token: timedelta = timedelta(days=90)
    invitation: timedelta = timedelta(hours=72)
    password_reset: timedelta = timedelta(minutes=30)
    # Respondent resume tokens end when the round closes, and at the latest after this.
    respondent: timedelta = timedelta(days=180)


@dataclass(frozen=True)
class Throttle:
    """Back-off and lockout of sign-ins, per account and per client address.

    After ``account_failures`` failed sign-ins for one account (or ``address_failures``
    from one address) within ``window``, the account (address) is locked for
    ``first_lock``, doubling with each further failure up to ``longest_lock``. A lock
    refuses sign-ins without checking the password. A success clears the account's
    count, not the address's.
    """

    account_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=1)
    longest_lock: timedelta = timedelta(minutes=15)

    def lock_for(self, failures: int, limit: int) -> timedelta | None:
        if failures < limit:
            return None
        doubled = self.first_lock * (2 ** min(failures - limit, 16))
        return min(doubled, self.longest_lock)


@dataclass(frozen=True)
class CredentialPolicy:
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    throttle: Throttle = field(default_factory=Throttle)
    office_totp_required: bool = False

    def expiry(self, kind: str, issued: datetime) -> datetime:
        return issued + getattr(self.lifetimes, kind)


DEFAULT_POLICY = CredentialPolicy()


def policy_from(settings: Settings) -> CredentialPolicy:
    return CredentialPolicy(
        lifetimes=Lifetimes(
            coordinator_link=timedelta(days=settings.coordinator_link_lifetime_days),
            api_token=timedelta(days=settings.api_token_lifetime_days),
            personal_token=timedelta(days=settings.personal_token_lifetime_days),
            invitation=timedelta(hours=settings.invitation_lifetime_hours),
            password_reset=timedelta(minutes=settings.password_reset_lifetime_minutes),
            respondent=timedelta(days=settings.respondent_token_lifetime_days),
        ),
        throttle=Throttle(
            account_failures=settings.login_account_failures,
            address_failures=settings.login_address_failures,
            window=timedelta(seconds=settings.login_failure_window_seconds),
            first_lock=timedelta(seconds=settings.login_first_lock_seconds),
            longest_lock=timedelta(seconds=settings.login_longest_lock_seconds),
        ),
        office_totp_required=settings.office_totp_required,
    )
