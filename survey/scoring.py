"""The scoring engine: pure Polars functions from answers to scores.

Frames in, frames out, one analysis per function, every output column named and
typed. The same functions serve the live app (one organisation's closed round)
and the batch command (thousands of organisations at once): everything is a
vectorised group-by, never a Python loop over rows or groups.

The rules, and every decision for cases the rules leave open, are written out in
``docs/methodology.md``; ``tests/unit/test_scoring*.py`` pins them down.

Input contract
--------------
``items``: item_id, instrument_id, dimension_id, weight (> 0), tag
("control" | "enablement" | null); one row per item of the instruments in scope.
``answers``: organisation_id, respondent_id, role, instrument_id, item_id,
score (0-100, null unless scored), kind ("scored" | "dont_know" |
"not_applicable"); submitted responses only, one row per respondent and item.
Items are identified by (instrument_id, item_id).

How it stays fast
-----------------
Grouping 11 million rows by several string columns takes many seconds, so the
engine (``_Engine``) first turns every id into a dense integer code whose order
is the order of the ids, makes two passes over the answers (per respondent and
dimension; per organisation, role and item), and works on those small integer
frames. The analyses themselves (``_role_plan``, ``_organisation_plan`` ...) are
written once against the column names and run unchanged on codes or on ids;
``_finish`` turns codes back into ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from survey import anonymity

Frame = pl.DataFrame | pl.LazyFrame

DEFAULT_MATURITY_INSTRUMENT = "sm-maturity"
KINDS = ("scored", "dont_know", "not_applicable")
TAGS = ("control", "enablement")
LEVEL_LOWER_BOUNDS = (20.0, 40.0, 60.0, 80.0)  # level n + 1 starts at bound n
COHERENT_LEVEL = 3
HIGH_BALANCE = 50.0
HIGH_DONT_KNOW_RATE = 0.30
ROLE_DISAGREEMENT = 20.0
SCORE_DECIMALS = 9
FINDINGS = ("low_score", "awareness_gap", "role_disagreement")
QUADRANTS = ("unguided", "restrictive", "anything_goes", "balanced")

ORG = "organisation_id"
ITEM_KEY = ["instrument_id", "item_id"]
DIMENSION_KEY = ["instrument_id", "dimension_id"]

ITEM_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "weight": pl.Float64(),
    "tag": pl.String(),
}
ANSWER_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "item_id": pl.String(),
    "score": pl.Float64(),
    "kind": pl.String(),
}
RESPONDENT_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "respondent_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "scored_items": pl.Int64(),
    "item_count": pl.Int64(),
}
ROLE_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "role": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
}
ORGANISATION_DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "respondents": pl.Int64(),
    "role_groups": pl.Int64(),
}
DONT_KNOW_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "dont_know_rate": pl.Float64(),
    "answered": pl.Int64(),
    "answering_respondents": pl.Int64(),
}
DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    **ORGANISATION_DIMENSION_SCHEMA,
    "dont_know_rate": pl.Float64(),
    "answered": pl.Int64(),
    "answering_respondents": pl.Int64(),
}
INSTRUMENT_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "dimensions": pl.Int64(),
    "scored_dimensions": pl.Int64(),
    "min_respondents": pl.Int64(),
}
ITEM_RESULT_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "item_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
    "answered": pl.Int64(),
    "dont_know_rate": pl.Float64(),
    "role_spread": pl.Float64(),
    "priority": pl.Float64(),
    "weight": pl.Float64(),
}
BALANCE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "control": pl.Float64(),
    "enablement": pl.Float64(),
    "quadrant": pl.String(),
    "control_respondents": pl.Int64(),
    "enablement_respondents": pl.Int64(),
}
COHERENCE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "coherent": pl.Boolean(),
}
PRIORITY_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "rank": pl.Int64(),
    "finding": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "item_id": pl.String(),
    "priority": pl.Float64(),
    "score": pl.Float64(),
    "weight": pl.Float64(),
    "dont_know_rate": pl.Float64(),
    "role_spread": pl.Float64(),
}


# --- validation ------------------------------------------------------------


def _lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def _require(frame: Frame, columns: Iterable[str], name: str) -> None:
    present = set(_lazy(frame).collect_schema().names())
    for column in columns:
        if column not in present:
            raise ValueError(f"{name}: missing column '{column}'")


def _typed(frame: Frame, schema: Mapping[str, pl.DataType], name: str) -> pl.DataFrame:
    """The contract's columns, in order, cast to the contract's dtypes."""
    _require(frame, schema, name)
    raw = _lazy(frame).select(list(schema)).collect()
    columns = []
    for column, dtype in schema.items():
        try:
            columns.append(raw.get_column(column).cast(dtype, strict=True))
        except (pl.exceptions.PolarsError, TypeError) as error:
            raise ValueError(f"{name}: column '{column}' is not {dtype}") from error
    return pl.DataFrame(columns)


def _raise_violations(frame: pl.DataFrame, checks: Mapping[str, pl.Expr], name: str) -> None:
    found = frame.select(expr.any().alias(message) for message, expr in checks.items())
    for message in checks:
        if found.get_column(message)[0]:
            raise ValueError(f"{name}: {message}")


def validate_items(items: Frame) -> pl.DataFrame:
    """``items`` with the contract's columns and dtypes; ValueError naming any problem."""
    frame = _typed(items, ITEM_SCHEMA, "items")
    checks = {f"column '{c}' has nulls": pl.col(c).is_null() for c in ITEM_SCHEMA if c != "tag"}
    weight = pl.col("weight")
    checks["column 'weight' must be a finite number > 0"] = (
        weight.is_nan() | weight.is_infinite() | (weight <= 0)
    )
    checks["column 'tag' must be 'control', 'enablement' or null"] = pl.col(
        "tag"
    ).is_not_null() & ~pl.col("tag").is_in(TAGS)
    checks["more than one row per (instrument_id, item_id)"] = pl.struct(ITEM_KEY).is_duplicated()
    _raise_violations(frame, checks, "items")
    return frame


