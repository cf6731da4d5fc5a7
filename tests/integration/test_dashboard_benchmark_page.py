"""The coordinator's benchmark page and the Vega runtime the app serves.

Chart specifications travel as JSON data blocks (``<script type="application/json">``,
never executed); :func:`chart_page` checks and removes them, then holds the rest of the
page to every rule of :func:`tests.integration.pages.check_page`.
"""

from __future__ import annotations

import gzip
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest

from survey.services import rounds
from tests import factories
from tests.integration.pages import Browser, Page, assert_dutch, check_page
from tests.integration.test_benchmark_api import store
from web.controllers.assets import vega_key

SPEC = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)
VEGA_SRC = re.compile(r'<script src="(/assets/vega/[^"]+)" defer></script>')
PEERS = ["all", "sector", "size_band", "country", "sector,size_band", "sector,country"]
MIXED = {"rules.guideline": "most", "rules.monitoring": "some", "culture.dialogue": "full",
         "culture.mistakes": "some"}  # fmt: skip


def chart_page(response: Any, lang: str | None = None) -> tuple[Page, dict[str, dict]]:
    """The page checked as any page, and its chart specifications by chart id."""
    specs = {}
    for found in SPEC.finditer(response.text):
        assert found.group(1).endswith("-spec")
        assert "</" not in found.group(2)  # escaped: the data cannot end its own block
        specs[found.group(1).removesuffix("-spec")] = json.loads(found.group(2))
    stripped = SimpleNamespace(headers=response.headers, text=SPEC.sub("", response.text))
    page = check_page(stripped, lang=lang)
    for chart_id in specs:
        chart = page.by_id(chart_id)
        assert chart is not None and chart.attrs["data-chart"] == f"{chart_id}-spec"
        assert chart.attrs["role"] == "img" and chart.attrs["aria-label"]
        assert page.by_id(f"{chart_id}-caption") is not None  # its table
    return page, specs


def data_values(spec: dict) -> list[dict]:
    """Every inline data row of a (layered) Vega-Lite specification."""
    parts = [spec, *spec.get("layer", [])]
    return [row for part in parts for row in part.get("data", {}).get("values", [])]


def answered(database, lib, *, roles=("management", "staff"), per_role=3, **profile) -> tuple:
    """An organisation whose closed round has ``per_role`` respondents in each role."""
    reg = factories.organisation(database, **profile)
    code = factories.open_round(database, reg.organisation, lib).invite_code
    for role in roles:
        for n in range(per_role):
            answers = factories_answers(n)
            factories.respond(database, code, lib, answers, role=role)
    with database.session() as s:
        round_id = rounds.close_round(s, rounds.round_for_invite(s, code), lib).id
    return reg.organisation.id, reg.coordinator_token, round_id


def factories_answers(n: int) -> dict[str, str]:
    return MIXED if n % 2 else {**MIXED, "rules.guideline": "full", "culture.dialogue": "some"}


@pytest.fixture
def peers(database, lib):
    """Eleven municipalities with closed rounds (10 unknown to any one of them: the full
    form): the first answered by two role groups of 3."""
    first = answered(database, lib, name="Gemeente Een")
    for r in (20.0, 40.0, 60.0, 80.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0):
        store(database, {"rules": r, "culture": r})
    return first


