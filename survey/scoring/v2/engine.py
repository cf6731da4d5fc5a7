"""Schema 2, the whole pipeline: answers to every figure, view and finding (D2, D3)."""

from __future__ import annotations

import polars as pl

from survey.scoring.contract import (
    COHERENCE_SCHEMA,
    DEFAULT_MATURITY_INSTRUMENT,
    DIMENSION_KEY,
    ORG,
    RESPONDENT_DIMENSION_SCHEMA,
    Frame,
    finish,
)
from survey.scoring.results import Scores
from survey.scoring.v2 import findings
from survey.scoring.v2.contract import (
    BALANCE_SCHEMA_V2,
    DIMENSION_SCHEMA_V2,
    INSTRUMENT_SCHEMA_V2,
    ITEM_RESULT_SCHEMA_V2,
    ORIENTATION_SCHEMA,
    ROLE_DIMENSION_SCHEMA_V2,
    USE_SCHEMA,
    VIEW_SCHEMA,
)
from survey.scoring.v2.exact import level_of_units, score_of
from survey.scoring.v2.exact import quantised as quantised_expr
from survey.scoring.v2.figures import FIGURE, memberships, respondent_values, routed
from survey.scoring.v2.fragility import leave_one_out_levels
from survey.scoring.v2.orientation import orientation
from survey.scoring.v2.validation import validate_answers_v2, validate_items_v2
from survey.scoring.v2.views import (
    assign_views,
    left_out,
    organisation_figures,
    role_groups,
    view_scores,
    view_sums,
    with_members,
)

KEYS = [ORG, *FIGURE]


def _dont_know(values: pl.LazyFrame) -> pl.LazyFrame:
    """Per figure: "don't know" / (scored + don't know) over the respondents who gave
    one of them, in views as for the score (a pool of 1-2 is left out)."""
    groups = (
        values.filter(pl.col("answered") > 0)
        .group_by(*KEYS, "role")
        .agg(pl.len().alias("n"), pl.col("dont_know", "answered").sum())
    )
    return (
        assign_views(with_members(groups, values), KEYS)
        .filter(pl.col("included"))
        .group_by(KEYS)
        .agg(
            pl.col("dont_know", "answered").sum(),
            pl.col("n").sum().alias("answering_respondents"),
        )
        .with_columns((pl.col("dont_know") / pl.col("answered")).alias("dont_know_rate"))
    )


def _spread(views: pl.LazyFrame) -> pl.LazyFrame:
    """Per figure: highest minus lowest view score, with two views or more."""
    return views.group_by(KEYS).agg(
        pl.when(pl.len() >= 2)
        .then(pl.col("score").max() - pl.col("score").min())
        .alias("role_spread")
    )


