"""Schema 2: tiered advice, findings in priority order and coherence (D3).

Thresholds follow the rung size (25 points):

* an item is a **low score** at nearest rung 1-2 (below 37.5): the basics are missing,
  so its basic recommendation applies; rungs 3-4 get the advanced recommendation and
  rung 5 none (an item at rung 3 does not get the advice for rung 1);
* views **disagree** on an item when their scores are 37.5 points (1.5 rungs) or more
  apart: their nearest rungs then always differ, which one rung of difference (25
  points, two views on either side of one level boundary) does not guarantee;
* an **awareness gap** is a "don't know" rate of 0.30 or more, as in schema 1;
* a policy is **coherent** when every dimension of the maturity test scores 50 or
  more (rung 3, I-inzicht's 2.5 on 1-4) and no dimension's level is held below 3 by
  its basics.
"""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import (
    COHERENCE_SCHEMA,
    HIGH_DONT_KNOW_RATE,
    ORG,
    Frame,
    checked,
    finish,
)
from survey.scoring.priorities import priorities_plan
from survey.scoring.v2.contract import (
    COHERENT_SCORE,
    LOW_LEVEL,
    PRIORITY_SCHEMA_V2,
    ROLE_DISAGREEMENT_V2,
)


def advice(level: pl.Expr) -> pl.Expr:
    """Which recommendation applies at an item's nearest rung: basic, advanced or none."""
    return (
        pl.when(level <= LOW_LEVEL)
        .then(pl.lit("basic"))
        .when(level <= 4)
        .then(pl.lit("advanced"))
        .otherwise(pl.lit(None, pl.String))
    )


def flagged() -> dict[str, pl.Expr]:
    return {
        "low_score": pl.col("level") <= LOW_LEVEL,
        "awareness_gap": pl.col("dont_know_rate") >= HIGH_DONT_KNOW_RATE,
        "role_disagreement": pl.col("role_spread") >= ROLE_DISAGREEMENT_V2,
    }


def priorities(item_results: Frame) -> pl.DataFrame:
    """Findings in priority order ((100 - score) x weight, as in schema 1), ranked per
    organisation; columns as :data:`PRIORITY_SCHEMA_V2` (with the item's level and
    the advice that applies)."""
    needed = [c for c in PRIORITY_SCHEMA_V2 if c not in ("rank", "finding")]
    plan = priorities_plan(checked(item_results, needed, "item_results"), flagged())
    return finish(plan, PRIORITY_SCHEMA_V2).collect()


def coherence(dimension_scores: Frame, maturity_instrument_id: str) -> pl.DataFrame:
    """Per organisation: coherent, false as soon as one maturity dimension fails, null
    when a dimension has no score and none fails."""
    frame = checked(dimension_scores, [ORG, "instrument_id", "score", "level"], "dimensions")
    meets = (pl.col("score") >= COHERENT_SCORE) & (pl.col("level") >= 3)
    judged = (
        frame.filter(pl.col("instrument_id") == maturity_instrument_id)
        .group_by(ORG)
        .agg(meets.all(ignore_nulls=False).alias("coherent"))
    )
    plan = frame.select(ORG).unique().join(judged, on=ORG, how="left")
    return finish(plan, COHERENCE_SCHEMA, [ORG]).collect()
