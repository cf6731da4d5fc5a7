"""Registering organisations and recognising their coordinators' dashboard links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.errors import InvalidInput, NotFound
from survey.models import Organisation, utcnow
from survey.policy import DEFAULT_POLICY, CredentialPolicy
from survey.tokens import hash_token, new_token


@dataclass(frozen=True)
class Registration:
    organisation: Organisation
    coordinator_token: str


def validate_profile(name: str, sector: str, size_band: str, country: str) -> dict[str, str]:
    vocab = vocabularies()
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("Give the organisation's name.", "name")
    if len(cleaned) > 200:
        raise InvalidInput("The name may be at most 200 characters.", "name")
    if sector not in vocab.sectors:
        raise InvalidInput(f"Unknown sector '{sector}'.", "sector")
    if size_band not in vocab.size_bands:
        raise InvalidInput(f"Unknown size band '{size_band}'.", "size_band")
    country = (country or "").upper()
    if country not in vocab.countries:
        raise InvalidInput(f"Unknown country code '{country}' (use ISO 3166 alpha-2).", "country")
    return {"name": cleaned, "sector": sector, "size_band": size_band, "country": country}


def register_organisation(
    session: Session,
    *,
    name: str,
    sector: str,
    size_band: str,
    country: str,
    share_with_integrity_office: bool = False,
    synthetic: bool = False,
    policy: CredentialPolicy = DEFAULT_POLICY,
) -> Registration:
    """Create the organisation; its coordinator token (the dashboard link, which claims
    the first coordinator account) is returned once and stored hashed."""
    profile = validate_profile(name, sector, size_band, country)
    token = new_token()
    organisation = Organisation(
        **profile,
        share_with_integrity_office=bool(share_with_integrity_office),
        synthetic=synthetic,
        coordinator_token_hash=hash_token(token),
        coordinator_token_expires_at=policy.expiry("coordinator_link", utcnow()),
    )
    session.add(organisation)
    session.flush()
    return Registration(organisation, token)


def organisation_for_token(
    session: Session, token: str | None, now: datetime | None = None
) -> Organisation | None:
    """The organisation whose live (not revoked, not expired) dashboard link this is."""
    if not token or len(token) > 200:
        return None
    found = session.scalar(
        select(Organisation).where(Organisation.coordinator_token_hash == hash_token(token))
    )
    if found is None or not link_is_live(found, now):
        return None
    return found


def link_is_live(organisation: Organisation, now: datetime | None = None) -> bool:
    return (
        organisation.coordinator_token_revoked_at is None
        and organisation.coordinator_token_expires_at > (now or utcnow())
    )


def get_organisation(session: Session, organisation_id: str, *, of: Organisation) -> Organisation:
    """The organisation, only if it is the caller's own (404 otherwise)."""
    if organisation_id != of.id:
        raise NotFound("No such organisation.")
    return of
