"""Improvement priorities: one row per finding, in priority order (rule 10)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from survey.scoring.contract import FINDINGS, HIGH_DONT_KNOW_RATE, ORG, ROLE_DISAGREEMENT


def priorities_plan(
    item_results: pl.LazyFrame, flagged: Mapping[str, pl.Expr] | None = None
) -> pl.LazyFrame:
    """Findings flagged by ``flagged`` (schema 1's rules by default), ordered by priority,
    then finding kind, "don't know" rate, role spread and ids; ranked per organisation."""
    if flagged is None:
        flagged = {
            "low_score": pl.col("priority") > 0,
            "awareness_gap": pl.col("dont_know_rate") >= HIGH_DONT_KNOW_RATE,
            "role_disagreement": pl.col("role_spread") >= ROLE_DISAGREEMENT,
        }
    findings = pl.concat(
        item_results.filter(condition).with_columns(
            pl.lit(finding).alias("finding"),
            pl.lit(FINDINGS.index(finding), pl.Int8).alias("finding_order"),
        )
        for finding, condition in flagged.items()
    )
    order = {
        ORG: False,
        "priority": True,
        "finding_order": False,
        "dont_know_rate": True,
        "role_spread": True,
        "instrument_id": False,
        "dimension_id": False,
        "item_id": False,
    }
    return findings.sort(
        list(order), descending=list(order.values()), nulls_last=True
    ).with_columns(pl.int_range(1, pl.len() + 1).over(ORG).alias("rank"))
