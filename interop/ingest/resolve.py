"""From a column header to a question, and from a cell to an answer option.

A column is a question when its header is the question's code (``Q03``), the item
id, the code with a LimeSurvey subquestion (``Q03[SQ001]`` written in the mapping) or
a group path (KoboToolbox ``guideline/Q03``), starts with the code (``Q03. There
is ...``), or is the question text in English or Dutch. A cell is an answer when it
is an answer code (``3``, ``3.0``), the option's value or its label in either
language; in plain wide and long files it may also be a score, which must then be
one of the item's option scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from instruments.schema import OptionKind
from interop.codebook import (
    MARKER_CODE,
    ORGANISATION_CODE,
    ROLE_CODE,
    ROLE_QUESTION,
    AnswerCode,
    Codebook,
    Question,
)
from interop.ingest.table import parse_number
from interop.vocab import normal, resolvers

EMPTY = frozenset({"", "n/a", "na", "#n/a", "null", "nan", "none"})
_CODE_PREFIX = re.compile(r"^\[?([A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?)\]?\s*[.:)\-]\s+\S")
_SUBQUESTION = re.compile(r"^(.+)\[([^\]]+)\]$")


@dataclass(frozen=True)
class Column:
    """What a column holds: a question's answers, the role, the instrument marker or
    the organisation."""

    kind: str
    question: Question | None = None


ROLE = Column("role")
MARKER = Column("marker")
ORGANISATION = Column("organisation")
ORGANISATION_NAMES = (
    "organisation",
    "organisation_id",
    "organization",
    "organization_id",
    "organisatie",
    ORGANISATION_CODE,
)


SPECIAL: dict[str, Column] = {
    **{normal(n): ROLE for n in (ROLE_CODE, "role", "rol", ROLE_QUESTION.en, ROLE_QUESTION.nl)},
    **{normal(n): MARKER for n in (MARKER_CODE, "instrument")},
    **{normal(n): ORGANISATION for n in ORGANISATION_NAMES},
}


def special(header: str) -> Column | None:
    """The role, instrument marker or organisation column, whatever the instrument."""
    for candidate in _candidates(header):
        found = SPECIAL.get(normal(candidate))
        if found is not None:
            return found
    return None


class ColumnIndex:
    def __init__(self, book: Codebook) -> None:
        known: dict[str, Column] = dict(SPECIAL)
        for question in book.questions:
            column = Column("question", question)
            for key in (question.code, question.item_id, question.text.en, question.text.nl):
                known.setdefault(normal(key), column)
        self._known = known

    def find(self, header: str, labels: tuple[str, ...] = ()) -> Column | None:
        for text in (header, *labels):
            for candidate in _candidates(text):
                found = self._known.get(normal(candidate))
                if found is not None:
                    return found
        return None


def _candidates(header: str) -> list[str]:
    found = [header]
    sub = _SUBQUESTION.match(header)
    if sub:
        found.append(f"{sub.group(1)}_{sub.group(2)}")
    if "/" in header:
        found.append(header.rsplit("/", 1)[1])
    prefix = _CODE_PREFIX.match(header)
    if prefix:
        found.append(prefix.group(1))
    return found


class AnswerIndex:
    """The options of one question by code, value and label; scores when allowed."""

    def __init__(self, question: Question, *, scores: bool) -> None:
        known: dict[str, AnswerCode] = {}
        for answer in question.answers:
            known.setdefault(answer.code.strip().casefold(), answer)
        for answer in question.answers:
            for key in (answer.value, answer.label.en, answer.label.nl):
                known.setdefault(normal(key), answer)
        self._known = known
        self._scores = (
            {
                a.score: a
                for a in question.answers
                if a.kind is OptionKind.SCORED and a.score is not None
            }
            if scores
            else {}
        )
        self.question = question

    def find(self, raw: str) -> AnswerCode | None:
        value = raw.strip()
        found = self._known.get(value.casefold()) or self._known.get(normal(value))
        if found is not None:
            return found
        number = parse_number(value)
        if number is not None and number.is_integer():
            found = self._known.get(str(int(number)))
            if found is not None:
                return found
        if number is not None and self._scores:
            return self._scores.get(number)
        return None

    def is_score_like(self, raw: str) -> bool:
        return bool(self._scores) and parse_number(raw) is not None

    def allowed(self) -> str:
        codes = ", ".join(a.code for a in self.question.answers)
        return f"use an answer code ({codes}), an option value or its label"


def is_empty(raw: str) -> bool:
    return raw.strip().casefold() in EMPTY


class RoleIndex:
    """Roles by their code in the codebook, their id or their label in either language."""

    def __init__(self, book: Codebook) -> None:
        self._codes = {r.code.strip().casefold(): r.role for r in book.roles}
        self._vocabulary = resolvers()["role"]

    def find(self, raw: str) -> str | None:
        value = raw.strip()
        number = parse_number(value)
        key = str(int(number)) if number is not None and number.is_integer() else value.casefold()
        return self._codes.get(key) or self._vocabulary.resolve(value)

    def problem(self, raw: str) -> str:
        return self._vocabulary.problem(raw)
