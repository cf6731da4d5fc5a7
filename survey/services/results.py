"""The results of a closed round as they may be shown: stored figures, anonymised.

Reads only the stored results (never raw answers), rebuilds the scoring frames and
passes them through `survey.disclosure.roles.anonymise_scores`, the one place that
decides what may be shown. Pages, the API, reports and exports all read from here.

Longer than most modules on purpose: every block of the published shape (instruments,
balance, roles, who answered, priorities, the previous round) is built here next to
the stored frames it reads, so that no reader can assemble a figure its own way.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary, vocabularies
from survey import scoring
from survey.disclosure.counts import OTHER_ROLES
from survey.disclosure.counts import role_counts as published_role_counts
from survey.disclosure.roles import (
    anonymise_scores,
    composite_reason,
    figure_reason,
    role_cell_reason,
)
from survey.disclosure.rules import HIDDEN_PART, MIN_RESPONDENTS, explanations
from survey.errors import Conflict
from survey.models import (
    Action,
    DimensionResult,
    InstrumentResult,
    ItemResult,
    OrientationResult,
    RoleResult,
    Round,
    RoundInstrument,
    UseResult,
    ViewResult,
)
from survey.scoring.derive import coherence_and_priorities
from survey.scoring.turnover import beyond_turnover
from survey.services.rounds import role_counts, round_instruments


def _rows(
    session: Session, model: Any, round_: Round, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """A stored result table of the round as a frame of ``schema`` (organisation id added)."""
    rows = session.scalars(select(model).where(model.round_id == round_.id))
    org = round_.organisation_id
    return _frame(
        [
            {name: org if name == "organisation_id" else getattr(row, name) for name in schema}
            for row in rows
        ],
        schema,
    )


def stored_scores(session: Session, round_: Round) -> scoring.Scores:
    """The round's stored results as raw `Scores` frames (not yet anonymised)."""
    org = round_.organisation_id
    v2 = round_.scheme == 2
    dimension_schema = scoring.DIMENSION_SCHEMA_V2 if v2 else scoring.DIMENSION_SCHEMA
    item_schema = scoring.ITEM_RESULT_SCHEMA_V2 if v2 else scoring.ITEM_RESULT_SCHEMA
    balance_schema = scoring.BALANCE_SCHEMA_V2 if v2 else scoring.BALANCE_SCHEMA
    item_frame = _rows(session, ItemResult, round_, item_schema)
    balance = {name: getattr(round_, name, None) for name in balance_schema}
    balance |= {
        "organisation_id": org,
        "control": round_.control_score,
        "enablement": round_.enablement_score,
    }
    extra: dict[str, pl.DataFrame] = {}
    if v2:
        extra = {
            "uses": _rows(session, UseResult, round_, scoring.USE_SCHEMA),
            "orientations": _rows(session, OrientationResult, round_, scoring.ORIENTATION_SCHEMA),
            "views": _rows(session, ViewResult, round_, scoring.VIEW_SCHEMA),
        }
    scores = scoring.Scores(
        respondent_dimensions=_frame([], scoring.RESPONDENT_DIMENSION_SCHEMA),
        role_dimensions=_rows(session, RoleResult, round_, scoring.ROLE_DIMENSION_SCHEMA),
        dimensions=_rows(session, DimensionResult, round_, dimension_schema),
        instruments=_rows(session, InstrumentResult, round_, scoring.INSTRUMENT_SCHEMA),
        items=item_frame,
        balance=_frame([balance], balance_schema),
        coherence=_frame(
            [{"organisation_id": org, "coherent": round_.coherent}], scoring.COHERENCE_SCHEMA
        ),
        priorities=_frame([], scoring.PRIORITY_SCHEMA),
        maturity_instrument_id="sm-maturity",
        scheme=round_.scheme,
        **extra,
    )
    _, priorities = coherence_and_priorities(scores)
    return dataclasses.replace(scores, priorities=priorities)


