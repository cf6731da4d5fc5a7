"""Schema-2 rounds through the services on SQLite and PostgreSQL: one scheme per round,
routing by role, and closing a round stores views, uses, orientation, fragility and
left-out counts that read back as they were scored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from instruments.library import load_library
from survey.errors import InvalidInput
from survey.models import (
    DimensionResult,
    OrientationResult,
    Response,
    RoleResult,
    Round,
    UseResult,
    ViewResult,
)
from survey.services import responses, results, rounds
from survey.services.pinned import PinnedInstruments
from tests import factories
from tests.scoring_v2 import MINI_V2

MINI_V1 = Path(__file__).parent.parent / "data" / "mini.yaml"


@pytest.fixture
def lib():
    return load_library([MINI_V2])


def _answers(role: str, rung: int, lib) -> dict[str, str]:
    instrument = lib.get("mini")
    return {item.id: item.scored_options[rung - 1].value for item in instrument.items_for(role)}


def test_a_round_uses_instruments_of_one_scheme(database, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(MINI_V1.read_text(encoding="utf-8").replace("id: mini\n", "id: mini-one\n", 1))
    lib = load_library([other, MINI_V2])
    org = factories.organisation(database)
    with pytest.raises(InvalidInput, match="one version only") as info:
        factories.open_round(database, org.organisation, lib, instruments=["mini-one", "mini"])
    assert info.value.field == "instruments"
    opened = factories.open_round(database, org.organisation, lib, instruments=["mini"])
    with database.session() as s:
        assert s.get(Round, opened.round.id).scheme == 2


def test_answers_to_items_not_asked_of_the_role_are_refused(database, lib):
    org = factories.organisation(database)
    opened = factories.open_round(database, org.organisation, lib)
    rid, _ = factories.respond(database, opened.invite_code, lib, {}, role="it", submit=False)
    with database.session() as s:
        response = s.get(Response, rid)
        with pytest.raises(InvalidInput, match="not asked of the role 'it'") as info:
            responses.save_answers(s, response, {"rules.guideline": "ban"}, PinnedInstruments(lib))
        assert info.value.field == "answers.rules.guideline"
        saved = responses.save_answers(
            s, response, {"rules.monitoring": "named"}, PinnedInstruments(lib)
        )
        assert (saved.answered, saved.total) == (1, 2)


def test_closing_the_issue_10_round_stores_the_views_and_leaves_the_one_out(database, lib):
    org = factories.organisation(database)
    opened = factories.open_round(database, org.organisation, lib)
    for role, count, rung in (("management", 3, 4), ("staff", 3, 2), ("communications", 1, 5)):
        for _ in range(count):
            factories.respond(
                database, opened.invite_code, lib, _answers(role, rung, lib), role=role
            )
    with database.session() as s:
        round_ = s.get(Round, opened.round.id)
        rounds.close_round(s, round_, lib)
    with database.session() as s:
        round_ = s.get(Round, opened.round.id)
        views = s.execute(
            select(
                RoleResult.dimension_id, RoleResult.role, RoleResult.score, RoleResult.respondents
            )
            .where(RoleResult.round_id == round_.id)
            .order_by(RoleResult.dimension_id, RoleResult.role)
        ).all()
        assert [tuple(v) for v in views] == [
            ("culture", "management", 75.0, 3),
            ("culture", "staff", 25.0, 3),
            ("rules", "management", 75.0, 3),
            ("rules", "staff", 25.0, 3),
        ]
        culture = s.scalar(
            select(DimensionResult).where(
                DimensionResult.round_id == round_.id, DimensionResult.dimension_id == "culture"
            )
        )
        assert (culture.score, culture.level, culture.left_out, culture.fragile) == (
            50.0,
            3,
            1,
            True,
        )
        assert s.scalars(select(UseResult).where(UseResult.round_id == round_.id)).all()
        orientation = s.scalar(
            select(OrientationResult).where(OrientationResult.round_id == round_.id)
        )
        assert orientation.control_margin is not None and orientation.enablement_left_out == 1
        stored_views = s.scalars(select(ViewResult).where(ViewResult.round_id == round_.id)).all()
        assert {v.view for v in stored_views} == {"management", "staff"}
        assert all(v.respondents >= 3 for v in stored_views)

        raw = results.stored_scores(s, round_)
        shown = results.round_scores(s, round_, lib)
    assert raw.scheme == 2 and raw.uses.height == 3
    assert shown["scheme"] == 2
    assert [r["role"] for r in shown["roles"]] == ["management", "staff"]
    dimensions = {d["id"]: d for d in shown["instruments"][0]["dimensions"]}
    assert dimensions["culture"]["left_out"] == 1 and dimensions["culture"]["fragile"] is True
    assert {u["use"] for u in shown["uses"]} == {"organizational", "professional", "personal"}
    # the organisation's balance comes from the maturity test (sm-maturity), not taken here;
    # each instrument reports its own orientation
    assert shown["balance"]["quadrant"] is None
    (orientation_shown,) = shown["orientations"]
    assert orientation_shown["instrument"] == "mini"
    assert orientation_shown["enablement_left_out"] == 1
    advice = {p["item"]: p["advice"] for p in shown["priorities"]}
    assert set(advice.values()) <= {"basic", "advanced", None}
