"""Stored results of a closed round, read back through the anonymity rules."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from survey.errors import Conflict
from survey.models import Round, RoundInstrument
from survey.services import results, rounds
from tests import factories
from tests.integration.conftest import bearer
from tests.integration.pages import Browser

ALL_FULL = {
    "rules.guideline": "full",
    "rules.monitoring": "full",
    "culture.dialogue": "most",
    "culture.mistakes": "most",
}
ALL_LOW = {
    "rules.guideline": "none",
    "rules.monitoring": "some",
    "culture.dialogue": "none",
    "culture.mistakes": "dont_know",
}


@pytest.fixture
def lib():
    return factories.mini_library()


def closed_round(database, lib, respondents):
    reg = factories.organisation(database)
    opened = factories.open_round(database, reg.organisation, lib)
    for role, answers in respondents:
        factories.respond(database, opened.invite_code, lib, answers, role=role)
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), lib)
    return opened.round.id


def test_results_need_a_closed_round(database, lib):
    reg = factories.organisation(database)
    opened = factories.open_round(database, reg.organisation, lib)
    with database.session() as s, pytest.raises(Conflict):
        results.round_scores(s, s.get(Round, opened.round.id), lib)


def test_scores_levels_balance_and_visible_roles(database, lib):
    round_id = closed_round(
        database,
        lib,
        [("management", ALL_FULL)] * 3 + [("staff", ALL_LOW)] * 3,
    )
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_id), lib, "nl")
    inst = shown["instruments"][0]
    rules = next(d for d in inst["dimensions"] if d["id"] == "rules")
    # management 100; staff (0*2 + 33.33*1)/3 = 11.11; organisation = mean of the two roles
    assert rules["score"] == pytest.approx((100 + 100 / 9) / 2)
    assert rules["level"] == 3 and rules["title"] == "Regels"
    assert rules["level_description"] == "Geschreven regels"
    culture = next(d for d in inst["dimensions"] if d["id"] == "culture")
    assert culture["dont_know_rate"] == pytest.approx(3 / 12)
    assert shown["balance"]["quadrant"] in {"unguided", "restrictive", "anything_goes", "balanced"}
    roles = {r["role"]: r for r in shown["roles"]}
    assert set(roles) == {"management", "staff"}
    assert not roles["management"]["suppressed"] and roles["management"]["respondents"] == 3
    assert shown["priorities"][0]["recommendation"]


def test_small_role_group_is_never_shown_or_derivable(database, lib):
    """Two role groups, one below three, plus the overall score: both are hidden."""
    round_id = closed_round(
        database, lib, [("management", ALL_FULL)] * 3 + [("staff", ALL_LOW)] * 2
    )
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_id), lib)
    assert all(r["suppressed"] for r in shown["roles"])
    assert all(d["score"] is None for r in shown["roles"] for d in r["dimensions"])


def test_organisation_figures_need_three_respondents(database, lib):
    round_id = closed_round(database, lib, [("management", ALL_FULL)] * 2)
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, round_id), lib)
    assert all(d["score"] is None for d in shown["instruments"][0]["dimensions"])
    assert shown["instruments"][0]["score"] is None


def test_a_round_compares_with_the_previous_round_on_the_same_version(database, lib, make_client):
    """The `previous` block: per dimension the change since the organisation's previous
    closed round on the same instrument version, in the API and on the results page;
    another version is not compared, and says so."""
    reg = factories.organisation(database)
    ids = []
    for label, answers in (("2025", ALL_LOW), ("2026", ALL_FULL)):
        opened = factories.open_round(database, reg.organisation, lib, label=label)
        for _ in range(3):
            factories.respond(database, opened.invite_code, lib, answers, role="staff")
        with database.session() as s:
            rounds.close_round(s, s.get(Round, opened.round.id), lib)
        ids.append(opened.round.id)
    with database.session() as s:
        before = results.round_scores(s, s.get(Round, ids[0]), lib)
        after = results.round_scores(s, s.get(Round, ids[1]), lib)
    assert [p["reason"] for p in before["previous"]] == ["first_round"]
    (entry,) = after["previous"]
    inst = after["instruments"][0]
    assert entry["comparable"] and entry["reason"] is None
    assert (entry["round"]["id"], entry["round"]["label"]) == (ids[0], "2025")
    assert entry["version"] == entry["previous_version"] == inst["version"]
    then = {d["id"]: d["score"] for d in before["instruments"][0]["dimensions"]}
    assert [(d["dimension"], d["score"], d["previous_score"]) for d in entry["dimensions"]] == [
        (d["id"], d["score"], then[d["id"]]) for d in inst["dimensions"]
    ]
    for row in entry["dimensions"]:
        assert row["change"] == pytest.approx(row["score"] - row["previous_score"])
        assert row["change"] > 0

    client = make_client()
    api = client.get(f"/api/rounds/{ids[1]}/scores", headers=bearer(reg.coordinator_token))
    assert api.status_code == 200 and api.json()["previous"] == after["previous"]
    browser = Browser(client)
    browser.get(f"/c/{reg.coordinator_token}")
    page = browser.get(f"/rounds/{ids[1]}/results")
    table = next(t for t in page.find("table") if "Compared with the previous round" in t.text)
    assert "“2025”" in table.text
    assert "More than turnover explains?" in table.text and "Yes: a real change" in table.text
    assert all(row["beyond_turnover"] is True for row in entry["dimensions"])
    for row in entry["dimensions"]:
        assert f"+{round(row['change'])}" in table.text
    first_page = browser.get(f"/rounds/{ids[0]}/results?lang=nl", lang="nl")
    assert "Er is geen eerdere afgesloten ronde met deze vragenlijst" in first_page.text

    # the previous round on another version of the questionnaire: no change, and why
    with database.session() as s:
        s.execute(
            update(RoundInstrument)
            .where(RoundInstrument.round_id == ids[0])
            .values(instrument_version="0.9")
        )
    with database.session() as s:
        (entry,) = results.round_scores(s, s.get(Round, ids[1]), lib)["previous"]
    assert not entry["comparable"] and entry["reason"] == "other_version"
    assert (entry["previous_version"], entry["dimensions"]) == ("0.9", [])
    page = browser.get(f"/rounds/{ids[1]}/results?lang=en", lang="en")
    assert "Compared with the previous round" not in page.text
    assert (
        f"Not compared with the previous round, “2025”: it used version 0.9 of this "
        f"questionnaire and this round version {inst['version']}"
    ) in page.text
