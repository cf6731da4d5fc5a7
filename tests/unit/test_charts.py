"""Chart builders tested on their Vega-Lite specifications (not on pixels)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
import pytest

from analytics import benchmark as b
from analytics import charts, render

SPRING = datetime(2025, 3, 1, tzinfo=UTC)


def results(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    """(organisation, sector, dimension, score) rows, one closed round each."""
    return pl.DataFrame(
        [
            {
                "organisation_id": org,
                "round_id": f"{org}-r",
                "instrument_id": "sm",
                "instrument_version": "1",
                "dimension_id": dimension,
                "score": score,
                "respondents": 5,
                "closed_at": SPRING,
                "sector": sector,
                "size_band": "50-249",
                "country": "NL",
                "synthetic": False,
                "shares": False,
            }
            for org, sector, dimension, score in rows
        ],
        schema=b.RESULTS_SCHEMA,
    )


@pytest.fixture
def population() -> pl.DataFrame:
    """'rules': twelve municipalities (quartiles), five schools (median band only) and
    three police forces (count only); 'culture': only four municipalities (count only)."""
    rows = [(f"m{n}", "municipalities", "rules", 10.0 + 5 * n) for n in range(12)]
    rows += [(f"m{n}", "municipalities", "culture", 30.0 + 5 * n) for n in range(4)]
    rows += [(f"e{n}", "education", "rules", 60.0 + n) for n in range(5)]
    rows += [(f"p{n}", "police", "rules", 50.0 + n) for n in range(3)]
    return results(rows)


def walk(spec: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair in a nested specification."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            found.append((key, value))
            found.extend(walk(value))
    elif isinstance(spec, list):
        for value in spec:
            found.extend(walk(value))
    return found


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] for layer in layers(spec)]


def data_values(spec: dict) -> list[dict]:
    return [row for layer in layers(spec) for row in layer.get("data", {}).get("values", [])]


def assert_self_contained(spec: dict) -> None:
    """No URL anywhere except the schema identifier (which nothing fetches)."""
    for key, value in walk(spec):
        assert key != "url", value
        if isinstance(value, str) and key != "$schema":
            assert "http://" not in value and "https://" not in value, (key, value)
    assert all("values" in layer["data"] for layer in layers(spec) if "data" in layer)


def test_profile_draws_band_median_and_own_score(population):
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    spec = charts.profile_chart(rows, labels={"rules": "Rules and monitoring"}).to_dict()
    assert marks(spec) == ["bar", "bar", "point"]
    band, median, own = layers(spec)
    assert band["encoding"]["x"]["field"] == "q1_low"
    assert band["encoding"]["x2"]["field"] == "q3_high"
    assert median["encoding"]["x"]["field"] == "median_low"
    assert median["encoding"]["x2"]["field"] == "median_high"
    assert own["encoding"]["x"]["field"] == "score"
    assert own["mark"]["shape"] == "diamond"
    # bands 2..13: q1 the 3rd (20-25), median the 6th (35-40), q3 the 9th (50-55)
    assert band["data"]["values"] == [
        {"dimension": "Rules and monitoring", "q1_low": 20.0, "q3_high": 55.0}
    ]
    assert median["data"]["values"] == [
        {"dimension": "Rules and monitoring", "median_low": 35.0, "median_high": 40.0}
    ]
    # 'culture' has four municipalities: no band, no median, only the own score
    assert {r["dimension"] for r in own["data"]["values"]} == {"Rules and monitoring", "culture"}
    assert_self_contained(spec)


def test_profile_table_reads_not_shown_for_a_suppressed_group(population):
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    table = charts.profile_table(rows, lang="nl", labels={"rules": "Regels"})
    assert table.headers[0] == "Dimensie"
    by_dimension = {r[0]: r for r in table.rows}
    assert by_dimension["Regels"] == (
        "Regels",
        "25,0",
        "35–40",
        "20–25",
        "50–55",
        "onder de band van de mediaan",
        "12",
    )
    assert by_dimension["culture"][2:5] == ("niet getoond",) * 3
    assert by_dimension["culture"][5:] == ("–", "4")


def test_a_chart_describes_what_it_shows(population):
    """The description (the chart's text alternative) names each dimension with its
    figures, in the chosen language."""
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    spec = charts.profile_chart(rows, lang="nl", labels={"rules": "Regels"}).to_dict()
    assert spec["description"] == (
        "Uw scores tegenover de mediaan en de middelste helft van de peers. "
        "culture: Uw score 45,0, Mediaan van de peers niet getoond, "
        "Eerste kwartiel niet getoond, Derde kwartiel niet getoond, Peers 4. "
        "Regels: Uw score 25,0, Mediaan van de peers 35–40, Eerste kwartiel 20–25, "
        "Derde kwartiel 50–55, Uw positie onder de band van de mediaan, Peers 12."
    )


def test_profile_of_a_median_only_group_has_no_quartile_bar(population):
    rows = b.benchmark(population, "e2", "e2-r", "sector")
    band, median, _own = layers(charts.profile_chart(rows).to_dict())
    assert band["data"]["values"] == []
    assert median["data"]["values"] == [
        {"dimension": "rules", "median_low": 60.0, "median_high": 65.0}
    ]
    assert charts.profile_table(rows).rows[0][2:6] == ("60–65", "–", "–", "in the median band")


def test_distribution_leaves_out_suppressed_groups_and_individual_peers(population):
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    spec = charts.distribution_chart(rows).to_dict()
    assert marks(spec) == ["rule", "bar", "bar", "bar", "point"]
    values = spec["data"]["values"]
    assert [v["dimension"] for v in values] == ["rules (n = 12)"]
    assert (values[0]["top_decile_low"], values[0]["top_decile_high"]) == (60.0, 65.0)
    encodings = [layer["encoding"] for layer in layers(spec)]
    assert encodings[0]["x"]["field"] == "q3_high"
    assert encodings[0]["x2"]["field"] == "top_decile_high"
    # nothing but published bands and the own score: no peer's score, no mean
    assert set(values[0]) == {
        "dimension",
        "q1_low",
        "median_low",
        "median_high",
        "q3_high",
        "top_decile_low",
        "top_decile_high",
        "score",
        "peer_count",
    }
    assert "mean" not in str(spec)
    assert_self_contained(spec)
    table = charts.distribution_table(rows)
    assert [r[0] for r in table.rows] == ["rules"]
    assert table.rows[0][2:6] == ("20–25", "35–40", "50–55", "60–65")
    assert table.rows[0][-1] == "29"  # band 5: 3 lower bands, itself: (3 + 0.5) / 12


def test_role_chart_draws_only_visible_role_groups():
    roles = pl.DataFrame(
        {
            "role": ["hr", "it", "staff", "hr", "it"],
            "dimension_id": ["rules", "rules", "rules", "culture", "culture"],
            "score": [20.0, 50.0, None, 40.0, 45.0],
            "respondents": [3, 4, 2, 3, 4],
            "suppressed": [False, False, True, False, False],
        }
    )
    spec = charts.role_chart(roles, labels={"hr": "HR", "it": "IT"}).to_dict()
    assert marks(spec) == ["rule", "point"]
    spread, points = layers(spec)
    assert {p["role_name"] for p in points["data"]["values"]} == {"HR", "IT"}
    assert "staff" not in str(spec)
    spreads = {s["dimension"]: s for s in spread["data"]["values"]}
    assert spreads["rules"]["spread"] == 30.0 and spreads["rules"]["disagree"] is True
    assert spreads["culture"]["disagree"] is False
    assert_self_contained(spec)
    table = charts.role_table(roles, labels={"hr": "HR", "it": "IT"})
    assert table.headers == ("Dimension", "HR", "IT", "Spread")
    assert table.rows[0] == ("rules", "20.0", "50.0", "30.0")


def _balance(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "organisation_id": f"o{k}",
                "round_id": f"o{k}-r",
                "closed_at": SPRING,
                "control": 8.0 * k,
                "enablement": 80.0 - 6 * k,
                "respondents": 5,
                "sector": "municipalities",
                "size_band": "50-249",
                "country": "NL",
                "synthetic": False,
                "shares": False,
            }
            for k in range(n)
        ],
        schema=b.BALANCE_SCHEMA,
    )


def test_balance_map_has_quadrant_lines_at_50_and_unnamed_peer_cells():
    points = b.balance_peers(_balance(12), "o1", "o1-r", "all")
    spec = charts.balance_chart(points).to_dict()
    assert marks(spec) == ["rule", "rule", "text", "circle", "point", "point"]
    vertical, horizontal, names, peers, median, own = layers(spec)
    assert vertical["data"]["values"] == [{"at": 50.0}]
    assert "x" in vertical["encoding"] and "y" in horizontal["encoding"]
    assert {n["label"] for n in names["data"]["values"]} == {
        "Unguided",
        "Restrictive",
        "Anything goes",
        "Balanced",
    }
    cells = peers["data"]["values"]
    assert sum(c["peers"] for c in cells) == 11
    assert all(c["control"] % 5 == 2.5 and c["enablement"] % 5 == 2.5 for c in cells)
    assert len(median["data"]["values"]) == 1
    assert own["data"]["values"] == [{"control": 8.0, "enablement": 74.0}]
    assert "o2" not in str(spec) and "organisation_id" not in str(spec)
    assert_self_contained(spec)
    table = charts.balance_table(points)
    assert table.rows[0] == ("Your organisation", "8.0", "74.0", "Anything goes")
    assert table.rows[1][0] == "Peer median (bands)"


def test_balance_map_of_a_median_group_shows_the_median_cell_only():
    points = b.balance_peers(_balance(6), "o1", "o1-r", "all")
    spec = charts.balance_chart(points).to_dict()
    assert layers(spec)[3]["data"]["values"] == []
    # control 0 8 16 24 32 40: bands 0 1 3 4 6 8, 3rd: 3; enablement 50..80: 3rd band 12
    assert layers(spec)[4]["data"]["values"] == [{"control": 17.5, "enablement": 62.5}]


def test_balance_map_of_a_suppressed_group_has_no_peers():
    points = b.balance_peers(_balance(4), "o1", "o1-r", "all")
    spec = charts.balance_chart(points, lang="nl").to_dict()
    assert layers(spec)[3]["data"]["values"] == []
    assert layers(spec)[4]["data"]["values"] == []
    assert spec["title"] == "Balans tussen sturing en stimulering"
    assert len(charts.balance_table(points).rows) == 1


def test_sector_heatmap_leaves_suppressed_cells_out(population):
    statistics = b.peer_statistics(b.representatives(population), "sector")
    spec = charts.sector_heatmap(statistics, labels={"municipalities": "Gemeenten"}).to_dict()
    assert marks(spec) == ["rect", "text"]
    cells = layers(spec)[0]
    assert cells["encoding"]["color"]["field"] == "median"
    values = spec["data"]["values"]
    assert sorted((v["sector_name"], v["dimension"]) for v in values) == [
        ("Gemeenten", "rules"),
        ("education", "rules"),
    ]
    assert "police" not in str(spec)
    assert_self_contained(spec)
    table = charts.sector_heatmap_table(statistics)
    rows = {r[0]: r for r in table.rows}
    assert rows["police"][1:] == ("not shown", "–")
    assert rows["municipalities"][table.headers.index("rules")] == "35–40"
    assert rows["education"][table.headers.index("rules")] == "60–65"


def test_sector_trend_chart_leaves_suppressed_years_out():
    rows = [
        (f"m{n}", "municipalities", "rules", 10.0 * n) for n in range(5)
    ]  # 2025, five organisations
    current = results(rows)
    older = results([(f"m{n}", "municipalities", "rules", 5.0 * n) for n in range(3)])
    older = older.with_columns(
        pl.lit(datetime(2024, 3, 1, tzinfo=UTC)).alias("closed_at"),
        pl.format("{}-2024", pl.col("organisation_id")).alias("round_id"),
    )
    trend = b.sector_trend(b.representatives_by_year(pl.concat([current, older])))
    spec = charts.sector_trend_chart(trend).to_dict()
    assert marks(spec) == ["rule", "line"]
    assert layers(spec)[1]["encoding"]["x"]["field"] == "year"
    assert data_values(spec) + spec.get("data", {}).get("values", []) == [
        {
            "sector_name": "municipalities",
            "year": 2025,
            "median": 22.5,
            "median_low": 20.0,
            "median_high": 25.0,
            "band": "20–25",
        }
    ]
    table = charts.sector_trend_table(trend)
    assert table.headers == ("Sector", "2024", "2025")
    assert table.rows == (("municipalities", "not shown", "20–25"),)


def test_unknown_language_is_refused(population):
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        charts.profile_chart(rows, lang="fr")


def test_to_svg_renders_without_network(population):
    rows = b.benchmark(population, "m3", "m3-r", "sector")
    svg = render.to_svg(charts.profile_chart(rows, lang="nl"))
    assert svg.startswith("<svg")
    assert "Uw scores" in svg
    assert "http://www.w3.org/2000/svg" in svg


def test_vega_bundle_is_self_contained_and_cached():
    bundle = render.vega_bundle()
    assert "vegaEmbed" in bundle
    assert render.vega_bundle() is bundle
    assert render.vega_lite_version() is not None
