"""Item statistics as the integrity office reads them (issue 11, item 10).

Loads the submitted answers of closed rounds on one instrument version and puts
:mod:`analytics.item_statistics` into rows for the office dashboard and the sector
report, each figure with the number of organisations behind it and hidden (None)
below :data:`analytics.item_statistics.MIN_ORGANISATIONS`. The population is the one
the sector report uses: real organisations, or the labelled demo population when no
real one has results.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics import item_statistics as stats
from instruments import Instrument, vocabularies
from survey.models import Answer, Organisation, Response, Round, RoundInstrument

ANSWER_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "item_id": pl.String(),
    "option_value": pl.String(),
}


def load_answers(session: Session, instrument: Instrument, *, synthetic: bool) -> pl.DataFrame:
    """Submitted answers to ``instrument`` (at its version) in closed rounds, as the
    input of :mod:`analytics.item_statistics`."""
    rows = session.execute(
        select(
            Round.organisation_id, Response.id, Response.role, Answer.item_id, Answer.option_value
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Round, Round.id == Response.round_id)
        .join(
            RoundInstrument,
            (RoundInstrument.round_id == Round.id)
            & (RoundInstrument.instrument_id == Answer.instrument_id),
        )
        .join(Organisation, Organisation.id == Round.organisation_id)
        .where(
            Answer.instrument_id == instrument.id,
            RoundInstrument.instrument_version == instrument.version,
            Round.status == "closed",
            Response.status == "submitted",
            Organisation.synthetic == synthetic,
        )
    ).all()
    raw = pl.DataFrame([tuple(r) for r in rows], schema=ANSWER_SCHEMA, orient="row")
    options = pl.DataFrame(
        [
            {
                "item_id": item.id,
                "option_value": option.value,
                "dimension_id": item.dimension,
                "weight": item.weight,
                "score": option.score if option.kind.value == "scored" else None,
                "kind": option.kind.value,
            }
            for item in instrument.items
            for option in item.options
        ],
        schema={
            "item_id": pl.String(),
            "option_value": pl.String(),
            "dimension_id": pl.String(),
            "weight": pl.Float64(),
            "score": pl.Float64(),
            "kind": pl.String(),
        },
    )
    return raw.join(options, on=["item_id", "option_value"]).with_columns(
        pl.lit(instrument.id).alias("instrument_id"),
        pl.lit(instrument.version).alias("instrument_version"),
    )


@dataclass(frozen=True)
class Figure:
    """One statistic and the organisations behind it (value None: hidden)."""

    value: float | None
    organisations: int


@dataclass(frozen=True)
class DimensionRow:
    title: str
    alpha: Figure
    alpha_pairwise: Figure
    icc1: Figure
    respondents: int


@dataclass(frozen=True)
class ItemRow:
    dimension: str
    item_id: str
    text: str
    correlation: Figure


@dataclass(frozen=True)
class RoleRow:
    dimension: str
    cells: list[Figure]


@dataclass(frozen=True)
class ItemStatistics:
    """Everything the office sees; ``roles`` label the columns of ``dont_know``."""

    dimensions: list[DimensionRow]
    items: list[ItemRow]
    roles: list[str]
    dont_know: list[RoleRow]
    minimum: int

    @property
    def empty(self) -> bool:
        return not self.dimensions


def _by(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, object]]:
    return {tuple(str(r[k]) for k in keys): r for r in frame.iter_rows(named=True)}


def _figure(row: dict[str, object] | None, column: str) -> Figure:
    if row is None:
        return Figure(None, 0)
    value = row[column]
    return Figure(
        None if value is None else float(value),  # type: ignore[arg-type]
        int(row["organisations"]),  # type: ignore[call-overload]
    )


def item_statistics(answers: pl.DataFrame, instrument: Instrument, lang: str) -> ItemStatistics:
    """The statistics of ``answers`` (from :func:`load_answers`) in rows, in the
    instrument's order of dimensions, items and roles."""
    if answers.is_empty():
        return ItemStatistics([], [], [], [], stats.MIN_ORGANISATIONS)
    alpha = _by(stats.cronbach_alpha(answers), ["dimension_id"])
    pairwise = _by(stats.pairwise_alpha(answers), ["dimension_id"])
    icc = _by(stats.icc1(answers), ["dimension_id"])
    totals = _by(stats.item_total_correlations(answers), ["item_id"])
    dont_know = _by(stats.dont_know_by_role(answers), ["dimension_id", "role"])
    role_vocabulary = vocabularies().roles
    present = set(answers.get_column("role").unique().to_list())
    roles = [r for r in role_vocabulary.ids() if r in present]
    dimensions, items, rates = [], [], []
    for dimension in instrument.dimensions:
        title = str(dimension.title.get(lang))
        key = (dimension.id,)
        if key not in icc:
            continue
        dimensions.append(
            DimensionRow(
                title,
                _figure(alpha.get(key), "alpha"),
                _figure(pairwise.get(key), "alpha_pairwise"),
                _figure(icc[key], "icc1"),
                int(icc[key]["respondents"]),  # type: ignore[call-overload]
            )
        )
        for item in instrument.items:
            if item.dimension == dimension.id and (item.id,) in totals:
                items.append(
                    ItemRow(
                        title,
                        item.id,
                        str(item.text.get(lang)),
                        _figure(totals[(item.id,)], "correlation"),
                    )
                )
        rates.append(
            RoleRow(
                title,
                [_figure(dont_know.get((dimension.id, role)), "dont_know_rate") for role in roles],
            )
        )
    return ItemStatistics(
        dimensions,
        items,
        [str(role_vocabulary.label(r, lang)) for r in roles],
        rates,
        stats.MIN_ORGANISATIONS,
    )
