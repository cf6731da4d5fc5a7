"""The result of one scoring run: every analysis as a frame."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import polars as pl

from survey.scoring import derive
from survey.scoring.contract import DEFAULT_MATURITY_INSTRUMENT


def _empty() -> pl.DataFrame:
    return pl.DataFrame()


@dataclass(frozen=True)
class Scores:
    """Every analysis of one scoring run. Raw: pass it through
    ``survey.disclosure.roles.anonymise_scores`` before showing anything.

    ``scheme`` names the rules the frames follow (1 or 2). Schema 2 adds ``uses``
    (scores per functional use), ``orientations`` (balance per instrument) and
    ``views`` (the views of items, uses and balance axes; the dimension views are
    ``role_dimensions``).
    """

    respondent_dimensions: pl.DataFrame
    role_dimensions: pl.DataFrame
    dimensions: pl.DataFrame
    instruments: pl.DataFrame
    items: pl.DataFrame
    balance: pl.DataFrame
    coherence: pl.DataFrame
    priorities: pl.DataFrame
    maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
    scheme: int = 1
    uses: pl.DataFrame = field(default_factory=_empty)
    orientations: pl.DataFrame = field(default_factory=_empty)
    views: pl.DataFrame = field(default_factory=_empty)

    def with_figures(self, **frames: pl.DataFrame) -> Scores:
        """A copy with ``frames`` replaced and coherence and priorities worked out
        again from the new dimension and item frames (so they never rest on a figure
        that was removed)."""
        replaced = dataclasses.replace(self, **frames)  # type: ignore[arg-type]
        coherence, priorities = derive.coherence_and_priorities(replaced)
        return dataclasses.replace(replaced, coherence=coherence, priorities=priorities)
