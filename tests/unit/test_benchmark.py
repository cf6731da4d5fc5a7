"""Golden tests of the peer benchmark under D1: hand-computed bands, forms, positions, peers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import benchmark as b
from survey.disclosure import peers

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
        "shares": False,
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


def percentiles(reps: pl.DataFrame, group: str = "all") -> dict[str, int | None]:
    ranks = b.percentile_ranks(reps, group)
    return dict(zip(ranks["organisation_id"], ranks["percentile"], strict=True))


def bands(stats: dict) -> dict[str, tuple[float, float] | None]:
    return {
        name: None
        if stats[f"{name}_low"] is None
        else (stats[f"{name}_low"], stats[f"{name}_high"])
        for name in b.STATISTICS
    }


ELEVEN = [47, 12, 90, 33, 20, 58, 15, 41, 64.9, 65, 100]


# --- P1: bands and nearest-rank quantiles ----------------------------------------------


def test_band_quantiles_are_nearest_rank_on_bands():
    reps = b.representatives(frame(population(ELEVEN)))
    stats = only(b.peer_statistics(reps, "all"))
    # bands: 12→2 15→3 20→4 33→6 41→8 47→9 58→11 64.9→12 65→13 90→18 100→19
    # ranks ceil(q × 11): q1 3rd, median 6th, q3 9th, top decile 10th
    assert bands(stats) == {
        "median": (45.0, 50.0),
        "q1": (20.0, 25.0),
        "q3": (65.0, 70.0),
        "top_decile": (90.0, 95.0),
    }
    assert (stats["peer_count"], stats["known"], stats["unknown"]) == (11, 1, 10)
    assert (stats["form"], stats["suppressed"], stats["suppression"]) == ("quartiles", False, None)


def test_a_score_of_100_is_in_the_top_band():
    reps = b.representatives(frame(population([100] * 6)))
    assert bands(only(b.peer_statistics(reps, "all")))["median"] == (95.0, 100.0)


def test_statistics_depend_on_bands_only():
    reps = b.representatives(frame(population(ELEVEN)))
    moved = b.representatives(
        frame(population([45, 10, 94.9, 30, 24.9, 55, 19.99, 40, 60, 69.9, 95]))
    )
    assert b.peer_statistics(reps, "all").equals(b.peer_statistics(moved, "all"))
    assert (
        b.percentile_ranks(reps, "all")
        .drop("score")
        .equals(b.percentile_ranks(moved, "all").drop("score"))
    )


# --- P2/P3: known and unknown organisations, forms ---------------------------------------


@pytest.mark.parametrize(
    ("count", "sharers", "form", "reason"),
    [
        (4, 0, "count", "few_unknown"),
        (5, 0, "median", "quartiles_few_unknown"),
        (5, 1, "median", "quartiles_few_unknown"),
        (5, 2, "count", "few_unknown"),
        (10, 0, "median", "quartiles_few_unknown"),
        (11, 0, "quartiles", None),
        (11, 1, "quartiles", None),
        (12, 3, "median", "quartiles_few_unknown"),
        (14, 4, "quartiles", None),
        (14, 13, "count", "few_unknown"),
        (14, 14, "quartiles", None),
    ],
)
def test_forms_follow_the_unknown_count(count, sharers, form, reason):
    rows = population([5.0 * n for n in range(count)])
    for r in rows[:sharers]:
        r["shares"] = True
    stats = only(b.peer_statistics(b.representatives(frame(rows)), "all"))
    assert (stats["form"], stats["suppression"]) == (form, reason)
    assert stats["known"] == peers.known_count(count, sharers)
    assert stats["unknown"] == count - peers.known_count(count, sharers)
    shown = {name for name, band in bands(stats).items() if band is not None}
    assert shown == set(peers.FORM_STATISTICS[peers.Form(form)])


def test_a_count_only_group_publishes_its_count():
    reps = b.representatives(frame(population([10, 20, 30, 40])))
    stats = only(b.peer_statistics(reps, "all"))
    assert (stats["peer_count"], stats["suppressed"], stats["suppression"]) == (
        4,
        True,
        "few_unknown",
    )
    assert set(bands(stats).values()) == {None}
    ranks = b.percentile_ranks(reps, "all")
    assert set(ranks["position"]) == {None} and set(ranks["percentile"]) == {None}


def test_sharers_count_only_with_a_defined_score():
    rows = population([10, 20, 30, 40, 50, None])
    rows[5]["shares"] = True
    rows[0]["shares"] = True
    stats = only(b.peer_statistics(b.representatives(frame(rows)), "all"))
    assert (stats["peer_count"], stats["known"], stats["unknown"]) == (5, 1, 4)


def test_forms_are_decided_per_dimension():
    rows = population([10, 20, 30, 40, 50])
    rows += population([10, 20, 30, 40, None], dimension_id="d2")
    stats = b.peer_statistics(b.representatives(frame(rows)), "all")
    assert only(stats, dimension_id="d1")["form"] == "median"
    assert only(stats, dimension_id="d2")["form"] == "count"


# --- positions and the own score ------------------------------------------------------------


def test_own_position_against_the_median_band():
    reps = b.representatives(frame(population([10, 20, 31, 34, 40, 50])))
    stats = only(b.peer_statistics(reps, "all"))
    assert (stats["form"], bands(stats)["median"]) == ("median", (30.0, 35.0))
    ranks = b.percentile_ranks(reps, "all")
    positions = dict(zip(ranks["organisation_id"], ranks["position"], strict=True))
    assert positions == {
        "o0": "below",
        "o1": "below",
        "o2": "in",
        "o3": "in",
        "o4": "above",
        "o5": "above",
    }
    assert set(ranks["percentile"]) == {None}


def test_percentile_of_bands_counts_lower_bands_and_half_of_the_own_band():
    reps = b.representatives(frame(population(ELEVEN)))
    got = percentiles(reps)
    # 64.9 (band 12): 7 peers in lower bands, itself alone: (7 + 0.5) / 11 = 68.2 → 68
    assert got["o8"] == 68
    # 12 (band 2): (0 + 0.5) / 11 = 4.5 → 5 (halves up)
    assert got["o1"] == 5
    assert got["o10"] == 95  # 100: (10 + 0.5) / 11


def test_own_score_needs_three_respondents():
    rows = population(ELEVEN)
    rows[0]["respondents"] = 2
    reps = b.representatives(frame(rows))
    own = only(b.percentile_ranks(reps, "all"), organisation_id="o0")
    assert (own["score"], own["score_suppressed"], own["position"], own["percentile"]) == (
        None,
        True,
        None,
        None,
    )
    other = only(b.percentile_ranks(reps, "all"), organisation_id="o2")
    assert (other["score"], other["percentile"]) == (90.0, 86)
    assert only(b.peer_statistics(reps, "all"))["peer_count"] == 11


def test_sector_of_seven_shows_the_median_band_and_positions_in_the_sector_group():
    """Done-when: a sector of 7 organisations with size bands 3 and 4 shows its members
    the median band and their own position in the sector group."""
    rows = population([22, 35, 48], prefix="a", size_band="1-49")
    rows += population([51, 57, 63, 79], prefix="b", size_band="50-249")
    reps = b.representatives(frame(rows))
    for member in ("a0", "a2", "b1", "b3"):
        sector = only(b.benchmark(frame(rows), member, f"{member}-r", "sector"))
        assert (sector["peer_count"], sector["form"]) == (7, "median")
        assert (sector["median_low"], sector["median_high"]) == (50.0, 55.0)
        assert sector["position"] in {"below", "in", "above"}
        band_group = only(b.benchmark(frame(rows), member, f"{member}-r", "sector,size_band"))
        assert (band_group["form"], band_group["suppression"]) == ("count", "few_unknown")
    assert only(b.percentile_ranks(reps, "sector"), organisation_id="b0")["position"] == "in"


# --- who is a peer ---------------------------------------------------------------------


def test_synthetic_organisations_are_only_compared_with_each_other():
    rows = population([10, 20, 30, 40, 50])
    rows += population([100, 100, 100, 100], prefix="demo", synthetic=True)
    reps = b.representatives(frame(rows))
    stats = b.peer_statistics(reps, "all")
    real = only(stats, synthetic=False)
    assert (real["peer_count"], real["median_low"]) == (5, 30.0)
    demo = only(stats, synthetic=True)
    assert (demo["peer_count"], demo["suppressed"]) == (4, True)
    ranks = b.percentile_ranks(reps, "all")
    assert only(ranks, organisation_id="o4")["position"] == "above"
    assert only(ranks, organisation_id="demo0")["synthetic"] is True


def test_latest_closed_round_represents_the_organisation():
    rows = population([20, 30, 40, 50])
    rows.append(row("o9", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("o9", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    reps = b.representatives(frame(rows))
    assert only(reps, organisation_id="o9")["round_id"] == "new"
    assert only(b.peer_statistics(reps, "all"))["median_low"] == 30.0


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
    assert only(stats, instrument_version="1")["median_low"] == 30.0
    second = only(stats, instrument_version="2")
    assert (second["peer_count"], second["median_low"]) == (5, 80.0)


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
    with pytest.raises(ValueError, match="missing column 'shares'"):
        b.representatives(frame(population([10])).drop("shares"))


# --- one organisation's benchmark, and everyone's --------------------------------------


def test_benchmark_of_the_latest_round():
    rows = population([20, 30, 40, 50])
    rows.append(row("me", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("me", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    result = only(b.benchmark(frame(rows), "me", "new", "all"))
    assert (result["score"], result["peer_count"], result["median_low"]) == (10.0, 5, 30.0)
    assert result["position"] == "below"


def test_benchmark_of_an_earlier_round_puts_that_round_in_its_place():
    rows = population([20, 30, 40, 50])
    rows.append(row("me", 90.0, round_id="old", closed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    rows.append(row("me", 10.0, round_id="new", closed_at=datetime(2025, 5, 1, tzinfo=UTC)))
    result = only(b.benchmark(frame(rows), "me", "old", "all"))
    assert (result["score"], result["peer_count"], result["median_low"]) == (90.0, 5, 40.0)
    assert result["position"] == "above"


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
                b.peer_statistics(reps, group).select(*keys, *b.BAND_COLUMNS),
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
    assert (by_year[2024]["median_low"], by_year[2024]["median_high"]) == (30.0, 35.0)
    assert by_year[2025]["median_low"] == 35.0
    assert {r["peer_count"] for r in by_year.values()} == {5}


def test_sector_trend_follows_the_forms():
    rows = [_year_rows(f"o{n}", 2024, 10.0 * n) for n in range(4)]
    rows += [_year_rows(f"o{n}", 2025, 10.0 * n) for n in range(11)]
    rows += [_year_rows(f"s{n}", 2025, 10.0 * n, shares=True) for n in range(8)]
    trend = b.sector_trend(b.representatives_by_year(frame(rows)))
    by_year = {r["year"]: r for r in trend.iter_rows(named=True)}
    assert (by_year[2024]["suppression"], by_year[2024]["median_low"]) == ("few_unknown", None)
    # 2025: 19 organisations, 8 sharers: 11 unknown; the trend publishes the median only
    assert (by_year[2025]["unknown"], by_year[2025]["suppression"]) == (11, None)
    assert by_year[2025]["median_low"] == 40.0  # 10th of 19 bands: 0 0 2 2 4 4 6 6 8 8


# --- balance ------------------------------------------------------------------------------


def balance_frame(
    points: list[tuple[str, float | None, float | None, int]], **extra
) -> pl.DataFrame:
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
                "shares": False,
                **extra,
            }
            for org, control, enablement, respondents in points
        ],
        schema=b.BALANCE_SCHEMA,
    )


def test_balance_peers_forms():
    few = balance_frame([(f"o{n}", 10.0 * n, 50.0, 5) for n in range(4)] + [("x", 70.0, 70.0, 2)])
    shown = b.balance_peers(few, "o0", "o0-r", "all")
    assert shown["kind"].to_list() == ["own"]
    assert (shown["peer_count"][0], shown["suppression"][0]) == (4, "few_unknown")

    median = balance_frame([(f"o{n}", 10.0 * n + 1, 90.0 - 10 * n, 5) for n in range(6)])
    shown = b.balance_peers(median, "o2", "o2-r", "all")
    assert shown["kind"].to_list() == ["own", "median"]
    assert shown.row(0, named=True)["control"] == 21.0
    cell = shown.row(1, named=True)
    # control bands 0 2 4 6 8 10 → 3rd: 4; enablement 18 16 14 12 10 8 → 3rd: 12
    assert (cell["control_low"], cell["enablement_low"]) == (20.0, 60.0)
    assert (cell["control"], cell["enablement"]) == (22.5, 62.5)
    assert shown["suppression"][0] == "quartiles_few_unknown"

    many = balance_frame([(f"o{n}", 3.0 * n, 40.0 + n, 5) for n in range(12)])
    shown = b.balance_peers(many, "o0", "o0-r", "all")
    assert "organisation_id" not in shown.columns and "round_id" not in shown.columns
    peers_cells = shown.filter(kind="peer")
    assert peers_cells["peers"].sum() == 11
    assert set(peers_cells["control"].to_list()) <= {2.5 + 5 * k for k in range(20)}
    assert shown["form"][0] == "quartiles"


def test_balance_of_an_unknown_round_is_empty():
    points = balance_frame([(f"o{n}", 10.0 * n, 50.0, 5) for n in range(6)])
    assert b.balance_peers(points, "o0", "nope", "all").is_empty()


# --- against a plain reference implementation ------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=1, max_size=24),
    st.integers(0, 6),
)
def test_statistics_and_percentiles_match_a_plain_implementation(scores, sharing):
    rows = population(scores)
    for r in rows[:sharing]:
        r["shares"] = True
    reps = b.representatives(frame(rows))
    stats = only(b.peer_statistics(reps, "all"))
    defined = [(s, r["shares"]) for s, r in zip(scores, rows, strict=True) if s is not None]
    n = len(defined)
    sharers = sum(1 for _, shares in defined if shares)
    known = 1 if sharers == n else max(1, sharers)
    unknown = max(0, n - known)
    assert (stats["peer_count"], stats["unknown"]) == (n, unknown)
    form = "quartiles" if unknown >= 10 else "median" if unknown >= 4 else "count"
    assert stats["form"] == form
    own_bands = sorted(min(int(s // 5), 19) for s, _ in defined)
    for name, (num, den) in peers.QUANTILES.items():
        if name in peers.FORM_STATISTICS[peers.Form(form)]:
            band = own_bands[max(1, math.ceil(num * n / den)) - 1]
            assert bands(stats)[name] == (5.0 * band, 5.0 * band + 5)
        else:
            assert bands(stats)[name] is None
    ranks = percentiles(reps)
    for k, score in enumerate(scores):
        if score is None or form != "quartiles":
            assert ranks[f"o{k}"] is None
        else:
            mine = min(int(score // 5), 19)
            lower = sum(v < mine for v in own_bands)
            same = sum(v == mine for v in own_bands)
            assert ranks[f"o{k}"] == math.floor(100 * (lower + same / 2) / n + 0.5)
