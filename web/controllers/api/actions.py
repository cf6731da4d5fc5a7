"""The action plan of a round: list (with the actions carried from earlier rounds),
create and update; coordinators of the round's organisation only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary
from survey.models import Action, Organisation
from survey.services import actions, rounds
from web.auth import require_coordinator
from web.controllers.api.openapi import GUARDED, errors
from web.controllers.api.schemas import BEARER, NO_NUL, Finding, Id, Status, Text
from web.security import TOKEN_LIMIT

Note = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
Dimensions = Annotated[list[Id], msgspec.Meta(min_length=1, max_length=50)]


class ActionIn(msgspec.Struct):
    """A new action: what, for which topics, who owns it (a role, a name or both)."""

    instrument: Id
    dimensions: Dimensions
    title: Text
    owner_role: Id | None = None
    owner_name: Text | None = None
    due: date | None = None
    status: Status = "planned"
    note: Note = ""
    origin_item: Id | None = None
    origin_finding: Finding | None = None


class ActionPatch(msgspec.Struct):
    """The fields to change; a field left out keeps its value, ``null`` clears it."""

    instrument: Id | msgspec.UnsetType = msgspec.UNSET
    dimensions: Dimensions | msgspec.UnsetType = msgspec.UNSET
    title: Text | msgspec.UnsetType = msgspec.UNSET
    owner_role: Id | msgspec.UnsetType | None = msgspec.UNSET
    owner_name: Text | msgspec.UnsetType | None = msgspec.UNSET
    due: date | msgspec.UnsetType | None = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    note: Note | msgspec.UnsetType = msgspec.UNSET
    origin_item: Id | msgspec.UnsetType | None = msgspec.UNSET
    origin_finding: Finding | msgspec.UnsetType | None = msgspec.UNSET


class ActionOut(msgspec.Struct):
    id: str
    round_id: str
    instrument: str
    dimensions: list[str]
    title: str
    owner_role: str | None
    owner_name: str | None
    due: date | None
    status: str
    note: str
    origin_item: str | None
    origin_finding: str | None
    created_at: datetime
    updated_at: datetime


class ChangeOut(msgspec.Struct):
    """A targeted dimension's shown score in the action's round and in this round."""

    dimension: str
    previous_score: float | None
    score: float | None
    change: float | None
    beyond_turnover: bool | None
    """Whether the change exceeds what respondent turnover alone could explain."""


class RoundRef(msgspec.Struct):
    id: str
    label: str


class CarriedOut(msgspec.Struct):
    """An action of an earlier round; ``reason`` says why ``changes`` is empty
    (``open``, ``other_version`` or ``not_in_round``)."""

    action: ActionOut
    round: RoundRef
    changes: list[ChangeOut]
    reason: str | None


class ActionsOut(msgspec.Struct):
    actions: list[ActionOut]
    carried: list[CarriedOut]


def action_out(action: Action) -> ActionOut:
    return ActionOut(
        id=action.id,
        round_id=action.round_id,
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
        created_at=action.created_at,
        updated_at=action.updated_at,
    )


def carried_out(carried: actions.CarriedAction) -> CarriedOut:
    return CarriedOut(
        action=action_out(carried.action),
        round=RoundRef(id=carried.round.id, label=carried.round.label),
        changes=[
            ChangeOut(c.dimension, c.previous_score, c.score, c.change, c.beyond_turnover)
            for c in carried.changes
        ],
        reason=carried.reason,
    )


class ActionController(Controller):
    path = "/api/rounds/{round_id:str}/actions"
    tags = ["actions"]
    guards = [require_coordinator]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        summary="The round's action plan and the actions carried from earlier rounds (coordinator)",
        description="Each carried action lists the change of the topics it targets since "
        "its round: shown scores only, and only on the same questionnaire version.",
        responses=errors(*GUARDED),
        sync_to_thread=True,
    )
    def list_actions(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
    ) -> ActionsOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return ActionsOut(
            actions=[action_out(a) for a in actions.list_actions(db, round_)],
            carried=[carried_out(c) for c in actions.carried_actions(db, round_)],
        )

    @post(
        summary="Add an action to the plan of a closed round (coordinator)",
        status_code=HTTP_201_CREATED,
        responses=errors(*GUARDED, 409, 422),
        sync_to_thread=True,
    )
    def create_action(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
        data: JSONBody[ActionIn],
    ) -> ActionOut:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        draft = actions.Draft(**msgspec.structs.asdict(data))
        return action_out(actions.create_action(db, round_, draft, library))

    @patch(
        "/{action_id:str}",
        summary="Change an action: status, owner, due date, note, ... (coordinator)",
        responses=errors(*GUARDED, 422),
        sync_to_thread=True,
    )
    def update_action(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
        action_id: FromPath[str],
        data: JSONBody[ActionPatch],
    ) -> ActionOut:
        changes = {
            name: value
            for name, value in msgspec.structs.asdict(data).items()
            if value is not msgspec.UNSET
        }
        round_ = rounds.get_round(db, round_id, of=coordinator)
        action = actions.get_action(db, round_, action_id)
        return action_out(actions.update_action(db, round_, action, changes, library))
