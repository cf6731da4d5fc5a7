"""Schema 1, rule 8: control and enablement scored like a dimension over tagged items."""

from __future__ import annotations

import polars as pl

from survey.scoring.aggregation import half_rule, organisation_plan, role_plan
from survey.scoring.contract import ORG, TAGS
from survey.scoring.levels import quadrant


def balance_plan(
    tag_sums: pl.LazyFrame,
    respondents_in_scope: pl.LazyFrame,
    organisation_instruments: pl.LazyFrame,
    items: pl.LazyFrame,
) -> pl.LazyFrame:
    """Per organisation: control, enablement, their respondents and the quadrant.

    ``tag_sums`` holds the engine's sums per respondent and balance tag (columns
    respondent_id, tag, weighted, weights, scored_items); ``items`` carries tag codes
    (1 control, 2 enablement).
    """
    group = ["tag"]
    sums = tag_sums.select("respondent_id", "tag", "weighted", "weights", "scored_items")
    counts = (
        organisation_instruments.join(
            items.filter(pl.col("tag") > 0)
            .group_by("instrument_id", "tag")
            .agg(pl.len().alias("item_count")),
            on="instrument_id",
        )
        .group_by(ORG, "tag")
        .agg(pl.col("item_count").sum())
    )
    respondent = half_rule(
        respondents_in_scope.join(counts, on=ORG)
        .join(sums, on=["respondent_id", "tag"], how="left")
        .with_columns(pl.col("scored_items").fill_null(0))
    )
    organisation = organisation_plan(role_plan(respondent, group), group)
    per_tag = organisation.group_by(ORG).agg(
        pl.col(column).filter(pl.col("tag") == code).first().alias(alias)
        for code, tag in enumerate(TAGS, start=1)
        for column, alias in (("score", tag), ("respondents", f"{tag}_respondents"))
    )
    return (
        organisation_instruments.select(ORG)
        .unique()
        .join(per_tag, on=ORG, how="left")
        .with_columns(pl.col("control_respondents", "enablement_respondents").fill_null(0))
        .with_columns(quadrant(pl.col("control"), pl.col("enablement")).alias("quadrant"))
    )
