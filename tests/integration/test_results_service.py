"""Stored results of a closed round, read back through the anonymity rules."""

from __future__ import annotations

import pytest

from survey.errors import Conflict
from survey.models import Round
from survey.services import results, rounds
from tests import factories

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
