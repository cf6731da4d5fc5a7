"""Every hidden figure of a round's results says which rule hid it (issue 10, item 7):
the scores API carries a reason code and its text, the results page shows the text in
English and Dutch, and the reason is never a wrong one."""

from __future__ import annotations

import pytest

from instruments.library import load_library
from survey.disclosure.rules import explain
from survey.models import Round
from survey.services import results, rounds
from tests import factories
from tests.integration.conftest import ANSWERS_FULL
from tests.integration.pages import Browser
from tests.integration.test_pages_coordinator import close, invite_code, open_round, sign_in
from tests.scoring_v2 import MINI_V2

LOW = {"rules.guideline": "none", "rules.monitoring": "some", "culture.dialogue": "none",
       "culture.mistakes": "dont_know"}  # fmt: skip


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


def _closed(database, lib, groups):
    org = factories.organisation(database)
    opened = factories.open_round(database, org.organisation, lib)
    for role, count, answers in groups:
        for _ in range(count):
            factories.respond(database, opened.invite_code, lib, answers, role=role)
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), lib)
        return results.round_scores(s, s.get(Round, opened.round.id), lib, "en")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_hidden_role_groups_say_which_rule_hid_them(browser, database, lib, lang):
    """IT (1 respondent) is hidden for being small, HR (3) to protect IT; each says so."""
    dashboard = sign_in(browser, lang)
    round_path = open_round(browser, dashboard)
    code = invite_code(round_path)
    for role, count, answers in (("staff", 3, ANSWERS_FULL), ("management", 3, ANSWERS_FULL),
                                 ("hr", 3, LOW), ("it", 1, LOW)):  # fmt: skip
        for _ in range(count):
            factories.respond(database, code, lib, answers, role=role)
    close(browser, round_path)
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_path.rsplit("/", 1)[1]), lib, lang)
    roles = {r["role"]: r for r in shown["roles"]}
    assert roles["it"]["reason"] == "few_in_view"
    assert roles["hr"]["reason"] == "complementary" and roles["hr"]["respondents"] == 3
    assert {d["reason"] for d in roles["staff"]["dimensions"]} == {None}
    assert roles["hr"]["reason_text"] == explain("complementary", lang)
    assert roles["it"]["respondents"] is None  # P5: a count of 1 or 2 points at a person
    assert [(w["role"], w["respondents"]) for w in shown["who_answered"]] == [
        ("hr", 3),
        ("management", 3),
        ("staff", 3),
        ("other", None),
    ]
    text = browser.get(f"{round_path}/results", lang=lang).text
    labels = {"en": ("HR", "IT"), "nl": ("HR", "ICT")}[lang]
    assert f"{labels[0]}: {explain('complementary', lang)}" in text
    assert f"{labels[1]}: {explain('few_in_view', lang)}" in text


def test_figures_on_too_few_respondents_say_so_and_composites_name_their_part(browser, database,
                                                                              lib):  # fmt: skip
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    code = invite_code(round_path)
    for _ in range(2):
        factories.respond(database, code, lib, ANSWERS_FULL, role="staff")
    close(browser, round_path)
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_path.rsplit("/", 1)[1]), lib)
    (instrument,) = shown["instruments"]
    assert {d["reason"] for d in instrument["dimensions"]} == {"few_respondents"}
    assert {d["dont_know_reason"]["reason"] for d in instrument["dimensions"]} == {
        "few_respondents"
    }
    assert instrument["score"] is None and instrument["reason"] == "hidden_part"
    balance = shown["balance"]
    assert balance["quadrant"] is None and balance["quadrant_reason"]["reason"] == "hidden_part"
    assert balance["control_reason"]["reason"] == "few_respondents"
    page = browser.get(f"{round_path}/results")
    assert explain("few_respondents", "en") in page.text
    assert explain("hidden_part", "en") in page.text
    # the notes under the topic table are numbered as the marks in its cells
    assert page.text.count(explain("few_respondents", "en")) >= 1
    assert "Why figures are hidden:" in page.text


