"""The business rules of rounds and responses on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Answer, DimensionResult, Organisation, Response, Round
from survey.services import organisations, responses, rounds
from survey.services.pinned import PinnedInstruments
from survey.tokens import hash_token
from tests import factories


@pytest.fixture
def lib():
    return factories.mini_library()


@pytest.fixture
def opened(database, lib):
    reg = factories.organisation(database)
    return reg, factories.open_round(database, reg.organisation, lib)


def test_tokens_are_stored_only_as_hashes(database, opened):
    reg, opened_round = opened
    with database.session() as s:
        org = s.get(Organisation, reg.organisation.id)
        assert org.coordinator_token_hash == hash_token(reg.coordinator_token)
        assert reg.coordinator_token not in org.coordinator_token_hash
        assert len(reg.coordinator_token) >= 43  # 256 bits, url-safe base64
        assert organisations.organisation_for_token(s, reg.coordinator_token).id == org.id
        assert organisations.organisation_for_token(s, reg.coordinator_token + "x") is None
        round_ = s.get(Round, opened_round.round.id)
        assert round_.invite_code_hash == hash_token(opened_round.invite_code)
        assert rounds.round_for_invite(s, opened_round.invite_code).id == round_.id


def test_round_pins_instrument_versions(database, opened, lib):
    _, opened_round = opened
    with database.session() as s:
        round_ = s.get(Round, opened_round.round.id)
        assert [(p.instrument_id, p.instrument_version) for p in round_.instruments] == [
            ("mini", "1.0")
        ]


def test_registration_refuses_unknown_vocabulary(database):
    with database.session() as s, pytest.raises(InvalidInput) as info:
        organisations.register_organisation(
            s, name="X", sector="circus", size_band="1-49", country="NL"
        )
    assert info.value.field == "sector"


def test_start_response_validates_role_language_and_code(database, opened):
    _, opened_round = opened
    with database.session() as s:
        with pytest.raises(InvalidInput) as info:
            responses.start_response(s, opened_round.invite_code, role="pilot", lang="en")
        assert info.value.field == "role"
        with pytest.raises(InvalidInput):
            responses.start_response(s, opened_round.invite_code, role="staff", lang="fr")
        with pytest.raises(NotFound):
            responses.start_response(s, "not-a-code", role="staff", lang="en")


def test_invalid_answer_saves_nothing_of_the_request(database, opened, lib):
    _, opened_round = opened
    rid, _ = factories.respond(database, opened_round.invite_code, lib, {}, submit=False)
    with database.session() as s:
        response = s.get(Response, rid)
        with pytest.raises(InvalidInput) as info:
            responses.save_answers(
                s,
                response,
                {"rules.guideline": "full", "rules.monitoring": "bogus"},
                PinnedInstruments(lib),
            )
        assert info.value.field == "answers.rules.monitoring"
        with pytest.raises(InvalidInput):
            responses.save_answers(s, response, {"nope": "full"}, PinnedInstruments(lib))
    with database.session() as s:
        assert s.scalars(select(Answer).where(Answer.response_id == rid)).all() == []


def test_saving_is_idempotent_and_latest_wins(database, opened, lib):
    _, opened_round = opened
    rid, _ = factories.respond(database, opened_round.invite_code, lib, {}, submit=False)
    for value in ("some", "some", "most"):
        with database.session() as s:
            result = responses.save_answers(
                s, s.get(Response, rid), {"rules.guideline": value}, PinnedInstruments(lib)
            )
    assert (result.answered, result.total) == (1, 4)
    with database.session() as s:
        assert s.get(Answer, (rid, "mini", "rules.guideline")).option_value == "most"


def test_submit_replay_returns_first_result_and_blocks_changes(database, opened, lib):
    _, opened_round = opened
    rid, _ = factories.respond(database, opened_round.invite_code, lib, {"rules.guideline": "full"})
    with database.session() as s:
        first = s.get(Response, rid).submitted_at
        again = responses.submit(s, s.get(Response, rid))
        assert again.submitted_at == first and again.status == "submitted"
        with pytest.raises(Conflict):
            responses.save_answers(
                s, s.get(Response, rid), {"rules.guideline": "none"}, PinnedInstruments(lib)
            )


def test_close_round_is_idempotent_and_refuses_later_answers(database, opened, lib):
    _, opened_round = opened
    answers = {
        "rules.guideline": "full",
        "rules.monitoring": "none",
        "culture.dialogue": "most",
        "culture.mistakes": "dont_know",
    }
    factories.respond(database, opened_round.invite_code, lib, answers, role="staff")
    draft_id, _ = factories.respond(
        database, opened_round.invite_code, lib, answers, role="hr", submit=False
    )
    with database.session() as s:
        closed = rounds.close_round(s, s.get(Round, opened_round.round.id), lib)
        closed_at = closed.closed_at
    with database.session() as s:
        again = rounds.close_round(s, s.get(Round, opened_round.round.id), lib)
        assert again.closed_at == closed_at and again.status == "closed"
        results = {
            r.dimension_id: r
            for r in s.scalars(select(DimensionResult).where(DimensionResult.round_id == again.id))
        }
        # rules: (100*2 + 0*1)/3; culture: one scored of two items = half -> defined
        assert results["rules"].score == pytest.approx(200 / 3)
        assert results["culture"].score == pytest.approx(66.6666666667)
        assert results["culture"].dont_know_rate == pytest.approx(0.5)
        assert again.submitted_count == 1
    with database.session() as s:
        with pytest.raises(Conflict):
            responses.save_answers(
                s, s.get(Response, draft_id), {"rules.guideline": "none"}, PinnedInstruments(lib)
            )
        with pytest.raises(Conflict):
            responses.submit(s, s.get(Response, draft_id))
        with pytest.raises(Conflict):
            responses.start_response(s, opened_round.invite_code, role="staff", lang="en")


def test_objects_of_another_organisation_are_not_found(database, opened, lib):
    _, opened_round = opened
    other = factories.organisation(database, name="Provincie Anders")
    with database.session() as s, pytest.raises(NotFound):
        rounds.get_round(s, opened_round.round.id, of=s.merge(other.organisation))


def test_concurrent_saves_lose_nothing_acknowledged(database, opened, lib):
    """Two clients save the same response at the same time: every acknowledged
    answer is stored, and on the item both write, one of their last values wins."""
    _, opened_round = opened
    rid, _ = factories.respond(database, opened_round.invite_code, lib, {}, submit=False)
    scale = ["none", "some", "most", "full"]
    last: dict[str, dict[str, str]] = {"a": {}, "b": {}}
    errors: list[BaseException] = []

    def client(name: str, own: str) -> None:
        try:
            for n in range(12):
                answers = {own: scale[n % 4], "culture.mistakes": scale[(n + 1) % 4]}
                with database.session() as s:
                    responses.save_answers(s, s.get(Response, rid), answers, PinnedInstruments(lib))
                last[name].update(answers)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=client, args=("a", "rules.guideline")),
        threading.Thread(target=client, args=("b", "culture.dialogue")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with database.session() as s:
        stored = {
            a.item_id: a.option_value
            for a in s.scalars(select(Answer).where(Answer.response_id == rid))
        }
    assert stored["rules.guideline"] == last["a"]["rules.guideline"]
    assert stored["culture.dialogue"] == last["b"]["culture.dialogue"]
    assert stored["culture.mistakes"] in {
        last["a"]["culture.mistakes"],
        last["b"]["culture.mistakes"],
    }


def test_a_save_runs_three_statements_and_counts_exactly(database, opened, lib):
    """Lock with both statuses, upsert, touch returning the count: the count is the
    response's answers after the upsert, a replaced answer counted once."""
    _, opened_round = opened
    rid, _ = factories.respond(database, opened_round.invite_code, lib, {}, submit=False)
    pinned = PinnedInstruments(lib)
    executed: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        executed.append(statement.split(None, 1)[0].upper())

    saves = [{"rules.guideline": "some"}, {"rules.guideline": "most", "rules.monitoring": "none"}]
    results = []
    for answers in saves:
        with database.session() as s:
            response = s.get(Response, rid)
            pinned.of(s, response.round_id)  # the worker's cache, filled once per round
            event.listen(database.engine, "before_cursor_execute", record)
            try:
                results.append(responses.save_answers(s, response, answers, pinned, page=2))
            finally:
                event.remove(database.engine, "before_cursor_execute", record)
            assert (response.last_page, response.status) == (2, "draft")
    assert [r.answered for r in results] == [1, 2]
    assert executed == ["SELECT", "INSERT", "UPDATE"] * 2
    with database.session() as s:
        assert s.scalar(select(func.count()).where(Answer.response_id == rid)) == 2