def shown_scores(session: Session, round_: Round) -> scoring.Scores:
    """The stored results with everything the anonymity rules hide removed."""
    if round_.is_open:
        raise Conflict("Results are available once the round is closed.")
    return anonymise_scores(stored_scores(session, round_))


def round_scores(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    lang: str = "en",
    *,
    shown: scoring.Scores | None = None,
) -> dict[str, Any]:
    """The public shape of `GET /api/rounds/{id}/scores`, anonymised; ``shown`` is the
    round's :func:`shown_scores` when the caller has read them already."""
    if shown is None:
        shown = shown_scores(session, round_)
    instruments = round_instruments(round_, library)
    counts = role_counts(round_, session)
    present = {role for role, n in counts.items() if n > 0}
    dims = {
        (r["instrument_id"], r["dimension_id"]): r for r in shown.dimensions.iter_rows(named=True)
    }
    inst_rows = {r["instrument_id"]: r for r in shown.instruments.iter_rows(named=True)}
    balance = shown.balance.row(0, named=True) if shown.balance.height else {}
    coherence = shown.coherence.row(0, named=True) if shown.coherence.height else {}
    return {
        "round": {
            "id": round_.id,
            "label": round_.label,
            "status": round_.status,
            "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
            "submitted": round_.submitted_count,
        },
        "instruments": [
            _instrument(inst, inst_rows.get(inst.id, {}), dims, lang, present)
            for inst in instruments
        ],
        "scheme": round_.scheme,
        "balance": _balance(balance, shown, instruments, lang),
        "orientations": [
            {
                "instrument": row["instrument_id"],
                **{k: row[k] for k in ORIENTATION_FIELDS},
            }
            for row in shown.orientations.iter_rows(named=True)
        ],
        "uses": [
            {
                "instrument": row["instrument_id"],
                "use": row["use"],
                "score": row["score"],
                "level": row["level"],
                "respondents": row["respondents"],
                "left_out": row["left_out"],
                "fragile": row["fragile"],
                **_reason(
                    None if row["score"] is not None else figure_reason(row["respondents"]),
                    lang,
                ),
            }
            for row in shown.uses.iter_rows(named=True)
        ],
        "coherent": coherence.get("coherent"),
        "maturity_in_round": any(i.id == shown.maturity_instrument_id for i in instruments),
        "roles": _roles(shown, counts, instruments, lang),
        "who_answered": _who_answered(counts, lang),
        "priorities": _priorities(shown, instruments, lang),
        "previous": previous_comparison(session, round_, instruments, dims),
    }


def _previous_round(session: Session, round_: Round, instrument_id: str) -> Round | None:
    """The organisation's latest round closed before ``round_`` that used the instrument."""
    if round_.closed_at is None:
        return None
    return session.scalars(
        select(Round)
        .join(RoundInstrument)
        .where(
            Round.organisation_id == round_.organisation_id,
            Round.status == "closed",
            Round.closed_at < round_.closed_at,
            RoundInstrument.instrument_id == instrument_id,
        )
        .order_by(Round.closed_at.desc(), Round.id.desc())
        .limit(1)
    ).first()


def turnover_errors(session: Session, round_: Round, instrument_id: str) -> dict[str, float | None]:
    """The stored turnover errors of a round's dimensions (for verdicts only, never shown)."""
    return {
        dimension: error
        for dimension, error in session.execute(
            select(DimensionResult.dimension_id, DimensionResult.turnover_error).where(
                DimensionResult.round_id == round_.id,
                DimensionResult.instrument_id == instrument_id,
                DimensionResult.turnover_error.is_not(None),
            )
        )
    }


