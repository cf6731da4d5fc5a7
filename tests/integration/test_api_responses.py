"""Starting a response with an invitation, saving answers and submitting, over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.db import Database
from survey.models import Answer, Response
from survey.tokens import hash_token
from tests.integration.conftest import ANSWERS_FULL, bearer


@pytest.fixture
def round_(api):
    return api.open_round(api.register())


def test_start_returns_id_token_and_resume_link(client, round_, db_url):
    response = client.post(
        f"/api/invites/{round_.invite_code}/responses", json={"role": "hr", "lang": "nl"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "token", "resume_url"}
    assert len(body["token"]) >= 43
    assert body["resume_url"] == f"https://smb.example.org/r/{body['token']}"
    database = Database(db_url)
    with database.session() as s:
        stored = s.get(Response, body["id"])
        assert (stored.role, stored.lang, stored.status) == ("hr", "nl", "draft")
        assert stored.token_hash == hash_token(body["token"])
    database.dispose()


def test_language_defaults_to_english(client, round_):
    body = client.post(f"/api/invites/{round_.invite_code}/responses", json={"role": "it"}).json()
    detail = client.get(f"/api/responses/{body['id']}", headers=bearer(body["token"])).json()
    assert detail["lang"] == "en"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"role": "astronaut", "lang": "en"}, 422, "role"),
        ({"role": "staff", "lang": "fr"}, 422, "lang"),
        ({"lang": "en"}, 400, "role"),
        ({"role": ["staff"], "lang": "en"}, 400, "role"),
    ],
)
def test_start_refuses_bad_input_naming_the_field(client, round_, body, status, field):
    response = client.post(f"/api/invites/{round_.invite_code}/responses", json=body)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_unknown_invitation_is_404(client, round_):
    for code in ("nope", round_.invite_code + "x", "x" * 300):
        response = client.post(f"/api/invites/{code}/responses", json={"role": "staff"})
        assert response.status_code == 404
        assert response.json()["detail"] == "This invitation link is not valid."


def test_a_closed_round_takes_no_new_responses(client, api, round_):
    api.close(round_)
    response = client.post(f"/api/invites/{round_.invite_code}/responses", json={"role": "staff"})
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_read_own_response(client, api, round_):
    respondent = api.start(round_, role="legal", lang="nl")
    api.answer(respondent, {"rules.guideline": "most", "culture.dialogue": "dont_know"})
    response = client.get(f"/api/responses/{respondent.id}", headers=respondent.auth)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == respondent.id
    assert (body["status"], body["role"], body["lang"]) == ("draft", "legal", "nl")
    assert body["answers"] == {"culture.dialogue": "dont_know", "rules.guideline": "most"}
    assert (body["answered"], body["total"]) == (2, 4)
    assert body["round"] == {"id": round_.id, "label": "2026", "status": "open"}
    assert body["instruments"] == [{"id": "mini", "version": "1.0"}]
    assert body["submitted_at"] is None


def test_save_answers_latest_wins_and_is_idempotent(client, api, round_, db_url):
    respondent = api.start(round_)
    url = f"/api/responses/{respondent.id}/answers"
    first = client.put(url, json={"answers": {"rules.guideline": "none"}}, headers=respondent.auth)
    assert first.status_code == 200
    assert first.json() == {"answered": 1, "total": 4}
    body = {"answers": {"rules.guideline": "full", "mini/rules.monitoring": "some"}, "page": 1}
    for _ in range(2):
        response = client.put(url, json=body, headers=respondent.auth)
        assert response.status_code == 200
        assert response.json() == {"answered": 2, "total": 4}
    database = Database(db_url)
    with database.session() as s:
        rows = s.execute(
            select(Answer.item_id, Answer.option_value).where(Answer.response_id == respondent.id)
        ).all()
        assert sorted(rows) == [("rules.guideline", "full"), ("rules.monitoring", "some")]
        assert s.get(Response, respondent.id).last_page == 1
    database.dispose()


def test_an_empty_save_changes_nothing(client, api, round_):
    respondent = api.start(round_)
    response = client.put(
        f"/api/responses/{respondent.id}/answers", json={"answers": {}}, headers=respondent.auth
    )
    assert response.status_code == 200
    assert response.json() == {"answered": 0, "total": 4}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"answers": {"rules.nope": "full"}}, 422, "answers.rules.nope"),
        ({"answers": {"rules.guideline": "always"}}, 422, "answers.rules.guideline"),
        ({"answers": {"other/rules.guideline": "full"}}, 422, "answers.other/rules.guideline"),
        ({"answers": {"rules.guideline": 3}}, 400, "answers"),
        ({"answers": ["rules.guideline"]}, 400, "answers"),
        ({"answers": {"rules.guideline": "full"}, "page": -1}, 400, "page"),
        ({}, 400, "answers"),
    ],
)
def test_save_refuses_bad_answers_naming_the_field(client, api, round_, body, status, field):
    respondent = api.start(round_)
    response = client.put(
        f"/api/responses/{respondent.id}/answers", json=body, headers=respondent.auth
    )
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_a_bad_answer_saves_nothing(client, api, round_):
    respondent = api.start(round_)
    response = client.put(
        f"/api/responses/{respondent.id}/answers",
        json={"answers": {"rules.guideline": "full", "rules.monitoring": "sometimes"}},
        headers=respondent.auth,
    )
    assert response.status_code == 422
    body = client.get(f"/api/responses/{respondent.id}", headers=respondent.auth).json()
    assert body["answers"] == {}


def test_too_many_answers_in_one_request_is_refused(client, api, round_):
    respondent = api.start(round_)
    answers = {f"item{n}": "full" for n in range(501)}
    response = client.put(
        f"/api/responses/{respondent.id}/answers",
        json={"answers": answers},
        headers=respondent.auth,
    )
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "answers"


def test_submit_is_idempotent(client, api, round_):
    respondent = api.start(round_)
    api.answer(respondent, ANSWERS_FULL)
    first = client.post(f"/api/responses/{respondent.id}/submit", headers=respondent.auth)
    assert first.status_code == 200
    assert first.json()["status"] == "submitted"
    assert first.json()["submitted_at"]
    again = client.post(f"/api/responses/{respondent.id}/submit", headers=respondent.auth)
    assert again.status_code == 200
    assert again.json()["submitted_at"] == first.json()["submitted_at"]
    detail = client.get(f"/api/rounds/{round_.id}", headers=round_.org.auth).json()
    assert detail["responses"]["submitted"] == 1


def test_a_submitted_response_takes_no_answers(client, api, round_):
    respondent = api.start(round_)
    api.submit(respondent)
    response = client.put(
        f"/api/responses/{respondent.id}/answers",
        json={"answers": {"rules.guideline": "full"}},
        headers=respondent.auth,
    )
    assert response.status_code == 409
    assert "submitted" in response.json()["detail"]


def test_a_closed_round_takes_no_answers_or_submission(client, api, round_):
    respondent = api.start(round_)
    api.close(round_)
    response = client.put(
        f"/api/responses/{respondent.id}/answers",
        json={"answers": {"rules.guideline": "full"}},
        headers=respondent.auth,
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    response = client.post(f"/api/responses/{respondent.id}/submit", headers=respondent.auth)
    assert response.status_code == 409
    # Reading one's own response stays possible.
    assert (
        client.get(f"/api/responses/{respondent.id}", headers=respondent.auth).json()["round"][
            "status"
        ]
        == "closed"
    )


def test_response_endpoints_need_the_respondent_token(client, api, round_):
    respondent = api.start(round_)
    other = api.start(round_)
    paths = [
        ("get", f"/api/responses/{respondent.id}", None),
        ("put", f"/api/responses/{respondent.id}/answers", {"answers": {}}),
        ("post", f"/api/responses/{respondent.id}/submit", None),
    ]
    for method, path, body in paths:
        for headers in ({}, bearer("wrong"), round_.org.auth, {"Authorization": "Basic eDp5"}):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
        response = client.request(method, path, json=body, headers=other.auth)
        assert response.status_code == 404, (method, path)
    assert (
        client.get(f"/api/responses/{respondent.id}", headers=respondent.auth).json()["status"]
        == "draft"
    )


def test_resume_cookie_is_no_credential_for_the_api(client, api, round_):
    """The API takes only Bearer tokens: a cookie could be sent by another site (CSRF)."""
    respondent = api.start(round_)
    client.cookies.set("smb_resume", respondent.token)
    try:
        response = client.post(f"/api/responses/{respondent.id}/submit")
        assert response.status_code == 401
    finally:
        client.cookies.clear()
