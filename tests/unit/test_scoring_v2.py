"""Schema-2 scoring rules (D2, D3) on the mini instrument, with hand-computed numbers."""

from __future__ import annotations

import polars as pl
import pytest

from survey import scoring
from survey.scoring.v2.contract import OTHER
from tests.scoring_v2 import (
    answer_row,
    answers,
    by_rung,
    by_value,
    frame,
    group,
    items_of,
    mini,
)

INST = mini()
ITEMS = items_of(INST)


def score(rows, **kwargs) -> scoring.Scores:
    return scoring.score_v2(frame(rows), ITEMS, maturity_instrument_id="mini", **kwargs)


def row(frame_: pl.DataFrame, **where) -> dict:
    rows = frame_.filter(**where)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def organisation(*groups, name="o"):
    return answers(INST, name, [person for g in groups for person in g])


# --- levels: the nearest rung -------------------------------------------------------------


@pytest.mark.parametrize("rung", [1, 2, 3, 4, 5])
def test_rung_k_everywhere_gives_level_k(rung):
    scores = score(
        organisation(group("management", 3, by_rung(rung)), group("staff", 4, by_rung(rung)))
    )
    expected = 25.0 * (rung - 1)
    assert scores.dimensions["score"].to_list() == [expected, expected]
    assert scores.dimensions["level"].to_list() == [rung, rung]
    assert scores.instruments["level"].to_list() == [rung]
    assert scores.items["level"].to_list() == [rung] * len(INST.items)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0.0, 1),
        (12.4999, 1),
        (12.5, 2),
        (37.4999, 2),
        (37.5, 3),
        (62.5, 4),
        (87.4999, 4),
        (87.5, 5),
        (100.0, 5),
        (None, None),
    ],
)
def test_the_level_of_a_score_is_its_nearest_rung(value, level):
    assert scoring.level_of(value, scheme=2) == level
    assert pl.select(scoring.rung_level(pl.lit(value, pl.Float64))).item() == level


def test_basics_gate_the_level():
    # management: guideline rung 1 (basic), monitoring rung 5 -> rules = (0*2 + 4*1)/3 rungs
    # staff: guideline only, rung 1. The dimension scores (3 x 33.3 + 3 x 0) / 6 = 16.7,
    # level 2; with monitoring at 5 and guideline at 2 for everyone the mean is higher but
    # the gate holds the level at 1 + level(guideline).
    def choose(item):
        return item.scored_options[4 if item.id == "rules.monitoring" else 1]

    scores = score(organisation(group("management", 3, choose), group("it", 3, choose)))
    rules = row(scores.dimensions, dimension_id="rules")
    # management (2*1 + 1*4)/3 = 2 rungs, it: monitoring only = 4 rungs -> (2 + 4) / 2 = 3
    assert rules["score"] == 75.0
    assert rules["ungated_level"] == 4
    assert row(scores.items, item_id="rules.guideline")["level"] == 2
    assert rules["level"] == 3  # 1 + level of the basic item


# --- routing ----------------------------------------------------------------------------


def test_answers_to_items_not_asked_of_the_role_are_left_out():
    rows = organisation(group("it", 3, by_rung(5)))
    guideline = INST.item("rules.guideline")
    assert not guideline.asked_of("it")
    rows += [
        answer_row("o", f"it-{n}", "it", INST, guideline, guideline.scored_options[0])
        for n in range(3)
    ]
    scores = score(rows)
    assert row(scores.dimensions, dimension_id="rules")["score"] == 100.0
    assert row(scores.items, item_id="rules.guideline")["respondents"] == 0


def test_a_role_without_items_in_a_dimension_has_no_view_there():
    # it is asked rules.monitoring and culture.dialogue only; staff never monitoring
    scores = score(organisation(group("it", 3, by_rung(3)), group("staff", 3, by_rung(2))))
    monitoring = scores.views.filter(figure_id="rules.monitoring")
    assert monitoring["view"].to_list() == ["it"]


def test_the_half_rule_counts_the_items_asked_of_the_role():
    # staff are asked 1 rules item (guideline): one "don't know" leaves them without a score;
    # management are asked 2: one scored of two is enough.
    def partly(item):
        return item.option("dont_know") if item.id == "rules.guideline" else item.scored_options[2]

    scores = score(organisation(group("management", 3, partly), group("staff", 3, partly)))
    rules = scores.role_dimensions.filter(dimension_id="rules")
    assert rules.select("role", "score", "respondents").rows() == [("management", 50.0, 3)]


