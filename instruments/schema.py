"""Typed models of an instrument file; the single description of the format.

The loader parses YAML into these models; everything outside `instruments/`
works with the models, never with the files.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from instruments.files import HALF_STEPS

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
RESERVED_VALUES = frozenset({DONT_KNOW, NOT_APPLICABLE})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(BaseModel):
    """A text in English and Dutch, and in any further language the catalogues offer
    (one key per language code, such as ``fr``); a language without its own text here
    shows the English one."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    en: NonEmpty
    nl: NonEmpty

    @model_validator(mode="after")
    def _further_languages(self) -> Text:
        for code, text in (self.model_extra or {}).items():
            if not LANGUAGE_CODE.match(code) or not isinstance(text, str) or not text.strip():
                raise ValueError(f"'{code}': give a language code (such as 'fr') and its text")
        return self

    def get(self, lang: str) -> str:
        if lang == "nl":
            return self.nl
        further: dict[str, str] = self.model_extra or {}
        return further.get(lang) or self.en


class OptionKind(StrEnum):
    SCORED = "scored"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"


class Emphasis(Strict):
    """How strongly an answer option expresses control and enablement (0 none .. 4 very strong).

    This is orientation, not maturity: a total ban is strong control and no enablement,
    whatever rung of the maturity ladder it sits on. Schema 2 only; either part may be
    left out when the option says nothing about it.
    """

    control: int | None = Field(default=None, ge=0, le=4)
    enablement: int | None = Field(default=None, ge=0, le=4)

    @model_validator(mode="after")
    def _says_something(self) -> Emphasis:
        if self.control is None and self.enablement is None:
            raise ValueError("give 'control', 'enablement' or both")
        return self


class Option(Strict):
    value: Slug
    label: Text
    score: float | None = Field(default=None, ge=0, le=100)
    kind: OptionKind = OptionKind.SCORED
    rung: int | None = Field(default=None, ge=1, le=5)
    emphasis: Emphasis | None = None

    @model_validator(mode="after")
    def _score_matches_kind(self) -> Option:
        if self.kind is OptionKind.SCORED and self.score is None:
            raise ValueError("a scored option needs a score between 0 and 100")
        if self.kind is not OptionKind.SCORED and self.score is not None:
            raise ValueError(f"a '{self.kind.value}' option has no score")
        return self


class FileOption(Strict):
    """An option as written in a file: always scored; the loader adds the others."""

    value: Slug
    label: Text
    score: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _not_reserved(self) -> FileOption:
        if self.value in RESERVED_VALUES:
            raise ValueError(f"'{self.value}' is reserved; the loader adds it itself")
        return self


class Source(Strict):
    file: NonEmpty
    section: NonEmpty


class DocumentSource(Strict):
    file: NonEmpty
    title: NonEmpty


class Tag(StrEnum):
    CONTROL = "control"
    ENABLEMENT = "enablement"


class Use(StrEnum):
    ORGANIZATIONAL = "organizational"
    PROFESSIONAL = "professional"
    PERSONAL = "personal"


class Dimension(Strict):
    id: Slug
    title: Text
    description: Text
    levels: tuple[Text, Text, Text, Text, Text]
    basics: tuple[Slug, ...] = ()
    """Schema 2: items of this dimension that gate its level (see docs/instrument-format.md)."""


