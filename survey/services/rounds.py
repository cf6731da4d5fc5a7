"""Assessment rounds: opening, following, and closing with stored results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary
from survey import scoring
from survey.errors import InvalidInput, NotFound
from survey.frames import answers_frame, answers_frame_v2, items_frame, items_frame_v2
from survey.models import (
    Answer,
    DimensionResult,
    InstrumentResult,
    ItemResult,
    Organisation,
    OrientationResult,
    Response,
    RoleResult,
    Round,
    RoundInstrument,
    UseResult,
    ViewResult,
    utcnow,
)
from survey.scoring.turnover import turnover_errors
from survey.services.invitations import erase_personal_data
from survey.tokens import hash_token, invite_code_for

MATURITY_INSTRUMENT = "sm-maturity"


@dataclass(frozen=True)
class OpenedRound:
    round: Round
    invite_code: str


@dataclass(frozen=True)
class Progress:
    started: int
    submitted: int
    by_role: dict[str, dict[str, int]]


def open_round(
    session: Session,
    organisation: Organisation,
    *,
    label: str,
    instrument_ids: list[str],
    library: InstrumentLibrary,
    secret_key: str,
) -> OpenedRound:
    """Open a round with the chosen instruments, each pinned to its latest version."""
    label = " ".join((label or "").split())
    if not label:
        raise InvalidInput("Give the round a label.", "label")
    if len(label) > 200:
        raise InvalidInput("The label may be at most 200 characters.", "label")
    if not instrument_ids:
        raise InvalidInput("Choose at least one instrument.", "instruments")
    chosen: list[Instrument] = []
    for instrument_id in dict.fromkeys(instrument_ids):
        instrument = library.get(instrument_id)
        if instrument is None:
            raise InvalidInput(f"Unknown instrument '{instrument_id}'.", "instruments")
        chosen.append(instrument)
    schemes = {i.scheme for i in chosen}
    if len(schemes) > 1:
        raise InvalidInput(
            "These instruments follow different scoring rules (versions 1 and 2); "
            "a round uses instruments of one version only.",
            "instruments",
        )
    round_ = Round(
        organisation_id=organisation.id, label=label, invite_code_hash="", scheme=schemes.pop()
    )
    session.add(round_)
    session.flush()
    code = invite_code_for(round_.id, secret_key)
    round_.invite_code_hash = hash_token(code)
    round_.instruments = [
        RoundInstrument(instrument_id=i.id, instrument_version=i.version, position=n)
        for n, i in enumerate(chosen)
    ]
    session.flush()
    return OpenedRound(round_, code)


def round_instruments(round_: Round, library: InstrumentLibrary) -> list[Instrument]:
    """The round's instruments at the versions pinned when it opened."""
    found = []
    for pinned in round_.instruments:
        instrument = library.get(pinned.instrument_id, pinned.instrument_version)
        if instrument is None:
            raise LookupError(
                f"instrument {pinned.instrument_id} {pinned.instrument_version} is not installed"
            )
        found.append(instrument)
    return found


def get_round(session: Session, round_id: str, *, of: Organisation) -> Round:
    """The round, only if it belongs to the caller's organisation (404 otherwise)."""
    round_ = session.get(Round, round_id)
    if round_ is None or round_.organisation_id != of.id:
        raise NotFound("No such round.")
    return round_


def list_rounds(session: Session, organisation: Organisation) -> list[Round]:
    return list(
        session.scalars(
            select(Round)
            .where(Round.organisation_id == organisation.id)
            .order_by(Round.opened_at.desc())
        )
    )


def round_for_invite(session: Session, invite_code: str | None) -> Round | None:
    if not invite_code or len(invite_code) > 200:
        return None
    return session.scalar(select(Round).where(Round.invite_code_hash == hash_token(invite_code)))