def _codes(series: pl.Series) -> pl.Series:
    """Exact integer codes of a string column (equal strings, equal codes)."""
    return series.cast(pl.Categorical(pl.Categories.random())).to_physical()


def _size(codes: pl.Series) -> int:
    """The number of possible codes: the largest code + 1."""
    largest = codes.max()
    return largest + 1 if isinstance(largest, int) else 0


@dataclass(frozen=True)
class _AnswerCodes:
    """Integer codes of the answers' respondents and items, one per answer row."""

    respondent: pl.Series
    item_key: pl.Series
    first_of_respondent: pl.Series  # row of each respondent's first answer
    first_of_item_key: pl.Series  # row of each (instrument, item)'s first answer


def _answer_codes(typed: pl.DataFrame) -> _AnswerCodes:
    respondent = _codes(typed.get_column("respondent_id"))
    instrument = _codes(typed.get_column("instrument_id"))
    item = _codes(typed.get_column("item_id"))
    items_per_instrument = max(_size(item), 1)
    if _size(instrument) * items_per_instrument * max(_size(respondent), 1) >= 2**63:
        raise ValueError("answers: too many respondents and items to score at once")
    item_key = instrument.cast(pl.UInt64) * items_per_instrument + item.cast(pl.UInt64)
    answer_key = respondent.cast(pl.UInt64) * (_size(instrument) * items_per_instrument) + item_key
    if answer_key.n_unique() < typed.height:
        raise ValueError("answers: more than one row per (respondent_id, instrument_id, item_id)")
    first = respondent.arg_unique()
    size = _size(respondent)
    for column in (ORG, "role"):
        values = typed.get_column(column)
        per_respondent = _lookup(respondent.gather(first), values.gather(first), size)
        if (values != per_respondent.gather(respondent)).any():
            raise ValueError(f"answers: a respondent_id has more than one {column}")
    return _AnswerCodes(respondent, item_key, first, item_key.arg_unique())


def _lookup(codes: pl.Series, values: pl.Series, size: int) -> pl.Series:
    """A series indexed by code: ``lookup.gather(codes)`` returns ``values``."""
    empty = pl.repeat(None, size, dtype=values.dtype, eager=True)
    return empty.scatter(codes, values) if len(codes) else empty