class EngineV2:
    """One schema-2 scoring run; every frame is computed once and reused."""

    def __init__(self, answers: Frame, items: Frame, maturity_instrument_id: str) -> None:
        self.maturity = maturity_instrument_id
        self.items = validate_items_v2(items)
        answers_ = validate_answers_v2(answers).lazy()
        items_ = self.items.lazy()
        self.values = respondent_values(answers_, items_).collect()
        self.groups = role_groups(self.values.lazy(), KEYS).collect()
        self.views = view_scores(view_sums(self.groups.lazy(), KEYS)).collect()
        instruments = routed(answers_, items_).select(ORG, "instrument_id").unique().collect()
        self.scope = instruments.lazy().join(
            memberships(items_).select(FIGURE).unique(), on="instrument_id"
        )
        self.instruments_in_scope = instruments
        self.figures = (
            self.scope.join(organisation_figures(self.views.lazy(), KEYS), on=KEYS, how="left")
            .join(left_out(self.groups.lazy(), KEYS), on=KEYS, how="left")
            .join(_dont_know(self.values.lazy()), on=KEYS, how="left")
            .join(_spread(self.views.lazy()), on=KEYS, how="left")
            .join(leave_one_out_levels(self.groups.lazy(), KEYS), on=KEYS, how="left")
            .with_columns(
                pl.col(
                    "respondents",
                    "views",
                    "left_out",
                    "answered",
                    "dont_know",
                    "answering_respondents",
                ).fill_null(0)
            )
            .collect()
        )

    def _kind(self, kind: str) -> pl.LazyFrame:
        return self.figures.lazy().filter(pl.col("kind") == kind)

    def respondent_dimensions(self) -> pl.DataFrame:
        plan = (
            self.values.lazy()
            .filter(pl.col("kind") == "dimension")
            .with_columns(
                pl.col("figure_id").alias("dimension_id"),
                score_of(quantised_expr(pl.col("units"), pl.lit(1))).alias("score"),
            )
        )
        sort = [ORG, *DIMENSION_KEY, "role", "respondent_id"]
        return finish(plan, RESPONDENT_DIMENSION_SCHEMA, sort).collect()

    def role_dimensions(self) -> pl.DataFrame:
        plan = (
            self.views.lazy()
            .filter(pl.col("kind") == "dimension")
            .select(
                ORG,
                pl.col("view").alias("role"),
                "instrument_id",
                pl.col("figure_id").alias("dimension_id"),
                "score",
                pl.col("n").alias("respondents"),
            )
        )
        sort = [ORG, *DIMENSION_KEY, "role"]
        return finish(plan, ROLE_DIMENSION_SCHEMA_V2, sort).collect()

    def other_views(self) -> pl.DataFrame:
        plan = (
            self.views.lazy()
            .filter(pl.col("kind") != "dimension")
            .select(
                ORG,
                "instrument_id",
                "kind",
                "figure_id",
                "view",
                "score",
                pl.col("n").alias("respondents"),
            )
        )
        return finish(
            plan, VIEW_SCHEMA, [ORG, "instrument_id", "kind", "figure_id", "view"]
        ).collect()

    def item_figures(self) -> pl.DataFrame:
        items = self.items.lazy().select(
            "instrument_id", pl.col("item_id").alias("figure_id"), "dimension_id", "weight", "basic"
        )
        plan = (
            self._kind("item")
            .join(items, on=["instrument_id", "figure_id"])
            .with_columns(
                pl.col("figure_id").alias("item_id"),
                findings.advice(pl.col("level")).alias("advice"),
                ((100.0 - pl.col("score")) * pl.col("weight")).alias("priority"),
            )
        )
        return plan.collect()

    def dimension_figures(self, item_figures: pl.DataFrame) -> pl.DataFrame:
        """Dimensions with the gate of their basics and the fragility flag: the
        interval of levels one absence can lead to, taking each basic item's own
        leave-one-out interval as well (a safe over-estimate)."""
        basics = (
            item_figures.lazy()
            .filter(pl.col("basic"))
            .group_by(ORG, "instrument_id", "dimension_id")
            .agg(
                (pl.col("level").min() + 1).alias("gate"),
                (pl.col("lowest_level").min() + 1).alias("gate_low"),
                (pl.col("highest_level").min() + 1).alias("gate_high"),
            )
        )
        level = pl.when(pl.col("ungated_level").is_not_null()).then(
            pl.min_horizontal("ungated_level", "gate")
        )
        low = pl.min_horizontal("lowest_level", "gate_low")
        high = pl.min_horizontal("highest_level", "gate_high")
        return (
            self._kind("dimension")
            .with_columns(
                pl.col("figure_id").alias("dimension_id"),
                pl.col("level").alias("ungated_level"),
            )
            .join(basics, on=[ORG, "instrument_id", "dimension_id"], how="left")
            .with_columns(level.cast(pl.Int8).alias("level"))
            .with_columns(
                pl.when(pl.col("score").is_null())
                .then(False)
                .otherwise((low != pl.col("level")) | (high != pl.col("level")))
                .alias("fragile"),
                pl.col("views").alias("role_groups"),
            )
            .collect()
        )

    def instruments(self, dimensions: pl.DataFrame) -> pl.DataFrame:
        defined = pl.col("score").is_not_null()
        mean = pl.col("quantised").sum() // pl.col("quantised").count()
        plan = (
            dimensions.lazy()
            .group_by(ORG, "instrument_id")
            .agg(
                pl.when(pl.col("quantised").count() > 0).then(mean).alias("quantised"),
                pl.len().alias("dimensions"),
                pl.col("score").count().alias("scored_dimensions"),
                pl.when(defined).then(pl.col("respondents")).min().alias("min_respondents"),
            )
            .with_columns(
                score_of(pl.col("quantised")).alias("score"),
                level_of_units(pl.col("quantised")).alias("level"),
            )
        )
        return finish(plan, INSTRUMENT_SCHEMA_V2, [ORG, "instrument_id"]).collect()

    def uses(self) -> pl.DataFrame:
        level = pl.col("level")
        plan = self._kind("use").with_columns(
            pl.col("figure_id").alias("use"),
            pl.when(pl.col("score").is_null())
            .then(False)
            .otherwise((pl.col("lowest_level") != level) | (pl.col("highest_level") != level))
            .alias("fragile"),
        )
        return finish(plan, USE_SCHEMA, [ORG, "instrument_id", "use"]).collect()

    def orientations(self) -> pl.DataFrame:
        plan = orientation(self.figures.lazy(), self.views.lazy(), self.instruments_in_scope.lazy())
        return finish(plan, ORIENTATION_SCHEMA, [ORG, "instrument_id"]).collect()

    def balance(self, orientations: pl.DataFrame) -> pl.DataFrame:
        """The organisation's balance: the maturity test's orientation."""
        plan = (
            self.instruments_in_scope.lazy()
            .select(ORG)
            .unique()
            .join(
                orientations.lazy().filter(pl.col("instrument_id") == self.maturity),
                on=ORG,
                how="left",
            )
            .with_columns(
                pl.col(
                    "control_respondents",
                    "enablement_respondents",
                    "control_left_out",
                    "enablement_left_out",
                ).fill_null(0)
            )
        )
        return finish(plan, BALANCE_SCHEMA_V2, [ORG]).collect()


def score_v2(
    answers: Frame, items: Frame, *, maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
) -> Scores:
    """Schema 2: every analysis of one run (see ``docs/methodology.md``)."""
    engine = EngineV2(answers, items, maturity_instrument_id)
    item_figures = engine.item_figures()
    dimension_figures = engine.dimension_figures(item_figures)
    dimensions = finish(
        dimension_figures.lazy(), DIMENSION_SCHEMA_V2, [ORG, *DIMENSION_KEY]
    ).collect()
    items = finish(
        item_figures.lazy(), ITEM_RESULT_SCHEMA_V2, [ORG, *DIMENSION_KEY, "item_id"]
    ).collect()
    orientations = engine.orientations()
    coherence = (
        findings.coherence(dimensions, maturity_instrument_id)
        if dimensions.height
        else pl.DataFrame(schema=COHERENCE_SCHEMA)
    )
    return Scores(
        respondent_dimensions=engine.respondent_dimensions(),
        role_dimensions=engine.role_dimensions(),
        dimensions=dimensions,
        instruments=engine.instruments(dimension_figures),
        items=items,
        balance=engine.balance(orientations),
        coherence=coherence,
        priorities=findings.priorities(items),
        maturity_instrument_id=maturity_instrument_id,
        scheme=2,
        uses=engine.uses(),
        orientations=orientations,
        views=engine.other_views(),
    )
