"""The benchmark page and the integrity office's dashboard in a real headless Chromium.

Every chart must be drawn (an ``<svg>`` inside each chart container) under the app's
Content-Security-Policy, which allows no eval and no inline script or style: Vega runs
with its expression interpreter. The console must hold no CSP violation and the page no
script error, and no request may leave the app's origin (checked by ``new_context``).
Screenshots go to the temporary folder for a person to look at.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bench.bench_api import populate
from instruments import default_library
from survey.db import Database
from survey.demo import create_demo
from survey.models import Organisation, Round
from survey.services import users
from survey.tokens import hash_token, new_token
from tests.e2e.conftest import CHARTS_SETTLED, DESKTOP, PHONE

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SHOTS = Path(tempfile.gettempdir())
CSP_WORDS = ("Content Security Policy", "Refused to", "unsafe-eval", "unsafe-inline")


@pytest.fixture
def stored(live_server) -> dict[str, str]:
    """Three hundred organisations' stored results, six demo organisations with full
    answers (role groups), and an integrity-office user. Returns coordinator tokens."""
    library = default_library()
    database = Database(live_server.settings.database_url)
    try:
        population = populate(database, library, 300, seed=7)
        with database.session() as s:
            create_demo(s, library, organisations=6, seed=7)
            users.create_user(s, "bios", PASSWORD)
            demo = s.scalars(
                select(Organisation).where(Organisation.synthetic.is_(True)).limit(1)
            ).one()
            demo_token = new_token()
            demo.coordinator_token_hash = hash_token(demo_token)
            demo_round = s.scalars(
                select(Round.id)
                .where(Round.organisation_id == demo.id)
                .order_by(Round.closed_at.desc())
                .limit(1)
            ).one()
    finally:
        database.dispose()
    real = population.every_instrument[0]
    return {
        "real_token": population.tokens[real],
        "real_round": population.rounds[real][-1],
        "demo_token": demo_token,
        "demo_round": demo_round,
    }


def watch(page: Page) -> list[str]:
    """Console messages about the security policy, and uncaught script errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: any(w in m.text for w in CSP_WORDS) and problems.append(f"{m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return problems


def all_charts_drawn(page: Page) -> list[str]:
    """Wait until the page is complete and every chart on it is drawn (or failed);
    return the ids of the drawn ones."""
    page.wait_for_function(
        CHARTS_SETTLED,
        timeout=30_000,
    )
    charts = page.locator("[data-chart]")
    drawn = []
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert "chart--failed" not in (chart.get_attribute("class") or "")
        expect(chart.locator("svg").first).to_be_visible()
        drawn.append(chart.get_attribute("id") or "")
    return drawn


PROBE = """() => new Promise(resolve => {
  document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective));
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true";
  document.body.append(script);
  setTimeout(() => resolve(window.inlineRan ? "ran" : "nothing"), 2000);
})"""


def policy_in_force(page: Page) -> str:
    """Add an inline script to the page: the policy must refuse it (a console error, so
    call this after the console was checked)."""
    return page.evaluate(PROBE)


def test_the_benchmark_page_draws_its_charts_under_the_csp(live_server, new_context, stored):
    origin = live_server.origin
    page = new_context(DESKTOP).new_page()
    problems = watch(page)
    page.goto(f"{origin}/c/{stored['real_token']}")
    response = page.goto(f"{origin}/rounds/{stored['real_round']}/benchmark?peers=all")
    assert response is not None
    assert "script-src 'self';" in response.headers["content-security-policy"]
    drawn = all_charts_drawn(page)
    assert {"profile-1", "distribution-1", "balance"} <= set(drawn)
    assert len([d for d in drawn if d.startswith("profile-")]) == 5  # every questionnaire
    page.screenshot(path=str(SHOTS / "smbench-benchmark.png"), full_page=True)

    # the peer-group selector is a plain form
    page.get_by_label("Compare with").select_option("sector")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(f"{origin}/rounds/{stored['real_round']}/benchmark?peers=sector")
    all_charts_drawn(page)

    # a chart's tooltip works under the policy too (no inline style)
    box = page.locator("#profile-1 svg").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    assert not problems, problems
    assert policy_in_force(page) == "script-src-elem"  # and the charts drew all the same


def test_role_groups_and_a_phone_screen(live_server, new_context, stored):
    origin = live_server.origin
    page = new_context(PHONE).new_page()
    problems = watch(page)
    page.goto(f"{origin}/c/{stored['demo_token']}")
    page.goto(f"{origin}/rounds/{stored['demo_round']}/benchmark?peers=all&lang=nl")
    drawn = all_charts_drawn(page)
    assert any(d.startswith("roles-") for d in drawn)
    assert page.get_by_text("demo-organisatie").first.is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "no sideways scrolling of the page itself"
    page.screenshot(path=str(SHOTS / "smbench-benchmark-phone.png"), full_page=True)
    assert not problems, problems


def test_the_dashboard_draws_its_charts_under_the_csp(live_server, new_context, stored):
    origin = live_server.origin
    page = new_context(DESKTOP).new_page()
    problems = watch(page)
    page.goto(f"{origin}/office/dashboard")
    expect(page).to_have_url(f"{origin}/login")
    page.get_by_label("Username").fill("bios")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Open the sector benchmarks").click()
    expect(page).to_have_url(f"{origin}/office/dashboard")
    assert set(all_charts_drawn(page)) == {"heatmap", "distribution", "trend"}
    page.screenshot(path=str(SHOTS / "smbench-dashboard.png"), full_page=True)

    page.get_by_label("Data", exact=True).select_option("demo")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".demo-label")).to_be_visible()
    all_charts_drawn(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Scores as CSV").click()
    assert download.value.suggested_filename.startswith("smbench-scores-")
    assert not problems, problems
    assert policy_in_force(page) == "script-src-elem"