def test_a_shown_figure_has_no_reason(database, lib):
    shown = _closed(database, lib, [("staff", 3, ANSWERS_FULL), ("management", 3, LOW)])
    (instrument,) = shown["instruments"]
    assert instrument["reason"] is None and instrument["reason_text"] is None
    assert all(d["reason"] is None for d in instrument["dimensions"])
    assert shown["balance"]["quadrant_reason"] == {"reason": None, "reason_text": None}


@pytest.fixture
def lib_v2():
    return load_library([MINI_V2])


def _rung(lib, role, rung):
    instrument = lib.get("mini")
    return {i.id: i.scored_options[rung - 1].value for i in instrument.items_for(role)}


def test_schema_2_cells_tell_routing_from_a_short_view(database, lib_v2):
    """Legal is asked nothing on rules: not asked, not "too few". One of three staff
    answers "don't know" on rules: the staff view has 2 values there and is left out.
    The one communications respondent is pooled and never named. The balance of a
    schema-2 round comes from the maturity test, which this round did not take."""
    staff_unsure = _rung(lib_v2, "staff", 2) | {"rules.guideline": "dont_know"}
    shown = _closed(
        database,
        lib_v2,
        [
            ("management", 3, _rung(lib_v2, "management", 4)),
            ("staff", 2, _rung(lib_v2, "staff", 2)),
            ("staff", 1, staff_unsure),
            ("legal", 3, _rung(lib_v2, "legal", 3)),
            ("communications", 1, _rung(lib_v2, "communications", 5)),
        ],
    )
    roles = {r["role"]: {d["dimension"]: d for d in r["dimensions"]} for r in shown["roles"]}
    assert set(roles) == {"management", "staff", "legal"}
    assert roles["legal"]["rules"]["reason"] == "role_not_asked"
    assert roles["legal"]["culture"]["reason"] is None
    assert roles["legal"]["culture"]["score"] == pytest.approx(50.0)
    assert roles["staff"]["rules"]["reason"] == "few_in_view"
    assert roles["staff"]["rules"]["score"] is None
    assert roles["management"]["rules"]["reason"] is None
    balance = shown["balance"]
    assert balance["control_reason"]["reason"] == "not_in_round"
    assert balance["quadrant_reason"]["reason"] == "not_in_round"


def test_schema_2_a_dimension_nobody_present_is_asked(database, lib_v2):
    shown = _closed(database, lib_v2, [("legal", 3, _rung(lib_v2, "legal", 3))])
    dimensions = {d["id"]: d for d in shown["instruments"][0]["dimensions"]}
    assert dimensions["rules"]["score"] is None
    assert dimensions["rules"]["reason"] == "not_asked"
    assert dimensions["culture"]["reason"] is None
    uses = {u["use"]: u for u in shown["uses"]}
    assert uses["organizational"]["score"] is None
    assert uses["organizational"]["reason"] == "few_respondents"


def test_an_unknown_coherence_says_why_in_the_words_of_the_case(browser, database, lib):
    """Coherence is unknown either because the maturity test was not taken (the mini
    instrument here) or because one of its topics has no shown score: the page tells
    which, not both."""
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    for _ in range(3):
        factories.respond(database, invite_code(round_path), lib, ANSWERS_FULL, role="staff")
    close(browser, round_path)
    text = browser.get(f"{round_path}/results").text
    assert "The social media maturity test was not part of this round." in text
    assert "does not have one for each" not in text


def test_a_maturity_round_with_a_hidden_topic_says_coherence_needs_every_topic(database):
    shipped = load_library()
    org = factories.organisation(database)
    opened = factories.open_round(database, org.organisation, shipped, instruments=["sm-maturity"])
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), shipped)
        shown = results.round_scores(s, s.get(Round, opened.round.id), shipped, "en")
    assert shown["coherent"] is None and shown["maturity_in_round"] is True
