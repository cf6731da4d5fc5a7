"""The integrity office's dashboard: sign-in, filters, charts, counts, demo data, export."""

from __future__ import annotations

import io
from datetime import timedelta

import polars as pl
import pytest

from survey.services import users
from tests.integration.pages import Browser, assert_dutch
from tests.integration.test_benchmark_api import NOW, store
from tests.integration.test_dashboard_benchmark_page import chart_page, data_values

PASSWORD = "correct horse battery"


@pytest.fixture
def office_user(database) -> str:
    with database.session() as s:
        users.create_user(s, "bios", PASSWORD)
    return "bios"


@pytest.fixture
def population(database):
    """Seven municipalities and six schools (each with a round a year earlier too), three
    police forces (too few to show), sharing some of their names; and five demo
    organisations."""
    for n in range(7):
        earlier = store(
            database,
            {"rules": 20.0 + n, "culture": 30.0 + n},
            closed_at=NOW - timedelta(days=365),
            name=f"Gemeente {n}",
            share=n == 0,
        )
        store(database, {"rules": 40.0 + n, "culture": 50.0 + n}, organisation=earlier)
    for n in range(6):
        earlier = store(
            database,
            {"rules": 60.0 + n, "culture": 20.0 + n},
            closed_at=NOW - timedelta(days=365),
            sector="education",
        )
        store(database, {"rules": 70.0 + n, "culture": 25.0 + n}, organisation=earlier)
    for n in range(3):
        store(database, {"rules": 10.0 * n, "culture": 10.0 * n}, sector="police", name=f"P{n}")
    for n in range(5):
        store(database, {"rules": 1.0 + n, "culture": 1.0 + n}, synthetic=True, name=f"Demo {n}")


def sign_in(client, user: str) -> Browser:
    browser = Browser(client)
    browser.get("/login")
    browser.submit("/login", {"username": user, "password": PASSWORD})
    assert browser.path == "/office"
    return browser