def signed_in(client, token: str) -> Browser:
    browser = Browser(client)
    browser.get(f"/c/{token}")
    return browser


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_benchmark_page_shows_charts_and_their_tables(client, peers, lang):
    _, token, round_id = peers
    browser = signed_in(client, token)
    response = client.get(f"/rounds/{round_id}/benchmark?peers=sector&lang={lang}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page, specs = chart_page(response, lang=lang)
    assert set(specs) == {"profile-1", "distribution-1", "roles-1", "balance"}
    assert VEGA_SRC.search(response.text).group(1) == f"/assets/vega/{vega_key()}/vega.js"
    assert '<script src="/static/charts.js" defer></script>' in response.text
    select = page.by_id("field-peers")
    assert select is not None and "form" in select.parents
    form = next(f for f in page.find("form") if f.attrs["action"].endswith("/benchmark"))
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == f"/rounds/{round_id}/benchmark"
    options = [e for e in page.elements if e.tag == "option"]
    assert [o.attrs["value"] for o in options] == PEERS
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == ["sector"]
    words = {"en": ("11 organisations in this peer group", "Same sector (Municipalities)"),
             "nl": ("11 organisaties in deze vergelijkingsgroep", "Zelfde sector (Gemeenten)")}[lang]  # fmt: skip
    for text in words:
        assert text in page.text
    profile = data_values(specs["profile-1"])
    medians = {row["dimension"]: row["median_low"] for row in profile if "median_low" in row}
    assert set(medians) == ({"Rules", "Culture"} if lang == "en" else {"Regels", "Cultuur"})
    caption = page.by_id("profile-1-caption")
    table = next(e for e in page.find("table") if caption.text in e.text)
    assert "Peer median" in table.text or "Mediaan van de peers" in table.text
    roles = data_values(specs["roles-1"])
    assert {row["role_name"] for row in roles if "role_name" in row} == (
        {"Management", "Staff member"} if lang == "en" else {"Management", "Medewerker"}
    )
    points = data_values(specs["balance"])
    cells = [p for p in points if "peers" in p]
    assert sum(p["peers"] for p in cells) == 10  # ten unnamed peers, as 5-point cells
    assert all(set(p) == {"control", "enablement", "peers"} for p in cells)
    assert all(p["control"] % 5 == 2.5 and p["enablement"] % 5 == 2.5 for p in cells)
    assert not any("organisation_id" in json.dumps(spec) for spec in specs.values())
    if lang == "nl":
        assert_dutch(page)
    browser.get(f"/rounds/{round_id}/results")
    link = next(a for a in browser.get(f"/rounds/{round_id}/results").find("a")
                if a.attrs.get("href") == f"/rounds/{round_id}/benchmark")  # fmt: skip
    assert link.text.strip() == {"en": "Compare with peers",
                                 "nl": "Vergelijken met andere organisaties"}[lang]  # fmt: skip


def test_a_small_peer_group_shows_its_count_only(client, peers, database):
    _, token, round_id = peers
    signed_in(client, token)
    page, specs = chart_page(client.get(f"/rounds/{round_id}/benchmark?peers=all"))
    assert "distribution-1" in specs and "11 organisations" in page.text
    lonely = store(database, {"rules": 10.0, "culture": 10.0}, sector="defence")
    signed_in(client, lonely.token)
    page, specs = chart_page(client.get(f"/rounds/{lonely.round_id}/benchmark?peers=sector"))
    assert "1 organisation in this peer group" in page.text
    assert "fewer than 4 organisations whose scores a reader does not already know" in page.text
    assert set(specs) == {"profile-1", "balance"}
    profile = data_values(specs["profile-1"])
    assert not any("median_low" in row or "q1_low" in row for row in profile)  # nothing hidden
    assert {row["dimension"] for row in profile if "score" in row} == {"Rules", "Culture"}
    page, _ = chart_page(client.get(f"/rounds/{lonely.round_id}/benchmark?peers=all&lang=nl"))
    assert "12 organisaties" in page.text


def test_the_benchmark_page_needs_the_coordinator_of_a_closed_round(client, peers, database, lib):
    _, token, round_id = peers
    response = client.get(f"/rounds/{round_id}/benchmark", headers={"accept": "text/html"})
    assert response.status_code == 401
    other = store(database, {"rules": 1.0, "culture": 1.0})
    signed_in(client, other.token)
    assert client.get(f"/rounds/{round_id}/benchmark").status_code == 404
    reg = factories.organisation(database, name="Nog Open")
    opened = factories.open_round(database, reg.organisation, lib)
    browser = signed_in(client, reg.coordinator_token)
    page = browser.get(f"/rounds/{opened.round.id}/benchmark")
    assert "available once the round is closed" in page.text
    assert not SPEC.search(browser.last.text)
    signed_in(client, token)
    assert client.get(f"/rounds/{round_id}/benchmark?peers=region").status_code == 422


def test_a_demo_organisation_is_told_it_is_compared_with_demo_data(client, database):
    demo = [store(database, {"rules": r, "culture": r}, synthetic=True) for r in (1, 2, 3, 4, 5)]
    signed_in(client, demo[0].token)
    page, specs = chart_page(client.get(f"/rounds/{demo[0].round_id}/benchmark?peers=all"))
    assert "compared only with other demo organisations" in page.text
    assert "5 organisations in this peer group" in page.text
    # 4 unknown to it: the median band and its position, no distribution
    assert "profile-1" in specs and "distribution-1" not in specs


def test_the_vega_runtime_is_served_by_the_app(client):
    url = f"/assets/vega/{vega_key()}/vega.js"
    response = client.get(url, headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "content-encoding" not in response.headers
    script = response.text
    for name in ("window.vegaEmbed=", "window.vega=", "window.vegaLite="):
        assert name in script
    assert "expressionInterpreter" in script  # what `ast: true` runs on, instead of eval
    etag = response.headers["etag"]
    zipped = client.get(url, headers={"accept-encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.text == script  # decoded by the client
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(gzip.compress(script.encode())) * 1.1
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get("/assets/vega/0000000000000000/vega.js").status_code == 404
    assert client.get("/static/charts.js").status_code == 200
    assert client.get("/static/charts.css").status_code == 200
