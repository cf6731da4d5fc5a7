"""One set of codes per instrument version, shared by every export and every reader.

A question code is ``Q`` and the item's position (``Q01``, ``Q02`` ...): letters and
digits only, as LimeSurvey requires, and a valid XLSForm name and Qualtrics export
tag. Answer codes are numbers: the scored options ``1`` (lowest rung) upwards,
``98`` for "don't know" and ``99`` for "not applicable" (offered only where the item
offers it). Roles are coded ``1``-``7`` in the order of the role vocabulary. The
instrument id and version travel with every export as the marker ``id@version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from instruments import Instrument, vocabularies
from instruments.schema import OptionKind, Text

ROLE_CODE = "ROLE"
MARKER_CODE = "INSTRUMENT"
ORGANISATION_CODE = "ORGANISATION"
DONT_KNOW_CODE = "98"
NOT_APPLICABLE_CODE = "99"
ROLE_QUESTION = Text(
    en="What is your role in the organisation?", nl="Wat is uw rol in de organisatie?"
)


@dataclass(frozen=True)
class AnswerCode:
    code: str
    value: str
    kind: OptionKind
    score: float | None
    label: Text


@dataclass(frozen=True)
class Question:
    code: str
    item_id: str
    dimension_id: str
    text: Text
    roles: tuple[str, ...]
    """The roles asked this item; empty means every role (schema 1)."""
    weight: float
    answers: tuple[AnswerCode, ...]

    def asked_of(self, role: str) -> bool:
        return not self.roles or role in self.roles


@dataclass(frozen=True)
class RoleCode:
    code: str
    role: str
    label: Text


@dataclass(frozen=True)
class Codebook:
    instrument_id: str
    version: str
    title: Text
    questions: tuple[Question, ...]
    roles: tuple[RoleCode, ...]
    routed: bool
    """True when items are asked of some roles only (schema 2)."""

    @property
    def marker(self) -> str:
        return marker(self.instrument_id, self.version)

    def role_codes(self, roles: tuple[str, ...]) -> tuple[str, ...]:
        """The codes of ``roles`` (all roles when empty), in vocabulary order."""
        return tuple(r.code for r in self.roles if not roles or r.role in roles)


def marker(instrument_id: str, version: str) -> str:
    return f"{instrument_id}@{version}"


def question_code(position: int, count: int) -> str:
    return f"Q{position:0{max(2, len(str(count)))}d}"


def _answer_code(kind: OptionKind, rank: int) -> str:
    if kind is OptionKind.DONT_KNOW:
        return DONT_KNOW_CODE
    if kind is OptionKind.NOT_APPLICABLE:
        return NOT_APPLICABLE_CODE
    return str(rank)


@cache
def codebook(instrument: Instrument) -> Codebook:
    """The codes of ``instrument`` (one version); the same every time."""
    count = len(instrument.items)
    questions = []
    for position, item in enumerate(instrument.items, start=1):
        scored = [o for o in item.options if o.kind is OptionKind.SCORED]
        ranks = {o.value: rank for rank, o in enumerate(scored, start=1)}
        questions.append(
            Question(
                code=question_code(position, count),
                item_id=item.id,
                dimension_id=item.dimension,
                text=item.text,
                roles=item.roles,
                weight=item.weight,
                answers=tuple(
                    AnswerCode(
                        code=_answer_code(o.kind, ranks.get(o.value, 0)),
                        value=o.value,
                        kind=o.kind,
                        score=o.score,
                        label=o.label,
                    )
                    for o in item.options
                ),
            )
        )
    roles = tuple(
        RoleCode(code=str(n), role=entry.id, label=entry.label)
        for n, entry in enumerate(vocabularies().roles.entries, start=1)
    )
    return Codebook(
        instrument_id=instrument.id,
        version=instrument.version,
        title=instrument.title,
        questions=tuple(questions),
        roles=roles,
        routed=any(item.roles for item in instrument.items),
    )
