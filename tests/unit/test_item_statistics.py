"""Item statistics for the integrity office against hand-computed values."""

from __future__ import annotations

import polars as pl
import pytest

from analytics import item_statistics as stats


def rows(
    values: dict[str, list[float | None]], organisations: list[str], roles=None
) -> pl.DataFrame:
    """One respondent per position; ``values`` maps item id to each respondent's score
    (None: "don't know")."""
    records = []
    count = len(organisations)
    for item, scores in values.items():
        for n in range(count):
            score = scores[n]
            records.append(
                {
                    "organisation_id": organisations[n],
                    "respondent_id": f"r{n}",
                    "role": (roles or ["staff"] * count)[n],
                    "instrument_id": "sm-maturity",
                    "instrument_version": "2.0",
                    "dimension_id": "guideline",
                    "item_id": item,
                    "weight": 1.0,
                    "score": score,
                    "kind": "scored" if score is not None else "dont_know",
                }
            )
    return pl.DataFrame(records)


FIVE = ["o1", "o2", "o3", "o4", "o5"]
# rungs A: 0 1 2 3 4, B: 1 0 3 2 4 (x 25). var A = var B = 2.5 rung^2, total 1 1 5 5 8
# -> var 9 (after x 25^2 the ratio is unchanged): alpha = 2 (1 - 5 / 9) = 8 / 9;
# corr(A, B) = cov 2 / 2.5 = 0.8.
TWO_ITEMS = {"a": [0.0, 25.0, 50.0, 75.0, 100.0], "b": [25.0, 0.0, 75.0, 50.0, 100.0]}


def test_cronbach_alpha_of_a_hand_computed_example():
    result = stats.cronbach_alpha(rows(TWO_ITEMS, FIVE)).row(0, named=True)
    assert result["alpha"] == pytest.approx(8 / 9)
    assert (result["items"], result["respondents"], result["organisations"]) == (2, 5, 5)
    assert result["suppressed"] is False


def test_perfectly_consistent_items_have_alpha_one():
    same = {"a": TWO_ITEMS["a"], "b": TWO_ITEMS["a"], "c": TWO_ITEMS["a"]}
    assert stats.cronbach_alpha(rows(same, FIVE))["alpha"][0] == pytest.approx(1.0)


def test_corrected_item_total_correlation_of_two_items_is_their_correlation():
    result = stats.item_total_correlations(rows(TWO_ITEMS, FIVE))
    assert result["correlation"].to_list() == pytest.approx([0.8, 0.8])


def test_respondents_without_every_item_are_left_out_of_alpha():
    values = {"a": [*TWO_ITEMS["a"], 50.0], "b": [*TWO_ITEMS["b"], None]}
    result = stats.cronbach_alpha(rows(values, [*FIVE, "o6"])).row(0, named=True)
    assert (result["respondents"], result["alpha"]) == (5, pytest.approx(8 / 9))


def test_fewer_than_five_organisations_are_suppressed():
    result = stats.cronbach_alpha(rows(TWO_ITEMS, ["o1", "o1", "o2", "o3", "o4"])).row(
        0, named=True
    )
    assert (result["organisations"], result["alpha"], result["suppressed"]) == (4, None, True)


def test_dont_know_rates_by_role():
    values = {"a": [0.0, None, 50.0, None, 100.0, 25.0, 75.0]}
    roles = ["hr", "hr", "staff", "staff", "staff", "staff", "staff"]
    result = stats.dont_know_by_role(rows(values, ["o1", "o2", *FIVE], roles))
    assert result.select("role", "dont_know_rate", "organisations").rows() == [
        ("hr", None, 2),
        ("staff", 0.2, 5),
    ]
    assert result["suppressed"].to_list() == [True, False]


def test_icc1_of_a_hand_computed_example():
    # five organisations of two: (0, 50) (25, 75) (50, 100) (0, 0) (100, 100);
    # MSB = 2 x 6250 / 4 = 3125, MSW = 3750 / 5 = 750, k0 = 2:
    # ICC(1) = (3125 - 750) / (3125 + 750) = 2375 / 3875
    scores = [0.0, 50.0, 25.0, 75.0, 50.0, 100.0, 0.0, 0.0, 100.0, 100.0]
    organisations = [o for o in FIVE for _ in range(2)]
    result = stats.icc1(rows({"a": scores}, organisations)).row(0, named=True)
    assert result["icc1"] == pytest.approx(2375 / 3875)
    assert (result["organisations"], result["respondents"]) == (5, 10)


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="missing column 'weight'"):
        stats.icc1(rows(TWO_ITEMS, FIVE).drop("weight"))


TEN = [f"o{n}" for n in range(10)]


def test_pairwise_alpha_where_routing_leaves_no_complete_case():
    """Items a and b are asked of management, b and c of staff: nobody scored all three,
    so Cronbach's alpha has no complete case; the pairwise alpha uses the pairs (a, b)
    and (b, c), each correlated 0.8, so 3 x 0.8 / (1 + 2 x 0.8) = 12 / 13."""
    a = TWO_ITEMS["a"] * 2
    b = TWO_ITEMS["b"] * 2
    frame = rows({"a": a, "b": b}, TEN, ["management"] * 10)
    staff = rows({"b": b, "c": a}, TEN, ["staff"] * 10).with_columns(
        ("s" + pl.col("respondent_id")).alias("respondent_id")
    )
    answers = pl.concat([frame, staff])
    assert stats.cronbach_alpha(answers).is_empty()
    result = stats.pairwise_alpha(answers).row(0, named=True)
    assert result["pairs"] == 2 and result["organisations"] == 10
    assert result["alpha_pairwise"] == pytest.approx(12 / 13)


def test_pairwise_alpha_needs_ten_respondents_per_pair_and_five_organisations():
    few = rows(TWO_ITEMS, FIVE)
    assert stats.pairwise_alpha(few).is_empty()  # 5 respondents per pair
    many = rows({k: v * 2 for k, v in TWO_ITEMS.items()}, ["o1", "o2", "o3", "o4"] * 2 + ["o1"] * 2)
    result = stats.pairwise_alpha(many).row(0, named=True)
    assert result["suppressed"] is True and result["alpha_pairwise"] is None
