"""The integrity office's scores export: formats, credentials and the disclosure rules."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest

from analytics.benchmark import BAND_COLUMNS
from analytics.service import EXPORT_SCHEMA
from survey.disclosure import rules
from survey.services import users
from tests.integration.conftest import bearer
from tests.integration.test_benchmark_api import store


@pytest.fixture
def office_token(database) -> str:
    with database.session() as s:
        return users.create_api_token(s, "bios")


@pytest.fixture
def population(database):
    """Six sharing and non-sharing municipalities, four police forces (a group too small to
    show), a sharing one resting on two respondents, and six demo organisations."""
    found = {
        "shared": store(
            database, {"rules": 10.0, "culture": 20.0}, name="Gemeente Open", share=True
        ),
        "few": store(
            database,
            {"rules": 30.0, "culture": 40.0},
            name="Gemeente Klein",
            share=True,
            respondents=2,
        ),
        "formula": store(
            database, {"rules": 50.0, "culture": 50.0}, name="=HYPERLINK(1)", share=True
        ),
    }
    for n in range(3):
        found[f"private{n}"] = store(
            database, {"rules": 60.0 + n, "culture": 70.0 + n}, name=f"Gemeente Geheim {n}"
        )
    for n in range(4):
        found[f"police{n}"] = store(
            database, {"rules": 5.0 * n, "culture": 5.0 * n}, name=f"Politie {n}", sector="police"
        )
    for n in range(6):
        found[f"demo{n}"] = store(
            database,
            {"rules": 40.0 + n, "culture": 40.0 + n},
            name=f"Demo {n}",
            synthetic=True,
            share=n == 0,
        )
    return found


def export(client, token: str, export_format: str, status: int = 200, **filters):
    response = client.get(
        "/api/exports/scores", params={"format": export_format, **filters}, headers=bearer(token)
    )
    assert response.status_code == status, response.text
    return response


def test_export_needs_an_integrity_office_token(client, population, office_token):
    assert client.get("/api/exports/scores").status_code == 401
    coordinator = population["shared"]
    assert client.get("/api/exports/scores", headers=coordinator.auth).status_code == 401
    assert export(client, office_token, "pdf", status=400).json()["field"] == "format"


def test_csv_export_obeys_the_anonymity_rules(client, population, office_token):
    response = export(client, office_token, "csv")
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="smbench-scores-')
    assert disposition.endswith('.csv"')
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    for n in range(3):
        assert f"Gemeente Geheim {n}" not in text
        assert population[f"private{n}"].organisation_id not in text
    for n in range(4):
        assert population[f"police{n}"].organisation_id not in text
    frame = pl.read_csv(io.StringIO(text), infer_schema_length=None)
    assert frame.columns == list(EXPORT_SCHEMA)

    named = frame.filter(pl.col("record") == "organisation")
    assert set(named["organisation_name"]) == {
        "Gemeente Open",
        "Gemeente Klein",
        "'=HYPERLINK(1)",
    }  # demo data only when asked for (below)
    assert named.height == 3 * 2  # two dimensions each
    few = named.filter(pl.col("organisation_name") == "Gemeente Klein")
    assert few["score"].null_count() == 2 and few["score_suppressed"].all()
    shared = named.filter(pl.col("organisation_name") == "Gemeente Open").sort("dimension_id")
    assert shared["score"].to_list() == [20.0, 10.0]
    assert not frame["synthetic"].any()

    groups = frame.filter(pl.col("record") == "group")
    assert groups["organisation_name"].null_count() == groups.height
    assert set(groups["peer_group"]) == {
        "all",
        "sector",
        "size_band",
        "country",
        "sector,size_band",
        "sector,country",
    }
    police = groups.filter((pl.col("peer_group") == "sector") & (pl.col("sector") == "police"))
    assert police.height == 2
    assert police["peer_count"].to_list() == [4, 4]
    assert police["suppressed"].all()
    for column in BAND_COLUMNS:
        assert police[column].null_count() == 2
    hidden = groups.filter(pl.col("suppressed"))
    assert all(hidden[c].null_count() == hidden.height for c in BAND_COLUMNS)
    everyone = groups.filter(
        (pl.col("peer_group") == "all") & ~pl.col("synthetic") & (pl.col("dimension_id") == "rules")
    ).row(0, named=True)
    assert (everyone["peer_count"], everyone["known"], everyone["unknown"]) == (10, 3, 7)
    assert (everyone["form"], everyone["suppression"]) == ("median", "quartiles_few_unknown")
    # bands of 0 5 10 10 15 30 50 60 61 62: 0 1 2 2 3 6 10 12 12 12, the 5th is 3
    assert (everyone["median_low"], everyone["median_high"]) == (15.0, 20.0)
    assert everyone["q1_low"] is None and everyone["top_decile_low"] is None
    demo = pl.read_csv(
        io.StringIO(export(client, office_token, "csv", demo="true").text),
        infer_schema_length=None,
    )
    assert demo["synthetic"].all()
    assert set(demo["organisation_name"].drop_nulls()) == {"Demo 0"}
    everyone = demo.filter((pl.col("record") == "group") & (pl.col("peer_group") == "all"))
    assert everyone["peer_count"].to_list() == [6, 6]


def test_xlsx_and_parquet_hold_the_same_rows(client, population, office_token):
    csv = pl.read_csv(
        io.StringIO(export(client, office_token, "csv").text), infer_schema_length=None
    )
    response = export(client, office_token, "xlsx")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(EXPORT_SCHEMA)
    assert len(rows) - 1 == csv.height
    names = {row[list(EXPORT_SCHEMA).index("organisation_name")] for row in rows[1:]}
    assert "=HYPERLINK(1)" in names  # written as text, never as a formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    response = export(client, office_token, "parquet")
    assert response.headers["content-disposition"].endswith('.parquet"')
    frame = pl.read_parquet(io.BytesIO(response.content))
    assert frame.schema == pl.Schema(EXPORT_SCHEMA)
    assert frame.height == csv.height
    assert "Gemeente Geheim 0" not in set(frame["organisation_name"].drop_nulls())


def test_export_names_only_sharers_and_counts_them_known(client, population, office_token):
    """Sharers are named with their exact scores, and because the office knows them they
    count as known (k) in every group: the six municipalities, three of them sharing,
    leave 3 unknown, so the group shows its count only, with the rule that hid it."""
    frame = pl.read_csv(
        io.StringIO(export(client, office_token, "csv").text), infer_schema_length=None
    )
    named = frame.filter(pl.col("record") == "organisation")
    assert set(named["organisation_id"]) == {
        population[key].organisation_id for key in ("shared", "few", "formula")
    }
    municipalities = frame.filter(
        (pl.col("record") == "group")
        & (pl.col("peer_group") == "sector")
        & (pl.col("sector") == "municipalities")
        & ~pl.col("synthetic")
    )
    assert municipalities.height == 2
    for row in municipalities.iter_rows(named=True):
        assert (row["peer_count"], row["known"], row["unknown"]) == (6, 3, 3)
        assert (row["form"], row["suppressed"], row["suppression"]) == (
            "count",
            True,
            "few_unknown",
        )
        assert row["explanation_en"] == rules.explain("few_unknown", "en")
        assert row["explanation_nl"] == rules.explain("few_unknown", "nl")
        assert all(row[c] is None for c in BAND_COLUMNS)


def test_export_honours_the_dashboard_filters(client, population, office_token):
    def rows(**filters) -> pl.DataFrame:
        text = export(client, office_token, "csv", **filters).text
        return pl.read_csv(io.StringIO(text), infer_schema_length=None)

    everything = rows()
    police = rows(sector="police")
    assert police.height > 0 and set(police["sector"]) == {"police"}
    assert set(police["peer_group"]) <= {"sector", "sector,size_band", "sector,country"}
    assert police.filter(pl.col("record") == "organisation").height == 0  # none shares
    municipalities = rows(sector="municipalities")
    assert set(municipalities["sector"]) == {"municipalities"}
    assert "Gemeente Open" in set(municipalities["organisation_name"].drop_nulls())
    assert municipalities.height + police.height < everything.height  # "all" etc. left out
    assert rows(instrument="mini", version="0.0").height == 0
    assert rows(instrument="mini").height == everything.height
    assert rows(year=2000).filter(pl.col("record") == "organisation").height == 0
    response = export(client, office_token, "csv", status=422, sector="nowhere")
    assert response.json()["field"] == "sector"
