"""Synthetic demo data: organisations that differ in maturity, with closed rounds.

Answers come from a small generative model rather than uniform noise: every
organisation has a latent maturity and a profile over dimensions (some are strong
on rules, weak on dialogue, or the other way round); respondents see it through
their role (management tends to be more positive, staff member answers "don't
know" more often, some organisations have one role that clearly disagrees) and
their own noise. Everything created here is marked synthetic, and demo
organisations are compared only with each other.

The first organisation is the *featured* one, a municipality with two rounds whose
coordinator link is returned (and printed by ``survey demo``), so that a visitor can
open a dashboard straight away. Most further organisations are municipalities too and
only a quarter share their scores with the integrity office, so that the featured
organisation's sector group has enough organisations whose scores a reader does not
already know to show its figures (``docs/methodology.md``, section 14).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary, OptionKind, vocabularies
from survey.models import Answer, Organisation, Response, Round, RoundInstrument
from survey.services.rounds import store_results
from survey.tokens import hash_token, new_token

COUNTRIES = ("NL", "NL", "NL", "NL", "BE", "BE", "DE", "GB", "DK", "SE")
ROLE_BIAS = {
    "management": 8.0,
    "communications": 4.0,
    "integrity": 0.0,
    "legal": -2.0,
    "hr": 0.0,
    "it": -3.0,
    "staff": -6.0,
}
ROLE_DONT_KNOW = {"staff": 0.18, "it": 0.08, "legal": 0.06}
NAME_PARTS = {
    "municipalities": ("Gemeente", ["Aldenbroek", "Veldhoven-Noord", "Zuiderwaard", "Hoogmeer"]),
    "provinces": ("Provincie", ["Oostland", "Westmark", "Middenveld"]),
    "water-authorities": ("Waterschap", ["Rivierenland-Oost", "De Polders", "Kustzone"]),
    "central-government": ("Ministerie van", ["Binnenlandse Zaken", "Infrastructuur", "Zorg"]),
    "police": ("Politie-eenheid", ["Noord", "Zuid", "Midden"]),
    "defence": ("Defensie-eenheid", ["Land", "Lucht", "Zee"]),
    "education": ("Hogeschool", ["Rijnstad", "De Kempen", "Noordkust"]),
    "health-care": ("Zorggroep", ["Vallei", "Stadshart", "De Linden"]),
    "other-public": ("Agentschap", ["Toezicht", "Uitvoering", "Registers"]),
}


FEATURED_SECTOR = "municipalities"
FEATURED_NAME = "Gemeente Demostad (demo: your organisation)"
SHARE_CHANCE = 0.25
FEATURED_SECTOR_CHANCE = 0.6


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    rounds: int
    responses: int
    featured_organisation_id: str | None = None
    featured_token: str | None = None
    """The featured organisation's coordinator token (its dashboard link is /c/TOKEN)."""


