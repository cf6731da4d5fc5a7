"""The publication rules of survey.disclosure: bands, counts, forms, positions, role
counts, reason texts, and the rules table that the methodology prints."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.disclosure import counts, peers, rules
from survey.disclosure.counts import RoleCount

METHODOLOGY = Path(__file__).parents[2] / "docs" / "methodology.md"


@pytest.mark.parametrize(
    ("score", "band"), [(0, 0), (4.99, 0), (5, 1), (59.999, 11), (60, 12), (95, 19), (100, 19)]
)
def test_bands(score, band):
    assert peers.band(score) == band


def test_a_score_outside_0_to_100_has_no_band():
    with pytest.raises(ValueError, match="outside"):
        peers.band(100.5)


def test_thresholds_and_floor():
    assert (rules.MIN_UNKNOWN_MEDIAN, rules.MIN_UNKNOWN_QUARTILES) == (4, 10)
    # u >= 4 with k >= 1 means n >= 5: the floor of 5 organisations holds
    assert min(n for n in range(20) if peers.form(peers.unknown_count(n, 0)) != "count") == 5
    assert rules.MIN_PEER_GROUP == 5


@pytest.mark.parametrize(
    ("n", "sharers", "known", "unknown"),
    [(0, 0, 1, 0), (5, 0, 1, 4), (5, 4, 4, 1), (9, 8, 8, 1), (9, 9, 1, 8), (12, 12, 1, 11)],
)
def test_known_and_unknown_counts(n, sharers, known, unknown):
    assert peers.known_count(n, sharers) == known
    assert peers.unknown_count(n, sharers) == unknown


def test_when_every_member_shares_the_office_has_nothing_to_learn():
    """Only a reader who still has a hidden score to learn limits the form: with every
    member sharing, the office knows all and the members know one each."""
    unknown = pl.select(peers.unknown_expr(pl.lit(12), pl.lit(12))).item()
    assert unknown == peers.unknown_count(12, 12) == 11
    assert peers.form(unknown) == "quartiles"
    assert peers.form(peers.unknown_count(12, 11)) == "count"


def test_more_sharers_than_peers_is_an_error():
    with pytest.raises(ValueError):
        peers.unknown_count(3, 4)


@pytest.mark.parametrize(
    ("unknown", "form", "reason"),
    [
        (0, "count", "few_unknown"),
        (3, "count", "few_unknown"),
        (4, "median", "quartiles_few_unknown"),
        (9, "median", "quartiles_few_unknown"),
        (10, "quartiles", None),
    ],
)
def test_form_and_reason(unknown, form, reason):
    assert (peers.form(unknown), peers.reason(unknown)) == (form, reason)


@pytest.mark.parametrize(
    ("n", "statistic", "rank"),
    [
        (5, "median", 3),
        (4, "median", 2),
        (11, "q1", 3),
        (11, "q3", 9),
        (10, "top_decile", 9),
        (11, "top_decile", 10),
        (1, "q1", 1),
    ],
)
def test_nearest_rank(n, statistic, rank):
    assert peers.nearest_rank(n, statistic) == rank


@given(st.lists(st.integers(0, 19), min_size=1, max_size=40))
def test_a_nearest_rank_quantile_is_one_of_the_bands(bands):
    for statistic in peers.STATISTICS:
        assert peers.band_quantile(bands, statistic) in bands


def test_positions_and_percentiles():
    assert [peers.position(b, 12) for b in (11, 12, 13)] == ["below", "in", "above"]
    assert peers.band_percentile(7, 1, 11) == 68
    assert peers.band_percentile(0, 1, 10) == 5  # 0.5 / 10 = 5 %
    assert peers.band_percentile(0, 1, 8) == 6  # 6.25 → 6
    assert peers.band_percentile(1, 1, 4) == 38  # 37.5 → 38 (halves up)
    with pytest.raises(ValueError):
        peers.band_percentile(3, 0, 4)


def test_band_labels():
    assert peers.band_label(60.0, 65.0) == "60-65"
    assert peers.band_label(None, None) is None


def test_role_counts():
    assert counts.role_counts({"management": 3, "staff": 12, "communications": 1}) == [
        RoleCount("staff", 12),
        RoleCount("management", 3),
        RoleCount("other", None, rules.FEW_IN_ROLE),
    ]
    assert counts.role_counts({"hr": 2, "it": 1, "staff": 5, "legal": 0}) == [
        RoleCount("staff", 5),
        RoleCount("other", 3),
    ]
    assert counts.role_counts({"staff": 4}) == [RoleCount("staff", 4)]
    with pytest.raises(ValueError):
        counts.role_counts({"staff": -1})


def test_progress_lines_pool_roles_on_submitted_responses():
    lines = counts.progress_lines(
        {
            "staff": {"started": 6, "submitted": 4},
            "hr": {"started": 3, "submitted": 1},
            "it": {"started": 1, "submitted": 0},
            "legal": {"started": 0, "submitted": 0},
        }
    )
    assert lines == [
        counts.ProgressLine("staff", 6, 4),
        counts.ProgressLine("other", None, None, rules.FEW_IN_ROLE),
    ]
    lines = counts.progress_lines(
        {
            "staff": {"started": 3, "submitted": 3},
            "hr": {"started": 2, "submitted": 2},
            "it": {"started": 2, "submitted": 1},
        }
    )
    assert lines == [counts.ProgressLine("staff", 3, 3), counts.ProgressLine("other", 4, 3)]


def test_every_reason_is_explained_in_english_and_dutch():
    for code in rules.REASONS:
        english, dutch = rules.explain(code, "en"), rules.explain(code, "nl")
        assert english and dutch and english != dutch
    assert rules.explanations(None) is None
    with pytest.raises(ValueError, match="unknown reason"):
        rules.explain("difference", "en")


def test_the_methodology_prints_the_rules_table_and_names_each_test():
    """Every row of PUBLICATION_RULES is in docs/methodology.md, and every test it
    names exists."""
    text = METHODOLOGY.read_text(encoding="utf-8")
    sources = "\n".join(p.read_text() for p in Path(__file__).parents[1].rglob("test_*.py"))
    for rule in rules.PUBLICATION_RULES:
        line = next(
            (ln for ln in text.splitlines() if ln.startswith(f"| {rule.statistic} |")), None
        )
        assert line is not None, rule.statistic
        assert rule.minimum in line and rule.form in line, rule.statistic
        assert f"`{rule.test}`" in line, rule.statistic
        if rule.test.startswith("test_"):
            assert re.search(rf"def {rule.test}\b", sources), rule.test
