"""The coordinator's pages: register, dashboard link, rounds, closing, results."""

from __future__ import annotations

import re

import pytest

from survey.models import Round
from survey.services import results
from survey.tokens import invite_code_for
from tests import factories
from tests.integration.conftest import ANSWERS_FULL, SECRET
from tests.integration.pages import Browser, assert_dutch, csrf_token, field_error

BASE_URL = "https://smb.example.org"
PROFILE = {
    "name": "Gemeente Test",
    "sector": "municipalities",
    "size_band": "250-999",
    "country": "NL",
}
LOW = {"rules.guideline": "none", "rules.monitoring": "some", "culture.dialogue": "none",
       "culture.mistakes": "dont_know"}  # fmt: skip


def register(browser: Browser, lang: str = "en", **profile) -> str:
    """Register through the form; returns the path of the secret dashboard link."""
    browser.get(f"/register?lang={lang}")
    page = browser.submit("/register", {**PROFILE, **profile}, lang=lang)
    link = page.by_id("dashboard-link")
    assert link is not None
    assert link.attrs["value"].startswith(f"{BASE_URL}/c/")
    return link.attrs["value"].removeprefix(BASE_URL)


def sign_in(browser: Browser, lang: str = "en", **profile) -> str:
    """Register and open the dashboard link; returns the dashboard's path."""
    browser.get(register(browser, lang, **profile), lang=lang)
    return browser.path


def open_round(browser: Browser, dashboard: str, label: str = "2026") -> str:
    """Open a round with the test instrument; returns the round page's path."""
    browser.get(f"{dashboard}/rounds/new")
    browser.submit(f"{dashboard}/rounds", {"label": label, "instruments": "mini"})
    assert re.fullmatch(r"/rounds/[0-9a-f-]{36}", browser.path), browser.path
    return browser.path


def invite_code(round_path: str) -> str:
    return invite_code_for(round_path.rsplit("/", 1)[1], SECRET)


def close(browser: Browser, round_path: str) -> None:
    browser.get(f"{round_path}/close")
    browser.submit(f"{round_path}/close", {})
    assert browser.path == f"{round_path}/results"


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_registration_errors_are_tied_to_their_fields(browser, lang):
    browser.get(f"/register?lang={lang}")
    page = browser.submit(
        "/register", {"name": "  ", "sector": "nonsense", "country": "ZZ"}, status=422, lang=lang
    )
    expected = {
        "en": {"field-name": "name of the organisation", "field-sector": "sector",
               "field-size_band": "number of staff", "field-country": "country"},
        "nl": {"field-name": "naam van de organisatie", "field-sector": "sector",
               "field-size_band": "aantal medewerkers", "field-country": "land"},
    }[lang]  # fmt: skip
    for field_id, words in expected.items():
        message = field_error(page, field_id)
        assert words in message.lower(), (field_id, message)
        assert page.by_id(field_id).attrs.get("aria-invalid") == "true"
    summary_links = {
        a.attrs["href"] for a in page.find("a") if a.attrs["href"].startswith("#field")
    }
    assert summary_links == {f"#{field_id}" for field_id in expected}
    if lang == "nl":
        assert_dutch(page)
    # What was entered stays; a valid form then registers.
    page = browser.submit("/register", {**PROFILE, "name": "Waterschap Test"}, lang=lang)
    assert "Waterschap Test" in page.text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_registration_shows_the_dashboard_link_once_then_signs_in(client, lang):
    browser = Browser(client)
    path = register(browser, lang, share_with_integrity_office="yes")
    response = browser.last
    assert response.headers["cache-control"] == "no-store"
    warning = {"en": "shown only once", "nl": "maar één keer getoond"}[lang]
    assert warning in response.text
    token = path.removeprefix("/c/")
    follow = client.get(path, follow_redirects=False)
    assert follow.status_code == 303
    dashboard = follow.headers["location"]
    assert re.fullmatch(r"/organisations/[0-9a-f-]{36}", dashboard)
    page = browser.get(dashboard, lang=lang)
    assert token not in browser.last.text
    assert "Gemeente Test" in page.text
    assert {"en": "No rounds yet", "nl": "Nog geen rondes"}[lang] in page.text
    # The dashboard link works again later, in another browser.
    other = Browser(type(client)(client.app))
    with other.client:
        other.get(path)
        assert other.path == dashboard


