"""The JSON shapes of the API (a public contract: fields may be added, never renamed).

Request bodies ignore unknown fields; responses are built from the domain objects
by the ``*_out`` functions so that every controller writes the same shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from instruments import Instrument, Item, Option
from survey.i18n import LANGUAGES
from survey.models import Organisation, Response, Round
from survey.services.rounds import Progress

if TYPE_CHECKING:
    Lang = str
else:
    Lang = Literal[LANGUAGES]
    """One of the catalogue's languages: validated and listed in the OpenAPI schema."""
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]  # OpenAPI security requirement
NO_NUL = "^[^\\x00]*$"  # no database can store a NUL character in text
Text = Annotated[str, msgspec.Meta(max_length=1000, pattern=NO_NUL)]
Id = Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)]
Status = Literal["planned", "in_progress", "done", "dropped"]
"""The status of an action."""
Finding = Literal["low_score", "awareness_gap", "role_disagreement"]
"""What made an item a priority."""


# --- requests ----------------------------------------------------------------------


class OrganisationIn(msgspec.Struct):
    name: Text
    sector: Id
    size_band: Id
    country: Id
    share_with_integrity_office: bool = False


class RoundIn(msgspec.Struct):
    label: Text
    instruments: Annotated[list[Id], msgspec.Meta(max_length=100)]


class ResponseIn(msgspec.Struct):
    role: Id
    lang: Id = "en"


class AnswersIn(msgspec.Struct):
    answers: Annotated[dict[Id, Id], msgspec.Meta(max_length=500)]
    page: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | None = None


# --- responses ---------------------------------------------------------------------


class IdTitle(msgspec.Struct):
    id: str
    title: str


class InstrumentSummary(msgspec.Struct):
    id: str
    version: str
    title: str
    description: str
    item_count: int
    dimensions: list[IdTitle]


class OptionOut(msgspec.Struct):
    value: str
    label: str
    score: float | None
    kind: Literal["scored", "dont_know", "not_applicable"]


class SourceOut(msgspec.Struct):
    file: str
    section: str


class DocumentOut(msgspec.Struct):
    file: str
    title: str


class ItemOut(msgspec.Struct):
    id: str
    dimension: str
    text: str
    weight: float
    tag: str | None
    uses: list[str]
    roles: list[str]
    """The roles this item is asked of (routing by role); empty means every role."""
    options: list[OptionOut]
    recommendation: str
    dialogue_question: str
    sources: list[SourceOut]


class DimensionOut(msgspec.Struct):
    id: str
    title: str
    description: str
    levels: list[str]


class InstrumentDetail(msgspec.Struct):
    id: str
    version: str
    title: str
    description: str
    sources: list[DocumentOut]
    dimensions: list[DimensionOut]
    items: list[ItemOut]


class VocabularyEntryOut(msgspec.Struct):
    id: str
    label: str


class VocabulariesOut(msgspec.Struct):
    sectors: list[VocabularyEntryOut]
    size_bands: list[VocabularyEntryOut]
    roles: list[VocabularyEntryOut]
    countries: list[VocabularyEntryOut]


class Registered(msgspec.Struct):
    id: str
    coordinator_token: str
    dashboard_url: str


class OrganisationOut(msgspec.Struct):
    id: str
    name: str
    sector: str
    size_band: str
    country: str
    share_with_integrity_office: bool
    created_at: datetime


class PinnedInstrument(msgspec.Struct):
    id: str
    version: str


class RoleProgress(msgspec.Struct):
    started: int
    submitted: int


class ProgressOut(msgspec.Struct):
    started: int
    submitted: int
    by_role: dict[str, RoleProgress]


class OpenedRoundOut(msgspec.Struct):
    id: str
    invite_code: str
    invite_url: str


class RoundOut(msgspec.Struct):
    id: str
    organisation_id: str
    label: str
    status: Literal["open", "closed"]
    opened_at: datetime
    closed_at: datetime | None
    instruments: list[PinnedInstrument]
    responses: ProgressOut
    invite_code: str | None = None
    invite_url: str | None = None


class StartedOut(msgspec.Struct):
    id: str
    token: str
    resume_url: str