def _check_answer_values(frame: pl.DataFrame) -> None:
    scored = pl.col("kind") == "scored"
    score = pl.col("score")
    checks = {f"column '{c}' has nulls": pl.col(c).is_null() for c in ANSWER_SCHEMA if c != "score"}
    checks[f"column 'kind' must be one of {', '.join(KINDS)}"] = ~pl.col("kind").is_in(KINDS)
    checks["column 'score' must be set for a scored answer"] = scored & score.is_null()
    checks["column 'score' must be null unless kind is 'scored'"] = ~scored & score.is_not_null()
    checks["column 'score' must be between 0 and 100"] = (
        score.is_nan() | (score < 0) | (score > 100)
    ).fill_null(False)
    _raise_violations(frame, checks, "answers")


def _validated_answers(answers: Frame) -> tuple[pl.DataFrame, _AnswerCodes]:
    frame = _typed(answers, ANSWER_SCHEMA, "answers")
    _check_answer_values(frame)
    return frame, _answer_codes(frame)


def validate_answers(answers: Frame) -> pl.DataFrame:
    """``answers`` with the contract's columns and dtypes; ValueError naming any problem."""
    return _validated_answers(answers)[0]


# --- expressions -----------------------------------------------------------


def maturity_level(score: pl.Expr) -> pl.Expr:
    """Rule 6: level 1 below 20, 2 below 40, 3 below 60, 4 below 80, 5 from 80 (Int8)."""
    first, second, third, fourth = LEVEL_LOWER_BOUNDS
    return (
        pl.when(score < first)
        .then(pl.lit(1, pl.Int8))
        .when(score < second)
        .then(pl.lit(2, pl.Int8))
        .when(score < third)
        .then(pl.lit(3, pl.Int8))
        .when(score < fourth)
        .then(pl.lit(4, pl.Int8))
        .when(score >= fourth)
        .then(pl.lit(5, pl.Int8))
        .otherwise(pl.lit(None, pl.Int8))
    )


def level_of(score: float | None) -> int | None:
    """Rule 6 for one score; None for no score."""
    if score is None:
        return None
    if score != score:
        raise ValueError("score is NaN")
    return 1 + sum(score >= bound for bound in LEVEL_LOWER_BOUNDS)


def quadrant(control: pl.Expr, enablement: pl.Expr) -> pl.Expr:
    """Rule 8: the balance quadrant; null when either score is null."""
    high_control = control >= HIGH_BALANCE
    high_enablement = enablement >= HIGH_BALANCE
    return (
        pl.when(control.is_null() | enablement.is_null())
        .then(pl.lit(None, pl.String))
        .when(high_control & high_enablement)
        .then(pl.lit("balanced"))
        .when(high_control)
        .then(pl.lit("restrictive"))
        .when(high_enablement)
        .then(pl.lit("anything_goes"))
        .otherwise(pl.lit("unguided"))
    )


def _clean(score: pl.Expr) -> pl.Expr:
    """A mean kept inside 0-100, without floating-point noise from summation order."""
    return score.clip(0.0, 100.0).round(SCORE_DECIMALS)