def test_open_round_follow_counts_close_and_open_another(browser, database, lib):
    dashboard = sign_in(browser)
    browser.get(f"{dashboard}/rounds/new")
    page = browser.submit(f"{dashboard}/rounds", {"label": ""}, status=422)
    assert "name" in field_error(page, "field-label").lower()
    fieldset = next(
        f
        for f in page.find("fieldset")
        if "instruments-error" in f.attrs.get("aria-describedby", "")
    )
    assert fieldset is not None and page.by_id("instruments-error").text.strip()
    assert page.find("input", name="instruments", value="mini")
    round_path = open_round(browser, dashboard, "Spring 2026")
    page = browser.get(round_path)
    code = invite_code(round_path)
    assert page.by_id("invite-link").attrs["value"] == f"{BASE_URL}/i/{code}"
    assert "Mini instrument" in page.text
    rows = {r.text.split()[0] for r in page.find("tr")}
    assert rows == {"Role", "Total"}  # no response yet: no role to count
    assert "smaller roles are counted together as other roles" in page.text

    factories.respond(database, code, lib, ANSWERS_FULL, role="staff")
    factories.respond(database, code, lib, ANSWERS_FULL, role="staff")
    factories.respond(database, code, lib, {}, role="hr", submit=False)
    page = browser.get(round_path)
    counts = {
        cells[0]: cells[1:]
        for cells in (
            [c for c in re.split(r"\s+", row.text.strip()) if c] for row in page.find("tr")
        )
    }
    # staff 2 submitted, HR 1 started: both under 3 submitted, counted together (P5)
    assert "Staff" not in counts and "HR" not in counts
    assert counts["Other"] == ["roles", "fewer", "than", "3"]
    assert counts["Total"] == ["3", "2"]
    assert "3 started, 2 submitted." in page.text

    # Results wait for the round to close; closing asks first and needs the CSRF token.
    page = browser.get(f"{round_path}/results")
    assert "available once the round is closed" in page.text
    page = browser.get(f"{round_path}/close")
    assert "cannot be reopened" in page.text
    refused = browser.client.post(f"{round_path}/close", data={})
    assert refused.status_code == 403
    with database.session() as s:
        assert s.get(Round, round_path.rsplit("/", 1)[1]).status == "open"
    browser.get(f"{round_path}/close")
    browser.submit(f"{round_path}/close", {})
    assert browser.path == f"{round_path}/results"
    page = browser.get(round_path)
    assert page.by_id("invite-link") is None
    assert not [a for a in page.find("a") if a.attrs["href"].endswith("/close")]
    assert browser.client.get(f"{round_path}/close", follow_redirects=False).status_code == 303
    with database.session() as s:
        assert s.get(Round, round_path.rsplit("/", 1)[1]).status == "closed"

    # A new round can be opened; the dashboard lists both.
    second = open_round(browser, dashboard, "Autumn 2026")
    page = browser.get(dashboard)
    assert "Spring 2026" in page.text and "Autumn 2026" in page.text
    assert page.text.index("Autumn 2026") < page.text.index("Spring 2026")
    assert "Closed" in page.text and "Open" in page.text
    assert second != round_path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_results_show_scores_levels_balance_roles_and_priorities(browser, database, lib, lang):
    dashboard = sign_in(browser, lang)
    round_path = open_round(browser, dashboard)
    code = invite_code(round_path)
    for role in ("staff", "management"):
        for _ in range(3):
            factories.respond(database, code, lib, ANSWERS_FULL, role=role)
    for _ in range(3):
        factories.respond(database, code, lib, LOW, role="hr")
    factories.respond(database, code, lib, LOW, role="it")
    close(browser, round_path)
    page = browser.get(f"{round_path}/results", lang=lang)
    assert browser.last.headers["cache-control"] == "no-store"
    with database.session() as s:
        round_ = s.get(Round, round_path.rsplit("/", 1)[1])
        shown = results.round_scores(s, round_, lib, lang)
    instrument = shown["instruments"][0]
    text = page.text
    for dimension in instrument["dimensions"]:
        assert dimension["score"] is not None
        assert dimension["title"] in text
        assert dimension["level_description"] in text
        assert f"{round(dimension['score']):d}" in text
    quadrant = {"en": {"balanced": "Balanced", "restrictive": "Restrictive",
                       "anything_goes": "Anything goes", "unguided": "Unguided"},
                "nl": {"balanced": "In balans", "restrictive": "Restrictief",
                       "anything_goes": "Alles mag", "unguided": "Ongestuurd"}}[lang]  # fmt: skip
    assert quadrant[shown["balance"]["quadrant"]] in text
    # Role groups: IT (1) is hidden, and so is the smallest other group (HR), so that
    # IT cannot be derived from the overall score.
    caption = {"en": "Scores per role group", "nl": "Scores per rolgroep"}[lang]
    role_table = next(t for t in page.find("table") if caption in t.text)
    headers = [e.text.strip() for e in page.find("th", scope="col")]
    labels = {
        "en": ("Management", "Staff member", "HR", "IT"),
        "nl": ("Management", "Medewerker", "HR", "ICT"),
    }[lang]
    assert labels[0] in headers and labels[1] in headers
    assert labels[2] not in headers and labels[3] not in headers
    hidden_note = {"en": "Not shown:", "nl": "Niet getoond:"}[lang]
    assert hidden_note in text
    assert f"{labels[2]}: " in text and f"{labels[3]}: " in text
    assert all(label in role_table.text for label in labels[:2])
    # "Don't know" rates and priorities with their advice.
    rates = [d["dont_know_rate"] for d in instrument["dimensions"]]
    assert any(r for r in rates)
    assert "%" in text
    assert shown["priorities"]
    first = shown["priorities"][0]
    assert first["text"] in text and first["recommendation"] in text
    assert first["dialogue_question"] in text
    if lang == "nl":
        assert_dutch(page)


