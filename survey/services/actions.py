"""The action plan: improvement actions agreed after a closed round, and their follow-up.

An action belongs to a round of the organisation and targets dimensions of one of the
round's instruments; every coordinator of the organisation sees and edits it. A later
round carries the organisation's earlier actions and shows, per targeted dimension,
the change since the action's round (shown scores only, same instrument version only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary, vocabularies
from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Action, Round, utcnow
from survey.scoring.turnover import beyond_turnover
from survey.services.results import shown_scores, turnover_errors
from survey.services.rounds import round_instruments

STATUSES = ("planned", "in_progress", "done", "dropped")
FINDINGS = ("low_score", "awareness_gap", "role_disagreement")
TITLE_LIMIT = 200
NAME_LIMIT = 200
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class Draft:
    """What a coordinator fills in for an action (checked by :func:`checked`)."""

    instrument: str
    dimensions: Sequence[str]
    title: str
    owner_role: str | None = None
    owner_name: str | None = None
    due: date | None = None
    status: str = "planned"
    note: str = ""
    origin_item: str | None = None
    origin_finding: str | None = None


EDITABLE = tuple(field.name for field in dataclasses.fields(Draft))


@dataclass(frozen=True)
class DimensionChange:
    dimension: str
    previous_score: float | None
    score: float | None
    change: float | None
    beyond_turnover: bool | None = None
    """Whether the change exceeds what respondent turnover explains (methodology 15)."""


@dataclass(frozen=True)
class CarriedAction:
    """An action of an earlier round seen from a later one: ``reason`` says why there
    are no changes (``open``: this round is not closed; ``other_version``: the rounds
    used different versions of the instrument; ``not_in_round``: this round does not
    use the instrument)."""

    action: Action
    round: Round
    changes: list[DimensionChange]
    reason: str | None


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def checked(draft: Draft, instruments: Sequence[Instrument]) -> Draft:
    """The draft with its texts tidied, or :class:`InvalidInput` naming the field at fault."""
    instrument = next((i for i in instruments if i.id == draft.instrument), None)
    if instrument is None:
        raise InvalidInput("Choose a questionnaire of this round.", "instrument")
    dimensions = list(dict.fromkeys(draft.dimensions))
    if not dimensions:
        raise InvalidInput("Choose at least one topic the action improves.", "dimensions")
    unknown = [d for d in dimensions if instrument.dimension(d) is None]
    if unknown:
        raise InvalidInput(f"Unknown topic '{unknown[0]}' for this questionnaire.", "dimensions")
    title = _text(draft.title)
    if not title or len(title) > TITLE_LIMIT:
        raise InvalidInput(f"Describe the action in 1 to {TITLE_LIMIT} characters.", "title")
    owner_name = _text(draft.owner_name) or None
    if draft.owner_role is not None and draft.owner_role not in vocabularies().roles:
        raise InvalidInput(f"Unknown role '{draft.owner_role}'.", "owner_role")
    if owner_name is not None and len(owner_name) > NAME_LIMIT:
        raise InvalidInput(
            f"The owner's name may be at most {NAME_LIMIT} characters.", "owner_name"
        )
    if draft.owner_role is None and owner_name is None:
        raise InvalidInput("Say who owns the action: a role, a name, or both.", "owner_role")
    if draft.status not in STATUSES:
        raise InvalidInput(f"The status is one of {', '.join(STATUSES)}.", "status")
    note = (draft.note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(f"The note may be at most {NOTE_LIMIT} characters.", "note")
    if draft.origin_item is not None and instrument.item(draft.origin_item) is None:
        raise InvalidInput(f"Unknown question '{draft.origin_item}'.", "origin_item")
    if draft.origin_finding is not None and (
        draft.origin_finding not in FINDINGS or draft.origin_item is None
    ):
        raise InvalidInput(
            f"A finding is one of {', '.join(FINDINGS)}, and comes with its question.",
            "origin_finding",
        )
    return dataclasses.replace(
        draft, dimensions=dimensions, title=title, owner_name=owner_name, note=note
    )


def _apply(action: Action, draft: Draft) -> None:
    action.instrument_id = draft.instrument
    action.dimension_ids = list(draft.dimensions)
    action.title = draft.title
    action.owner_role = draft.owner_role
    action.owner_name = draft.owner_name
    action.due = draft.due
    action.status = draft.status
    action.note = draft.note
    action.origin_item = draft.origin_item
    action.origin_finding = draft.origin_finding
    action.updated_at = utcnow()


def draft_of(action: Action) -> Draft:
    return Draft(
        instrument=action.instrument_id,
        dimensions=list(action.dimension_ids),
        title=action.title,
        owner_role=action.owner_role,
        owner_name=action.owner_name,
        due=action.due,
        status=action.status,
        note=action.note,
        origin_item=action.origin_item,
        origin_finding=action.origin_finding,
    )


def create_action(
    session: Session, round_: Round, draft: Draft, library: InstrumentLibrary
) -> Action:
    """A new action of the closed round ``round_`` (409 while the round is open)."""
    if round_.is_open:
        raise Conflict("Actions are planned once the round is closed and its results known.")
    good = checked(draft, round_instruments(round_, library))
    action = Action(round_id=round_.id, organisation_id=round_.organisation_id)
    _apply(action, good)
    session.add(action)
    session.flush()
    return action


def update_action(
    session: Session,
    round_: Round,
    action: Action,
    changes: Mapping[str, Any],
    library: InstrumentLibrary,
) -> Action:
    """Change the fields named in ``changes`` (any of :data:`EDITABLE`), checked as a whole."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(f"'{unknown[0]}' cannot be changed.", unknown[0])
    good = checked(
        dataclasses.replace(draft_of(action), **changes), round_instruments(round_, library)
    )
    _apply(action, good)
    session.flush()
    return action


