"""Schema 2 input checks, on top of schema 1's (:mod:`survey.scoring.validation`)."""

from __future__ import annotations

import polars as pl

from survey.scoring.coding import answer_codes
from survey.scoring.contract import Frame
from survey.scoring.v2.contract import ANSWER_SCHEMA_V2, ITEM_SCHEMA_V2
from survey.scoring.validation import answer_checks, item_checks, raise_violations, typed


def validate_items_v2(items: Frame) -> pl.DataFrame:
    """``items`` (:data:`ITEM_SCHEMA_V2`); ValueError naming any problem."""
    frame = typed(items, ITEM_SCHEMA_V2, "items")
    checks = item_checks(ITEM_SCHEMA_V2, ())
    double = pl.col("weight") * 2
    checks["column 'weight' must come in half steps up to 10"] = (
        (double != double.round()) | (double > 20)
    ).fill_null(False)
    checks["column 'roles' must name at least one role"] = pl.col("roles").list.len() == 0
    raise_violations(frame, checks, "items")
    return frame


def validate_answers_v2(answers: Frame) -> pl.DataFrame:
    """``answers`` (:data:`ANSWER_SCHEMA_V2`); ValueError naming any problem."""
    frame = typed(answers, ANSWER_SCHEMA_V2, "answers")
    checks = answer_checks(ANSWER_SCHEMA_V2, ("score", "control", "enablement"))
    checks["column 'score' must be a rung: 0, 25, 50, 75 or 100"] = (
        pl.col("score") % 25 != 0
    ).fill_null(False)
    for axis in ("control", "enablement"):
        checks[f"column '{axis}' must be between 0 and 4"] = (
            ~pl.col(axis).is_between(0, 4)
        ).fill_null(False)
    raise_violations(frame, checks, "answers")
    answer_codes(frame)
    return frame
