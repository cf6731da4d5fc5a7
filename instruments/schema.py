"""Typed models of an instrument file; the single description of the format.

The loader parses YAML into these models; everything outside `instruments/`
works with the models, never with the files.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LANGUAGES: tuple[str, ...] = ("en", "nl")
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
RESERVED_VALUES = frozenset({DONT_KNOW, NOT_APPLICABLE})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in every supported language."""

    en: NonEmpty
    nl: NonEmpty

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class OptionKind(StrEnum):
    SCORED = "scored"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"


class Option(Strict):
    value: Slug
    label: Text
    score: float | None = Field(default=None, ge=0, le=100)
    kind: OptionKind = OptionKind.SCORED

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


class Case(Strict):
    id: Slug
    dimensions: tuple[Slug, ...] = Field(min_length=1)
    title: Text
    text: Text
    sources: tuple[Source, ...] = Field(min_length=1)


class InstrumentFile(Strict):
    """The instrument exactly as written in its file."""

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

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def scored_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.kind is OptionKind.SCORED)


class Instrument(Strict):
    id: str
    version: str
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

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}
