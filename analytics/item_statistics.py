"""Item statistics for the integrity office (issue 11, point 10): pure Polars functions.

Per instrument version and dimension, across organisations: reliability (Cronbach's
alpha), corrected item-total correlations, "don't know" rates by role and agreement
within organisations (ICC(1)), each with the number of organisations behind it and
suppressed (null, ``suppressed`` true) below ``MIN_ORGANISATIONS``.

McDonald's omega needs a factor analysis; no well-kept library that provides it is a
dependency of the platform (the Python candidates rest on numpy and scipy, which it
does not use), so omega is not computed.

Input (``answers``): organisation_id, respondent_id, role, instrument_id,
instrument_version, dimension_id, item_id, weight, score (0-100, null unless scored),
kind ("scored" | "dont_know" | "not_applicable"); submitted answers only.
"""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import Frame, checked

MIN_ORGANISATIONS = 5
DIMENSION = ["instrument_id", "instrument_version", "dimension_id"]
COLUMNS = [
    "organisation_id",
    "respondent_id",
    "role",
    *DIMENSION,
    "item_id",
    "weight",
    "score",
    "kind",
]


def _answers(answers: Frame) -> pl.LazyFrame:
    return checked(answers, COLUMNS, "answers").select(COLUMNS)


def _suppress(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    small = pl.col("organisations") < MIN_ORGANISATIONS
    return frame.with_columns(small.alias("suppressed")).with_columns(
        pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in columns
    )


def complete_cases(answers: Frame) -> pl.LazyFrame:
    """Scored answers of the respondents who scored every item of the dimension (the
    common item set that alpha and item-total correlations need; with routing by role,
    these are the respondents of roles asked every item of the dimension)."""
    frame = _answers(answers)
    items = frame.group_by(DIMENSION).agg(pl.col("item_id").n_unique().alias("items"))
    scored = frame.filter(pl.col("kind") == "scored")
    counts = scored.group_by(*DIMENSION, "respondent_id").agg(pl.len().alias("scored"))
    complete = counts.join(items, on=DIMENSION).filter(pl.col("scored") == pl.col("items"))
    return scored.join(
        complete.select(*DIMENSION, "respondent_id", "items"), on=[*DIMENSION, "respondent_id"]
    )


def cronbach_alpha(answers: Frame) -> pl.DataFrame:
    """Per dimension: alpha = k / (k - 1) x (1 - sum of item variances / variance of the
    total), over complete cases; columns items, respondents, organisations, alpha,
    suppressed."""
    cases = complete_cases(answers)
    item_variance = cases.group_by(*DIMENSION, "item_id").agg(pl.col("score").var().alias("v"))
    totals = cases.group_by(*DIMENSION, "respondent_id", "organisation_id", "items").agg(
        pl.col("score").sum().alias("total")
    )
    per_dimension = totals.group_by(DIMENSION).agg(
        pl.col("items").first(),
        pl.len().alias("respondents"),
        pl.col("organisation_id").n_unique().alias("organisations"),
        pl.col("total").var().alias("total_variance"),
    )
    k = pl.col("items").cast(pl.Float64)
    plan = (
        per_dimension.join(item_variance.group_by(DIMENSION).agg(pl.col("v").sum()), on=DIMENSION)
        .with_columns(
            pl.when((pl.col("items") >= 2) & (pl.col("total_variance") > 0))
            .then(k / (k - 1) * (1 - pl.col("v") / pl.col("total_variance")))
            .alias("alpha")
        )
        .select(*DIMENSION, "items", "respondents", "organisations", "alpha")
    )
    return _suppress(plan, ["alpha"]).sort(DIMENSION).collect()


MIN_PAIR = 10
"""Respondents who scored both items before a pair's correlation enters the pairwise alpha."""


def pairwise_alpha(answers: Frame) -> pl.DataFrame:
    """Per dimension: standardised alpha from pairwise correlations, k r / (1 + (k - 1) r)
    with r the mean correlation over the item pairs that at least ``MIN_PAIR`` respondents
    scored both of, and k the dimension's number of items. Routing by role leaves many
    dimensions without respondents who scored every item (no complete cases), so
    :func:`cronbach_alpha` is undefined there; pairs answered by the same roles still
    are. Columns pairs, organisations, alpha_pairwise, suppressed."""
    frame = _answers(answers)
    items = frame.group_by(DIMENSION).agg(pl.col("item_id").n_unique().alias("items"))
    scored = frame.filter(pl.col("kind") == "scored").select(
        *DIMENSION, "respondent_id", "organisation_id", "item_id", "score"
    )
    pairs = (
        scored.join(
            scored.select(
                *DIMENSION,
                "respondent_id",
                pl.col("item_id").alias("other"),
                pl.col("score").alias("other_score"),
            ),
            on=[*DIMENSION, "respondent_id"],
        )
        .filter(pl.col("item_id") < pl.col("other"))
        .group_by(*DIMENSION, "item_id", "other")
        .agg(
            pl.len().alias("n"),
            pl.col("organisation_id").unique().alias("organisations"),
            pl.corr("score", "other_score").alias("r"),
        )
        .filter((pl.col("n") >= MIN_PAIR) & pl.col("r").is_not_nan() & pl.col("r").is_not_null())
    )
    k = pl.col("items").cast(pl.Float64)
    mean_r = pl.col("mean_r")
    plan = (
        pairs.group_by(DIMENSION)
        .agg(
            pl.len().alias("pairs"),
            pl.col("r").mean().alias("mean_r"),
            pl.col("organisations").explode().n_unique().alias("organisations"),
        )
        .join(items, on=DIMENSION)
        .with_columns(
            pl.when(pl.col("items") >= 2)
            .then(k * mean_r / (1 + (k - 1) * mean_r))
            .alias("alpha_pairwise")
        )
        .select(*DIMENSION, "pairs", "organisations", "alpha_pairwise")
    )
    return _suppress(plan, ["alpha_pairwise"]).sort(DIMENSION).collect()


def item_total_correlations(answers: Frame) -> pl.DataFrame:
    """Per item: the correlation of the item with the total of the other items of its
    dimension, over complete cases; columns respondents, organisations, correlation,
    suppressed."""
    cases = complete_cases(answers)
    totals = cases.group_by(*DIMENSION, "respondent_id").agg(pl.col("score").sum().alias("total"))
    plan = (
        cases.join(totals, on=[*DIMENSION, "respondent_id"])
        .with_columns((pl.col("total") - pl.col("score")).alias("rest"))
        .group_by(*DIMENSION, "item_id")
        .agg(
            pl.len().alias("respondents"),
            pl.col("organisation_id").n_unique().alias("organisations"),
            pl.when(pl.col("items").first() >= 2)
            .then(pl.corr("score", "rest"))
            .alias("correlation"),
        )
    )
    return _suppress(plan, ["correlation"]).sort([*DIMENSION, "item_id"]).collect()


def dont_know_by_role(answers: Frame) -> pl.DataFrame:
    """Per dimension and role: "don't know" / (scored + "don't know"); columns answers,
    organisations, dont_know_rate, suppressed."""
    plan = (
        _answers(answers)
        .filter(pl.col("kind").is_in(["scored", "dont_know"]))
        .group_by(*DIMENSION, "role")
        .agg(
            pl.len().alias("answers"),
            pl.col("organisation_id").n_unique().alias("organisations"),
            (pl.col("kind") == "dont_know").mean().alias("dont_know_rate"),
        )
    )
    return _suppress(plan, ["dont_know_rate"]).sort([*DIMENSION, "role"]).collect()


def icc1(answers: Frame) -> pl.DataFrame:
    """Per dimension: ICC(1) of respondents' dimension scores (weighted means of their
    scored answers) grouped by organisation, from a one-way analysis of variance:
    (MSB - MSW) / (MSB + (k0 - 1) MSW), k0 = (N - sum n_j^2 / N) / (J - 1). High values
    say that respondents of one organisation agree, which justifies an organisation
    score. Columns organisations, respondents, icc1, suppressed."""
    scores = (
        _answers(answers)
        .filter(pl.col("kind") == "scored")
        .group_by(*DIMENSION, "organisation_id", "respondent_id")
        .agg(((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("x"))
    )
    groups = scores.group_by(*DIMENSION, "organisation_id").agg(
        pl.len().alias("n"), pl.col("x").mean().alias("mean"), pl.col("x").alias("xs")
    )
    within = (
        scores.join(
            groups.select(*DIMENSION, "organisation_id", "mean"), on=[*DIMENSION, "organisation_id"]
        )
        .group_by(DIMENSION)
        .agg(((pl.col("x") - pl.col("mean")) ** 2).sum().alias("ssw"))
    )
    grand = scores.group_by(DIMENSION).agg(pl.col("x").mean().alias("grand"), pl.len().alias("N"))
    n = pl.col("n").cast(pl.Float64)
    between = (
        groups.join(grand, on=DIMENSION)
        .group_by(DIMENSION)
        .agg(
            (n * (pl.col("mean") - pl.col("grand")) ** 2).sum().alias("ssb"),
            pl.len().alias("organisations"),
            pl.col("N").first().alias("respondents"),
            (n**2).sum().alias("n_squared"),
        )
    )
    j = pl.col("organisations").cast(pl.Float64)
    total = pl.col("respondents").cast(pl.Float64)
    msb = pl.col("ssb") / (j - 1)
    msw = pl.col("ssw") / (total - j)
    k0 = (total - pl.col("n_squared") / total) / (j - 1)
    plan = (
        between.join(within, on=DIMENSION)
        .with_columns(
            pl.when((j >= 2) & (total > j)).then((msb - msw) / (msb + (k0 - 1) * msw)).alias("icc1")
        )
        .select(*DIMENSION, "organisations", "respondents", "icc1")
    )
    return _suppress(plan, ["icc1"]).sort(DIMENSION).collect()