def _half_rule(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Rule 2 from sums: defined when at least half of the items have a scored answer."""
    return frame.with_columns(
        pl.when(2 * pl.col("scored_items") >= pl.col("item_count"))
        .then(_clean(pl.col("weighted") / pl.col("weights")))
        .otherwise(None)
        .alias("score")
    )


# --- analyses, written once against the column names ----------------------
# They run on ids (the public functions that take earlier results) and on the
# engine's integer codes alike; codes sort in the same order as the ids.


def _role_plan(respondent_scores: pl.LazyFrame, group: Sequence[str]) -> pl.LazyFrame:
    """Rule 3: mean of the defined respondent scores per role group."""
    return respondent_scores.group_by(ORG, "role", *group).agg(
        _clean(pl.col("score").mean()).alias("score"),
        pl.col("score").count().alias("respondents"),
    )


def _organisation_plan(role_scores: pl.LazyFrame, group: Sequence[str]) -> pl.LazyFrame:
    """Rule 4: mean of the role groups' defined scores, each group counted once."""
    return role_scores.group_by(ORG, *group).agg(
        _clean(pl.col("score").mean()).alias("score"),
        pl.col("respondents").sum().alias("respondents"),
        pl.col("score").count().alias("role_groups"),
    )


def _organisation_dimensions_plan(role_scores: pl.LazyFrame) -> pl.LazyFrame:
    return _organisation_plan(role_scores, DIMENSION_KEY).with_columns(
        maturity_level(pl.col("score")).alias("level")
    )


def _instruments_plan(dimension_scores: pl.LazyFrame) -> pl.LazyFrame:
    """Rule 5; min_respondents: fewest respondents behind a defined dimension score."""
    defined = pl.col("score").is_not_null()
    return (
        dimension_scores.group_by(ORG, "instrument_id")
        .agg(
            _clean(pl.col("score").mean()).alias("score"),
            pl.len().alias("dimensions"),
            pl.col("score").count().alias("scored_dimensions"),
            pl.when(defined).then(pl.col("respondents")).min().alias("min_respondents"),
        )
        .with_columns(maturity_level(pl.col("score")).alias("level"))
    )


def _coherence_plan(dimension_scores: pl.LazyFrame, maturity_instrument_id: str) -> pl.LazyFrame:
    """Rule 9 with three-valued logic: false as soon as one dimension is below level 3."""
    judged = (
        dimension_scores.filter(pl.col("instrument_id") == maturity_instrument_id)
        .group_by(ORG)
        .agg(
            (maturity_level(pl.col("score")) >= COHERENT_LEVEL)
            .all(ignore_nulls=False)
            .alias("coherent")
        )
    )
    return dimension_scores.select(ORG).unique().join(judged, on=ORG, how="left")


def _priorities_plan(item_results: pl.LazyFrame) -> pl.LazyFrame:
    """Rule 10: one row per finding, in priority order, ranked per organisation."""
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


def _finish(
    frame: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    sort: Sequence[str] = (),
    names: Mapping[str, pl.Series] | None = None,
) -> pl.LazyFrame:
    """Sort, turn codes back into ids (``names[column][code]``), cast to ``schema``."""
    if sort:
        frame = frame.sort(sort)
    if names:
        frame = frame.with_columns(
            pl.lit(table).gather(pl.col(column)).alias(column)
            for column, table in names.items()
            if column in schema
        )
    return frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())


# --- the engine --------------------------------------------------------------


def _composite(parts: Sequence[tuple[str, int]]) -> pl.Expr:
    """One UInt64 key from integer columns with the given numbers of values."""
    key = pl.lit(0, pl.UInt64)
    for column, size in parts:
        key = key * size + pl.col(column).cast(pl.UInt64)
    return key


def _check_key_space(parts: Sequence[tuple[str, int]]) -> None:
    total = 1
    for _, size in parts:
        total *= max(size, 1)
    if total >= 2**63:
        raise ValueError("too many organisations, roles and items to score at once")


