"""The scoring rules on small hand-made cases with hand-computed numbers."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from survey import scoring
from survey.scoring import level_of, maturity_level
from survey.scoring.coding import answer_codes, codes, respondent_blocks

M = "sm-maturity"
DK = "dk"
NA = "na"


def items_frame(*rows) -> pl.DataFrame:
    """rows: (instrument_id, dimension_id, item_id, weight, tag)."""
    return pl.DataFrame(
        [
            {"instrument_id": i, "dimension_id": d, "item_id": t, "weight": w, "tag": g}
            for i, d, t, w, g in rows
        ],
        schema=scoring.ITEM_SCHEMA,
    )


def answers_frame(*rows) -> pl.DataFrame:
    """rows: (organisation_id, respondent_id, role, instrument_id, item_id, value);
    value is a score, DK or NA."""
    records = []
    for organisation, respondent, role, instrument, item, value in rows:
        kind = {DK: "dont_know", NA: "not_applicable"}.get(value, "scored")
        records.append(
            {
                "organisation_id": organisation,
                "respondent_id": respondent,
                "role": role,
                "instrument_id": instrument,
                "item_id": item,
                "score": float(value) if kind == "scored" else None,
                "kind": kind,
            }
        )
    return pl.DataFrame(records, schema=scoring.ANSWER_SCHEMA)


def respondent(org, rid, role, values: dict[str, object], instrument=M):
    return [(org, rid, role, instrument, item, value) for item, value in values.items()]


def one(frame: pl.DataFrame, column: str, **where):
    rows = frame.filter(**where) if where else frame
    assert rows.height == 1, rows
    return rows.get_column(column)[0]


# items used by most tests: dimension x has items a (w1), b (w2), c (w1), d (w1);
# dimension y has items e, f
ITEMS = items_frame(
    (M, "x", "a", 1.0, "control"),
    (M, "x", "b", 2.0, "control"),
    (M, "x", "c", 1.0, None),
    (M, "x", "d", 1.0, "enablement"),
    (M, "y", "e", 1.0, "enablement"),
    (M, "y", "f", 1.0, None),
)


# --- validation --------------------------------------------------------------------


@pytest.mark.parametrize("column", list(scoring.ITEM_SCHEMA))
def test_items_missing_a_column_is_an_error_naming_it(column):
    with pytest.raises(ValueError, match=f"items: missing column '{column}'"):
        scoring.validate_items(ITEMS.drop(column))


@pytest.mark.parametrize("column", list(scoring.ANSWER_SCHEMA))
def test_answers_missing_a_column_is_an_error_naming_it(column):
    answers = answers_frame(("o", "r", "hr", M, "a", 50))
    with pytest.raises(ValueError, match=f"answers: missing column '{column}'"):
        scoring.validate_answers(answers.drop(column))
    with pytest.raises(ValueError, match=f"'{column}'"):
        scoring.score(answers.drop(column), ITEMS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": 0.0}, "'weight' must be a finite number > 0"),
        ({"weight": -1.0}, "'weight' must be a finite number > 0"),
        ({"weight": float("nan")}, "'weight' must be a finite number > 0"),
        ({"tag": "other"}, "'tag' must be"),
        ({"dimension_id": None}, "'dimension_id' has nulls"),
        ({"weight": None}, "'weight' has nulls"),
    ],
)
def test_invalid_items(change, message):
    bad = ITEMS.with_columns(
        pl.lit(value, dtype=scoring.ITEM_SCHEMA[column]).alias(column)
        for column, value in change.items()
    )
    with pytest.raises(ValueError, match=message):
        scoring.validate_items(bad)


def test_an_item_twice_in_one_instrument_is_an_error():
    with pytest.raises(ValueError, match="more than one row per"):
        scoring.validate_items(pl.concat([ITEMS, ITEMS.head(1)]))


def test_the_same_item_id_in_two_instruments_is_fine():
    items = pl.concat([ITEMS, ITEMS.with_columns(pl.lit("ctg").alias("instrument_id"))])
    assert scoring.validate_items(items).height == 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "skipped"}, "'kind' must be one of"),
        ({"score": 101.0}, "between 0 and 100"),
        ({"score": -0.5}, "between 0 and 100"),
        ({"score": float("nan")}, "between 0 and 100"),
        ({"score": None}, "must be set for a scored answer"),
        ({"kind": "dont_know"}, "must be null unless kind is 'scored'"),
        ({"role": None}, "'role' has nulls"),
        ({"respondent_id": None}, "'respondent_id' has nulls"),
    ],
)
def test_invalid_answers(change, message):
    answers = answers_frame(("o", "r", "hr", M, "a", 50))
    bad = answers.with_columns(
        pl.lit(value, dtype=scoring.ANSWER_SCHEMA[column]).alias(column)
        for column, value in change.items()
    )
    with pytest.raises(ValueError, match=message):
        scoring.validate_answers(bad)


def test_a_second_answer_to_the_same_item_is_an_error():
    answers = answers_frame(("o", "r", "hr", M, "a", 50), ("o", "r", "hr", M, "a", 60))
    with pytest.raises(ValueError, match="more than one row per"):
        scoring.validate_answers(answers)


@pytest.mark.parametrize("column", ["organisation_id", "role"])
def test_a_respondent_belongs_to_one_organisation_and_role(column):
    answers = answers_frame(("o", "r", "hr", M, "a", 50), ("o", "r", "hr", M, "b", 60))
    bad = answers.with_columns(
        pl.when(pl.col("item_id") == "b")
        .then(pl.lit("other"))
        .otherwise(pl.col(column))
        .alias(column)
    )
    with pytest.raises(ValueError, match=f"more than one {column}"):
        scoring.validate_answers(bad)


def test_a_second_answer_found_away_from_the_first_is_an_error():
    answers = answers_frame(
        ("o", "r", "hr", M, "a", 50), ("o", "r", "hr", M, "b", 50), ("o", "r", "hr", M, "a", 60)
    )
    with pytest.raises(ValueError, match="more than one row per"):
        scoring.validate_answers(answers)


def test_a_respondent_whose_answers_come_apart_keeps_one_role():
    answers = answers_frame(
        ("o", "r", "hr", M, "a", 50), ("o", "s", "hr", M, "a", 50), ("o", "r", "it", M, "b", 60)
    )
    with pytest.raises(ValueError, match="more than one role"):
        scoring.validate_answers(answers)


def test_answers_in_respondent_blocks_are_coded_without_sorting():
    answers = answers_frame(
        *respondent("o", "r", "hr", {"a": 50, "b": 25}),
        *respondent("o", "s", "it", {"a": 75, "e": DK}),
    )
    typed = scoring.validate_answers(answers)
    respondents = codes(typed.get_column("respondent_id"))
    item_key = codes(typed.get_column("item_id")).cast(pl.UInt32)
    first = respondent_blocks(typed, respondents, item_key)
    assert first is not None and first.to_list() == [0, 2]
    assert answer_codes(typed).first_of_respondent.to_list() == [0, 2]
    order = [0, 2, 1, 3]
    apart = typed.select(pl.all().gather(order))
    assert respondent_blocks(apart, respondents.gather(order), item_key.gather(order)) is None
    assert answer_codes(apart).first_of_respondent.to_list() == [0, 1]


def test_a_column_of_the_wrong_type_is_an_error_naming_it():
    answers = answers_frame(("o", "r", "hr", M, "a", 50)).with_columns(pl.lit("x").alias("score"))
    with pytest.raises(ValueError, match="column 'score' is not Float64"):
        scoring.validate_answers(answers)


def test_validation_casts_to_the_contract_and_accepts_lazy_frames():
    answers = answers_frame(("o", "r", "hr", M, "a", 50)).with_columns(
        pl.col("score").cast(pl.Int64), pl.lit(1).alias("extra")
    )
    valid = scoring.validate_answers(answers.lazy())
    assert valid.schema == pl.Schema(scoring.ANSWER_SCHEMA)
    assert scoring.validate_items(ITEMS.lazy()).schema == pl.Schema(scoring.ITEM_SCHEMA)


# --- rule 6: maturity levels --------------------------------------------------------------


LEVELS = [
    (0.0, 1),
    (19.99, 1),
    (20.0, 2),
    (39.99, 2),
    (40.0, 3),
    (59.99, 3),
    (60.0, 4),
    (79.99, 4),
    (80.0, 5),
    (100.0, 5),
    (None, None),
]


@pytest.mark.parametrize(("value", "level"), LEVELS)
def test_level_of(value, level):
    assert level_of(value) == level


def test_maturity_level_expression_matches_level_of():
    frame = pl.DataFrame({"score": [value for value, _ in LEVELS]}, schema={"score": pl.Float64})
    levels = frame.select(maturity_level(pl.col("score")).alias("level")).get_column("level")
    assert levels.dtype == pl.Int8
    assert levels.to_list() == [level for _, level in LEVELS]


def test_level_of_nan_is_an_error():
    with pytest.raises(ValueError, match="NaN"):
        level_of(float("nan"))


# --- rule 2: a respondent's dimension score ---------------------------------------------


def test_weighted_mean_of_the_scored_items():
    answers = answers_frame(*respondent("o", "r", "hr", {"a": 100, "b": 40, "c": 0, "d": DK}))
    scores = scoring.respondent_dimension_scores(answers, ITEMS)
    # (100*1 + 40*2 + 0*1) / (1 + 2 + 1) = 45; d ("don't know") is not a zero
    assert one(scores, "score", dimension_id="x") == 45.0
    assert one(scores, "scored_items", dimension_id="x") == 3
    assert one(scores, "item_count", dimension_id="x") == 4


def test_exactly_half_of_the_items_scored_is_enough():
    answers = answers_frame(*respondent("o", "r", "hr", {"a": 30, "b": 60, "c": NA, "d": DK}))
    scores = scoring.respondent_dimension_scores(answers, ITEMS)
    assert one(scores, "score", dimension_id="x") == 50.0  # (30 + 120) / 3


def test_fewer_than_half_of_the_items_scored_gives_no_score():
    answers = answers_frame(*respondent("o", "r", "hr", {"b": 60, "c": NA, "d": DK}))
    scores = scoring.respondent_dimension_scores(answers, ITEMS)
    assert one(scores, "score", dimension_id="x") is None
    assert one(scores, "scored_items", dimension_id="x") == 1


def test_the_half_rule_counts_items_not_weights():
    # 1 of 2 items is half, even though it carries a third of the weight... and the
    # heavier item alone is also half
    items = items_frame((M, "x", "a", 1.0, None), (M, "x", "b", 2.0, None))
    light = scoring.respondent_dimension_scores(answers_frame(("o", "r", "hr", M, "a", 10)), items)
    heavy = scoring.respondent_dimension_scores(answers_frame(("o", "r", "hr", M, "b", 90)), items)
    assert one(light, "score") == 10.0
    assert one(heavy, "score") == 90.0


def test_an_odd_number_of_items_needs_more_than_half_rounded_down():
    items = items_frame(*[(M, "x", name, 1.0, None) for name in "abc"])
    one_of_three = answers_frame(("o", "r", "hr", M, "a", 10))
    two_of_three = answers_frame(("o", "r", "hr", M, "a", 10), ("o", "r", "hr", M, "b", 20))
    assert one(scoring.respondent_dimension_scores(one_of_three, items), "score") is None
    assert one(scoring.respondent_dimension_scores(two_of_three, items), "score") == 15.0


def test_a_dimension_without_answers_has_a_row_without_score():
    answers = answers_frame(*respondent("o", "r", "hr", {"a": 100, "b": 100}))
    scores = scoring.respondent_dimension_scores(answers, ITEMS)
    assert scores.get_column("dimension_id").to_list() == ["x", "y"]
    assert one(scores, "score", dimension_id="y") is None
    assert one(scores, "scored_items", dimension_id="y") == 0
    assert one(scores, "item_count", dimension_id="y") == 2


def test_items_are_identified_by_instrument_and_item_id():
    items = pl.concat(
        [
            ITEMS,
            items_frame(("ctg", "x", "a", 1.0, None), ("ctg", "x", "b", 1.0, None)),
        ]
    )
    answers = answers_frame(
        *respondent("o", "r", "hr", {"a": 100, "b": 100}),
        *respondent("o", "r", "hr", {"a": 0, "b": 20}, instrument="ctg"),
    )
    scores = scoring.respondent_dimension_scores(answers, items)
    assert one(scores, "score", instrument_id="ctg", dimension_id="x") == 10.0
    assert one(scores, "score", instrument_id=M, dimension_id="x") == 100.0
    assert one(scores, "item_count", instrument_id="ctg", dimension_id="x") == 2


def test_answers_outside_the_items_are_ignored():
    answers = answers_frame(
        *respondent("o", "r", "hr", {"a": 100, "b": 100, "zz": 0}),
        ("o", "r2", "hr", "other-instrument", "a", 0),
    )
    scores = scoring.respondent_dimension_scores(answers, ITEMS)
    assert one(scores, "score", dimension_id="x") == 100.0
    assert scores.get_column("respondent_id").unique().to_list() == ["r"]


def test_a_respondent_gets_every_dimension_of_the_instruments_of_the_organisation():
    items = pl.concat([ITEMS, items_frame(("ctg", "z", "a", 1.0, None))])
    answers = answers_frame(
        *respondent("o", "r1", "hr", {"a": 100, "b": 100}),
        ("o", "r2", "it", "ctg", "a", 50),
    )
    scores = scoring.respondent_dimension_scores(answers, items)
    assert scores.select("respondent_id", "instrument_id", "dimension_id").rows() == [
        ("r1", "ctg", "z"),
        ("r2", "ctg", "z"),
        ("r1", M, "x"),
        ("r2", M, "x"),
        ("r1", M, "y"),
        ("r2", M, "y"),
    ]
    assert one(scores, "score", respondent_id="r1", instrument_id="ctg") is None


# --- rules 3 and 4: role groups and the organisation -------------------------------------


def role_answers():
    # dimension y (items e, f): hr 80, 60, 70 and a respondent without a score; it 20
    return answers_frame(
        *respondent("o", "h1", "hr", {"e": 80, "f": 80}),
        *respondent("o", "h2", "hr", {"e": 60, "f": 60}),
        *respondent("o", "h3", "hr", {"e": 70, "f": 70}),
        *respondent("o", "h4", "hr", {"e": DK, "f": DK}),
        *respondent("o", "i1", "it", {"e": 20, "f": DK}),
        *respondent("o", "l1", "legal", {"e": DK, "f": NA}),
    )


def test_a_role_group_score_is_the_mean_of_its_respondents_defined_scores():
    scores = scoring.score(role_answers(), ITEMS).role_dimensions.filter(dimension_id="y")
    assert scores.select("role", "score", "respondents").rows() == [
        ("hr", 70.0, 3),
        ("it", 20.0, 1),
        ("legal", None, 0),
    ]


def test_the_organisation_score_counts_each_role_group_once():
    dimension = scoring.score(role_answers(), ITEMS).dimensions.filter(dimension_id="y")
    # (70 + 20) / 2 = 45, not (80 + 60 + 70 + 20) / 4 = 57.5; legal has no score
    assert one(dimension, "score") == 45.0
    assert one(dimension, "level") == 3
    assert one(dimension, "respondents") == 4
    assert one(dimension, "role_groups") == 2


def test_no_defined_scores_give_no_organisation_score():
    answers = answers_frame(*respondent("o", "r", "hr", {"e": DK, "f": DK}))
    dimension = scoring.score(answers, ITEMS).dimensions.filter(dimension_id="y")
    assert one(dimension, "score") is None
    assert one(dimension, "level") is None
    assert one(dimension, "respondents") == 0
    assert one(dimension, "role_groups") == 0


def test_the_composable_functions_give_the_pipelines_results():
    scores = scoring.score(role_answers(), ITEMS)
    roles = scoring.role_dimension_scores(scores.respondent_dimensions)
    assert_frame_equal(roles, scores.role_dimensions)
    organisation = scoring.organisation_dimension_scores(roles)
    assert_frame_equal(organisation, scores.dimensions.select(organisation.columns))
    assert_frame_equal(scoring.instrument_scores(scores.dimensions), scores.instruments)
    assert_frame_equal(scoring.priorities(scores.items), scores.priorities)
    rates = scoring.dont_know_rates(role_answers(), ITEMS)
    assert_frame_equal(rates, scores.dimensions.select(rates.columns))
    assert_frame_equal(scoring.item_results(role_answers(), ITEMS), scores.items)
    assert_frame_equal(scoring.balance(role_answers(), ITEMS), scores.balance)
    assert_frame_equal(scoring.coherence(scores.dimensions), scores.coherence)


def test_the_composable_functions_name_missing_columns():
    with pytest.raises(ValueError, match="respondent_scores: missing column 'role'"):
        scoring.role_dimension_scores(pl.DataFrame({"organisation_id": ["o"]}))
    with pytest.raises(ValueError, match="role_scores: missing column 'respondents'"):
        scoring.organisation_dimension_scores(
            pl.DataFrame(
                {"organisation_id": ["o"], "instrument_id": [M], "dimension_id": ["x"]},
            ).with_columns(pl.lit(1.0).alias("score"))
        )
    with pytest.raises(ValueError, match="item_results: missing column 'priority'"):
        scoring.priorities(
            pl.DataFrame({"organisation_id": ["o"]}).with_columns(
                *(
                    pl.lit(None).alias(c)
                    for c in ("instrument_id", "dimension_id", "item_id", "score", "weight")
                )
            )
        )


# --- rule 5: instrument score --------------------------------------------------------------


def test_instrument_score_is_the_mean_of_the_defined_dimension_scores():
    dimensions = pl.DataFrame(
        {
            "organisation_id": ["o", "o", "o", "p"],
            "instrument_id": [M, M, M, M],
            "score": [30.0, 61.0, None, None],
            "respondents": [4, 3, 0, 0],
        }
    )
    result = scoring.instrument_scores(dimensions)
    assert result.rows(named=True) == [
        {
            "organisation_id": "o",
            "instrument_id": M,
            "score": 45.5,
            "level": 3,
            "dimensions": 3,
            "scored_dimensions": 2,
            "min_respondents": 3,
        },
        {
            "organisation_id": "p",
            "instrument_id": M,
            "score": None,
            "level": None,
            "dimensions": 1,
            "scored_dimensions": 0,
            "min_respondents": None,
        },
    ]


# --- rule 7: don't-know rates -------------------------------------------------------------------


def test_dont_know_rate_pools_all_answers_of_all_respondents():
    answers = answers_frame(
        *respondent("o", "r1", "hr", {"a": DK, "b": DK, "c": 50, "d": NA}),
        *respondent("o", "r2", "it", {"a": 10, "b": 20}),
        *respondent("o", "r3", "it", {"e": DK}),
    )
    rates = scoring.dont_know_rates(answers, ITEMS)
    x = rates.filter(dimension_id="x").row(0, named=True)
    # 2 "don't know" among 6 answers; "not applicable" is an answer too
    assert x["dont_know_rate"] == pytest.approx(2 / 6)
    assert x["answered"] == 6
    assert x["answering_respondents"] == 2
    y = rates.filter(dimension_id="y").row(0, named=True)
    assert (y["dont_know_rate"], y["answered"], y["answering_respondents"]) == (1.0, 1, 1)


def test_a_dimension_nobody_answered_has_no_dont_know_rate():
    answers = answers_frame(*respondent("o", "r1", "hr", {"a": 10}))
    y = scoring.dont_know_rates(answers, ITEMS).filter(dimension_id="y").row(0, named=True)
    assert (y["dont_know_rate"], y["answered"], y["answering_respondents"]) == (None, 0, 0)


# --- rule 8: balance -----------------------------------------------------------------------------

BALANCE_ITEMS = items_frame(
    (M, "x", "c1", 1.0, "control"),
    (M, "x", "c2", 1.0, "control"),
    (M, "y", "e1", 1.0, "enablement"),
    (M, "y", "n1", 1.0, None),
)


@pytest.mark.parametrize(
    ("control", "enablement", "quadrant"),
    [
        (0, 0, "unguided"),
        (49.99, 49.99, "unguided"),
        (50, 49.99, "restrictive"),
        (49.99, 50, "anything_goes"),
        (50, 50, "balanced"),
        (100, 100, "balanced"),
    ],
)
def test_balance_quadrants(control, enablement, quadrant):
    answers = answers_frame(
        *respondent("o", "r", "hr", {"c1": control, "c2": control, "e1": enablement, "n1": 0})
    )
    result = scoring.balance(answers, BALANCE_ITEMS).row(0, named=True)
    assert result == {
        "organisation_id": "o",
        "control": float(control),
        "enablement": float(enablement),
        "quadrant": quadrant,
        "control_respondents": 1,
        "enablement_respondents": 1,
    }


def test_balance_scores_are_role_balanced_weighted_and_use_the_half_rule():
    answers = answers_frame(
        *respondent("o", "h1", "hr", {"c1": 100, "c2": 40, "e1": DK}),
        *respondent("o", "h2", "hr", {"c1": 80, "c2": DK, "e1": 90}),
        *respondent("o", "i1", "it", {"c1": DK, "c2": DK, "e1": 10}),
    )
    result = scoring.balance(answers, BALANCE_ITEMS).row(0, named=True)
    # control: hr = mean(70, 80) = 75; it undefined (0 of 2 scored) -> 75
    # enablement: hr = 90 (h1 undefined), it = 10 -> 50
    assert result["control"] == 75.0
    assert result["enablement"] == 50.0
    assert result["quadrant"] == "balanced"
    assert (result["control_respondents"], result["enablement_respondents"]) == (2, 2)


def test_balance_without_tagged_items_has_no_quadrant():
    items = BALANCE_ITEMS.with_columns(pl.lit(None, pl.String).alias("tag"))
    answers = answers_frame(*respondent("o", "r", "hr", {"c1": 100, "c2": 100}))
    result = scoring.balance(answers, items).row(0, named=True)
    assert (result["control"], result["enablement"], result["quadrant"]) == (None, None, None)
    assert (result["control_respondents"], result["enablement_respondents"]) == (0, 0)


def test_balance_with_one_undefined_score_has_no_quadrant():
    answers = answers_frame(*respondent("o", "r", "hr", {"c1": 100, "c2": 100, "e1": DK}))
    result = scoring.balance(answers, BALANCE_ITEMS).row(0, named=True)
    assert (result["control"], result["enablement"], result["quadrant"]) == (100.0, None, None)


def test_balance_pools_the_tagged_items_of_every_instrument_the_organisation_answered():
    items = pl.concat([BALANCE_ITEMS, items_frame(("ctg", "z", "c3", 2.0, "control"))])
    answers = answers_frame(
        *respondent("o", "r1", "hr", {"c1": 10, "c2": 10, "e1": 90}),
        *respondent("o", "r1", "hr", {"c3": 70}, instrument="ctg"),
        *respondent("p", "r2", "hr", {"c1": 10, "c2": 10, "e1": 90}),
    )
    result = scoring.balance(answers, items)
    # o: (10 + 10 + 70 * 2) / 4 = 40; p never answered ctg: its c3 does not count
    assert result.select("organisation_id", "control", "quadrant").rows() == [
        ("o", 40.0, "anything_goes"),
        ("p", 10.0, "anything_goes"),
    ]


def test_an_unanswered_instrument_of_the_organisation_counts_against_the_half_rule():
    items = pl.concat(
        [BALANCE_ITEMS, items_frame(*[("ctg", "z", f"c{n}", 1.0, "control") for n in (3, 4, 5)])]
    )
    answers = answers_frame(
        *respondent("o", "r1", "hr", {"c1": 10, "c2": 10}),
        *respondent("o", "r2", "hr", {"c3": 70}, instrument="ctg"),
    )
    result = scoring.balance(answers, items).row(0, named=True)
    # 5 control items in scope: r1 scored 2 (< half), r2 scored 1 (< half)
    assert result["control"] is None


def test_a_first_answer_to_another_instrument_brings_it_into_scope():
    items = pl.concat([BALANCE_ITEMS, items_frame(("ctg", "z", "c3", 1.0, "control"))])
    answers = answers_frame(*respondent("o", "r1", "hr", {"c1": 60, "e1": 60}))
    assert one(scoring.balance(answers, items), "control") == 60.0  # 1 of 2 control items
    with_ctg = pl.concat([answers, answers_frame(("o", "r2", "it", "ctg", "n9", DK))])
    # n9 is not an item: nothing changes
    assert one(scoring.balance(with_ctg, items), "control") == 60.0
    with_ctg = pl.concat([answers, answers_frame(("o", "r2", "it", "ctg", "c3", DK))])
    # now ctg is in scope: 1 of 3 control items is below half for r1
    assert one(scoring.balance(with_ctg, items), "control") is None


# --- rule 9: coherent policy -----------------------------------------------------------------------


def coherence_of(scores: list[float | None], instrument=M, maturity=M):
    dimensions = pl.DataFrame(
        {
            "organisation_id": ["o"] * len(scores),
            "instrument_id": [instrument] * len(scores),
            "dimension_id": [f"d{n}" for n in range(len(scores))],
            "score": scores,
        },
        schema_overrides={"score": pl.Float64},
    )
    return one(scoring.coherence(dimensions, maturity), "coherent")


@pytest.mark.parametrize(
    ("scores", "coherent"),
    [
        ([40.0, 95.0, 60.0], True),
        ([39.99, 95.0, 60.0], False),
        ([None, 95.0, 60.0], None),  # cannot be judged
        ([None, 10.0, 60.0], False),  # already below level 3
        ([None], None),
    ],
)
def test_coherence(scores, coherent):
    assert coherence_of(scores) is coherent


def test_coherence_without_the_maturity_test_is_unknown():
    assert coherence_of([80.0], instrument="ctg") is None


def test_coherence_uses_the_named_maturity_instrument():
    assert coherence_of([80.0], instrument="ctg", maturity="ctg") is True


def test_the_pipeline_passes_the_maturity_instrument_on():
    answers = answers_frame(*respondent("o", "r", "hr", {"a": 90, "b": 90, "e": 90}))
    assert one(scoring.score(answers, ITEMS).coherence, "coherent") is True
    assert (
        one(scoring.score(answers, ITEMS, maturity_instrument_id="x").coherence, "coherent") is None
    )


# --- item results and rule 10: priorities ------------------------------------------------------------


def test_an_item_score_is_role_balanced():
    answers = answers_frame(
        *respondent("o", "h1", "hr", {"a": 100}),
        *respondent("o", "h2", "hr", {"a": 100}),
        *respondent("o", "h3", "hr", {"a": 40}),
        *respondent("o", "i1", "it", {"a": 20}),
        *respondent("o", "i2", "it", {"a": DK}),
    )
    item = scoring.item_results(answers, ITEMS).filter(item_id="a").row(0, named=True)
    assert item["score"] == 50.0  # (80 + 20) / 2
    assert item["respondents"] == 4
    assert item["answered"] == 5
    assert item["dont_know_rate"] == pytest.approx(0.2)
    assert item["priority"] == 50.0
    assert item["weight"] == 1.0


def test_item_results_list_every_item_of_the_answered_instruments():
    answers = answers_frame(*respondent("o", "r", "hr", {"a": 50}))
    items = scoring.item_results(answers, ITEMS)
    assert items.get_column("item_id").to_list() == ["a", "b", "c", "d", "e", "f"]
    unanswered = items.filter(item_id="f").row(0, named=True)
    assert unanswered["answered"] == 0
    assert unanswered["score"] is None
    assert unanswered["dont_know_rate"] is None
    assert unanswered["priority"] is None


def priority_answers():
    # role groups of 3, 3 and 4 respondents, so every group may show
    rows = []
    values = {
        # item: (hr, it, staff) scores or DK
        "a": (50, 50, 50),  # score 50, w1 -> 50
        "b": (80, 80, 80),  # score 80, w2 -> 40
        "c": (100, 100, 100),  # score 100 -> nothing to improve
        "d": (40, 60, 60),  # spread 20 -> role disagreement; score 53.33 -> 46.67
        "e": (DK, 70, 70),  # 3 of 10 don't know = 0.30 -> awareness gap; 70 -> 30
        "f": (DK, DK, DK),  # everybody doesn't know: no score, awareness gap
    }
    for group, (role, size) in enumerate((("hr", 3), ("it", 3), ("staff", 4))):
        for number in range(size):
            for item, scores in values.items():
                rows.append(("o", f"{role}{number}", role, M, item, scores[group]))
    return answers_frame(*rows)


def test_priorities_order_and_findings():
    result = scoring.score(priority_answers(), ITEMS).priorities
    assert result.select("rank", "finding", "item_id", "priority").rows() == [
        (1, "low_score", "a", 50.0),
        (2, "low_score", "d", pytest.approx(46.666666667)),
        (3, "role_disagreement", "d", pytest.approx(46.666666667)),
        (4, "low_score", "b", 40.0),
        (5, "low_score", "e", 30.0),
        (6, "awareness_gap", "e", 30.0),
        (7, "awareness_gap", "f", None),
    ]
    assert result.columns == list(scoring.PRIORITY_SCHEMA)


def test_the_thresholds_are_inclusive_and_strict_below():
    items = scoring.item_results(priority_answers(), ITEMS)
    e = items.filter(item_id="e").row(0, named=True)
    assert e["dont_know_rate"] == pytest.approx(0.30)
    d = items.filter(item_id="d").row(0, named=True)
    assert d["role_spread"] == 20.0
    just_below = items.with_columns(
        pl.when(pl.col("item_id") == "d")
        .then(19.99)
        .otherwise(pl.col("role_spread"))
        .alias("role_spread"),
        pl.when(pl.col("item_id") == "e")
        .then(0.2999)
        .otherwise(pl.col("dont_know_rate"))
        .alias("dont_know_rate"),
    )
    findings = scoring.priorities(just_below).get_column("finding").to_list()
    assert "role_disagreement" not in findings
    assert findings.count("awareness_gap") == 1  # only f


def test_priorities_rank_per_organisation():
    answers = pl.concat(
        [
            priority_answers(),
            priority_answers().with_columns(
                pl.lit("p").alias("organisation_id"), pl.col("respondent_id") + "-p"
            ),
        ]
    )
    result = scoring.score(answers, ITEMS).priorities
    assert result.filter(organisation_id="p").get_column("rank").to_list() == list(range(1, 8))
    assert result.get_column("organisation_id").to_list() == ["o"] * 7 + ["p"] * 7


# --- the pipeline -------------------------------------------------------------------------------------


def test_every_frame_has_the_documented_columns_and_types():
    scores = scoring.score(role_answers(), ITEMS)
    expected = {
        "respondent_dimensions": scoring.RESPONDENT_DIMENSION_SCHEMA,
        "role_dimensions": scoring.ROLE_DIMENSION_SCHEMA,
        "dimensions": scoring.DIMENSION_SCHEMA,
        "instruments": scoring.INSTRUMENT_SCHEMA,
        "items": scoring.ITEM_RESULT_SCHEMA,
        "balance": scoring.BALANCE_SCHEMA,
        "coherence": scoring.COHERENCE_SCHEMA,
        "priorities": scoring.PRIORITY_SCHEMA,
    }
    for name, schema in expected.items():
        assert getattr(scores, name).schema == pl.Schema(schema), name


def test_no_answers_give_empty_frames_with_the_columns():
    scores = scoring.score(pl.DataFrame(schema=scoring.ANSWER_SCHEMA), ITEMS)
    assert scores.dimensions.height == 0
    assert scores.priorities.schema == pl.Schema(scoring.PRIORITY_SCHEMA)


def test_outputs_are_sorted_by_their_keys():
    answers = answers_frame(
        *respondent("z-org", "r9", "staff", {"a": 10, "b": 10, "e": 10}),
        *respondent("a-org", "r2", "it", {"a": 10, "b": 10, "e": 10}),
        *respondent("a-org", "r1", "hr", {"a": 10, "b": 10, "e": 10}),
    )
    scores = scoring.score(answers.reverse(), ITEMS)
    assert scores.respondent_dimensions.select(
        "organisation_id", "dimension_id", "role"
    ).rows() == [
        ("a-org", "x", "hr"),
        ("a-org", "x", "it"),
        ("a-org", "y", "hr"),
        ("a-org", "y", "it"),
        ("z-org", "x", "staff"),
        ("z-org", "y", "staff"),
    ]
    assert scores.balance.get_column("organisation_id").to_list() == ["a-org", "z-org"]


def test_scoring_organisations_together_equals_scoring_them_apart():
    together = pl.concat(
        [
            role_answers(),
            priority_answers().with_columns(pl.lit("p").alias("organisation_id")),
        ]
    )
    both = scoring.score(together, ITEMS)
    apart = [
        scoring.score(role_answers(), ITEMS),
        scoring.score(together.filter(organisation_id="p"), ITEMS),
    ]
    for name in ("dimensions", "instruments", "items", "balance", "priorities", "role_dimensions"):
        assert_frame_equal(getattr(both, name), pl.concat([getattr(s, name) for s in apart]))