class ItemFile(Strict):
    id: Slug
    dimension: Slug
    weight: float = Field(gt=0, le=10)
    tag: Tag | None = None
    uses: tuple[Use, ...] = ()
    text: Text
    options: tuple[FileOption, ...] | None = None
    scale: Slug | None = None
    not_applicable: bool = True
    not_applicable_reason: str | None = None
    recommendation: Text
    dialogue_question: Text
    sources: tuple[Source, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_answer_scale(self) -> ItemFile:
        if (self.options is None) == (self.scale is None):
            raise ValueError("give either 'options' or 'scale', not both or neither")
        if not self.not_applicable and not self.not_applicable_reason:
            raise ValueError("'not_applicable: false' needs a 'not_applicable_reason'")
        return self


class OptionFileV2(Strict):
    """A rung of a schema-2 ladder: its score and level follow from its position."""

    value: Slug
    label: Text
    emphasis: Emphasis | None = None

    @model_validator(mode="after")
    def _not_reserved(self) -> OptionFileV2:
        if self.value in RESERVED_VALUES:
            raise ValueError(f"'{self.value}' is reserved; the loader adds it itself")
        return self


class Recommendations(Strict):
    """Advice by where the organisation stands on an item.

    ``basic`` for rungs 1-2 (the basics are missing), ``advanced`` for rungs 3-4 (the
    basics are there; what takes it further). Nothing is advised at rung 5.
    """

    basic: Text
    advanced: Text


class ItemFileV2(Strict):
    id: Slug
    dimension: Slug
    weight: float = 1.0
    uses: tuple[Use, ...] = ()
    roles: tuple[Slug, ...] = Field(min_length=1)
    text: Text
    options: tuple[OptionFileV2, ...] = Field(min_length=5, max_length=5)
    not_applicable_reason: Text | None = None
    recommendations: Recommendations
    dialogue_question: Text
    sources: tuple[Source, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _weight_in_half_steps(self) -> ItemFileV2:
        if self.weight not in HALF_STEPS:
            raise ValueError("weight must be 0.5, 1.0, 1.5 or 2.0")
        return self


LADDER_SCORES: tuple[float, ...] = (0.0, 25.0, 50.0, 75.0, 100.0)


class Ladder(Strict):
    """Schema 2: the one-to-one mapping of rungs to scores and levels, written in each file."""

    scores: tuple[float, float, float, float, float]
    levels: tuple[int, int, int, int, int]

    @model_validator(mode="after")
    def _one_to_one(self) -> Ladder:
        if self.scores != LADDER_SCORES or self.levels != (1, 2, 3, 4, 5):
            raise ValueError(
                "the ladder must map rungs 1-5 to scores 0, 25, 50, 75, 100 and levels 1-5"
            )
        return self


class Case(Strict):
    id: Slug
    dimensions: tuple[Slug, ...] = Field(min_length=1)
    title: Text
    text: Text
    sources: tuple[Source, ...] = Field(min_length=1)


class InstrumentFileV2(Strict):
    """A schema-2 instrument exactly as written in its file."""

    schema_version: Literal[2] = Field(alias="schema")
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")]
    title: Text
    description: Text
    sources: tuple[DocumentSource, ...] = Field(min_length=1)
    ladder: Ladder
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    items: tuple[ItemFileV2, ...] = Field(min_length=1)
    cases: tuple[Case, ...] = ()


class InstrumentFile(Strict):
    """A schema-1 instrument exactly as written in its file."""

    schema_version: Literal[1] = Field(alias="schema")
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")]
    title: Text
    description: Text
    sources: tuple[DocumentSource, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    scales: dict[Slug, tuple[FileOption, ...]] = Field(default_factory=dict)
    items: tuple[ItemFile, ...] = Field(min_length=1)
    cases: tuple[Case, ...] = ()


class Item(Strict):
    """An item ready for answering: the complete option list, reserved options included."""

    id: str
    dimension: str
    weight: float
    tag: Tag | None
    uses: tuple[Use, ...]
    text: Text
    options: tuple[Option, ...]
    recommendation: Text
    dialogue_question: Text
    sources: tuple[Source, ...]
    roles: tuple[str, ...] = ()
    """The roles this item is asked of; empty means every role (schema 1)."""
    advanced_recommendation: Text | None = None
    """Schema 2: the advice once the basics are there (rungs 3-4); ``recommendation``
    is the advice for rungs 1-2."""
    not_applicable_reason: Text | None = None

    def asked_of(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def scored_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.kind is OptionKind.SCORED)


class Instrument(Strict):
    id: str
    version: str
    scheme: Literal[1, 2] = 1
    """The scoring rules the instrument's answers follow: its file's schema version."""
    title: Text
    description: Text
    sources: tuple[DocumentSource, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    cases: tuple[Case, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    def item(self, item_id: str) -> Item | None:
        return self._items_by_id.get(item_id)

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def items_of(self, dimension_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.dimension == dimension_id)

    def items_for(self, role: str) -> tuple[Item, ...]:
        """The items asked of a respondent in ``role`` (routing by role, schema 2)."""
        return tuple(i for i in self.items if i.asked_of(role))

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}