def progress(session: Session, round_: Round) -> Progress:
    rows = session.execute(
        select(Response.role, Response.status, func.count())
        .where(Response.round_id == round_.id)
        .group_by(Response.role, Response.status)
    ).all()
    by_role: dict[str, dict[str, int]] = {}
    for role, status, count in rows:
        entry = by_role.setdefault(role, {"started": 0, "submitted": 0})
        entry["started"] += count
        if status == "submitted":
            entry["submitted"] += count
    return Progress(
        started=sum(e["started"] for e in by_role.values()),
        submitted=sum(e["submitted"] for e in by_role.values()),
        by_role=dict(sorted(by_role.items())),
    )


def close_round(session: Session, round_: Round, library: InstrumentLibrary) -> Round:
    """Close the round and store its results, all in the caller's transaction.

    Idempotent: closing a closed round changes nothing. The round row is locked
    first, so saves and submits that are under way finish before, and see the
    closed status after.
    """
    locked = session.scalar(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    if not locked.is_open:
        return locked
    closed_at = utcnow()
    store_results(session, locked, library, closed_at=closed_at)
    erase_personal_data(session, locked.id)
    locked.status = "closed"
    locked.closed_at = closed_at
    session.flush()
    return locked


def store_results(
    session: Session, round_: Round, library: InstrumentLibrary, *, closed_at
) -> scoring.Scores:
    """Score the round's submitted responses and (re)write its stored results."""
    instruments = round_instruments(round_, library)
    versions = {i.id: i.version for i in instruments}
    scheme = round_.scheme
    options = {
        (inst.id, item.id, option.value): option
        for inst in instruments
        for item in inst.items
        for option in item.options
    }
    rows = session.execute(
        select(
            Response.id, Response.role, Answer.instrument_id, Answer.item_id, Answer.option_value
        )
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_.id, Response.status == "submitted")
    ).all()
    answer_rows = []
    for response_id, role, instrument_id, item_id, value in rows:
        option = options.get((instrument_id, item_id, value))
        if option is None:
            continue
        row = {
            "organisation_id": round_.organisation_id,
            "respondent_id": response_id,
            "role": role,
            "instrument_id": instrument_id,
            "item_id": item_id,
            "score": option.score,
            "kind": option.kind.value,
        }
        if scheme == 2:
            emphasis = option.emphasis
            row["control"] = emphasis.control if emphasis else None
            row["enablement"] = emphasis.enablement if emphasis else None
        answer_rows.append(row)
    if scheme == 2:
        answers, items = answers_frame_v2(answer_rows), items_frame_v2(instruments)
    else:
        answers, items = answers_frame(answer_rows), items_frame(instruments)
    scores = scoring.score_scheme(
        scheme, answers, items, maturity_instrument_id=MATURITY_INSTRUMENT
    )
    for table in (
        DimensionResult,
        InstrumentResult,
        RoleResult,
        ItemResult,
        UseResult,
        OrientationResult,
        ViewResult,
    ):
        session.execute(delete(table).where(table.round_id == round_.id))
    submitted = session.scalar(
        select(func.count()).where(Response.round_id == round_.id, Response.status == "submitted")
    )
    round_.submitted_count = int(submitted or 0)
    session.add_all(_dimension_results(round_, instruments, scores, versions, closed_at))
    by_instrument = {row["instrument_id"]: row for row in scores.instruments.iter_rows(named=True)}
    session.add_all(
        InstrumentResult(
            round_id=round_.id,
            instrument_id=inst.id,
            instrument_version=inst.version,
            score=by_instrument.get(inst.id, {}).get("score"),
            level=by_instrument.get(inst.id, {}).get("level"),
            dimensions=int(
                by_instrument.get(inst.id, {}).get("dimensions") or len(inst.dimensions)
            ),
            scored_dimensions=int(by_instrument.get(inst.id, {}).get("scored_dimensions") or 0),
            min_respondents=int(by_instrument.get(inst.id, {}).get("min_respondents") or 0),
        )
        for inst in instruments
    )
    session.add_all(
        RoleResult(
            round_id=round_.id,
            role=row["role"],
            instrument_id=row["instrument_id"],
            dimension_id=row["dimension_id"],
            score=row["score"],
            respondents=int(row["respondents"]),
        )
        for row in scores.role_dimensions.iter_rows(named=True)
    )
    session.add_all(
        ItemResult(
            round_id=round_.id,
            instrument_id=row["instrument_id"],
            item_id=row["item_id"],
            dimension_id=row["dimension_id"],
            score=row["score"],
            respondents=int(row["respondents"] or 0),
            answered=int(row["answered"] or 0),
            dont_know_rate=row["dont_know_rate"],
            role_spread=row["role_spread"],
            priority=row["priority"],
            weight=float(row["weight"]),
            level=row.get("level"),
            advice=row.get("advice"),
            left_out=int(row.get("left_out") or 0),
        )
        for row in scores.items.iter_rows(named=True)
    )
    if scheme == 2:
        _store_v2(session, round_, scores)
    balance = scores.balance.row(0, named=True) if scores.balance.height else {}
    round_.control_score = balance.get("control")
    round_.enablement_score = balance.get("enablement")
    round_.quadrant = balance.get("quadrant")
    round_.control_respondents = int(balance.get("control_respondents") or 0)
    round_.enablement_respondents = int(balance.get("enablement_respondents") or 0)
    round_.control_margin = balance.get("control_margin")
    round_.enablement_margin = balance.get("enablement_margin")
    round_.near_line = balance.get("near_line")
    round_.control_left_out = int(balance.get("control_left_out") or 0)
    round_.enablement_left_out = int(balance.get("enablement_left_out") or 0)
    coherence = scores.coherence.row(0, named=True) if scores.coherence.height else {}
    round_.coherent = coherence.get("coherent")
    session.flush()
    return scores


