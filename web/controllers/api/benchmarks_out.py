"""The answers of the benchmark API: a closed round against its peers, and the integrity
office's statistics per group.

Peer figures are 5-point bands (``median_low``-``median_high`` ...); ``form`` says
which a group publishes, ``suppression`` the reason code of what it leaves out
(:mod:`survey.disclosure.rules`) and ``explanation`` that reason in every language.
"""

from __future__ import annotations

from typing import Literal

import msgspec
import polars as pl

from analytics import service
from analytics.benchmark import BAND_COLUMNS
from survey.disclosure import rules
from survey.disclosure.rules import Form

PeerGroup = Literal["all", "sector", "size_band", "country", "sector,size_band", "sector,country"]
OfficeBy = Literal["all", "sector", "size_band", "country", "year"]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    """Every struct of these answers: a field the service adds must be declared here."""


class PeerDimensionOut(Answer):
    """One dimension of the round against its peers; ``position`` is the own band's
    place against the median band (below, in, above), ``percentile`` only in the
    quartiles form."""

    instrument: str
    instrument_version: str
    dimension: str
    score: float | None
    score_suppressed: bool
    score_suppression: str | None
    median_low: float | None
    median_high: float | None
    q1_low: float | None
    q1_high: float | None
    q3_low: float | None
    q3_high: float | None
    top_decile_low: float | None
    top_decile_high: float | None
    position: str | None
    percentile: int | None
    peer_count: int
    known: int
    unknown: int
    form: Form
    suppressed: bool
    suppression: str | None
    explanation: dict[str, str] | None


class RoundBenchmarkOut(Answer):
    peer_group: PeerGroup
    peer_count: int
    suppressed: bool
    suppression: str | None
    explanation: dict[str, str] | None
    synthetic: bool
    dimensions: list[PeerDimensionOut]


class GroupDimensionOut(Answer):
    instrument: str
    instrument_version: str
    dimension: str
    peer_count: int
    known: int
    unknown: int
    form: Form
    suppressed: bool
    suppression: str | None
    explanation: dict[str, str] | None
    median_low: float | None
    median_high: float | None
    q1_low: float | None
    q1_high: float | None
    q3_low: float | None
    q3_high: float | None
    top_decile_low: float | None
    top_decile_high: float | None


class GroupOut(Answer):
    """One group of organisations; ``year`` is null for the current population."""

    peer_group: str
    synthetic: bool
    sector: str | None
    size_band: str | None
    country: str | None
    year: int | None
    peer_count: int
    dimensions: list[GroupDimensionOut]
    suppressed: bool
    suppression: str | None
    explanation: dict[str, str] | None


class FiltersOut(Answer):
    sector: str | None
    size_band: str | None
    country: str | None
    year: int | None
    synthetic: bool | None


class StatisticsOut(Answer):
    instrument: str
    version: str
    by: OfficeBy
    filters: FiltersOut
    groups: list[GroupOut]


def round_benchmark_out(found: service.RoundBenchmark) -> RoundBenchmarkOut:
    return RoundBenchmarkOut(
        peer_group=found.peer_group,  # type: ignore[arg-type]
        peer_count=found.peer_count,
        suppressed=found.suppressed,
        suppression=found.suppression,
        explanation=rules.explanations(found.suppression),
        synthetic=found.synthetic,
        dimensions=[
            PeerDimensionOut(
                instrument=row["instrument_id"],
                instrument_version=row["instrument_version"],
                dimension=row["dimension_id"],
                score=row["score"],
                score_suppressed=row["score_suppressed"],
                score_suppression=rules.FEW_RESPONDENTS if row["score_suppressed"] else None,
                **{name: row[name] for name in BAND_COLUMNS},
                position=row["position"],
                percentile=row["percentile"],
                peer_count=row["peer_count"],
                known=row["known"],
                unknown=row["unknown"],
                form=Form(row["form"]),
                suppressed=row["suppressed"],
                suppression=row["suppression"],
                explanation=rules.explanations(row["suppression"]),
            )
            for row in found.dimensions.iter_rows(named=True)
        ],
    )


def statistics_out(
    statistics: pl.DataFrame, *, instrument: str, version: str, by: OfficeBy, filters: FiltersOut
) -> StatisticsOut:
    """:func:`analytics.service.office_statistics` rows as the typed answer, grouped
    by :func:`analytics.service.office_groups` (which the dashboard pages read too)."""
    return StatisticsOut(
        instrument=instrument,
        version=version,
        by=by,
        filters=filters,
        groups=msgspec.convert(service.office_groups(statistics), list[GroupOut], strict=True),
    )