# --- views, the pool, left-out answers, capped weights ---------------------------------------


def test_the_issue_10_case_shows_management_and_staff_and_leaves_the_one_out():
    scores = score(
        organisation(
            group("management", 3, by_rung(4)),
            group("staff", 3, by_rung(2)),
            group("communications", 1, by_rung(5)),
        )
    )
    culture = scores.role_dimensions.filter(dimension_id="culture")
    assert culture.select("role", "score", "respondents").rows() == [
        ("management", 75.0, 3),
        ("staff", 25.0, 3),
    ]
    dimension = row(scores.dimensions, dimension_id="culture")
    assert (dimension["score"], dimension["left_out"], dimension["respondents"]) == (50.0, 1, 6)
    assert OTHER not in scores.views["view"].to_list()


def test_small_roles_are_pooled_into_other_roles_in_item_figures_only():
    scores = score(
        organisation(
            group("management", 3, by_rung(5)),
            group("hr", 2, by_rung(1)),
            group("integrity", 1, by_rung(3)),
        )
    )
    items = scores.views.filter(kind="item", figure_id="culture.dialogue")
    # pool: hr (0, 0) and integrity (50) -> 16.67, in the item figure
    assert items.select("view", "respondents").rows() == [("management", 3), (OTHER, 3)]
    assert row(items, view=OTHER)["score"] == pytest.approx(50 / 3)
    # the dimension figure has the role views only; the pool is left out of it
    views = scores.role_dimensions.filter(dimension_id="culture")
    assert views.select("role", "respondents").rows() == [("management", 3)]
    culture = row(scores.dimensions, dimension_id="culture")
    assert (culture["score"], culture["respondents"], culture["left_out"]) == (100.0, 3, 3)


def test_a_role_view_short_of_three_values_in_a_figure_is_left_out_not_pooled():
    def partly(item):
        return item.option("dont_know") if item.dimension == "rules" else item.scored_options[4]

    scores = score(
        organisation(
            group("management", 3, by_rung(3)),
            group("staff", 2, by_rung(1)),
            group("staff", 1, partly, prefix="x"),
            group("hr", 1, by_rung(5)),
        )
    )
    rules = scores.role_dimensions.filter(dimension_id="rules")
    # staff has 3 members, but only 2 values for "rules": left out there, not pooled with hr
    assert rules.select("role", "respondents").rows() == [("management", 3)]
    assert row(scores.dimensions, dimension_id="rules")["left_out"] == 3
    culture = scores.role_dimensions.filter(dimension_id="culture")
    assert culture.select("role", "respondents").rows() == [("management", 3), ("staff", 3)]


def test_a_view_counts_with_its_respondents_up_to_ten():
    few = score(organisation(group("management", 4, by_rung(5)), group("staff", 6, by_rung(1))))
    many = score(organisation(group("management", 4, by_rung(5)), group("staff", 40, by_rung(1))))
    # 4 x 100 / (4 + 6) = 40; with 40 staff the cap of 10: 4 x 100 / 14
    assert row(few.dimensions, dimension_id="culture")["score"] == 40.0
    assert row(many.dimensions, dimension_id="culture")["score"] == pytest.approx(400 / 14)


# --- fragility -----------------------------------------------------------------------


def test_one_respondent_who_decides_a_level_is_flagged():
    # three management at rung 3 and three staff at rung 4: 62.5 exactly (level 4);
    # leaving out any staff member keeps the views (3 -> 2 pools into nothing) ...
    scores = score(organisation(group("management", 3, by_rung(3)), group("staff", 3, by_rung(4))))
    culture = row(scores.dimensions, dimension_id="culture")
    assert (culture["score"], culture["level"], culture["fragile"]) == (62.5, 4, True)


def test_a_level_no_single_respondent_decides_is_not_flagged():
    scores = score(organisation(group("management", 5, by_rung(3)), group("staff", 5, by_rung(3))))
    assert scores.dimensions["fragile"].to_list() == [False, False]


# --- "don't know", coherence, advice, findings ----------------------------------------------


def test_dont_know_rate_is_over_scored_and_dont_know_answers_only():
    def choose(item):
        if item.id == "rules.monitoring":
            return item.option("not_applicable")
        return item.option("dont_know") if item.id == "rules.guideline" else item.scored_options[2]

    scores = score(organisation(group("management", 3, choose)))
    rules = row(scores.dimensions, dimension_id="rules")
    assert (rules["dont_know_rate"], rules["answered"]) == (1.0, 3)