def previous_comparison(
    session: Session,
    round_: Round,
    instruments: Sequence[Instrument],
    dims: Mapping[tuple[str, str], Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Per instrument of the round, the comparison with the organisation's previous
    closed round that used it: per dimension the change when both rounds used the same
    instrument version (shown scores only: a figure hidden in either round has no
    change) and ``beyond_turnover``, whether the change exceeds what respondent turnover
    alone could explain (`survey.scoring.turnover`; None when not known), with the
    actions agreed after the previous round that target the dimension; otherwise ``comparable`` false with the reason, ``other_version`` (scores
    of different versions are never compared) or ``first_round`` (no earlier round)."""
    found = []
    shown_before: dict[str, scoring.Scores] = {}  # by round: instruments share one
    for inst in instruments:
        earlier = _previous_round(session, round_, inst.id)
        entry: dict[str, Any] = {
            "instrument": inst.id,
            "version": inst.version,
            "round": None,
            "previous_version": None,
            "comparable": False,
            "reason": "first_round",
            "dimensions": [],
        }
        if earlier is not None:
            version = next(
                p.instrument_version for p in earlier.instruments if p.instrument_id == inst.id
            )
            entry |= {
                "round": {
                    "id": earlier.id,
                    "label": earlier.label,
                    "closed_at": earlier.closed_at.isoformat() if earlier.closed_at else None,
                },
                "previous_version": version,
                "comparable": version == inst.version,
                "reason": None if version == inst.version else "other_version",
            }
        if entry["comparable"] and earlier is not None:
            if earlier.id not in shown_before:
                shown_before[earlier.id] = shown_scores(session, earlier)
            before = {
                r["dimension_id"]: r["score"]
                for r in shown_before[earlier.id].dimensions.iter_rows(named=True)
                if r["instrument_id"] == inst.id
            }
            errors_then = turnover_errors(session, earlier, inst.id)
            errors_now = turnover_errors(session, round_, inst.id)
            agreed = session.scalars(
                select(Action)
                .where(Action.round_id == earlier.id, Action.instrument_id == inst.id)
                .order_by(Action.created_at, Action.id)
            ).all()
            for dimension in inst.dimensions:
                now = dims.get((inst.id, dimension.id), {}).get("score")
                then = before.get(dimension.id)
                change = None if now is None or then is None else now - then
                entry["dimensions"].append(
                    {
                        "dimension": dimension.id,
                        "score": now,
                        "previous_score": then,
                        "change": change,
                        "beyond_turnover": beyond_turnover(
                            change, errors_then.get(dimension.id), errors_now.get(dimension.id)
                        ),
                        "actions": [
                            {"id": a.id, "title": a.title, "status": a.status}
                            for a in agreed
                            if dimension.id in a.dimension_ids
                        ],
                    }
                )
        found.append(entry)
    return found


ORIENTATION_FIELDS = (
    "control",
    "enablement",
    "quadrant",
    "near_line",
    "control_margin",
    "enablement_margin",
    "control_left_out",
    "enablement_left_out",
)


def _reason(code: str | None, lang: str) -> dict[str, Any]:
    """A hidden figure's reason code and its text in ``lang`` (both None when shown)."""
    texts = explanations(code)
    return {"reason": code, "reason_text": texts[lang] if texts else None}


def _asked(inst: Instrument, dimension_id: str, roles: set[str]) -> bool:
    """Whether any item of the dimension is asked of one of ``roles`` (schema-2 routing)."""
    return any(
        item.asked_of(role)
        for item in inst.items
        if item.dimension == dimension_id
        for role in roles
    )


def _balance(
    balance: Mapping[str, Any], shown: scoring.Scores, instruments: list[Instrument], lang: str
) -> dict[str, Any]:
    """The balance block: both axes and the quadrant, each with the reason it is hidden
    (a schema-2 balance comes from the maturity test alone; near a line is no quadrant
    but no hidden figure either)."""
    in_round = shown.scheme == 1 or any(i.id == shown.maturity_instrument_id for i in instruments)
    axes = {
        axis: figure_reason(balance.get(f"{axis}_respondents"), in_round=in_round)
        for axis in ("control", "enablement")
    }
    near = bool(balance.get("near_line"))
    quadrant = None if near or balance.get("quadrant") else composite_reason(list(axes.values()))
    return {
        "control": balance.get("control"),
        "enablement": balance.get("enablement"),
        "quadrant": balance.get("quadrant"),
        "near_line": balance.get("near_line"),
        "control_margin": balance.get("control_margin"),
        "enablement_margin": balance.get("enablement_margin"),
        "control_reason": _reason(axes["control"], lang),
        "enablement_reason": _reason(axes["enablement"], lang),
        "quadrant_reason": _reason(quadrant, lang),
    }


def _instrument(
    inst: Instrument,
    row: dict[str, Any],
    dims: dict[tuple[str, str], dict[str, Any]],
    lang: str,
    present: set[str],
) -> dict[str, Any]:
    dimensions = []
    for dimension in inst.dimensions:
        d = dims.get((inst.id, dimension.id), {})
        level = d.get("level")
        asked = _asked(inst, dimension.id, present)
        reason = (
            None if d.get("score") is not None else figure_reason(d.get("respondents"), asked=asked)
        )
        dont_know = (
            None
            if d.get("dont_know_rate") is not None
            else figure_reason(d.get("answering_respondents"), asked=asked)
        )
        dimensions.append(
            {
                "id": dimension.id,
                "title": dimension.title.get(lang),
                "score": d.get("score"),
                "level": level,
                "level_description": dimension.levels[level - 1].get(lang) if level else None,
                "dont_know_rate": d.get("dont_know_rate"),
                "respondents": int(d.get("respondents") or 0),
                "suppressed": bool(d.get("suppressed", True)),
                "left_out": int(d.get("left_out") or 0),
                "fragile": d.get("fragile"),
                **_reason(reason, lang),
                "dont_know_reason": _reason(dont_know, lang),
            }
        )
    score = row.get("score")
    return {
        "id": inst.id,
        "version": inst.version,
        "title": inst.title.get(lang),
        "score": score,
        "level": row.get("level"),
        **_reason(
            None
            if score is not None
            else composite_reason([d["reason"] for d in dimensions]) or HIDDEN_PART,
            lang,
        ),
        "dimensions": dimensions,
    }


def _roles(
    shown: scoring.Scores, counts: Counter[str], instruments: list[Instrument], lang: str
) -> list[dict[str, Any]]:
    """Per role group, its figure per dimension or the reason it is hidden.

    Schema 1 lists the roles the scoring made figures for. Schema 2 lists the role
    views (roles with 3 or more respondents) with a cell for every dimension; the
    smaller roles are pooled and never named."""
    rows = {
        (r["role"], r["instrument_id"], r["dimension_id"]): r
        for r in shown.role_dimensions.iter_rows(named=True)
    }
    if shown.scheme == 2:
        listed = sorted(role for role, n in counts.items() if n >= MIN_RESPONDENTS)
    else:
        listed = sorted({role for role, _, _ in rows})
    found = []
    labels = vocabularies().roles
    for role in listed:
        cells = []
        for inst in instruments:
            for dimension in inst.dimensions:
                row = rows.get((role, inst.id, dimension.id))
                if row is None and shown.scheme == 1:
                    continue
                suppressed = row is None or bool(row["suppressed"])
                reason = role_cell_reason(
                    shown.scheme,
                    None if row is None else row["respondents"],
                    suppressed=suppressed,
                    asked=_asked(inst, dimension.id, {role}),
                )
                cells.append(
                    {
                        "instrument": inst.id,
                        "dimension": dimension.id,
                        "title": dimension.title.get(lang),
                        "score": None if row is None or suppressed else row["score"],
                        "suppressed": suppressed,
                        **_reason(reason, lang),
                    }
                )
        every = {cell["reason"] for cell in cells}
        found.append(
            {
                "role": role,
                "label": labels.label(role, lang),
                "respondents": _count(counts.get(role, 0)),
                "suppressed": all(cell["suppressed"] for cell in cells),
                **_reason(every.pop() if len(every) == 1 else None, lang),
                "dimensions": cells,
            }
        )
    return found


def _count(n: int) -> int | None:
    """A role's number of respondents as published (P5): None below 3."""
    return int(n) if n >= MIN_RESPONDENTS else None


def _who_answered(counts: Counter[str], lang: str) -> list[dict[str, Any]]:
    """The published respondents per role (P5): roles of 3 or more by name, the smaller
    ones together as ``other`` (with their total when it is 3 or more)."""
    labels = vocabularies().roles
    return [
        {
            "role": line.role,
            "label": None if line.role == OTHER_ROLES else labels.label(line.role, lang),
            "respondents": line.count,
            **_reason(line.reason, lang),
        }
        for line in published_role_counts(counts)
    ]


def _priorities(
    shown: scoring.Scores, instruments: list[Instrument], lang: str
) -> list[dict[str, Any]]:
    by_id = {i.id: i for i in instruments}
    found = []
    for row in shown.priorities.iter_rows(named=True):
        inst = by_id.get(row["instrument_id"])
        item = inst.item(row["item_id"]) if inst else None
        if inst is None or item is None:
            continue
        dimension = inst.dimension(row["dimension_id"])
        found.append(
            {
                "rank": row["rank"],
                "finding": row["finding"],
                "instrument": inst.id,
                "dimension": row["dimension_id"],
                "dimension_title": dimension.title.get(lang) if dimension else row["dimension_id"],
                "item": item.id,
                "text": item.text.get(lang),
                "score": row["score"],
                "priority": row["priority"],
                "weight": row["weight"],
                "dont_know_rate": row["dont_know_rate"],
                "role_spread": row["role_spread"],
                "advice": row.get("advice"),
                "recommendation": _recommendation(item, row.get("advice"), lang),
                "dialogue_question": item.dialogue_question.get(lang),
                "sources": [{"file": s.file, "section": s.section} for s in item.sources],
            }
        )
    return found


WHERE_TO_START = 10
STRENGTH = {
    "low_score": "priority",
    "awareness_gap": "dont_know_rate",
    "role_disagreement": "role_spread",
}


def where_to_start(
    priorities: Sequence[Mapping[str, Any]], limit: int = WHERE_TO_START
) -> list[Mapping[str, Any]]:
    """The findings to start improving with, as the results page and the report list
    them: of every kind of finding in the round, the strongest shown one (the highest
    priority, the highest "don't know" rate, the widest role spread; the first-ranked
    on a tie), then the rest of the ``limit`` in rank order; listed in rank order. So
    the widest disagreement between role groups has its place even when ten low scores
    rank above it."""
    strongest: dict[str, Mapping[str, Any]] = {}
    for row in priorities:
        kind, value = row["finding"], row[STRENGTH[row["finding"]]]
        if value is not None and (kind not in strongest or value > strongest[kind][STRENGTH[kind]]):
            strongest[kind] = row
    chosen = list(strongest.values())[:limit]
    for row in priorities:
        if len(chosen) >= limit:
            break
        if not any(row is taken for taken in chosen):
            chosen.append(row)
    return sorted(chosen, key=lambda row: row["rank"])


def _recommendation(item: Any, advice: str | None, lang: str) -> str | None:
    """The advice that applies (schema 2: basic at rungs 1-2, advanced at 3-4, none at 5);
    schema-1 items have one recommendation."""
    if item.advanced_recommendation is None:
        return str(item.recommendation.get(lang))
    if advice is None:
        return None
    chosen = item.advanced_recommendation if advice == "advanced" else item.recommendation
    return str(chosen.get(lang))


def _frame(rows: list[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema)