class _Engine:
    """One scoring run: the answers coded as integers and the analyses on them."""

    def __init__(self, answers: Frame, items: Frame, min_role_group: int) -> None:
        self.min_role_group = min_role_group
        typed, codes = _validated_answers(answers)
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

    def _code_answers(self, typed: pl.DataFrame, codes: _AnswerCodes) -> None:
        first = codes.first_of_respondent
        respondents = (
            typed.select("respondent_id", ORG, "role")
            .gather(first)
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
        respondent = _lookup(
            respondents.get_column("raw"),
            self.respondents.get_column("respondent_id"),
            _size(codes.respondent),
        ).gather(codes.respondent)

        keys = (
            typed.select(ITEM_KEY)
            .gather(codes.first_of_item_key)
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
        item = _lookup(keys.get_column("key"), keys.get_column("item"), _size(codes.item_key))
        item = item.gather(codes.item_key)

        per_item = {c: pl.lit(self.items.get_column(c)) for c in self.items.columns}
        per_respondent = {c: pl.lit(self.respondents.get_column(c)) for c in (ORG, "role")}
        kind = typed.get_column("kind")
        self.answers = (
            pl.DataFrame(
                {
                    "respondent_id": respondent,
                    "item_id": item,
                    "score": typed.get_column("score"),
                    "scored": kind == "scored",
                    "dont_know": kind == "dont_know",
                }
            )
            .filter(pl.col("item_id").is_not_null())
            .with_columns(
                *(
                    per_item[c].gather(pl.col("item_id")).alias(c)
                    for c in ("instrument_id", "dimension_id", "tag", "weight")
                ),
                *(
                    per_respondent[c].gather(pl.col("respondent_id")).alias(c)
                    for c in (ORG, "role")
                ),
            )
        )

    def _size(self, column: str) -> int:
        return len(self.names[column])

    # -- two passes over the answers --

    @cached_property
    def respondent_sums(self) -> pl.DataFrame:
        """Sums per respondent and dimension, overall and per balance tag (first pass).

        ``key`` is respondent * dimensions + dimension.
        """
        parts = [("respondent_id", self._size("respondent_id")), ("dimension_id", self._dims)]
        _check_key_space(parts)
        scored = pl.col("scored")
        weighted = pl.when(scored).then(pl.col("score") * pl.col("weight")).otherwise(0.0)
        weights = pl.when(scored).then(pl.col("weight")).otherwise(0.0)
        columns = {
            "weighted": weighted,
            "weights": weights,
            "scored_items": scored.cast(pl.UInt32),
            "dont_know": pl.col("dont_know").cast(pl.UInt32),
        }
        for code, tag in enumerate(TAGS, start=1):
            tagged = pl.col("tag") == code
            columns[f"{tag}_weighted"] = pl.when(tagged).then(weighted).otherwise(0.0)
            columns[f"{tag}_weights"] = pl.when(tagged).then(weights).otherwise(0.0)
            columns[f"{tag}_scored_items"] = (tagged & scored).cast(pl.UInt32)
        return (
            self.answers.lazy()
            .select(_composite(parts).alias("key"), **columns)
            .group_by("key")
            .agg(pl.col(list(columns)).sum(), pl.len().cast(pl.UInt32).alias("answered"))
            .collect()
        )

    @cached_property
    def role_item_sums(self) -> pl.DataFrame:
        """Sums per organisation, item and role group (second pass).

        ``figure`` is organisation * items + item.
        """
        roles = self._size("role")
        parts = [(ORG, self._size(ORG)), ("item_id", self._items), ("role", roles)]
        _check_key_space(parts)
        return (
            self.answers.lazy()
            .select(
                _composite(parts).alias("key"),
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
        return _half_rule(
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
        return _role_plan(self.respondent_dimension_codes.lazy(), DIMENSION_KEY).collect()

    @cached_property
    def dimension_codes(self) -> pl.DataFrame:
        keys = [ORG, *DIMENSION_KEY]
        rates = (
            self.respondent_dimension_codes.lazy()
            .group_by(keys)
            .agg(
                pl.col("answered").sum(),
                pl.col("dont_know").sum(),
                (pl.col("answered") > 0).sum().alias("answering_respondents"),
            )
            .with_columns(
                pl.when(pl.col("answered") > 0)
                .then(pl.col("dont_know") / pl.col("answered"))
                .otherwise(None)
                .alias("dont_know_rate")
            )
        )
        scores = _organisation_dimensions_plan(self.role_dimension_codes.lazy())
        return scores.join(rates, on=keys, how="left").collect()

    @cached_property
    def item_codes(self) -> pl.DataFrame:
        """Per organisation and item: role-balanced score, counts, rates, role spread
        among the role groups the anonymity rule lets show, priority."""
        # Sorted, the windows and the group-by touch each figure's rows together;
        # collected step by step, as one lazy plan the engine does not see that.
        sums = self.role_item_sums.sort("figure").with_columns(
            pl.when(pl.col("respondents") > 0)
            .then(_clean(pl.col("score_sum") / pl.col("respondents")))
            .otherwise(None)
            .alias("score")
        )
        roles = anonymity.mark_visible_role_groups(
            sums.lazy(), ["figure"], minimum=self.min_role_group
        ).collect(engine="in-memory")
        visible = pl.col("visible_score")
        per_item = (
            roles.lazy()
            .with_columns(pl.when(pl.col("visible")).then(pl.col("score")).alias("visible_score"))
            .group_by("figure")
            .agg(
                _clean(pl.col("score").mean()).alias("score"),
                pl.col("respondents", "answered", "dont_know").sum(),
                pl.when(visible.count() >= 2)
                .then((visible.max() - visible.min()).round(SCORE_DECIMALS))
                .otherwise(None)
                .alias("role_spread"),
            )
            .collect(engine="in-memory")
        )
        items = self.items.lazy().select("item_id", "instrument_id", "dimension_id", "weight")
        figure = pl.col(ORG).cast(pl.UInt64) * self._items + pl.col("item_id")
        return (
            self.organisation_instruments.lazy()
            .join(items, on="instrument_id")
            .with_columns(figure.alias("figure"))
            .join(per_item.lazy(), on="figure", how="left")
            .with_columns(pl.col("respondents", "answered", "dont_know").fill_null(0))
            .with_columns(
                pl.when(pl.col("answered") > 0)
                .then(pl.col("dont_know") / pl.col("answered"))
                .otherwise(None)
                .alias("dont_know_rate"),
                ((100.0 - pl.col("score")) * pl.col("weight")).alias("priority"),
            )
            .collect()
        )

    @cached_property
    def balance_codes(self) -> pl.DataFrame:
        """Rule 8: control and enablement scored like a dimension (rules 2-4)."""
        group = ["tag"]
        per_respondent = (
            self.respondent_sums.lazy()
            .group_by((pl.col("key") // self._dims).cast(pl.UInt32).alias("respondent_id"))
            .agg(pl.all().exclude("key").sum())
        )
        sums = pl.concat(
            per_respondent.select(
                "respondent_id",
                pl.lit(code, pl.UInt8).alias("tag"),
                *(pl.col(f"{tag}_{c}").alias(c) for c in ("weighted", "weights", "scored_items")),
            )
            for code, tag in enumerate(TAGS, start=1)
        )
        counts = (
            self.organisation_instruments.lazy()
            .join(
                self.items.lazy()
                .filter(pl.col("tag") > 0)
                .group_by("instrument_id", "tag")
                .agg(pl.len().alias("item_count")),
                on="instrument_id",
            )
            .group_by(ORG, "tag")
            .agg(pl.col("item_count").sum())
        )
        respondent = _half_rule(
            self.respondents_in_scope.lazy()
            .join(counts, on=ORG)
            .join(sums, on=["respondent_id", "tag"], how="left")
            .with_columns(pl.col("scored_items").fill_null(0))
        )
        organisation = _organisation_plan(_role_plan(respondent, group), group)
        per_tag = organisation.group_by(ORG).agg(
            pl.col(column).filter(pl.col("tag") == code).first().alias(alias)
            for code, tag in enumerate(TAGS, start=1)
            for column, alias in (("score", tag), ("respondents", f"{tag}_respondents"))
        )
        return (
            self.organisation_instruments.lazy()
            .select(ORG)
            .unique()
            .join(per_tag, on=ORG, how="left")
            .with_columns(pl.col("control_respondents", "enablement_respondents").fill_null(0))
            .with_columns(quadrant(pl.col("control"), pl.col("enablement")).alias("quadrant"))
            .collect()
        )

    # -- outputs (ids, sorted, typed) --

    def finish(
        self, frame: pl.DataFrame, schema: Mapping[str, pl.DataType], sort: Sequence[str] = ()
    ) -> pl.DataFrame:
        return _finish(frame.lazy(), schema, sort, self.names).collect()

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
        plan = _instruments_plan(self.dimension_codes.lazy()).collect()
        return self.finish(plan, INSTRUMENT_SCHEMA, [ORG, "instrument_id"])

    def item_results(self) -> pl.DataFrame:
        sort = [ORG, *DIMENSION_KEY, "item_id"]
        return self.finish(self.item_codes, ITEM_RESULT_SCHEMA, sort)

    def balance(self) -> pl.DataFrame:
        return self.finish(self.balance_codes, BALANCE_SCHEMA, [ORG])

    def priorities(self) -> pl.DataFrame:
        return self.finish(_priorities_plan(self.item_codes.lazy()).collect(), PRIORITY_SCHEMA)


# --- public functions ------------------------------------------------------


def _frame(frame: Frame, columns: Iterable[str], name: str) -> pl.LazyFrame:
    _require(frame, columns, name)
    return _lazy(frame)


def respondent_dimension_scores(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 2, one row per respondent and dimension of the instruments in scope.

    Columns: organisation_id, respondent_id, role, instrument_id, dimension_id,
    score, scored_items, item_count. Never shown as such (see anonymity).
    """
    return _Engine(answers, items, anonymity.MIN_ROLE_GROUP).respondent_dimensions()


def role_dimension_scores(respondent_scores: Frame) -> pl.DataFrame:
    """Rule 3. Columns: organisation_id, role, instrument_id, dimension_id, score,
    respondents (respondents with a defined score)."""
    frame = _frame(respondent_scores, [ORG, "role", *DIMENSION_KEY, "score"], "respondent_scores")
    plan = _role_plan(frame, DIMENSION_KEY)
    return _finish(plan, ROLE_DIMENSION_SCHEMA, [ORG, *DIMENSION_KEY, "role"]).collect()


def organisation_dimension_scores(role_scores: Frame) -> pl.DataFrame:
    """Rules 4 and 6. Columns: organisation_id, instrument_id, dimension_id, score,
    level, respondents, role_groups (role groups with a defined score)."""
    frame = _frame(role_scores, [ORG, *DIMENSION_KEY, "score", "respondents"], "role_scores")
    plan = _organisation_dimensions_plan(frame)
    return _finish(plan, ORGANISATION_DIMENSION_SCHEMA, [ORG, *DIMENSION_KEY]).collect()


def dont_know_rates(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 7, pooled over all respondents' answers. Columns: organisation_id,
    instrument_id, dimension_id, dont_know_rate, answered (answers),
    answering_respondents."""
    return _Engine(answers, items, anonymity.MIN_ROLE_GROUP).dont_know_rates()


def instrument_scores(dimension_scores: Frame) -> pl.DataFrame:
    """Rules 5 and 6. Columns: organisation_id, instrument_id, score, level,
    dimensions, scored_dimensions, min_respondents (fewest respondents behind a
    defined dimension score)."""
    needed = [ORG, "instrument_id", "score", "respondents"]
    plan = _instruments_plan(_frame(dimension_scores, needed, "dimension_scores"))
    return _finish(plan, INSTRUMENT_SCHEMA, [ORG, "instrument_id"]).collect()


def item_results(
    answers: Frame, items: Frame, min_role_group: int = anonymity.MIN_ROLE_GROUP
) -> pl.DataFrame:
    """Per organisation and item: role-balanced score, counts, don't-know rate,
    role spread (among role groups the anonymity rule lets show) and priority.

    Columns: organisation_id, instrument_id, dimension_id, item_id, score,
    respondents (with a scored answer), answered, dont_know_rate, role_spread,
    priority, weight.
    """
    return _Engine(answers, items, min_role_group).item_results()


def balance(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 8. Columns: organisation_id, control, enablement, quadrant,
    control_respondents, enablement_respondents."""
    return _Engine(answers, items, anonymity.MIN_ROLE_GROUP).balance()


def coherence(
    dimension_scores: Frame, maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
) -> pl.DataFrame:
    """Rule 9. Columns: organisation_id, coherent (null when it cannot be judged)."""
    frame = _frame(dimension_scores, [ORG, "instrument_id", "score"], "dimension_scores")
    plan = _coherence_plan(frame, maturity_instrument_id)
    return _finish(plan, COHERENCE_SCHEMA, [ORG]).collect()


def priorities(item_results: Frame) -> pl.DataFrame:
    """Rule 10: findings in priority order, ranked per organisation.

    Columns: organisation_id, rank, finding (low_score | awareness_gap |
    role_disagreement), instrument_id, dimension_id, item_id, priority, score,
    weight, dont_know_rate, role_spread.
    """
    needed = [c for c in PRIORITY_SCHEMA if c not in ("rank", "finding")]
    plan = _priorities_plan(_frame(item_results, needed, "item_results"))
    return _finish(plan, PRIORITY_SCHEMA).collect()


@dataclass(frozen=True)
class Scores:
    """Every analysis of one scoring run. Raw: pass it through
    ``anonymity.anonymise_scores`` before showing anything."""

    respondent_dimensions: pl.DataFrame
    role_dimensions: pl.DataFrame
    dimensions: pl.DataFrame
    instruments: pl.DataFrame
    items: pl.DataFrame
    balance: pl.DataFrame
    coherence: pl.DataFrame
    priorities: pl.DataFrame
    maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT


def score(
    answers: Frame, items: Frame, *, maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
) -> Scores:
    """The whole pipeline: validate and code once, then every analysis."""
    engine = _Engine(answers, items, anonymity.MIN_ROLE_GROUP)
    dimensions = engine.dimensions()
    return Scores(
        respondent_dimensions=engine.respondent_dimensions(),
        role_dimensions=engine.role_dimensions(),
        dimensions=dimensions,
        instruments=engine.instruments(),
        items=engine.item_results(),
        balance=engine.balance(),
        coherence=coherence(dimensions, maturity_instrument_id),
        priorities=engine.priorities(),
        maturity_instrument_id=maturity_instrument_id,
    )
