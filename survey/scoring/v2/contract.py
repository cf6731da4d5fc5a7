"""Schema 2: input and output columns and the rule constants (D2, D3)."""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import (
    ANSWER_SCHEMA,
    BALANCE_SCHEMA,
    DIMENSION_SCHEMA,
    INSTRUMENT_SCHEMA,
    ITEM_RESULT_SCHEMA,
    PRIORITY_SCHEMA,
    ROLE_DIMENSION_SCHEMA,
)

OTHER = "other"
"""The view of the pooled small role groups ("other roles")."""
WEIGHT_CAP = 10
"""c_v = min(n_v, WEIGHT_CAP): a view counts with its respondents, up to 10."""
COHERENT_SCORE = 50.0
"""Every maturity-test dimension at 50 or more (rung 3) and not held below level 3."""
LOW_LEVEL = 2
"""An item at nearest rung 1-2 is a low score (its basic recommendation applies)."""
ROLE_DISAGREEMENT_V2 = 37.5
"""Views 1.5 rungs apart or more disagree (their nearest rungs always differ)."""
MIN_MARGIN = 5.0
"""The smallest uncertainty margin of a balance axis: one 5-point band."""
PLANNING_SD = 25.0
"""The assumed spread of respondents' orientation within one organisation: one emphasis
step. A margin from the observed spread would reveal the spread of small views."""
FIGURE_KINDS = ("dimension", "item", "use", "control", "enablement")
AXES = ("control", "enablement")
ADVICE = ("basic", "advanced")

ITEM_SCHEMA_V2: dict[str, pl.DataType] = {
    "item_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "weight": pl.Float64(),
    "roles": pl.List(pl.String()),
    "uses": pl.List(pl.String()),
    "basic": pl.Boolean(),
    "control_item": pl.Boolean(),
    "enablement_item": pl.Boolean(),
}
ANSWER_SCHEMA_V2: dict[str, pl.DataType] = {
    **ANSWER_SCHEMA,
    "control": pl.Int8(),
    "enablement": pl.Int8(),
}
DIMENSION_SCHEMA_V2: dict[str, pl.DataType] = {
    **DIMENSION_SCHEMA,
    "ungated_level": pl.Int8(),
    "left_out": pl.Int64(),
    "fragile": pl.Boolean(),
}
ROLE_DIMENSION_SCHEMA_V2 = ROLE_DIMENSION_SCHEMA
INSTRUMENT_SCHEMA_V2 = INSTRUMENT_SCHEMA
ITEM_RESULT_SCHEMA_V2: dict[str, pl.DataType] = {
    **ITEM_RESULT_SCHEMA,
    "level": pl.Int8(),
    "advice": pl.String(),
    "left_out": pl.Int64(),
}
USE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "use": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "respondents": pl.Int64(),
    "views": pl.Int64(),
    "left_out": pl.Int64(),
    "fragile": pl.Boolean(),
}
ORIENTATION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    **{k: v for k, v in BALANCE_SCHEMA.items() if k != "organisation_id"},
    "control_margin": pl.Float64(),
    "enablement_margin": pl.Float64(),
    "near_line": pl.Boolean(),
    "control_left_out": pl.Int64(),
    "enablement_left_out": pl.Int64(),
}
BALANCE_SCHEMA_V2: dict[str, pl.DataType] = {
    k: v for k, v in ORIENTATION_SCHEMA.items() if k != "instrument_id"
}
VIEW_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "kind": pl.String(),
    "figure_id": pl.String(),
    "view": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
}
PRIORITY_SCHEMA_V2: dict[str, pl.DataType] = {
    **PRIORITY_SCHEMA,
    "level": pl.Int8(),
    "advice": pl.String(),
}
