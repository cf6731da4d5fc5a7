"""Golden tests of the peer benchmark: hand-computed statistics, suppression, peers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import benchmark as b
from survey import anonymity

SPRING = datetime(2025, 3, 1, tzinfo=UTC)


def row(org: str, score: float | None, **overrides) -> dict:
    values = {
        "organisation_id": org,
        "round_id": f"{org}-r",
        "instrument_id": "sm",
        "instrument_version": "1",
        "dimension_id": "d1",
        "score": score,
        "respondents": 5,
        "closed_at": SPRING,
        "sector": "municipalities",
        "size_band": "50-249",
        "country": "NL",
        "synthetic": False,
    }
    values.update(overrides)
    return values


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=b.RESULTS_SCHEMA)


def population(scores: list[float | None], prefix: str = "o", **overrides) -> list[dict]:
    return [row(f"{prefix}{n}", s, **overrides) for n, s in enumerate(scores)]


def only(statistics: pl.DataFrame, **where) -> dict:
    found = statistics.filter(**where)
    assert found.height == 1, found
    return found.row(0, named=True)


def percentiles(reps: pl.DataFrame, group: str = "all") -> dict[str, float | None]:
    ranks = b.percentile_ranks(reps, group)
    return dict(zip(ranks["organisation_id"], ranks["percentile"], strict=True))


# --- hand-computed statistics ------------------------------------------------------


def test_quartiles_median_and_top_decile_interpolate_linearly():
    reps = b.representatives(frame(population([47, 12, 90, 33, 20, 58, 15, 41])))
    stats = only(b.peer_statistics(reps, "all"))
    # sorted: 12 15 20 33 41 47 58 90; positions (n - 1) × q = 7q
    assert stats["peer_count"] == 8
    assert stats["q1"] == pytest.approx(18.75)  # 1.75: 15 + 0.75 × 5
    assert stats["median"] == pytest.approx(37.0)  # 3.5: (33 + 41) / 2
    assert stats["q3"] == pytest.approx(49.75)  # 5.25: 47 + 0.25 × 11
    assert stats["top_decile"] == pytest.approx(67.6)  # 6.3: 58 + 0.3 × 32
    assert stats["suppressed"] is False
    assert stats["suppression"] is None


def test_percentile_counts_lower_and_half_of_equal_peers_including_itself():
    reps = b.representatives(frame(population([10, 20, 20, 30, 40])))
    assert percentiles(reps) == {
        "o0": pytest.approx(10.0),  # (0 + ½ × 1) / 5
        "o1": pytest.approx(40.0),  # (1 + ½ × 2) / 5
        "o2": pytest.approx(40.0),
        "o3": pytest.approx(70.0),  # (3 + ½) / 5
        "o4": pytest.approx(90.0),  # (4 + ½) / 5
    }
    stats = only(b.peer_statistics(reps, "all"))
    assert (stats["q1"], stats["median"], stats["q3"]) == (20.0, 20.0, 30.0)
    assert stats["top_decile"] == pytest.approx(36.0)  # 3.6: 30 + 0.6 × 10


def test_eight_peers_percentiles():
    reps = b.representatives(frame(population([47, 12, 90, 33, 20, 58, 15, 41])))
    ranks = percentiles(reps)
    assert ranks["o3"] == pytest.approx(43.75)  # 33: 3 lower, itself equal → 3.5 / 8
    assert ranks["o2"] == pytest.approx(93.75)  # 90: 7.5 / 8
    assert ranks["o1"] == pytest.approx(6.25)  # 12: 0.5 / 8


def test_undefined_scores_are_not_peers_and_get_no_percentile():
    reps = b.representatives(frame(population([10, 20, None, 30, 40, 50])))
    stats = only(b.peer_statistics(reps, "all"))
    assert stats["peer_count"] == 5
    assert stats["median"] == 30.0
    ranks = percentiles(reps)
    assert ranks["o2"] is None
    assert ranks["o0"] == pytest.approx(10.0)


# --- suppression -------------------------------------------------------------------


def test_four_organisations_show_only_their_count():
    reps = b.representatives(frame(population([10, 20, 30, 40])))
    stats = only(b.peer_statistics(reps, "all"))
    assert stats["peer_count"] == 4
    assert stats["suppressed"] is True
    assert stats["suppression"] == "peer_count"
    assert [stats[s] for s in b.STATISTICS] == [None] * 4
    assert set(percentiles(reps).values()) == {None}
    assert anonymity.peer_group_suppressed(4)


def test_five_organisations_are_shown():
    reps = b.representatives(frame(population([10, 20, 30, 40, 50])))
    stats = only(b.peer_statistics(reps, "all"))
    assert (stats["peer_count"], stats["suppressed"], stats["median"]) == (5, False, 30.0)
    assert (stats["q1"], stats["q3"]) == (20.0, 40.0)
    assert stats["top_decile"] == pytest.approx(46.0)
    assert None not in percentiles(reps).values()


def test_suppression_counts_defined_scores_per_dimension():
    rows = population([10, 20, 30, 40, 50])
    rows += population([10, 20, 30, 40, None], dimension_id="d2")
    reps = b.representatives(frame(rows))
    stats = b.peer_statistics(reps, "all")
    assert only(stats, dimension_id="d1")["suppressed"] is False
    assert only(stats, dimension_id="d2")["peer_count"] == 4
    assert only(stats, dimension_id="d2")["suppressed"] is True


def test_organisation_with_too_few_respondents_has_its_own_score_hidden_but_counts_as_peer():
    rows = population([10, 20, 30, 40, 50])
    rows[0]["respondents"] = 2
    reps = b.representatives(frame(rows))
    ranks = b.percentile_ranks(reps, "all")
    own = only(ranks, organisation_id="o0")
    assert (own["score"], own["percentile"], own["score_suppressed"]) == (None, None, True)
    assert only(ranks, organisation_id="o1")["percentile"] == pytest.approx(30.0)
    assert only(b.peer_statistics(reps, "all"))["peer_count"] == 5


# --- differencing ------------------------------------------------------------------


def _two_sectors(a: list[float], other: list[float]) -> pl.DataFrame:
    rows = population(a, prefix="a") + population(other, prefix="b", sector="police")
    return b.representatives(frame(rows))


def test_nested_group_a_little_smaller_than_its_enclosing_group_is_suppressed():
    # all = 6, municipalities = 5: both shown would give away the police score
    reps = _two_sectors([10, 20, 30, 40, 50], [60])
    assert only(b.peer_statistics(reps, "all"))["suppressed"] is False
    sectors = b.peer_statistics(reps, "sector")
    municipalities = only(sectors, sector="municipalities")
    assert (municipalities["suppressed"], municipalities["suppression"]) == (True, "difference")
    assert municipalities["median"] is None
    assert municipalities["peer_count"] == 5
    assert only(sectors, sector="police")["suppression"] == "peer_count"
    ranks = b.percentile_ranks(reps, "sector")
    assert only(ranks, organisation_id="a0")["percentile"] is None


def test_enclosing_group_around_a_small_group_that_differs_a_little_is_suppressed():
    # all = 5, municipalities = 4: the police organisation could subtract itself
    reps = _two_sectors([10, 20, 30, 40], [60])
    everyone = only(b.peer_statistics(reps, "all"))
    assert (everyone["suppressed"], everyone["suppression"]) == (True, "difference")
    assert everyone["median"] is None
    assert set(b.peer_statistics(reps, "sector")["suppression"]) == {"peer_count"}


def test_groups_differing_by_five_or_more_are_all_shown():
    reps = _two_sectors([10, 20, 30, 40, 50], [15, 25, 35, 45, 55])
    assert only(b.peer_statistics(reps, "all"))["suppressed"] is False
    assert not any(b.peer_statistics(reps, "sector")["suppressed"])


def test_identical_nested_groups_are_both_shown():
    reps = b.representatives(frame(population([10, 20, 30, 40, 50])))
    for group in b.PEER_GROUPS:
        assert not any(b.peer_statistics(reps, group)["suppressed"]), group


def test_difference_guard_reaches_combined_groups():
    # municipalities: 6 of 50-249 and 1 of 1-49; sector × size band (6) sits a little
    # inside sector (7); the lone small one is protected
    rows = population([10, 20, 30, 40, 50, 60], prefix="a")
    rows += population([70], prefix="s", size_band="1-49")
    reps = b.representatives(frame(rows))
    combined = b.peer_statistics(reps, "sector,size_band")
    assert only(combined, size_band="50-249")["suppression"] == "difference"
    assert only(combined, size_band="1-49")["suppression"] == "peer_count"
    assert only(b.peer_statistics(reps, "sector"))["suppressed"] is False


# --- who is a peer ---------------------------------------------------------------------


def test_synthetic_organisations_are_only_compared_with_each_other():
    rows = population([10, 20, 30, 40, 50])
    rows += population([100, 100, 100, 100], prefix="demo", synthetic=True)
    reps = b.representatives(frame(rows))
    stats = b.peer_statistics(reps, "all")
    real = only(stats, synthetic=False)
    assert (real["peer_count"], real["median"]) == (5, 30.0)
    demo = only(stats, synthetic=True)
    assert (demo["peer_count"], demo["suppressed"]) == (4, True)
    ranks = b.percentile_ranks(reps, "all")
    assert only(ranks, organisation_id="o4")["percentile"] == pytest.approx(90.0)
    assert only(ranks, organisation_id="demo0")["synthetic"] is True


def test_latest_closed_round_represents_the_organisation():
    rows = population([20, 30, 40, 50])
    rows.append(row("o9", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("o9", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    reps = b.representatives(frame(rows))
    assert only(reps, organisation_id="o9")["round_id"] == "new"
    assert only(b.peer_statistics(reps, "all"))["median"] == 30.0


def test_same_closing_time_is_broken_by_round_id():
    rows = [row("o0", 10.0, round_id="b"), row("o0", 20.0, round_id="a")]
    assert only(b.representatives(frame(rows)), organisation_id="o0")["round_id"] == "b"


def test_versions_are_benchmarked_separately():
    rows = population([10, 20, 30, 40, 50])
    rows += population([60, 70, 80, 90], prefix="v", instrument_version="2")
    rows.append(row("o0", 99.0, round_id="o0-v2", instrument_version="2"))
    reps = b.representatives(frame(rows))
    assert reps.filter(organisation_id="o0").height == 2
    stats = b.peer_statistics(reps, "all")
    assert only(stats, instrument_version="1")["median"] == 30.0
    second = only(stats, instrument_version="2")
    assert (second["peer_count"], second["median"]) == (5, 80.0)


def test_peer_group_values_are_named_in_the_output():
    reps = b.representatives(frame(population([10, 20, 30, 40, 50])))
    stats = only(b.peer_statistics(reps, "sector,country"))
    assert (stats["sector"], stats["country"], stats["size_band"]) == ("municipalities", "NL", None)
    assert stats["peer_group"] == "sector,country"


def test_unknown_peer_group_and_missing_columns_are_refused():
    reps = b.representatives(frame(population([10, 20, 30, 40, 50])))
    with pytest.raises(ValueError, match="unknown peer group 'region'"):
        b.peer_statistics(reps, "region")
    with pytest.raises(ValueError, match="missing column 'sector'"):
        b.representatives(frame(population([10])).drop("sector"))


# --- one organisation's benchmark, and everyone's --------------------------------------


def test_benchmark_of_the_latest_round():
    rows = population([20, 30, 40, 50])
    rows.append(row("me", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("me", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    result = only(b.benchmark(frame(rows), "me", "new", "all"))
    assert (result["score"], result["peer_count"], result["median"]) == (10.0, 5, 30.0)
    assert result["percentile"] == pytest.approx(10.0)


def test_benchmark_of_an_earlier_round_puts_that_round_in_its_place():
    rows = population([20, 30, 40, 50])
    rows.append(row("me", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("me", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    result = only(b.benchmark(frame(rows), "me", "old", "all"))
    assert (result["score"], result["peer_count"], result["median"]) == (90.0, 5, 40.0)
    assert result["percentile"] == pytest.approx(90.0)


def test_benchmark_applies_the_difference_guard_of_the_whole_population():
    rows = population([10, 20, 30, 40, 50], prefix="a")
    rows += population([60], prefix="b", sector="police")
    result = b.benchmark(frame(rows), "a0", "a0-r", "sector")
    assert only(result)["suppression"] == "difference"
    assert only(b.benchmark(frame(rows), "a0", "a0-r", "all"))["median"] == 35.0


def test_benchmark_of_an_unknown_round_is_empty():
    result = b.benchmark(frame(population([10, 20, 30, 40, 50])), "o0", "nope", "all")
    assert result.is_empty()
    assert result.schema == pl.Schema(b.BENCHMARK_SCHEMA)


def test_benchmark_all_is_percentiles_joined_with_statistics_for_every_group():
    rows = population([10, 20, 30, 40, 50, 60, 70], prefix="a")
    rows += population([15, 25, 35, 45, 55], prefix="b", sector="police", country="BE")
    rows += population([5, 95], prefix="c", sector="education", size_band="1-49")
    rows += population([11, 22, 33, 44, 55], dimension_id="d2", prefix="a")
    reps = b.representatives(frame(rows))
    every = b.benchmark_all(reps)
    assert every.height == reps.height * len(b.PEER_GROUPS)
    assert every.schema == pl.Schema(b.BENCHMARK_SCHEMA)
    for group in b.PEER_GROUPS:
        keys = ["synthetic", *b.PEER_GROUPS[group], *b.SCOPE]
        expected = (
            b.percentile_ranks(reps, group)
            .join(
                b.peer_statistics(reps, group).select(*keys, *b.STATISTICS),
                on=keys,
                nulls_equal=True,
            )
            .select(*b.BENCHMARK_SCHEMA)
            .sort("organisation_id", *b.SCOPE)
        )
        got = every.filter(peer_group=group).sort("organisation_id", *b.SCOPE)
        assert got.equals(expected), group
        one = b.benchmark(frame(rows), "a0", "a0-r", group)
        assert one.equals(got.filter(organisation_id="a0")), group


# --- trends ----------------------------------------------------------------------------


def test_organisation_trend_compares_rounds_on_the_same_version_only():
    rows = [
        row("o", 40.0, round_id="r1", closed_at=datetime(2023, 5, 1, tzinfo=UTC)),
        row("o", 55.0, round_id="r2", closed_at=datetime(2024, 5, 1, tzinfo=UTC)),
        row(
            "o",
            70.0,
            round_id="r3",
            instrument_version="2",
            closed_at=datetime(2025, 5, 1, tzinfo=UTC),
        ),
        row("other", 10.0),
    ]
    trend = b.organisation_trend(frame(rows), "o")
    assert trend["round_number"].to_list() == [1, 2, 3]
    assert trend["previous_score"].to_list() == [None, 40.0, None]
    assert trend["change"].to_list() == [None, 15.0, None]
    assert trend.schema == pl.Schema(b.TREND_SCHEMA)


def _year_rows(org: str, year: int, score: float, month: int = 6, **overrides) -> dict:
    return row(
        org,
        score,
        round_id=f"{org}-{year}-{month}",
        closed_at=datetime(year, month, 1, tzinfo=UTC),
        **overrides,
    )


def test_sector_trend_takes_the_latest_round_in_each_year():
    rows = []
    for n, score in enumerate([10.0, 20.0, 30.0, 40.0, 50.0]):
        rows.append(_year_rows(f"o{n}", 2024, 99.0, month=1))
        rows.append(_year_rows(f"o{n}", 2024, score, month=11))
        rows.append(_year_rows(f"o{n}", 2025, score + 5))
    trend = b.sector_trend(b.representatives_by_year(frame(rows)))
    by_year = {r["year"]: r for r in trend.iter_rows(named=True)}
    assert by_year[2024]["median"] == 30.0
    assert by_year[2025]["median"] == 35.0
    assert {r["peer_count"] for r in by_year.values()} == {5}


def test_sector_trend_suppresses_small_years():
    rows = [_year_rows(f"o{n}", 2024, 10.0 * n) for n in range(4)]
    rows += [_year_rows(f"o{n}", 2025, 10.0 * n) for n in range(5)]
    trend = b.sector_trend(b.representatives_by_year(frame(rows)))
    by_year = {r["year"]: r for r in trend.iter_rows(named=True)}
    assert (by_year[2024]["suppression"], by_year[2024]["median"]) == ("peer_count", None)
    assert by_year[2025]["median"] == 20.0


def test_sector_trend_guards_a_year_nested_a_little_inside_the_current_sector():
    # 7 organisations today; 5 closed their latest round in 2025, 2 only in 2024:
    # the 2025 group is the current group minus those 2
    rows = [_year_rows(f"o{n}", 2025, 10.0 * n) for n in range(5)]
    rows += [_year_rows(f"p{n}", 2024, 60.0 + n) for n in range(2)]
    trend = b.sector_trend(b.representatives_by_year(frame(rows)))
    by_year = {r["year"]: r for r in trend.iter_rows(named=True)}
    assert (by_year[2025]["suppression"], by_year[2025]["median"]) == ("difference", None)
    assert by_year[2024]["suppression"] == "peer_count"


# --- balance ------------------------------------------------------------------------------


def balance_frame(points: list[tuple[str, float | None, float | None, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "organisation_id": org,
                "round_id": f"{org}-r",
                "closed_at": SPRING,
                "control": control,
                "enablement": enablement,
                "respondents": respondents,
                "sector": "municipalities",
                "size_band": "50-249",
                "country": "NL",
                "synthetic": False,
            }
            for org, control, enablement, respondents in points
        ],
        schema=b.BALANCE_SCHEMA,
    )


def test_balance_peers_are_unnamed_and_shown_from_five_organisations():
    points = balance_frame([(f"o{n}", 10.0 * n, 90.0 - 10 * n, 5) for n in range(6)])
    shown = b.balance_peers(points, "o2", "o2-r", "all")
    assert "organisation_id" not in shown.columns and "round_id" not in shown.columns
    assert shown["own"].to_list() == [True] + [False] * 5
    assert shown.row(0, named=True)["control"] == 20.0
    assert shown.filter(~pl.col("own"))["control"].to_list() == [0.0, 10.0, 30.0, 40.0, 50.0]
    assert set(shown["suppressed"]) == {False}


def test_balance_of_a_small_group_shows_only_the_own_point():
    points = balance_frame(
        [(f"o{n}", 10.0 * n, 50.0, 5) for n in range(4)] + [("few", 70.0, 70.0, 2)]
    )
    shown = b.balance_peers(points, "o0", "o0-r", "all")
    assert shown.height == 1
    only_row = shown.row(0, named=True)
    assert (only_row["own"], only_row["peer_count"], only_row["suppressed"]) == (True, 4, True)


# --- against a plain reference implementation ------------------------------------------


def _linear(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 20).map(lambda n: n * 5.0)), min_size=1, max_size=14
    )
)
def test_statistics_and_percentiles_match_a_plain_implementation(scores):
    reps = b.representatives(frame(population(scores)))
    stats = only(b.peer_statistics(reps, "all"))
    defined = [s for s in scores if s is not None]
    assert stats["peer_count"] == len(defined)
    if anonymity.peer_group_suppressed(len(defined)):
        assert stats["suppressed"] and stats["median"] is None
        assert set(percentiles(reps).values()) == {None}
        return
    for name, q in b.QUANTILES.items():
        assert stats[name] == pytest.approx(_linear(defined, q), abs=1e-9)
    ranks = percentiles(reps)
    for n, score in enumerate(scores):
        if score is None:
            assert ranks[f"o{n}"] is None
        else:
            lower = sum(v < score for v in defined)
            equal = sum(v == score for v in defined)
            expected = 100 * (lower + 0.5 * equal) / len(defined)
            assert ranks[f"o{n}"] == pytest.approx(expected, abs=1e-9)
