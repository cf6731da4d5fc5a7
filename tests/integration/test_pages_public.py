"""Public pages: home, methodology, about, the language choice, static files, error pages."""

from __future__ import annotations

import re

import pytest

from instruments import sources
from tests.integration.pages import Browser, assert_dutch, check_page
from web import i18n

PUBLIC = ["/", "/methodology", "/about", "/register", "/login"]


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_in_english_and_dutch(browser, path):
    english = browser.get(path, lang="en")
    dutch = browser.get(f"{path}?lang=nl", lang="nl")
    assert english.text != dutch.text
    assert_dutch(dutch)
    assert "Skip to main content" in english.text
    assert "Direct naar de inhoud" in dutch.text


def test_home_leads_to_registration_methodology_and_about(browser):
    page = browser.get("/")
    links = {a.attrs["href"] for a in page.find("a")}
    assert {"/register", "/methodology", "/about", "/login"} <= links
    assert "How mature is your organisation's social media policy?" in page.text
    dutch = browser.get("/?lang=nl")
    assert "Hoe volwassen is het socialemediabeleid van uw organisatie?" in dutch.text
    assert "Uw organisatie aanmelden" in dutch.text


def test_language_from_query_then_cookie_then_accept_language(client):
    browser = Browser(client)
    browser.get("/", lang="en")
    browser.get("/", lang="nl", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    browser.get("/", lang="en", headers={"Accept-Language": "de-DE, fr;q=0.8"})
    browser.get("/", lang="en", headers={"Accept-Language": "nl;q=0, en;q=0.5"})
    browser.get("/?lang=nl", lang="nl", headers={"Accept-Language": "en"})
    cookie = browser.last.headers["set-cookie"]
    assert "lang=nl" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    # The cookie now wins over Accept-Language; a new ?lang= wins over the cookie.
    browser.get("/about", lang="nl", headers={"Accept-Language": "en"})
    browser.get("/about?lang=en", lang="en")
    browser.get("/methodology", lang="en", headers={"Accept-Language": "nl"})
    browser.get("/?lang=xx", lang="en")


def test_language_switch_keeps_the_page_and_its_query(browser):
    page = browser.get("/login?signed_out=1")
    switch = {a.attrs["hreflang"]: a.attrs["href"] for a in page.find("a") if "hreflang" in a.attrs}
    assert switch == {"en": "/login?signed_out=1&lang=en", "nl": "/login?signed_out=1&lang=nl"}
    current = [a for a in page.find("a") if a.attrs.get("aria-current") == "true"]
    assert [a.attrs["hreflang"] for a in current] == ["en"]
    dutch = browser.get(switch["nl"], lang="nl")
    assert "U bent uitgelogd." in dutch.text


def test_methodology_explains_scoring_and_anonymity(browser):
    for lang, phrases in {
        "en": ["weighted average", "every role group counts once", "at least 3 respondents",
               "at least 4 of its organisations", "30% or more", "level 3 or higher"],
        "nl": ["gewogen gemiddelde", "Elke rolgroep telt één keer", "ten minste 3 respondenten",
               "minstens 4 van haar organisaties", "30% of meer", "niveau 3 of hoger"],
    }.items():  # fmt: skip
        text = browser.get(f"/methodology?lang={lang}").text
        for phrase in phrases:
            assert phrase.lower() in text.lower(), (lang, phrase)


def test_about_credits_every_source_document(browser, lib):
    for lang in ("en", "nl"):
        page = browser.get(f"/about?lang={lang}")
        for source in sources():
            assert source.title in page.text
            assert source.publisher in page.text
        for instrument in lib.latest_versions():
            assert instrument.title.get(lang) in page.text


def test_static_files_are_served_from_the_app(browser):
    page = browser.get("/")
    stylesheet = next(
        e.attrs["href"] for e in page.find("link") if e.attrs.get("rel") == "stylesheet"
    )
    script = next(e.attrs["src"] for e in page.find("script"))
    css = browser.client.get(stylesheet)
    js = browser.client.get(script)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "@import" not in css.text and "url(" not in css.text
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", js.text)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_unknown_page_is_a_404_page_in_the_language(client, lang):
    response = client.get(f"/no-such-page?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    page = check_page(response, lang=lang)
    title, message = i18n.error_text(lang, 404)
    assert title in page.text and message in page.text


def test_registration_is_rate_limited_with_a_page_in_the_language(make_client, clock):
    client = make_client(registration_limit_per_hour=2)
    browser = Browser(client)
    browser.get("/register?lang=nl", lang="nl")
    for _ in range(2):
        browser.submit("/register", {"name": ""}, status=422, lang="nl")
    page = browser.submit("/register", {"name": ""}, status=429, lang="nl")
    title, message = i18n.error_text("nl", 429)
    assert title in page.text and message in page.text
    assert browser.last.headers["retry-after"]


def test_links_with_tokens_are_rate_limited(make_client, clock):
    client = make_client(rate_limit_per_minute=3)
    for _ in range(3):
        assert client.get("/i/guess").status_code == 404
    assert client.get("/r/guess").status_code == 429
    assert client.get("/c/guess").status_code == 429