def test_coherence_needs_every_maturity_dimension_at_50():
    assert score(organisation(group("staff", 3, by_rung(3)))).coherence["coherent"].to_list() == [
        True
    ]
    assert score(organisation(group("staff", 3, by_rung(2)))).coherence["coherent"].to_list() == [
        False
    ]


@pytest.mark.parametrize(
    ("rung", "advice"), [(1, "basic"), (2, "basic"), (3, "advanced"), (4, "advanced"), (5, None)]
)
def test_tiered_advice_follows_the_nearest_rung(rung, advice):
    scores = score(organisation(group("staff", 3, by_rung(rung))))
    assert set(scores.items.drop_nulls("score")["advice"].to_list()) == {advice}
    low = scores.priorities.filter(finding="low_score")
    assert low.height == (scores.items.drop_nulls("score").height if rung <= 2 else 0)


def test_views_disagree_from_one_and_a_half_rungs():
    apart_one = score(
        organisation(group("management", 3, by_rung(3)), group("staff", 3, by_rung(4)))
    )
    apart_two = score(
        organisation(group("management", 3, by_rung(3)), group("staff", 3, by_rung(5)))
    )
    assert "role_disagreement" not in apart_one.priorities["finding"].to_list()
    assert "role_disagreement" in apart_two.priorities["finding"].to_list()
    assert scoring.ROLE_DISAGREEMENT_V2 == 37.5


# --- uses and orientation ---------------------------------------------------------------


def test_scores_per_use():
    scores = score(organisation(group("staff", 3, by_rung(4))))
    assert scores.uses.select("use", "score", "respondents").rows() == [
        ("organizational", 75.0, 3),
        ("personal", 75.0, 3),
        ("professional", 75.0, 3),
    ]


def test_an_organisation_near_a_line_gets_no_quadrant():
    # control: guideline draft (2 of 4, weight 2) and posting within rules (3 of 4):
    # 7/12 = 58.3, within the margin of two views of 5 (15.8) of the line at 50
    def moderate(item):
        return item.option("draft") or item.option("ruled") or item.scored_options[2]

    scores = score(organisation(group("management", 5, moderate), group("staff", 5, moderate)))
    balance = scores.balance.row(0, named=True)
    assert balance["control"] == pytest.approx(175 / 3)
    assert balance["control_margin"] == pytest.approx(50 * 10**0.5 / 10)
    assert (balance["near_line"], balance["quadrant"]) == (True, None)


def test_the_margin_depends_on_the_views_sizes_only():
    small = score(organisation(group("staff", 3, by_rung(5)))).balance.row(0, named=True)
    large = score(organisation(group("staff", 10, by_rung(5)), group("management", 10, by_rung(5))))
    # 2 x 25 x sqrt(1/3) = 28.87; two views of 10: 2 x 25 x sqrt(2 x 100 / 10) / 20 = 11.18
    assert small["control_margin"] == pytest.approx(50 / 3**0.5)
    assert large.balance["control_margin"][0] == pytest.approx(50 * 20**0.5 / 20)
    assert scoring.score_v2(frame([]), ITEMS).balance.height == 0


# --- exact arithmetic -------------------------------------------------------------------


def test_equal_values_are_bit_identical_however_they_arise():
    # 2/3 + 1/3 at the respondent level against 1/2 + 1/2
    thirds = organisation(group("staff", 3, by_rung(2)), group("management", 3, by_rung(4)))
    halves = organisation(group("staff", 6, by_rung(3)))
    assert (
        score(thirds).dimensions["score"].to_list() == score(halves).dimensions["score"].to_list()
    )


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": 30.0}, "must be a rung"),
        ({"control": 5}, "'control' must be between 0 and 4"),
        ({"kind": "skipped"}, "'kind' must be one of"),
    ],
)
def test_invalid_answers_are_refused(change, message):
    rows = organisation(group("staff", 1, by_rung(2)))
    rows[0] |= change
    with pytest.raises(ValueError, match=message):
        scoring.score_v2(pl.DataFrame(rows, schema_overrides={"control": pl.Int8}), ITEMS)


def test_weights_must_come_in_half_steps():
    with pytest.raises(ValueError, match="half steps"):
        scoring.score_v2(frame([]), ITEMS.with_columns(pl.lit(0.3).alias("weight")))


def test_dont_know_everywhere_gives_no_score_and_a_full_rate():
    scores = score(organisation(group("staff", 3, by_value("dont_know"))))
    assert scores.dimensions["score"].to_list() == [None, None]
    assert scores.dimensions["dont_know_rate"].to_list() == [1.0, 1.0]