def test_the_dashboard_needs_a_signed_in_office_user(client, population, database):
    response = client.get("/office/dashboard", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    coordinator = store(database, {"rules": 1.0, "culture": 1.0})
    Browser(client).get(f"/c/{coordinator.token}")
    response = client.get("/office/dashboard", follow_redirects=False)
    assert response.headers["location"] == "/login"
    response = client.get("/office/dashboard/export?format=csv", follow_redirects=False)
    assert response.headers["location"] == "/login"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_dashboard_charts_counts_and_tables(client, population, office_user, lang):
    browser = sign_in(client, office_user)
    landing = browser.get("/office")
    assert any(a.attrs.get("href") == "/office/dashboard" for a in landing.find("a"))
    response = client.get(f"/office/dashboard?lang={lang}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page, specs = chart_page(response, lang=lang)
    assert set(specs) == {"heatmap", "distribution", "trend"}
    form = next(f for f in page.find("form") if f.attrs["action"] == "/office/dashboard")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/office/dashboard"
    names = [e.attrs["name"] for e in page.elements if e.tag == "select"]
    assert names == ["instrument", "sector", "size_band", "country", "year", "data", "dimension"]
    assert "Demo" not in page.text or lang == "nl"
    heatmap = data_values(specs["heatmap"])
    sectors = {row["sector_name"] for row in heatmap if "sector_name" in row}
    assert sectors == (
        {"Municipalities", "Education"} if lang == "en" else {"Gemeenten", "Onderwijs"}
    )
    police = next(r for r in page.find("tr") if r.text.split()[0] in ("Police", "Politie"))
    assert police.text.split()[1] == "3"  # the group's count, and nothing else
    if lang == "en":
        assert "16 organisations with results" in page.text
        assert "fewer than 4 organisations whose scores a reader does not already know" in (
            police.text
        )
        assert "Medians per sector and topic" in page.text
    else:
        assert "16 organisaties met resultaten" in page.text
        assert_dutch(page)
    trend = data_values(specs["trend"])
    assert {row["year"] for row in trend} <= {2025, 2026}
    assert all(row["median_low"] is not None for row in trend if "year" in row)
    distribution = data_values(specs["distribution"])
    assert {row["peer_count"] for row in distribution} == {16}
    caption = page.by_id("distribution-caption")
    table = next(t for t in page.find("table") if caption.text in t.text)
    assert "Percentile" not in table.text and "Your score" not in table.text


def test_dashboard_filters_and_demo_data(client, population, office_user):
    sign_in(client, office_user)
    page, specs = chart_page(client.get("/office/dashboard?sector=education&year=2025"))
    heatmap = data_values(specs["heatmap"])
    assert {row["sector_name"] for row in heatmap if "sector_name" in row} == {"Education"}
    selected = [
        e.attrs["value"] for e in page.elements if e.tag == "option" and "selected" in e.attrs
    ]
    assert "education" in selected and "2025" in selected
    assert "This chart follows the questionnaire, sector and data filters only." in page.text
    page, specs = chart_page(client.get("/office/dashboard?size_band=250-999&country=NL"))
    assert "choose a size band or a country, not both" in page.text
    assert "heatmap" not in specs
    page, specs = chart_page(client.get("/office/dashboard?data=demo"))
    assert "Demo data: these are synthetic organisations" in page.text
    assert page.find("span", class_="demo-label")
    assert "5 organisations with results" in page.text
    # five demo organisations: 4 unknown, the median band only, so no distribution
    assert "distribution" not in specs
    assert "it needs 10 organisations whose scores a reader does not already know" in page.text
    page, _ = chart_page(client.get("/office/dashboard?sector=nonsense&year=abc&instrument=x@1"))
    assert "16 organisations with results" in page.text  # unknown values are ignored


def test_dashboard_export_download(client, population, office_user):
    sign_in(client, office_user)
    page, _ = chart_page(client.get("/office/dashboard"))
    links = [
        a.attrs["href"]
        for a in page.find("a")
        if "/office/dashboard/export" in a.attrs.get("href", "")
    ]
    assert links == [f"/office/dashboard/export?format={f}" for f in ("csv", "xlsx", "parquet")]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["cache-control"] == "no-store"
    frame = pl.read_csv(io.StringIO(response.text), infer_schema_length=None)
    named = frame.filter(pl.col("record") == "organisation")
    assert set(named["organisation_name"]) == {"Gemeente 0"}
    assert "P1" not in response.text and "Gemeente 3" not in response.text
    assert client.get("/office/dashboard/export?format=pdf").status_code == 404
    assert not frame["synthetic"].any()
    # The links carry the dashboard's filters, and the file honours them.
    page, _ = chart_page(client.get("/office/dashboard?sector=police&data=real"))
    (police_csv,) = [
        a.attrs["href"]
        for a in page.find("a")
        if "/office/dashboard/export" in a.attrs.get("href", "") and "format=csv" in a.attrs["href"]
    ]
    assert "sector=police" in police_csv
    police = pl.read_csv(io.StringIO(client.get(police_csv).text), infer_schema_length=None)
    assert police.height > 0 and set(police["sector"]) == {"police"}
    demo = pl.read_csv(
        io.StringIO(client.get("/office/dashboard/export?format=csv&data=demo").text),
        infer_schema_length=None,
    )
    assert demo.height > 0 and demo["synthetic"].all()
    # the API takes a token, never the browser's session cookie
    assert client.get("/api/exports/scores").status_code == 401


def test_dashboard_without_any_results(client, office_user):
    sign_in(client, office_user)
    page, specs = chart_page(client.get("/office/dashboard"))
    assert specs == {}
    assert "There are no closed rounds on this questionnaire version" in page.text
    response = client.get("/office/dashboard/export?format=parquet")
    assert response.status_code == 200
    assert pl.read_parquet(io.BytesIO(response.content)).is_empty()
