"""Gathering what a report is made of from the database (the only impure part).

Everything comes from stored, anonymised results: the round's through
:mod:`survey.services.results`, the peers' through :mod:`analytics.data` and
:mod:`analytics.benchmark`. Nothing here reads raw answers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from analytics import benchmark, data
from analytics.benchmark import RESULTS_SCHEMA
from analytics.report import followup
from analytics.report.content import INSTRUMENT_SCOPE
from analytics.report.model import OrganisationProfile, ReportInput
from instruments import InstrumentLibrary
from survey.errors import Conflict
from survey.models import InstrumentResult, Organisation, Round
from survey.services.results import round_scores, shown_scores
from survey.services.rounds import round_instruments

DEFAULT_PEER_GROUP = "sector"


def pinned_versions(round_: Round) -> list[tuple[str, str]]:
    return [(p.instrument_id, p.instrument_version) for p in round_.instruments]


def dimension_results(
    session: Session, versions: list[tuple[str, str]], *, synthetic: bool
) -> pl.DataFrame:
    """The stored dimension results of every closed round on these instrument versions."""
    frames = [
        data.load_results(
            session, instrument_id=inst, instrument_version=version, synthetic=synthetic
        )
        for inst, version in versions
    ]
    return pl.concat(frames) if frames else benchmark.empty(RESULTS_SCHEMA)


def instrument_results(
    session: Session, versions: list[tuple[str, str]], *, synthetic: bool
) -> pl.DataFrame:
    """Stored instrument scores of closed rounds shaped as benchmark ``results`` rows:
    the instrument stands in as one dimension (:data:`INSTRUMENT_SCOPE`), its score
    rests on ``min_respondents`` respondents."""
    if not versions:
        return benchmark.empty(RESULTS_SCHEMA)
    rows = session.execute(
        select(
            Round.organisation_id,
            InstrumentResult.round_id,
            InstrumentResult.instrument_id,
            InstrumentResult.instrument_version,
            InstrumentResult.score,
            InstrumentResult.min_respondents,
            Round.closed_at,
            Organisation.sector,
            Organisation.size_band,
            Organisation.country,
            Organisation.synthetic,
            Organisation.share_with_integrity_office,
        )
        .join(Round, Round.id == InstrumentResult.round_id)
        .join(Organisation, Organisation.id == Round.organisation_id)
        .where(
            Round.status == "closed",
            Organisation.synthetic == synthetic,
            tuple_(InstrumentResult.instrument_id, InstrumentResult.instrument_version).in_(
                versions
            ),
        )
    ).all()
    return pl.DataFrame(
        [
            (org, rnd, inst, ver, INSTRUMENT_SCOPE, score, resp, closed, sec, size, ctry, syn, sh)
            for org, rnd, inst, ver, score, resp, closed, sec, size, ctry, syn, sh in rows
        ],
        schema=RESULTS_SCHEMA,
        orient="row",
    )


def improvement_input(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    lang: str,
    peer_group: str = DEFAULT_PEER_GROUP,
    base_url: str | None = None,
    today: date | None = None,
) -> ReportInput:
    """Everything :func:`analytics.report.content.improvement_report` needs."""
    if round_.is_open:
        raise Conflict("The report is available once the round is closed.")
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    versions = pinned_versions(round_)
    synthetic = bool(organisation.synthetic)
    peers = benchmark.benchmark(
        dimension_results(session, versions, synthetic=synthetic),
        organisation.id,
        round_.id,
        peer_group,
    )
    instrument_peers = benchmark.benchmark(
        instrument_results(session, versions, synthetic=synthetic),
        organisation.id,
        round_.id,
        peer_group,
    )
    agreed, carried = followup.gather(session, round_, library, lang)
    shown = shown_scores(session, round_)
    return ReportInput(
        organisation=OrganisationProfile(
            name=organisation.name,
            sector=organisation.sector,
            size_band=organisation.size_band,
            country=organisation.country,
            synthetic=synthetic,
        ),
        results=round_scores(session, round_, library, lang, shown=shown),
        items=shown.items,
        benchmark=peers,
        instrument_benchmark=instrument_peers,
        peer_group=peer_group,
        instruments=round_instruments(round_, library),
        lang=lang,
        generated_on=today or datetime.now(UTC).date(),
        base_url=base_url,
        agreed=agreed,
        carried=carried,
    )
