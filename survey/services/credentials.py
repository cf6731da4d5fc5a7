"""Every credential the platform issues, listed, revoked and rotated in one place.

Kinds and their ids (as ``kind:id``, the form `survey admin` prints and takes):

* ``link:<organisation id>``: a coordinator dashboard link (claims the first account);
* ``api:<id>``: an integrity-office API token;
* ``invitation:<id>`` and ``reset:<id>``: one-time coordinator tokens;
* ``personal:<id>``: a coordinator's personal API token;
* ``respondent:<response id>``: a respondent's resume token (listed only on request:
  there are many).

Revoking ends a credential at once. Rotating revokes nothing but replaces the secret:
the old one stops working, the new one is returned once (with a fresh lifetime).
Every change is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import AccountToken, ApiToken, Organisation, Response, Round, utcnow
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.services import audit
from survey.tokens import hash_token, new_token

ACCOUNT_KINDS = ("invitation", "reset", "personal")
KINDS = ("link", "api", *ACCOUNT_KINDS, "respondent")
LISTED_BY_DEFAULT = ("link", "api", *ACCOUNT_KINDS)
LIFETIMES = {"invitation": "invitation", "reset": "password_reset", "personal": "personal_token"}


@dataclass(frozen=True)
class CredentialInfo:
    ref: str  # kind:id
    kind: str
    label: str
    organisation_id: str | None
    issued_at: datetime
    expires_at: datetime | None
    state: str  # live, expired, revoked, used, round closed


def _state(
    now: datetime,
    expires_at: datetime | None,
    revoked_at: datetime | None,
    used_at: datetime | None = None,
) -> str:
    if revoked_at is not None:
        return "revoked"
    if used_at is not None:
        return "used"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "live"


def _link_info(org: Organisation, now: datetime) -> CredentialInfo:
    return CredentialInfo(
        f"link:{org.id}",
        "link",
        f"dashboard link of {org.name}",
        org.id,
        org.created_at,
        org.coordinator_token_expires_at,
        _state(now, org.coordinator_token_expires_at, org.coordinator_token_revoked_at),
    )


def _api_info(token: ApiToken, now: datetime) -> CredentialInfo:
    return CredentialInfo(
        f"api:{token.id}",
        "api",
        f"API token '{token.name}'",
        None,
        token.created_at,
        token.expires_at,
        _state(now, token.expires_at, token.revoked_at),
    )


def _account_info(row: AccountToken, now: datetime) -> CredentialInfo:
    return CredentialInfo(
        f"{row.kind}:{row.id}",
        row.kind,
        f"{row.kind}{f' {row.label!r}' if row.label else ''} for "
        f"{row.email or 'coordinator ' + str(row.coordinator_id)}",
        row.organisation_id,
        row.created_at,
        row.expires_at,
        _state(now, row.expires_at, row.revoked_at, row.used_at),
    )


def _respondent_info(
    response: Response, round_: Round, policy: CredentialPolicy, now: datetime
) -> CredentialInfo:
    expires = response.created_at + policy.lifetimes.respondent
    state = _state(now, expires, response.token_revoked_at)
    return CredentialInfo(
        f"respondent:{response.id}",
        "respondent",
        f"respondent ({response.role}) in round '{round_.label}'",
        round_.organisation_id,
        response.created_at,
        expires,
        "round closed" if state == "live" and not round_.is_open else state,
    )


def list_credentials(
    session: Session,
    kinds: tuple[str, ...] = LISTED_BY_DEFAULT,
    *,
    organisation_id: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> list[CredentialInfo]:
    """Credentials of the given kinds (never their secrets), oldest first."""
    now = now or utcnow()
    found: list[CredentialInfo] = []
    if "link" in kinds:
        orgs = select(Organisation)
        if organisation_id:
            orgs = orgs.where(Organisation.id == organisation_id)
        found += [_link_info(org, now) for org in session.scalars(orgs)]
    if "api" in kinds and not organisation_id:
        found += [_api_info(token, now) for token in session.scalars(select(ApiToken))]
    account_kinds = [k for k in ACCOUNT_KINDS if k in kinds]
    if account_kinds:
        rows = select(AccountToken).where(AccountToken.kind.in_(account_kinds))
        if organisation_id:
            rows = rows.where(AccountToken.organisation_id == organisation_id)
        found += [_account_info(row, now) for row in session.scalars(rows)]
    if "respondent" in kinds:
        pairs = select(Response, Round).join(Round, Round.id == Response.round_id)
        if organisation_id:
            pairs = pairs.where(Round.organisation_id == organisation_id)
        found += [
            _respondent_info(response, round_, policy, now)
            for response, round_ in session.execute(pairs)
        ]
    return sorted(found, key=lambda c: (c.issued_at, c.ref))


def _parse(ref: str) -> tuple[str, str]:
    kind, _, ident = (ref or "").partition(":")
    if kind not in KINDS or not ident:
        raise InvalidInput(
            f"Give a credential as kind:id with kind one of {', '.join(KINDS)}.", "credential"
        )
    return kind, ident


def revoke(
    session: Session,
    ref: str,
    by: audit.Actor,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> CredentialInfo:
    """End the credential now. Revoking one already revoked changes nothing."""
    kind, ident = _parse(ref)
    now = now or utcnow()
    row, organisation_id = _find(session, kind, ident)
    attribute = {"link": "coordinator_token_revoked_at", "respondent": "token_revoked_at"}.get(
        kind, "revoked_at"
    )
    if getattr(row, attribute) is None:
        setattr(row, attribute, now)
        audit.record(
            session,
            audit.TOKEN_REVOKED,
            by,
            address=address,
            target=ref,
            organisation_id=organisation_id,
        )
    session.flush()
    return describe(session, ref, now=now)


def rotate(
    session: Session,
    ref: str,
    by: audit.Actor,
    *,
    address: str | None = None,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> str:
    """A new secret for the credential (returned once); the old one stops working.
    A revoked credential is live again after rotation; a used one-time token is not
    rotated (issue a new invitation or reset instead)."""
    kind, ident = _parse(ref)
    now = now or utcnow()
    row, organisation_id = _find(session, kind, ident)
    token = new_token()
    if isinstance(row, Organisation):
        row.coordinator_token_hash = hash_token(token)
        row.coordinator_token_expires_at = policy.expiry("coordinator_link", now)
        row.coordinator_token_revoked_at = None
    elif isinstance(row, ApiToken):
        row.token_hash = hash_token(token)
        row.created_at = now
        row.expires_at = policy.expiry("api_token", now)
        row.revoked_at = None
    elif isinstance(row, AccountToken):
        if row.used_at is not None:
            raise Conflict("This one-time token has been used; issue a new one instead.")
        row.token_hash = hash_token(token)
        row.created_at = now
        row.expires_at = policy.expiry(LIFETIMES[row.kind], now)
        row.revoked_at = None
    else:
        row.token_hash = hash_token(token)
        row.token_revoked_at = None
    audit.record(
        session,
        audit.TOKEN_ROTATED,
        by,
        address=address,
        target=ref,
        organisation_id=organisation_id,
        secrets=[token],
    )
    session.flush()
    return token


def _find(
    session: Session, kind: str, ident: str
) -> tuple[Organisation | ApiToken | AccountToken | Response, str | None]:
    if kind == "link":
        org = session.get(Organisation, ident)
        if org is not None:
            return org, org.id
    elif kind == "api":
        api = session.get(ApiToken, ident)
        if api is not None:
            return api, None
    elif kind in ACCOUNT_KINDS:
        token = session.get(AccountToken, ident)
        if token is not None and token.kind == kind:
            return token, token.organisation_id
    else:
        response = session.get(Response, ident)
        if response is not None:
            round_ = session.get(Round, response.round_id)
            return response, round_.organisation_id if round_ else None
    raise NotFound(f"No credential {kind}:{ident}.")


def describe(
    session: Session,
    ref: str,
    *,
    policy: CredentialPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> CredentialInfo:
    """One credential's listing entry."""
    kind, ident = _parse(ref)
    now = now or utcnow()
    row, _ = _find(session, kind, ident)
    if isinstance(row, Organisation):
        return _link_info(row, now)
    if isinstance(row, ApiToken):
        return _api_info(row, now)
    if isinstance(row, AccountToken):
        return _account_info(row, now)
    round_ = session.get(Round, row.round_id)
    assert round_ is not None
    return _respondent_info(row, round_, policy, now)