def get_action(session: Session, round_: Round, action_id: str) -> Action:
    """An action of ``round_`` (which the caller may see); 404 for any other id."""
    action = session.get(Action, action_id) if len(action_id) <= 36 else None
    if action is None or action.round_id != round_.id:
        raise NotFound("No such action.")
    return action


def list_actions(session: Session, round_: Round) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.round_id == round_.id)
            .order_by(Action.created_at, Action.id)
        )
    )


def dimension_changes(
    dimensions: Sequence[str],
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
    errors_before: Mapping[str, float | None] | None = None,
    errors_after: Mapping[str, float | None] | None = None,
) -> list[DimensionChange]:
    """Per dimension the shown score before and after, the change (None when either
    score is hidden or missing) and whether it exceeds what turnover explains (None
    without both turnover errors)."""
    changes = []
    for dimension in dimensions:
        then, now = before.get(dimension), after.get(dimension)
        change = None if then is None or now is None else now - then
        verdict = beyond_turnover(
            change, (errors_before or {}).get(dimension), (errors_after or {}).get(dimension)
        )
        changes.append(DimensionChange(dimension, then, now, change, verdict))
    return changes


def _versions(round_: Round) -> dict[str, str]:
    return {p.instrument_id: p.instrument_version for p in round_.instruments}


def _shown_dimension_scores(session: Session, round_: Round) -> dict[tuple[str, str], Any]:
    return {
        (row["instrument_id"], row["dimension_id"]): row["score"]
        for row in shown_scores(session, round_).dimensions.iter_rows(named=True)
    }


def carried_actions(session: Session, round_: Round) -> list[CarriedAction]:
    """The organisation's actions of rounds opened before ``round_``, newest round first,
    each with the change of its dimensions from its round to ``round_``."""
    earlier = session.scalars(
        select(Action)
        .join(Round, Round.id == Action.round_id)
        .where(
            Action.organisation_id == round_.organisation_id,
            Round.opened_at < round_.opened_at,
        )
        .order_by(Round.opened_at.desc(), Action.created_at, Action.id)
    ).all()
    now_versions = _versions(round_)
    scores: dict[str, dict[tuple[str, str], Any]] = {}

    def scores_of(r: Round) -> dict[tuple[str, str], Any]:
        if r.id not in scores:
            scores[r.id] = _shown_dimension_scores(session, r)
        return scores[r.id]

    found = []
    for action in earlier:
        then_round = session.get(Round, action.round_id)
        assert then_round is not None
        reason = None
        if action.instrument_id not in now_versions:
            reason = "not_in_round"
        elif now_versions[action.instrument_id] != _versions(then_round).get(action.instrument_id):
            reason = "other_version"
        elif round_.is_open:
            reason = "open"
        changes: list[DimensionChange] = []
        if reason is None:
            before, after = scores_of(then_round), scores_of(round_)
            changes = dimension_changes(
                action.dimension_ids,
                {d: before.get((action.instrument_id, d)) for d in action.dimension_ids},
                {d: after.get((action.instrument_id, d)) for d in action.dimension_ids},
                turnover_errors(session, then_round, action.instrument_id),
                turnover_errors(session, round_, action.instrument_id),
            )
        found.append(CarriedAction(action, then_round, changes, reason))
    return found