class RoundBrief(msgspec.Struct):
    id: str
    label: str
    status: Literal["open", "closed"]


class ResponseOut(msgspec.Struct):
    id: str
    status: Literal["draft", "submitted"]
    role: str
    lang: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    last_page: int
    round: RoundBrief
    instruments: list[PinnedInstrument]
    answers: dict[str, str]
    answered: int
    total: int


class SavedOut(msgspec.Struct):
    answered: int
    total: int


# --- builders ----------------------------------------------------------------------


def instrument_summary(instrument: Instrument, lang: str) -> InstrumentSummary:
    return InstrumentSummary(
        id=instrument.id,
        version=instrument.version,
        title=instrument.title.get(lang),
        description=instrument.description.get(lang),
        item_count=len(instrument.items),
        dimensions=[IdTitle(d.id, d.title.get(lang)) for d in instrument.dimensions],
    )


def _option(option: Option, lang: str) -> OptionOut:
    return OptionOut(
        value=option.value,
        label=option.label.get(lang),
        score=option.score,
        kind=option.kind.value,  # type: ignore[arg-type]
    )


def _item(item: Item, lang: str) -> ItemOut:
    return ItemOut(
        id=item.id,
        dimension=item.dimension,
        text=item.text.get(lang),
        weight=item.weight,
        tag=item.tag.value if item.tag else None,
        uses=[u.value for u in item.uses],
        roles=list(item.roles),
        options=[_option(o, lang) for o in item.options],
        recommendation=item.recommendation.get(lang),
        dialogue_question=item.dialogue_question.get(lang),
        sources=[SourceOut(s.file, s.section) for s in item.sources],
    )


def instrument_detail(instrument: Instrument, lang: str) -> InstrumentDetail:
    return InstrumentDetail(
        id=instrument.id,
        version=instrument.version,
        title=instrument.title.get(lang),
        description=instrument.description.get(lang),
        sources=[DocumentOut(s.file, s.title) for s in instrument.sources],
        dimensions=[
            DimensionOut(
                id=d.id,
                title=d.title.get(lang),
                description=d.description.get(lang),
                levels=[level.get(lang) for level in d.levels],
            )
            for d in instrument.dimensions
        ],
        items=[_item(i, lang) for i in instrument.items],
    )


def organisation_out(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        sector=organisation.sector,
        size_band=organisation.size_band,
        country=organisation.country,
        share_with_integrity_office=organisation.share_with_integrity_office,
        created_at=organisation.created_at,
    )


def pinned(round_: Round) -> list[PinnedInstrument]:
    return [PinnedInstrument(p.instrument_id, p.instrument_version) for p in round_.instruments]


def round_out(
    round_: Round, progress: Progress, *, invite_code: str | None, invite_url: str | None
) -> RoundOut:
    return RoundOut(
        id=round_.id,
        organisation_id=round_.organisation_id,
        label=round_.label,
        status=round_.status,  # type: ignore[arg-type]
        opened_at=round_.opened_at,
        closed_at=round_.closed_at,
        instruments=pinned(round_),
        responses=ProgressOut(
            started=progress.started,
            submitted=progress.submitted,
            by_role={
                role: RoleProgress(counts["started"], counts["submitted"])
                for role, counts in progress.by_role.items()
            },
        ),
        invite_code=invite_code,
        invite_url=invite_url,
    )


def response_out(
    response: Response,
    round_: Round,
    answers: dict[str, str],
    *,
    answered: int,
    total: int,
) -> ResponseOut:
    return ResponseOut(
        id=response.id,
        status=response.status,  # type: ignore[arg-type]
        role=response.role,
        lang=response.lang,
        created_at=response.created_at,
        updated_at=response.updated_at,
        submitted_at=response.submitted_at,
        last_page=response.last_page,
        round=RoundBrief(round_.id, round_.label, round_.status),  # type: ignore[arg-type]
        instruments=pinned(round_),
        answers=answers,
        answered=answered,
        total=total,
    )


def vocabularies_out(raw: dict[str, list[dict[str, str]]]) -> VocabulariesOut:
    return msgspec.convert(raw, VocabulariesOut)
