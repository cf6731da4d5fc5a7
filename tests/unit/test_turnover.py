"""The change rule between rounds (docs/methodology.md, section 15)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from survey.scoring.turnover import beyond_turnover, turnover_errors


def _frames(groups: dict[str, list[float]], views: list[str] | None = None):
    rows = [
        (f"{role}{n}", role, score)
        for role, scores in groups.items()
        for n, score in enumerate(scores)
    ]
    respondents = pl.DataFrame(
        {
            "organisation_id": ["o"] * len(rows),
            "respondent_id": [r[0] for r in rows],
            "role": [r[1] for r in rows],
            "instrument_id": ["i"] * len(rows),
            "dimension_id": ["d"] * len(rows),
            "score": [r[2] for r in rows],
            "scored_items": [1] * len(rows),
            "item_count": [1] * len(rows),
        }
    )
    shown = views if views is not None else list(groups)
    roles = pl.DataFrame(
        {
            "organisation_id": ["o"] * len(shown),
            "role": shown,
            "instrument_id": ["i"] * len(shown),
            "dimension_id": ["d"] * len(shown),
            "score": [sum(groups[r]) / len(groups[r]) for r in shown],
            "respondents": [len(groups[r]) for r in shown],
        }
    )
    return respondents, roles


def _error(groups, views=None, scheme=1):
    (row,) = turnover_errors(*_frames(groups, views), scheme).iter_rows(named=True)
    return row["turnover_error"]


def test_schema_1_each_role_group_counts_once():
    # management: variance 100 over 3; staff: variance 200 over 2; IT has one respondent
    # and takes the pooled within-group variance (200 + 200) / (2 + 1).
    error = _error({"m": [10, 20, 30], "s": [50, 70], "it": [40]})
    assert error == pytest.approx(math.sqrt(100 / 3 + 200 / 2 + (400 / 3) / 1) / 3)


def test_schema_2_views_count_with_their_respondents_up_to_ten():
    staff = [0.0, 100.0] * 6  # 12 respondents, weight 10
    management = [50.0, 60.0, 70.0, 80.0]  # weight 4
    var_staff = pl.Series(staff).var()
    var_management = pl.Series(management).var()
    expected = math.sqrt(16 * var_management / 4 + 100 * var_staff / 12) / 14
    assert _error({"m": management, "s": staff}, scheme=2) == pytest.approx(expected)


def test_respondents_outside_the_views_are_left_out():
    with_legal = _error({"m": [10, 20, 30], "s": [50, 70, 60], "legal": [100]}, views=["m", "s"])
    assert with_legal == pytest.approx(_error({"m": [10, 20, 30], "s": [50, 70, 60]}))


def test_no_error_when_no_group_has_two_respondents():
    assert _error({"m": [10], "s": [90]}) is None


def test_a_change_counts_only_beyond_the_interval():
    limit = 1.96 * math.sqrt(3**2 + 4**2)  # 9.8
    assert beyond_turnover(limit, 3, 4) is False
    assert beyond_turnover(-(limit + 0.01), 3, 4) is True
    assert beyond_turnover(limit + 0.01, 3, 4) is True
    assert beyond_turnover(5, None, 4) is None
    assert beyond_turnover(None, 3, 4) is None
    assert beyond_turnover(0.5, 0.0, 0.0) is True
