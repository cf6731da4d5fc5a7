"""The office dashboard shows the item statistics of the chosen questionnaire, each
figure with the organisations behind it, hidden below five (issue 11, item 10)."""

from __future__ import annotations

import random

import pytest

from analytics import item_statistics as stats
from analytics.item_report import item_statistics, load_answers
from survey.models import Round
from survey.services import rounds, users
from tests import factories
from tests.integration.pages import Browser, assert_dutch
from tests.integration.test_dashboard_benchmark_page import chart_page

PASSWORD = "correct horse battery"
LEVELS = ("none", "some", "most", "full")
ITEMS = ("rules.guideline", "rules.monitoring", "culture.dialogue", "culture.mistakes")


def _population(database, lib, organisations: int) -> None:
    rng = random.Random(11)
    for _ in range(organisations):
        org = factories.organisation(database).organisation
        opened = factories.open_round(database, org, lib)
        base = rng.randrange(4)
        for role in ("management", "staff", "hr"):
            answers = {
                item: LEVELS[min(3, max(0, base + rng.choice((-1, 0, 0, 1))))] for item in ITEMS
            }
            if rng.random() < 0.3:
                answers["culture.mistakes"] = "dont_know"
            factories.respond(database, opened.invite_code, lib, answers, role=role)
        with database.session() as s:
            rounds.close_round(s, s.get(Round, opened.round.id), lib)


def _dashboard(client, database, lang: str):
    with database.session() as s:
        users.create_user(s, "bios", PASSWORD)
    browser = Browser(client)
    browser.get("/login")
    browser.submit("/login", {"username": "bios", "password": PASSWORD})
    page, _ = chart_page(client.get(f"/office/dashboard?lang={lang}"), lang=lang)
    return page


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_dashboard_shows_item_statistics_with_their_organisations(client, database, lib, lang):
    _population(database, lib, 6)
    instrument = lib.get("mini")
    with database.session() as s:
        answers = load_answers(s, instrument, synthetic=False)
    assert answers.get_column("organisation_id").n_unique() == 6
    shown = item_statistics(answers, instrument, lang)
    page = _dashboard(client, database, lang)
    section = next(
        e for e in page.find("section") if e.attrs.get("aria-labelledby") == "items-title"
    )
    title = {"en": "How well the questions measure", "nl": "Hoe goed de vragen meten"}[lang]
    assert title in section.text
    for row in shown.dimensions:
        assert row.title in section.text
        assert row.icc1.value is not None and row.icc1.organisations == 6
        assert f"{row.icc1.value:.2f} (6)" in section.text
        assert row.alpha.value is not None and f"{row.alpha.value:.2f} (6)" in section.text
    for item in shown.items:
        assert item.text in section.text and item.correlation.organisations == 6
    rates = [f for row in shown.dont_know for f in row.cells if f.value is not None]
    assert rates and all(f.organisations == 6 for f in rates)
    if lang == "nl":
        assert_dutch(page)


def test_with_four_organisations_every_item_statistic_is_hidden(client, database, lib):
    _population(database, lib, stats.MIN_ORGANISATIONS - 1)
    instrument = lib.get("mini")
    with database.session() as s:
        shown = item_statistics(load_answers(s, instrument, synthetic=False), instrument, "en")
    figures = [f for row in shown.dimensions for f in (row.alpha, row.alpha_pairwise, row.icc1)]
    figures += [row.correlation for row in shown.items]
    figures += [f for row in shown.dont_know for f in row.cells]
    assert figures and all(f.value is None for f in figures)
    page = _dashboard(client, database, "en")
    section = next(
        e for e in page.find("section") if e.attrs.get("aria-labelledby") == "items-title"
    )
    assert "hidden" in section.text and "(4)" in section.text
