"""The answer of ``GET /api/rounds/{id}/scores``: the anonymised results of a closed round.

The figures and their order come from :func:`survey.services.results.round_scores`
(which pages and reports read too); :func:`scores_out` checks that plain data against
these structs, so the served JSON and the OpenAPI schema say the same. A field's
``reason`` is the code of why its figure is hidden (None when shown) and
``reason_text`` that code's text in the asked language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from web.controllers.api.schemas import Finding, SourceOut, Status

Quadrant = Literal["unguided", "restrictive", "anything_goes", "balanced"]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    """Every struct of the answer: a field the service adds must be declared here."""


class ReasonOut(Answer):
    reason: str | None
    reason_text: str | None


class ScoredRoundOut(Answer):
    id: str
    label: str
    status: Literal["open", "closed"]
    closed_at: str | None
    submitted: int


class DimensionScoreOut(Answer):
    id: str
    title: str
    score: float | None
    level: int | None
    level_description: str | None
    dont_know_rate: float | None
    respondents: int
    suppressed: bool
    left_out: int
    fragile: bool | None
    reason: str | None
    reason_text: str | None
    dont_know_reason: ReasonOut


class InstrumentScoreOut(Answer):
    id: str
    version: str
    title: str
    score: float | None
    level: int | None
    reason: str | None
    reason_text: str | None
    dimensions: list[DimensionScoreOut]


class BalanceOut(Answer):
    """The organisation's balance of control and enablement, and its quadrant."""

    control: float | None
    enablement: float | None
    quadrant: Quadrant | None
    near_line: bool | None
    control_margin: float | None
    enablement_margin: float | None
    control_reason: ReasonOut
    enablement_reason: ReasonOut
    quadrant_reason: ReasonOut


class OrientationOut(Answer):
    """One schema-2 instrument's own balance."""

    instrument: str
    control: float | None
    enablement: float | None
    quadrant: Quadrant | None
    near_line: bool | None
    control_margin: float | None
    enablement_margin: float | None
    control_left_out: int | None
    enablement_left_out: int | None


class UseOut(Answer):
    """A schema-2 instrument's score for one functional use."""

    instrument: str
    use: str
    score: float | None
    level: int | None
    respondents: int | None
    left_out: int | None
    fragile: bool | None
    reason: str | None
    reason_text: str | None


class RoleCellOut(Answer):
    instrument: str
    dimension: str
    title: str
    score: float | None
    suppressed: bool
    reason: str | None
    reason_text: str | None


class RoleOut(Answer):
    """A role group's figure per dimension; ``respondents`` None below 3."""

    role: str
    label: str
    respondents: int | None
    suppressed: bool
    reason: str | None
    reason_text: str | None
    dimensions: list[RoleCellOut]


class WhoAnsweredOut(Answer):
    """Respondents per role as published: the small roles together as ``other``."""

    role: str
    label: str | None
    respondents: int | None
    reason: str | None
    reason_text: str | None


class PriorityOut(Answer):
    rank: int
    finding: Finding
    instrument: str
    dimension: str
    dimension_title: str
    item: str
    text: str
    score: float | None
    priority: float | None
    weight: float | None
    dont_know_rate: float | None
    role_spread: float | None
    advice: Literal["basic", "advanced"] | None
    recommendation: str | None
    dialogue_question: str
    sources: list[SourceOut]


class PreviousRoundOut(Answer):
    id: str
    label: str
    closed_at: str | None


class AgreedActionOut(Answer):
    id: str
    title: str
    status: Status


class DimensionChangeOut(Answer):
    """``beyond_turnover``: whether the change exceeds what respondent turnover alone
    could explain (None when not known)."""

    dimension: str
    score: float | None
    previous_score: float | None
    change: float | None
    beyond_turnover: bool | None
    actions: list[AgreedActionOut]


class PreviousOut(Answer):
    """The comparison with the previous closed round that used the instrument."""

    instrument: str
    version: str
    round: PreviousRoundOut | None
    previous_version: str | None
    comparable: bool
    reason: Literal["first_round", "other_version"] | None
    dimensions: list[DimensionChangeOut]


class ScoresOut(Answer):
    round: ScoredRoundOut
    instruments: list[InstrumentScoreOut]
    scheme: int
    balance: BalanceOut
    orientations: list[OrientationOut]
    uses: list[UseOut]
    coherent: bool | None
    maturity_in_round: bool
    roles: list[RoleOut]
    who_answered: list[WhoAnsweredOut]
    priorities: list[PriorityOut]
    previous: list[PreviousOut]


def scores_out(scores: Mapping[str, Any]) -> ScoresOut:
    """The service's scores as the typed answer (a field of another type is an error)."""
    return msgspec.convert(scores, ScoresOut, strict=True)
