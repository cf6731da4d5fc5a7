"""Anonymity rules: thresholds, complementary suppression, and the frame helpers."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from survey import scoring
from survey.disclosure import roles
from survey.disclosure.roles import (
    MIN_ROLE_GROUP,
    anonymise_scores,
    mark_visible_role_groups,
    organisation_suppressed,
    suppress_role_groups,
    suppress_small_counts,
    visible_role_groups,
)

ITEMS = pl.DataFrame(
    {
        "item_id": ["a", "b"],
        "instrument_id": ["sm-maturity", "sm-maturity"],
        "dimension_id": ["strategy", "strategy"],
        "weight": [1.0, 1.0],
        "tag": [None, None],
    },
    schema=scoring.ITEM_SCHEMA,
)


def answers_for(groups: dict[str, list[float]], organisation: str = "org") -> pl.DataFrame:
    """Every respondent answers items a and b with the same score."""
    rows = []
    for role, scores in groups.items():
        for number, value in enumerate(scores):
            for item in ("a", "b"):
                rows.append(
                    {
                        "organisation_id": organisation,
                        "respondent_id": f"{organisation}-{role}-{number}",
                        "role": role,
                        "instrument_id": "sm-maturity",
                        "item_id": item,
                        "score": value,
                        "kind": "scored",
                    }
                )
    return pl.DataFrame(rows, schema=scoring.ANSWER_SCHEMA)


def hidden_part_is_safe(counts: dict[str, int], visible: frozenset[str]) -> bool:
    """What the overall score and the shown groups reveal about the hidden ones is
    their sum; that is safe when nothing is hidden, or when at least two groups
    with at least MIN_ROLE_GROUP respondents together are."""
    hidden = [n for role, n in counts.items() if n > 0 and role not in visible]
    return not hidden or (len(hidden) >= 2 and sum(hidden) >= MIN_ROLE_GROUP)


# --- thresholds ----------------------------------------------------------------


def test_the_thresholds_are_the_published_ones():
    assert MIN_ROLE_GROUP == 3


@pytest.mark.parametrize(
    ("respondents", "suppressed"), [(None, True), (0, True), (2, True), (3, False), (40, False)]
)
def test_an_organisation_figure_needs_three_respondents(respondents, suppressed):
    assert organisation_suppressed(respondents) is suppressed


# --- visible_role_groups -------------------------------------------------------------


def test_groups_of_three_or_more_are_all_shown():
    assert visible_role_groups({"hr": 3, "it": 4, "staff": 10}) == {"hr", "it", "staff"}


def test_an_empty_organisation_shows_nothing():
    assert visible_role_groups({}) == frozenset()


def test_groups_without_respondents_are_ignored():
    assert visible_role_groups({"hr": 3, "it": 3, "legal": 0}) == {"hr", "it"}


def test_two_groups_one_below_three_plus_the_overall_score():
    # Shown: hr's score and the overall score = (hr + it) / 2, so it = 2 * overall - hr.
    # hr must be hidden too.
    assert visible_role_groups({"hr": 5, "it": 2}) == frozenset()


def test_the_two_group_example_end_to_end():
    answers = answers_for({"hr": [80.0] * 5, "it": [20.0, 30.0]})
    scores = scoring.score(answers, ITEMS)
    overall = scores.dimensions.get_column("score")[0]
    roles = dict(scores.role_dimensions.select("role", "score").iter_rows())
    # the attack the rule prevents:
    assert 2 * overall - roles["hr"] == pytest.approx(roles["it"])
    shown = anonymise_scores(scores).role_dimensions
    assert shown.get_column("suppressed").to_list() == [True, True]
    assert shown.get_column("score").null_count() == 2
    # the overall score itself (7 respondents) still shows
    assert anonymise_scores(scores).dimensions.get_column("score")[0] == overall


def test_one_small_group_hides_the_smallest_shown_group_as_well():
    assert visible_role_groups({"hr": 6, "it": 4, "legal": 1}) == {"hr"}


def test_ties_between_smallest_shown_groups_go_to_the_first_role_name():
    assert visible_role_groups({"b": 3, "a": 3, "c": 2}) == {"b"}


def test_two_small_groups_with_three_respondents_together_need_no_extra_hiding():
    assert visible_role_groups({"hr": 5, "it": 2, "legal": 1}) == {"hr"}
    assert visible_role_groups({"hr": 5, "it": 4, "it2": 2, "legal": 1}) == {"hr", "it"}


def test_role_group_split_attack():
    # Two people split themselves over two role names, hoping that two hidden groups
    # are enough. The overall score and hr's would give legal + it: a figure of two
    # people. So the hidden part needs three respondents, and hr is hidden too.
    assert visible_role_groups({"hr": 5, "legal": 1, "it": 1}) == frozenset()


def test_role_group_split_attack_end_to_end():
    answers = answers_for({"hr": [70.0] * 5, "legal": [0.0], "it": [100.0]})
    shown = anonymise_scores(scoring.score(answers, ITEMS)).role_dimensions
    assert shown.get_column("score").null_count() == 3


def test_splitting_a_group_into_shown_groups_still_hides_a_partner():
    # 3 + 3 + 2: hiding only the 2 would let it be derived; one 3 goes with it.
    assert visible_role_groups({"staff-a": 3, "staff-b": 3, "it": 2}) == {"staff-b"}


def test_one_small_group_alone_hides_everything():
    assert visible_role_groups({"it": 2}) == frozenset()


def test_minimum_must_be_positive_and_counts_not_negative():
    with pytest.raises(ValueError, match="minimum"):
        visible_role_groups({"hr": 3}, minimum=0)
    with pytest.raises(ValueError, match="negative"):
        visible_role_groups({"hr": -1})


def test_exhaustively_the_hidden_part_is_never_derivable():
    """Every pattern of up to four groups of 0-6 respondents."""
    roles = ("a", "b", "c", "d")
    for sizes in itertools.product(range(7), repeat=len(roles)):
        counts = dict(zip(roles, sizes, strict=True))
        visible = visible_role_groups(counts)
        assert all(counts[role] >= MIN_ROLE_GROUP for role in visible), counts
        # with everything hidden, the overall score is the hidden part: it shows only
        # when the organisation rule lets it
        overall_hidden = not visible and organisation_suppressed(sum(sizes))
        assert hidden_part_is_safe(counts, visible) or overall_hidden, counts
        # minimal: at most one group that could show is hidden, and only when needed
        large_hidden = [r for r in roles if counts[r] >= MIN_ROLE_GROUP and r not in visible]
        assert len(large_hidden) <= 1, counts
        if large_hidden:
            shown_all_large = frozenset(r for r in roles if counts[r] >= MIN_ROLE_GROUP)
            assert not hidden_part_is_safe(counts, shown_all_large), counts


# --- the Polars helpers ----------------------------------------------------------------


def role_frame(rows):
    return pl.DataFrame(
        rows,
        schema={
            "organisation_id": pl.String,
            "instrument_id": pl.String,
            "dimension_id": pl.String,
            "role": pl.String,
            "score": pl.Float64,
            "respondents": pl.Int64,
        },
        orient="row",
    )


def test_suppress_role_groups_decides_per_dimension_and_keeps_rows_in_order():
    frame = role_frame(
        [
            ("o", "m", "x", "hr", 80.0, 5),
            ("o", "m", "x", "it", 40.0, 3),
            ("o", "m", "y", "hr", 70.0, 5),
            ("o", "m", "y", "it", 30.0, 2),
            ("p", "m", "x", "hr", 10.0, 3),
        ]
    )
    result = suppress_role_groups(frame)
    assert result.columns == [*frame.columns, "suppressed"]
    assert result.get_column("suppressed").to_list() == [False, False, True, True, False]
    assert result.get_column("score").to_list() == [80.0, 40.0, None, None, 10.0]
    assert_frame_equal(result.drop("suppressed", "score"), frame.drop("score"))


def test_suppress_role_groups_works_on_lazy_frames():
    frame = role_frame([("o", "m", "x", "hr", 80.0, 5), ("o", "m", "x", "it", 40.0, 1)])
    result = suppress_role_groups(frame.lazy())
    assert isinstance(result, pl.LazyFrame)
    assert result.collect().get_column("score").to_list() == [None, None]


def test_suppress_small_counts():
    frame = pl.DataFrame({"score": [1.0, 2.0, 3.0], "respondents": [2, 3, None]})
    result = suppress_small_counts(frame, count="respondents", columns=["score"])
    assert result.get_column("score").to_list() == [None, 2.0, None]
    assert result.get_column("suppressed").to_list() == [True, False, True]


role_names = st.sampled_from(["hr", "it", "legal", "staff", "comms", "Ärzte", "b", "B"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["f1", "f2", "f3"]), role_names, st.integers(0, 7)),
        unique_by=lambda row: (row[0], row[1]),
    )
)
def test_the_vectorised_rule_is_the_rule(rows):
    frame = pl.DataFrame(
        rows, schema={"figure": pl.String, "role": pl.String, "respondents": pl.Int64}, orient="row"
    )
    marked = mark_visible_role_groups(frame, ["figure"])
    for figure in {row[0] for row in rows}:
        counts = {role: n for f, role, n in rows if f == figure}
        got = marked.filter(pl.col("figure") == figure).filter("visible")
        assert frozenset(got.get_column("role")) == visible_role_groups(counts)
    coded = frame.with_columns(pl.col("role").rank("dense").cast(pl.UInt32))
    assert (
        mark_visible_role_groups(coded, ["figure"])
        .get_column("visible")
        .equals(marked.get_column("visible"))
    )


# --- anonymise_scores ------------------------------------------------------------------


def test_anonymise_scores_removes_respondent_level_scores():
    scores = scoring.score(answers_for({"hr": [50.0] * 3}), ITEMS)
    anonymised = anonymise_scores(scores)
    assert scores.respondent_dimensions.height == 3
    assert anonymised.respondent_dimensions.height == 0
    assert anonymised.respondent_dimensions.schema == scores.respondent_dimensions.schema


def test_an_organisation_with_two_respondents_shows_no_scores():
    scores = scoring.score(answers_for({"hr": [20.0], "it": [90.0]}), ITEMS)
    anonymised = anonymise_scores(scores)
    assert anonymised.dimensions.get_column("score").to_list() == [None]
    assert anonymised.dimensions.get_column("level").to_list() == [None]
    assert anonymised.instruments.get_column("score").to_list() == [None]
    assert anonymised.items.get_column("score").null_count() == 2
    assert anonymised.coherence.get_column("coherent").to_list() == [None]
    assert anonymised.priorities.height == 0
    # counts still show
    assert anonymised.dimensions.get_column("respondents").to_list() == [2]


def test_an_instrument_score_hides_with_any_hidden_dimension():
    items = pl.concat(
        [
            ITEMS,
            ITEMS.with_columns(pl.lit("dialogue").alias("dimension_id"), pl.col("item_id") + "2"),
        ]
    )
    answers = answers_for({"hr": [60.0, 70.0, 80.0]})
    # two of the three say "don't know" to the dialogue items: 1 respondent behind it
    answers = answers.vstack(
        pl.DataFrame(
            [
                {
                    "organisation_id": "org",
                    "respondent_id": f"org-hr-{n}",
                    "role": "hr",
                    "instrument_id": "sm-maturity",
                    "item_id": item,
                    "score": 90.0 if n == 0 else None,
                    "kind": "scored" if n == 0 else "dont_know",
                }
                for n in range(3)
                for item in ("a2", "b2")
            ],
            schema=scoring.ANSWER_SCHEMA,
        )
    )
    scores = scoring.score(answers, items)
    # without the rule: dialogue = 2 * instrument - strategy
    instrument = scores.instruments.get_column("score")[0]
    strategy, dialogue = scores.dimensions.sort("dimension_id", descending=True)["score"]
    assert 2 * instrument - strategy == pytest.approx(dialogue)
    anonymised = anonymise_scores(scores)
    assert anonymised.instruments.get_column("score").to_list() == [None]
    by_dimension = dict(anonymised.dimensions.select("dimension_id", "score").iter_rows())
    assert by_dimension == {"dialogue": None, "strategy": 70.0}
    # the don't-know rate rests on three answering respondents: it shows
    rates = dict(anonymised.dimensions.select("dimension_id", "dont_know_rate").iter_rows())
    assert rates["dialogue"] == pytest.approx(4 / 6)


def test_role_spread_never_reveals_a_small_group():
    answers = answers_for({"hr": [100.0] * 3, "it": [100.0] * 3, "legal": [0.0]})
    items = scoring.item_results(answers, ITEMS)
    # legal alone would reveal itself via the overall score, so hr goes with it;
    # one visible group left, so there is no spread and no disagreement
    assert items.get_column("role_spread").to_list() == [None, None]
    assert "role_disagreement" not in scoring.priorities(items).get_column("finding").to_list()


def test_role_spread_among_visible_groups():
    answers = answers_for({"hr": [100.0] * 3, "it": [70.0] * 3, "staff": [90.0] * 4})
    items = scoring.item_results(answers, ITEMS)
    assert items.get_column("role_spread").to_list() == [30.0, 30.0]


def test_item_results_can_use_another_minimum():
    answers = answers_for({"hr": [100.0], "it": [70.0]})
    assert scoring.item_results(answers, ITEMS, min_role_group=1)["role_spread"][0] == 30.0
    assert scoring.item_results(answers, ITEMS)["role_spread"][0] is None


def test_anonymise_scores_hides_the_quadrant_with_either_balance_score():
    items = ITEMS.with_columns(pl.Series("tag", ["control", "enablement"]))
    anonymised = anonymise_scores(scoring.score(answers_for({"hr": [60.0, 70.0]}), items))
    row = anonymised.balance.row(0, named=True)
    assert row["control"] is None
    assert row["quadrant"] is None
    assert row["control_suppressed"]
    shown = anonymise_scores(scoring.score(answers_for({"hr": [60.0, 70.0, 80.0]}), items))
    assert shown.balance.row(0, named=True)["quadrant"] == "balanced"


def test_anonymise_scores_keeps_every_frame_and_the_maturity_instrument():
    scores = scoring.score(answers_for({"hr": [50.0] * 3}), ITEMS, maturity_instrument_id="x")
    anonymised = anonymise_scores(scores)
    assert anonymised.maturity_instrument_id == "x"
    assert anonymised.coherence.get_column("coherent").to_list() == [None]
    assert roles.anonymise_scores(anonymised).dimensions.height == 1