def create_demo(
    session: Session,
    library: InstrumentLibrary,
    *,
    organisations: int,
    seed: int,
    now: datetime | None = None,
) -> DemoSummary:
    """Create `organisations` synthetic organisations, each with 1–3 closed rounds."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    now = now or datetime.now(UTC)
    scheme = max(i.scheme for i in library.latest_versions())
    instruments = [i for i in library.latest_versions() if i.scheme == scheme]
    known = vocabularies().sectors.ids()
    sectors = [s for s in known if s == FEATURED_SECTOR] + [
        s for s in known if s != FEATURED_SECTOR
    ]
    sizes = vocabularies().size_bands.ids()
    roles = vocabularies().roles.ids()
    rounds_made = responses_made = 0
    featured_id = featured_token = None
    for n in range(organisations):
        if n < len(sectors):
            sector = sectors[n]
        elif rng.random() < FEATURED_SECTOR_CHANCE:
            sector = sectors[0]
        else:
            sector = rng.choice(sectors)
        prefix, names = NAME_PARTS[sector]
        token = new_token()
        org = Organisation(
            name=FEATURED_NAME if n == 0 else f"{prefix} {rng.choice(names)} (demo {n + 1})",
            sector=sector,
            size_band=rng.choice(sizes),
            country="NL" if n == 0 else rng.choice(COUNTRIES),
            synthetic=True,
            share_with_integrity_office=n > 0 and rng.random() < SHARE_CHANCE,
            coordinator_token_hash=hash_token(token),
        )
        session.add(org)
        session.flush()
        if n == 0:
            featured_id, featured_token = org.id, token
        maturity = rng.betavariate(2.2, 2.2) * 100
        growth = rng.uniform(-3, 9)
        disagreeing_role = rng.choice(roles) if rng.random() < 0.35 else None
        round_count = 2 if n == 0 else rng.choice((1, 1, 2, 3))
        for r in range(round_count):
            closed_at = now - timedelta(days=365 * (round_count - 1 - r) + rng.randint(20, 200))
            round_ = Round(
                organisation_id=org.id,
                label=f"Self-assessment {closed_at.year}",
                invite_code_hash=hash_token(new_token()),
                opened_at=closed_at - timedelta(days=rng.randint(14, 42)),
                scheme=scheme,
            )
            round_.instruments = [
                RoundInstrument(instrument_id=i.id, instrument_version=i.version, position=p)
                for p, i in enumerate(instruments)
            ]
            session.add(round_)
            session.flush()
            level = min(100.0, max(0.0, maturity + growth * r))
            profile = _profile(rng, instruments)
            respondent_roles = _respondent_roles(rng, roles)
            for role in respondent_roles:
                _respond(
                    session,
                    rng,
                    round_,
                    instruments,
                    role,
                    level,
                    profile,
                    disagree=role == disagreeing_role,
                    when=closed_at - timedelta(days=rng.randint(1, 10)),
                )
            responses_made += len(respondent_roles)
            session.flush()
            store_results(session, round_, library, closed_at=closed_at)
            round_.status = "closed"
            round_.closed_at = closed_at
            rounds_made += 1
    session.flush()
    return DemoSummary(organisations, rounds_made, responses_made, featured_id, featured_token)


def remove_demo(session: Session) -> int:
    """Delete every synthetic organisation with all its data; returns how many."""
    count = session.scalar(select(func.count()).where(Organisation.synthetic.is_(True))) or 0
    session.execute(delete(Organisation).where(Organisation.synthetic.is_(True)))
    return int(count)


def _profile(rng: random.Random, instruments: list[Instrument]) -> dict[tuple[str, str], float]:
    """Per-dimension offsets: organisations are uneven, not uniformly good or bad."""
    return {(i.id, d.id): rng.gauss(0, 12) for i in instruments for d in i.dimensions}


def _respondent_roles(rng: random.Random, roles: list[str]) -> list[str]:
    core = ["management", "communications", "staff", "staff"]
    extra = rng.sample(roles, k=rng.randint(2, 4))
    picked = core + extra + ["staff"] * rng.randint(0, 6)
    return picked[: max(6, min(len(picked), 15))]


def _respond(
    session: Session,
    rng: random.Random,
    round_: Round,
    instruments: list[Instrument],
    role: str,
    level: float,
    profile: dict[tuple[str, str], float],
    *,
    disagree: bool,
    when: datetime,
) -> None:
    response = Response(
        round_id=round_.id,
        role=role,
        lang=rng.choice(("nl", "nl", "en")),
        status="submitted",
        token_hash=hash_token(new_token()),
        created_at=when - timedelta(hours=1),
        updated_at=when,
        submitted_at=when,
    )
    session.add(response)
    session.flush()
    bias = ROLE_BIAS.get(role, 0.0) + (rng.choice((-25.0, 25.0)) if disagree else 0.0)
    dont_know = ROLE_DONT_KNOW.get(role, 0.03) + (0.1 if level < 35 else 0.0)
    rows = []
    for instrument in instruments:
        for item in instrument.items_for(role):
            if rng.random() < 0.04:
                continue
            if rng.random() < dont_know:
                value = "dont_know"
            elif rng.random() < 0.02 and item.option("not_applicable"):
                value = "not_applicable"
            else:
                target = level + profile[(instrument.id, item.dimension)] + bias + rng.gauss(0, 14)
                scored = [o for o in item.options if o.kind is OptionKind.SCORED]
                value = min(scored, key=lambda o: abs((o.score or 0) - target)).value
            rows.append(
                Answer(
                    response_id=response.id,
                    instrument_id=instrument.id,
                    item_id=item.id,
                    option_value=value,
                    updated_at=when,
                )
            )
    session.add_all(rows)