def test_results_hide_figures_with_too_few_respondents(browser, database, lib):
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    code = invite_code(round_path)
    factories.respond(database, code, lib, ANSWERS_FULL, role="staff")
    factories.respond(database, code, lib, LOW, role="hr")
    close(browser, round_path)
    page = browser.get(f"{round_path}/results")
    assert page.text.count("hidden") >= 6
    assert "No role group can be shown" in page.text
    assert not page.find("meter")
    assert not [e for e in page.elements if e.attrs.get("class") == "score-value"]


def test_coordinator_pages_need_the_dashboard_session(client, make_client, database, lib):
    browser = Browser(client)
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    stranger = Browser(make_client())
    for path in (dashboard, f"{dashboard}/rounds/new", round_path, f"{round_path}/results",
                 f"{round_path}/close"):  # fmt: skip
        page = stranger.get(f"{path}?lang=en", status=401, lang="en")
        assert "dashboard link" in page.text
        page = stranger.get(f"{path}?lang=nl", status=401, lang="nl")
        assert "dashboardlink" in page.text
    # Another organisation's coordinator gets a 404 for everything of this one.
    other = Browser(make_client())
    sign_in(other, name="Provincie Anders", sector="provinces")
    for path in (dashboard, f"{dashboard}/rounds/new", round_path, f"{round_path}/results",
                 f"{round_path}/close"):  # fmt: skip
        page = other.get(path, status=404)
        assert "does not exist, or it is not yours to see" in page.text
    token = csrf_token(other.get("/register") and other.last.text)
    posts = {
        f"{round_path}/close": {},
        f"{dashboard}/rounds": {"label": "x", "instruments": "mini"},
    }
    for path, data in posts.items():
        other.submit(path, data, status=404, token=token)
    with database.session() as s:
        assert s.get(Round, round_path.rsplit("/", 1)[1]).status == "open"


def test_bad_dashboard_link_is_a_404_page(browser):
    page = browser.get("/c/not-a-real-token", status=404)
    assert "dashboard link is not valid" in page.text
    page = browser.get("/c/not-a-real-token?lang=nl", status=404, lang="nl")
    assert "Deze dashboardlink is niet geldig." in page.text


def test_coordinator_can_try_the_questionnaire_and_stay_signed_in(browser):
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    code = invite_code(round_path)
    browser.get(f"/i/{code}")
    browser.submit(f"/i/{code}", {"lang": "en", "role": "management"})
    browser.get("/respond/1")
    browser.get(dashboard)
    page = browser.get(round_path)
    assert "1 started, 0 submitted." in page.text
