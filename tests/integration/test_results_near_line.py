"""A schema-2 round on the shipped maturity test: an organisation near a quadrant line
is told so, with its margins, never "too few respondents"; the scores per use show."""

from __future__ import annotations

import pytest

from analytics.report import service
from instruments import InstrumentLibrary, default_library
from survey.i18n import Translator
from survey.models import Round
from survey.services import results
from tests import factories
from tests.integration.pages import Browser
from tests.integration.test_pages_coordinator import close, invite_code, sign_in
from tests.integration.test_report_service import settings  # noqa: F401
from tests.scoring_v2 import ARCHETYPES


@pytest.fixture
def lib() -> InstrumentLibrary:
    return default_library()


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_organisation_near_the_line_is_told_so_with_its_margins(browser, database, lib, lang):
    """Three prohibiting managers and three anything-goes staff: control about 55 and
    enablement about 43, each within its margin of 50."""
    dashboard = sign_in(browser, lang)
    browser.get(f"{dashboard}/rounds/new")
    browser.submit(f"{dashboard}/rounds", {"label": "2026", "instruments": "sm-maturity"})
    round_path = browser.path
    instrument = lib.get("sm-maturity")
    archetype = {a.name: a for a in ARCHETYPES}
    for role, name in (("management", "prohibiting"), ("staff", "anything goes")):
        answers = {i.id: archetype[name].choose(i).value for i in instrument.items_for(role)}
        for _ in range(3):
            factories.respond(database, invite_code(round_path), lib, answers, role=role)
    close(browser, round_path)
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_path.rsplit("/", 1)[1]), lib, lang)
    balance = shown["balance"]
    assert balance["near_line"] is True and balance["quadrant"] is None
    assert balance["quadrant_reason"]["reason"] is None
    page = browser.get(f"{round_path}/results", lang=lang)
    text = page.text
    near = {"en": "Near the line", "nl": "Dicht bij de lijn"}[lang]
    assert near in text
    assert f"± {round(balance['control_margin'])}" in text
    assert "Too few respondents" not in text and "Te weinig" not in text
    caption = {"en": "Scores per use", "nl": "Scores per gebruik"}[lang]
    use_table = next(t for t in page.find("table") if caption in t.text)
    labels = {
        "en": ("Organisational use", "Professional use", "Personal use"),
        "nl": ("Gebruik door de organisatie", "Professioneel gebruik", "Persoonlijk gebruik"),
    }[lang]
    present = {u["use"] for u in shown["uses"]}
    for use, label in zip(("organizational", "professional", "personal"), labels, strict=True):
        assert (label in use_table.text) == (use in present)
    assert present


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_tells_a_near_line_organisation_so(browser, database, lib, lang, settings):  # noqa: F811
    dashboard = sign_in(browser, lang)
    browser.get(f"{dashboard}/rounds/new")
    browser.submit(f"{dashboard}/rounds", {"label": "2026", "instruments": "sm-maturity"})
    round_path = browser.path
    instrument = lib.get("sm-maturity")
    archetype = {a.name: a for a in ARCHETYPES}
    for role, name in (("management", "prohibiting"), ("staff", "anything goes")):
        answers = {i.id: archetype[name].choose(i).value for i in instrument.items_for(role)}
        for _ in range(3):
            factories.respond(database, invite_code(round_path), lib, answers, role=role)
    close(browser, round_path)
    with database.session() as s:
        round_ = s.get(Round, round_path.rsplit("/", 1)[1])
        content, _, _ = service.build_report(
            s, round_, lib, format="html", lang=lang, settings=settings
        )
    page = content.decode()
    near = {"en": "Near the line", "nl": "Dicht bij de lijn"}[lang]
    assert near in page and "± " in page
    assert (
        Translator(lang)(
            "The balance is not shown: too few respondents answered the statements that measure control or enablement."
        )
        not in page
    )
