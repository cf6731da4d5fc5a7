"""The schema-1 engine: answers coded as integers, two passes, then every analysis.

Grouping 11 million rows by several string columns takes many seconds, so the
engine first turns every id into a dense integer code whose order is the order of
the ids, makes two passes over the answers (per respondent and dimension; per
organisation, role and item), and works on those small integer frames. The
analyses themselves live in their own modules and run unchanged on codes or ids;
:func:`survey.scoring.contract.finish` turns codes back into ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import polars as pl

from survey.scoring.aggregation import (
    half_rule,
    instruments_plan,
    organisation_figures,
    role_figures,
    role_plan,
)
from survey.scoring.balance import balance_plan
from survey.scoring.coding import AnswerCodes, check_key_space, composite, lookup, size
from survey.scoring.contract import (
    BALANCE_SCHEMA,
    DIMENSION_KEY,
    DIMENSION_SCHEMA,
    DONT_KNOW_SCHEMA,
    INSTRUMENT_SCHEMA,
    ITEM_KEY,
    ITEM_RESULT_SCHEMA,
    ORG,
    PRIORITY_SCHEMA,
    RESPONDENT_DIMENSION_SCHEMA,
    ROLE_DIMENSION_SCHEMA,
    TAGS,
    Frame,
    finish,
)
from survey.scoring.items import item_figures, item_rows
from survey.scoring.levels import maturity_level
from survey.scoring.priorities import priorities_plan
from survey.scoring.validation import validate_items, validated_answers


class Engine:
    """One schema-1 scoring run: the answers coded as integers and the analyses on them."""

    def __init__(self, answers: Frame, items: Frame, min_role_group: int) -> None:
        self.min_role_group = min_role_group
        typed, codes = validated_answers(answers)
        self._code_items(validate_items(items))
        self._code_answers(typed, codes)

    def _code_items(self, items: pl.DataFrame) -> None:
        ordered = items.sort("instrument_id", "dimension_id", "item_id")
        self.items = ordered.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("item_id"),
            pl.col("instrument_id").rle_id().alias("instrument_id"),
            pl.struct(DIMENSION_KEY).rle_id().alias("dimension_id"),
            pl.when(pl.col("tag") == TAGS[0])
            .then(pl.lit(1, pl.UInt8))
            .when(pl.col("tag") == TAGS[1])
            .then(pl.lit(2, pl.UInt8))
            .otherwise(pl.lit(0, pl.UInt8))
            .alias("tag"),
            "weight",
            pl.col("instrument_id").alias("instrument_name"),
            pl.col("item_id").alias("item_name"),
        )
        dimensions = ordered.select(DIMENSION_KEY).unique(maintain_order=True)
        self.names = {
            "instrument_id": ordered.get_column("instrument_id").unique(maintain_order=True),
            "dimension_id": dimensions.get_column("dimension_id"),
            "item_id": ordered.get_column("item_id"),
        }

    def _code_answers(self, typed: pl.DataFrame, codes: AnswerCodes) -> None:
        first = codes.first_of_respondent
        respondents = (
            typed.select("respondent_id", ORG, "role")
            .gather(first)
            .cast(pl.String)
            .with_columns(codes.respondent.gather(first).alias("raw"))
            .sort("respondent_id")
        )
        organisations = respondents.get_column(ORG).unique().sort()
        roles = respondents.get_column("role").unique().sort()
        self.respondents = respondents.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("respondent_id"),
            pl.lit(organisations).search_sorted(pl.col(ORG)).cast(pl.UInt32).alias(ORG),
            pl.lit(roles).search_sorted(pl.col("role")).cast(pl.UInt32).alias("role"),
        )
        self.names |= {
            "respondent_id": respondents.get_column("respondent_id"),
            ORG: organisations,
            "role": roles,
        }
        keys = (
            typed.select(ITEM_KEY)
            .gather(codes.first_of_item_key)
            .cast(pl.String)
            .with_columns(codes.item_key.gather(codes.first_of_item_key).alias("key"))
            .join(
                self.items.select(
                    pl.col("instrument_name").alias("instrument_id"),
                    pl.col("item_name").alias("item_id"),
                    pl.col("item_id").alias("item"),
                ),
                on=ITEM_KEY,
            )
        )
        # the codes of respondents and items by the answers' own codes: small tables,
        # gathered by each pass a morsel at a time rather than once for every answer
        self.by_answer_code = {
            "respondent_id": lookup(
                respondents.get_column("raw"),
                self.respondents.get_column("respondent_id"),
                size(codes.respondent),
            ),
            "item_id": lookup(
                keys.get_column("key"), keys.get_column("item"), size(codes.item_key)
            ),
        }
        # answers to items outside ``items`` are not scored
        self.unknown_items = keys.height < len(codes.first_of_item_key)
        kind = typed.get_column("kind")
        self.coded = pl.DataFrame(
            {
                "respondent": codes.respondent,
                "item_key": codes.item_key,
                "score": typed.get_column("score"),
                "scored": kind == "scored",
                "dont_know": kind == "dont_know",
            }
        )

    def answers(self) -> pl.LazyFrame:
        """The coded answers with their respondents' and items' codes and columns, as a
        plan: each pass gathers only the columns it uses, by the answers' own codes
        (``respondent``, ``item_key``), and none is kept."""
        item, respondent = pl.col("item_key"), pl.col("respondent")
        by_item = self.by_answer_code["item_id"]
        by_respondent = self.by_answer_code["respondent_id"]
        per_item = {
            c: pl.lit(self.items.get_column(c).gather(by_item))
            for c in ("item_id", "instrument_id", "dimension_id", "tag", "weight")
        }
        per_respondent = {
            c: pl.lit(self.respondents.get_column(c).gather(by_respondent))
            for c in ("respondent_id", ORG, "role")
        }
        answers = self.coded.lazy().with_columns(
            *(per_item[c].gather(item).alias(c) for c in per_item),
            *(per_respondent[c].gather(respondent).alias(c) for c in per_respondent),
        )
        return answers.filter(pl.col("item_id").is_not_null()) if self.unknown_items else answers

    def _size(self, column: str) -> int:
        return len(self.names[column])

    # -- two passes over the answers --

    @staticmethod
    def _weighted_sums() -> dict[str, pl.Expr]:
        scored = pl.col("scored")
        return {
            "weighted": pl.when(scored).then(pl.col("score") * pl.col("weight")).otherwise(0.0),
            "weights": pl.when(scored).then(pl.col("weight")).otherwise(0.0),
            "scored_items": scored.cast(pl.UInt32),
        }

    @cached_property
    def respondent_sums(self) -> pl.DataFrame:
        """Sums per respondent and dimension (first pass), on the streaming engine: it
        gathers the items' and respondents' columns a morsel at a time, where the
        in-memory engine would hold each of them at full length (about 0.3 GB more at
        11.25 M answers).

        ``key`` is respondent * dimensions + dimension.
        """
        parts = [("respondent_id", self._size("respondent_id")), ("dimension_id", self._dims)]
        check_key_space(parts)
        columns = {**self._weighted_sums(), "dont_know": pl.col("dont_know").cast(pl.UInt32)}
        return (
            self.answers()
            .select(composite(parts).alias("key"), **columns)
            .group_by("key")
            .agg(pl.col(list(columns)).sum(), pl.len().cast(pl.UInt32).alias("answered"))
            .collect(engine="streaming")
        )

    @cached_property
    def tag_sums(self) -> pl.DataFrame:
        """Sums per respondent and balance tag, over the tagged answers (balance only)."""
        tags = len(TAGS) + 1
        parts = [("respondent_id", self._size("respondent_id")), ("tag", tags)]
        check_key_space(parts)
        columns = self._weighted_sums()
        return (
            self.answers()
            .filter(pl.col("tag") > 0)
            .select(composite(parts).alias("key"), **columns)
            .group_by("key")
            .agg(pl.col(list(columns)).sum())
            .select(
                (pl.col("key") // tags).cast(pl.UInt32).alias("respondent_id"),
                (pl.col("key") % tags).cast(pl.UInt8).alias("tag"),
                *columns,
            )
            .collect()
        )

    @cached_property
    def role_item_sums(self) -> pl.DataFrame:
        """Sums per organisation, item and role group (second pass).

        ``figure`` is organisation * items + item.
        """
        roles = self._size("role")
        parts = [(ORG, self._size(ORG)), ("item_id", self._items), ("role", roles)]
        check_key_space(parts)
        return (
            self.answers()
            .select(
                composite(parts).alias("key"),
                pl.col("score").fill_null(0.0).alias("score_sum"),
                pl.col("scored").cast(pl.UInt32).alias("respondents"),
                pl.col("dont_know").cast(pl.UInt32),
            )
            .group_by("key")
            .agg(pl.col("score_sum", "respondents", "dont_know").sum(), pl.len().alias("answered"))
            .select(
                (pl.col("key") // roles).alias("figure"),
                (pl.col("key") % roles).cast(pl.UInt32).alias("role"),
                pl.all().exclude("key"),
            )
            .collect()
        )

    # -- scope --

    @cached_property
    def _dims(self) -> int:
        return len(self.names["dimension_id"])

    @cached_property
    def _items(self) -> int:
        return len(self.names["item_id"])

    def _of_respondent(self, column: str, respondent: pl.Expr) -> pl.Expr:
        return pl.lit(self.respondents.get_column(column)).gather(respondent).alias(column)

    def _of_dimension(self, column: str, dimension: pl.Expr) -> pl.Expr:
        return pl.lit(self.dimension_table.get_column(column)).gather(dimension).alias(column)

    @cached_property
    def dimension_table(self) -> pl.DataFrame:
        """Per dimension code (in code order): its instrument and number of items."""
        return (
            self.items.group_by("dimension_id")
            .agg(pl.col("instrument_id").first(), pl.len().alias("item_count"))
            .sort("dimension_id")
        )

    @cached_property
    def organisation_instruments(self) -> pl.DataFrame:
        """The instruments in scope per organisation: those its respondents answered."""
        key = pl.col("key")
        return (
            self.respondent_sums.lazy()
            .select(
                self._of_respondent(ORG, key // self._dims),
                self._of_dimension("instrument_id", key % self._dims),
            )
            .unique()
            .collect()
        )

    @cached_property
    def respondents_in_scope(self) -> pl.DataFrame:
        present = self.respondent_sums.lazy().select(
            (pl.col("key") // self._dims).cast(pl.UInt32).alias("respondent_id")
        )
        return present.unique().join(self.respondents.lazy(), on="respondent_id").collect()

    # -- analyses on codes --

    @cached_property
    def respondent_dimension_codes(self) -> pl.DataFrame:
        sums = self.respondent_sums.lazy().select(
            "key", "weighted", "weights", "scored_items", "answered", "dont_know"
        )
        counts = pl.col("scored_items", "answered", "dont_know")
        return half_rule(
            self.respondents_in_scope.lazy()
            .join(self.organisation_instruments.lazy(), on=ORG)
            .join(self.dimension_table.lazy(), on="instrument_id")
            .with_columns(
                (
                    pl.col("respondent_id").cast(pl.UInt64) * self._dims + pl.col("dimension_id")
                ).alias("key")
            )
            .join(sums, on="key", how="left")
            .with_columns(counts.fill_null(0))
        ).collect()

    @cached_property
    def role_dimension_codes(self) -> pl.DataFrame:
        return role_plan(self.respondent_dimension_codes.lazy(), DIMENSION_KEY).collect()

    @cached_property
    def dimension_codes(self) -> pl.DataFrame:
        """Per organisation and dimension, straight from the respondent sums: a
        respondent without an answer in a dimension adds nothing to its means, counts
        or rates, so only the dimensions nobody in the organisation answered are
        added (no score, no respondents) rather than every respondent's. Role groups
        and organisations are grouped by one integer key each (``group`` is
        organisation * dimensions + dimension), which Polars groups faster than the
        three or four columns it stands for."""
        keys = [ORG, *DIMENSION_KEY]
        dims, roles = self._dims, self._size("role")
        respondent, dimension = pl.col("key") // dims, pl.col("key") % dims
        group = self._of_respondent(ORG, respondent).cast(pl.UInt64) * dims + dimension
        answered = half_rule(
            self.respondent_sums.lazy().select(
                group.alias("group"),
                self._of_respondent("role", respondent),
                self._of_dimension("item_count", dimension),
                "weighted",
                "weights",
                "scored_items",
                "answered",
                "dont_know",
            )
        )
        rates = answered.group_by("group").agg(
            pl.col("answered").sum(),
            pl.col("dont_know").sum(),
            (pl.col("answered") > 0).sum().alias("answering_respondents"),
        )
        role_groups = (
            answered.group_by(pl.col("group") * roles + pl.col("role"))
            .agg(*role_figures())
            .select((pl.col("group") // roles).alias("group"), "score", "respondents")
        )
        scores = (
            role_groups.group_by("group")
            .agg(*organisation_figures())
            .with_columns(maturity_level(pl.col("score")).alias("level"))
            .join(rates, on="group")
            .select(
                (pl.col("group") // dims).cast(pl.UInt32).alias(ORG),
                self._of_dimension("instrument_id", pl.col("group") % dims),
                (pl.col("group") % dims).cast(pl.UInt32).alias("dimension_id"),
                pl.all().exclude("group"),
            )
        )
        counts = ["respondents", "role_groups", "answered", "dont_know", "answering_respondents"]
        return (
            self.organisation_instruments.lazy()
            .join(self.dimension_table.lazy().select(DIMENSION_KEY), on="instrument_id")
            .join(scores, on=keys, how="left")
            .with_columns(
                pl.col(counts).fill_null(0),
                pl.when(pl.col("answered") > 0)
                .then(pl.col("dont_know") / pl.col("answered"))
                .otherwise(None)
                .alias("dont_know_rate"),
            )
            .collect()
        )

    @cached_property
    def item_codes(self) -> pl.DataFrame:
        """Per organisation and item: role-balanced score, counts, rates, role spread
        among the role groups the disclosure rule lets show, priority."""
        per_item = item_figures(self.role_item_sums, self.min_role_group)
        items = self.items.lazy().select("item_id", "instrument_id", "dimension_id", "weight")
        figure = pl.col(ORG).cast(pl.UInt64) * self._items + pl.col("item_id")
        in_scope = (
            self.organisation_instruments.lazy()
            .join(items, on="instrument_id")
            .with_columns(figure.alias("figure"))
        )
        return item_rows(in_scope, per_item.lazy()).collect()

    @cached_property
    def balance_codes(self) -> pl.DataFrame:
        return balance_plan(
            self.tag_sums.lazy(),
            self.respondents_in_scope.lazy(),
            self.organisation_instruments.lazy(),
            self.items.lazy(),
        ).collect()

    # -- outputs (ids, sorted, typed) --

    def finish(
        self, frame: pl.DataFrame, schema: Mapping[str, pl.DataType], sort: Sequence[str] = ()
    ) -> pl.DataFrame:
        return finish(frame.lazy(), schema, sort, self.names).collect()

    def respondent_dimensions(self) -> pl.DataFrame:
        sort = [ORG, *DIMENSION_KEY, "role", "respondent_id"]
        return self.finish(self.respondent_dimension_codes, RESPONDENT_DIMENSION_SCHEMA, sort)

    def role_dimensions(self) -> pl.DataFrame:
        sort = [ORG, *DIMENSION_KEY, "role"]
        return self.finish(self.role_dimension_codes, ROLE_DIMENSION_SCHEMA, sort)

    def dont_know_rates(self) -> pl.DataFrame:
        return self.finish(self.dimension_codes, DONT_KNOW_SCHEMA, [ORG, *DIMENSION_KEY])

    def dimensions(self) -> pl.DataFrame:
        return self.finish(self.dimension_codes, DIMENSION_SCHEMA, [ORG, *DIMENSION_KEY])

    def instruments(self) -> pl.DataFrame:
        plan = instruments_plan(self.dimension_codes.lazy()).collect()
        return self.finish(plan, INSTRUMENT_SCHEMA, [ORG, "instrument_id"])

    def item_results(self) -> pl.DataFrame:
        sort = [ORG, *DIMENSION_KEY, "item_id"]
        return self.finish(self.item_codes, ITEM_RESULT_SCHEMA, sort)

    def balance(self) -> pl.DataFrame:
        return self.finish(self.balance_codes, BALANCE_SCHEMA, [ORG])

    def priorities(self) -> pl.DataFrame:
        return self.finish(priorities_plan(self.item_codes.lazy()).collect(), PRIORITY_SCHEMA)
