"""The improvement report as data: what goes in (:class:`ReportInput`) and what
comes out (:class:`ImprovementReport`), shared by the builders and the renderers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from instruments import Instrument

if TYPE_CHECKING:
    from analytics.report.followup import FollowUp

# --- input --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationProfile:
    name: str
    sector: str
    size_band: str
    country: str
    synthetic: bool = False


@dataclass(frozen=True)
class ReportInput:
    """Everything the improvement report is made of, already anonymised."""

    organisation: OrganisationProfile
    results: Mapping[str, Any]
    items: pl.DataFrame
    benchmark: pl.DataFrame
    instrument_benchmark: pl.DataFrame
    peer_group: str
    instruments: Sequence[Instrument]
    lang: str
    generated_on: date
    base_url: str | None = None
    agreed: Sequence[Mapping[str, Any]] = ()
    """The round's agreed actions (:func:`analytics.report.followup.gather`)."""
    carried: Sequence[Mapping[str, Any]] = ()
    """The organisation's actions of earlier rounds, with the change of their topics."""


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerFigures:
    """The published peer figures of one row: bands as text ("60–65"), the own
    position and percentile of bands, and ``note``: the rule behind what is missing."""

    peer_count: int
    suppressed: bool
    suppression: str | None
    median: str | None = None
    q1: str | None = None
    q3: str | None = None
    top_decile: str | None = None
    percentile: int | None = None
    position: str | None = None
    line: str = ""
    note: str = ""


@dataclass(frozen=True)
class InstrumentSummary:
    id: str
    title: str
    version: str
    score: float | None
    level: int | None
    peers: PeerFigures


@dataclass(frozen=True)
class DimensionRef:
    instrument_id: str
    instrument_title: str
    dimension_id: str
    title: str
    score: float | None
    level: int | None


@dataclass(frozen=True)
class RoleCount:
    """One line of "Who answered" (P5): a role, or "other roles" together; the count is
    None for "fewer than 3"."""

    role: str
    label: str
    respondents: int | None
    shown: bool


@dataclass(frozen=True)
class Overview:
    instruments: list[InstrumentSummary]
    quadrant: str | None
    quadrant_label: str
    quadrant_meaning: str
    control: float | None
    enablement: float | None
    coherent: bool | None
    coherence_label: str
    coherence_meaning: str
    strongest: list[DimensionRef]
    weakest: list[DimensionRef]
    peer_group: str
    peer_sentence: str
    roles: list[RoleCount]
    respondents: int


@dataclass(frozen=True)
class RoleScore:
    role: str
    label: str
    score: float


@dataclass(frozen=True)
class Finding:
    kinds: tuple[str, ...]
    instrument_id: str
    dimension_id: str
    item_id: str
    text: str


@dataclass(frozen=True)
class DimensionSnapshot:
    instrument_id: str
    instrument_title: str
    dimension_id: str
    title: str
    description: str
    score: float | None
    level: int | None
    level_description: str | None
    dont_know_rate: float | None
    dont_know_sentence: str
    respondents: int
    peers: PeerFigures
    role_scores: list[RoleScore]
    roles_sentence: str
    roles_note: str
    disagreement: float | None
    findings: list[Finding]


@dataclass(frozen=True)
class InstrumentSnapshot:
    id: str
    title: str
    score: float | None
    level: int | None
    dimensions: list[DimensionSnapshot]


@dataclass(frozen=True)
class ItemRow:
    item_id: str
    text: str
    score: float | None
    dont_know_rate: float | None
    role_spread: float | None
    respondents: int


@dataclass(frozen=True)
class DimensionItems:
    dimension_id: str
    title: str
    items: list[ItemRow]


@dataclass(frozen=True)
class InstrumentItems:
    id: str
    title: str
    dimensions: list[DimensionItems]


@dataclass(frozen=True)
class SourceRef:
    file: str
    section: str
    title: str


@dataclass(frozen=True)
class Priority:
    number: int
    rank: int
    finding: str
    finding_text: str
    instrument_id: str
    instrument_title: str
    dimension_id: str
    dimension_title: str
    item_id: str
    text: str
    score: float | None
    priority: float | None
    recommendation: str
    dialogue_question: str
    sources: list[SourceRef]


@dataclass(frozen=True)
class AwarenessGap:
    instrument_title: str
    dimension_title: str
    item_id: str
    text: str
    rate: float


@dataclass(frozen=True)
class Disagreement:
    instrument_title: str
    dimension_title: str
    text: str | None
    spread: float
    roles: list[RoleScore]


@dataclass(frozen=True)
class FullStory:
    instruments: list[InstrumentItems]
    priorities: list[Priority]
    awareness_gaps: list[AwarenessGap]
    more_awareness_gaps: int
    disagreements: list[Disagreement]


@dataclass(frozen=True)
class AgendaBlock:
    start: int
    end: int
    title: str
    detail: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class DialogueQuestion:
    question: str
    item_text: str
    dimension_title: str


@dataclass(frozen=True)
class DilemmaCase:
    id: str
    instrument_title: str
    title: str
    text: str
    dimension_titles: list[str]
    sources: list[SourceRef]


@dataclass(frozen=True)
class Invitee:
    role: str
    label: str
    reasons: list[str]


@dataclass(frozen=True)
class DialogueKit:
    agenda: list[AgendaBlock]
    questions: list[DialogueQuestion]
    cases: list[DilemmaCase]
    invitees: list[Invitee]

    @property
    def minutes(self) -> int:
        return sum(block.minutes for block in self.agenda)


@dataclass(frozen=True)
class ActionRow:
    number: int
    instrument_title: str
    dimension_title: str
    text: str
    recommendation: str
    source: str
    instrument_id: str
    dimension_id: str
    item_id: str
    owner: str = ""
    deadline: str = ""
    status: str = ""


@dataclass(frozen=True)
class Notes:
    method: list[str]
    anonymity: list[str]
    limits: list[str]


@dataclass(frozen=True)
class ScoreRow:
    """One dimension of the score export (CSV and the XLSX scores sheet)."""

    instrument: str
    instrument_title: str
    dimension: str
    dimension_title: str
    score: float | None
    level: int | None
    level_description: str | None
    dont_know_rate: float | None
    respondents: int


@dataclass(frozen=True)
class ImprovementReport:
    lang: str
    organisation: OrganisationProfile
    profile_text: str
    round_label: str
    closed_on: date | None
    generated_on: date
    synthetic: bool
    base_url: str | None
    overview: Overview
    snapshots: list[InstrumentSnapshot]
    story: FullStory
    dialogue: DialogueKit
    actions: list[ActionRow]
    notes: Notes
    scores: list[ScoreRow] = field(default_factory=list)
    followup: FollowUp | None = None