def _store_v2(session: Session, round_: Round, scores: scoring.Scores) -> None:
    """Schema 2: scores per use, orientation per instrument, views of items, uses and axes."""
    session.add_all(
        UseResult(
            round_id=round_.id,
            instrument_id=row["instrument_id"],
            use=row["use"],
            score=row["score"],
            level=row["level"],
            respondents=int(row["respondents"]),
            views=int(row["views"]),
            left_out=int(row["left_out"]),
            fragile=row["fragile"],
        )
        for row in scores.uses.iter_rows(named=True)
    )
    session.add_all(
        OrientationResult(round_id=round_.id, **row)
        for row in scores.orientations.drop("organisation_id").iter_rows(named=True)
    )
    session.add_all(
        ViewResult(round_id=round_.id, **row)
        for row in scores.views.drop("organisation_id").iter_rows(named=True)
    )


def _dimension_results(round_, instruments, scores, versions, closed_at):  # type: ignore[no-untyped-def]
    by_key = {
        (row["instrument_id"], row["dimension_id"]): row
        for row in scores.dimensions.iter_rows(named=True)
    }
    errors = {
        (row["instrument_id"], row["dimension_id"]): row["turnover_error"]
        for row in turnover_errors(
            scores.respondent_dimensions, scores.role_dimensions, round_.scheme
        ).iter_rows(named=True)
    }
    for inst in instruments:
        for dimension in inst.dimensions:
            row = by_key.get((inst.id, dimension.id), {})
            yield DimensionResult(
                round_id=round_.id,
                instrument_id=inst.id,
                dimension_id=dimension.id,
                organisation_id=round_.organisation_id,
                instrument_version=versions[inst.id],
                score=row.get("score"),
                level=row.get("level"),
                respondents=int(row.get("respondents") or 0),
                role_groups=int(row.get("role_groups") or 0),
                dont_know_rate=row.get("dont_know_rate"),
                answered=int(row.get("answered") or 0),
                answering_respondents=int(row.get("answering_respondents") or 0),
                closed_at=closed_at,
                ungated_level=row.get("ungated_level"),
                left_out=int(row.get("left_out") or 0),
                fragile=row.get("fragile"),
                turnover_error=errors.get((inst.id, dimension.id)),
            )


def role_counts(round_: Round, session: Session) -> Counter[str]:
    """Submitted respondents per role."""
    return Counter(
        dict(
            session.execute(
                select(Response.role, func.count())
                .where(Response.round_id == round_.id, Response.status == "submitted")
                .group_by(Response.role)
            ).all()
        )
    )
