"""Figures derived from others: coherence from dimensions, priorities from items.

Used when the figures change after scoring (the disclosure rules remove some), so
that coherence and the priorities never rest on a figure that was removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from survey.scoring.aggregation import coherence_plan
from survey.scoring.contract import COHERENCE_SCHEMA, ORG, PRIORITY_SCHEMA, finish
from survey.scoring.priorities import priorities_plan
from survey.scoring.v2 import findings

if TYPE_CHECKING:
    from survey.scoring.results import Scores


def coherence_and_priorities(scores: Scores) -> tuple[pl.DataFrame, pl.DataFrame]:
    if scores.scheme == 2:
        return (
            findings.coherence(scores.dimensions, scores.maturity_instrument_id),
            findings.priorities(scores.items),
        )
    coherence = coherence_plan(scores.dimensions.lazy(), scores.maturity_instrument_id)
    priorities = priorities_plan(scores.items.lazy())
    return (
        finish(coherence, COHERENCE_SCHEMA, [ORG]).collect(),
        finish(priorities, PRIORITY_SCHEMA).collect(),
    )
