"""Isolation matrix: two organisations × every credential × every endpoint that takes an id.

Nobody reaches another organisation's data or another respondent's response: a
coordinator of the other organisation or another respondent gets 404 (not 403, so
that nothing tells the object exists), any other credential gets 401, and neither
answer contains anything of the object.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from survey.db import Database
from survey.models import Action, Answer, Coordinator, Invitation, Response, Round
from survey.passwords import hash_password
from survey.services import personal_tokens, users
from tests.integration.conftest import bearer

GARBAGE = "x" * 43


@dataclass(frozen=True)
class Side:
    org_id: str
    org_token: str
    name: str
    round_id: str
    label: str
    invite_code: str
    response_id: str
    response_token: str
    closed_round_id: str
    action_id: str
    action_title: str
    personal_token: str = ""


def _side(api, name: str, label: str) -> Side:
    org = api.register(name)
    closed = api.open_round(org, f"{label} closed")
    api.respond(closed, {"rules.guideline": "most"})
    api.close(closed)
    title = f"{name}: write the guideline"
    action = api.client.post(
        f"/api/rounds/{closed.id}/actions",
        json={"instrument": "mini", "dimensions": ["rules"], "title": title, "owner_role": "hr"},
        headers=org.auth,
    )
    assert action.status_code == 201, action.text
    round_ = api.open_round(org, label)
    respondent = api.start(round_)
    api.answer(respondent, {"rules.guideline": "most"})
    return Side(
        org.id,
        org.token,
        name,
        round_.id,
        label,
        round_.invite_code,
        respondent.id,
        respondent.token,
        closed.id,
        action.json()["id"],
        title,
    )


@pytest.fixture
def world(api, db_url):
    a = _side(api, "Organisation Alpha", "Alpha round")
    b = _side(api, "Organisation Bravo", "Bravo round")
    database = Database(db_url)
    with database.session() as s:
        office_token = users.create_api_token(s, "office")
        personal = []
        for side in (a, b):
            account = Coordinator(
                organisation_id=side.org_id,
                email=f"{side.org_id}@example.org",
                password_hash=hash_password("a long pass phrase"),
            )
            s.add(account)
            s.flush()
            personal.append(personal_tokens.create(s, account, "isolation").token)
    database.dispose()
    a = dataclasses.replace(a, personal_token=personal[0])
    b = dataclasses.replace(b, personal_token=personal[1])
    return a, b, office_token


def _endpoints(side: Side) -> list[tuple[str, str, dict | None, str]]:
    """(method, path, body, kind): kind says whose credential the endpoint takes."""
    return [
        ("GET", f"/api/organisations/{side.org_id}", None, "coordinator"),
        ("GET", f"/api/organisations/{side.org_id}/rounds", None, "coordinator"),
        (
            "POST",
            f"/api/organisations/{side.org_id}/rounds",
            {"label": "Injected", "instruments": ["mini"]},
            "coordinator",
        ),
        ("GET", f"/api/rounds/{side.round_id}", None, "coordinator"),
        ("GET", f"/api/rounds/{side.round_id}/scores", None, "coordinator"),
        ("GET", f"/api/rounds/{side.round_id}/invitations", None, "coordinator"),
        (
            "POST",
            f"/api/rounds/{side.round_id}/invitations",
            {"invitations": [{"email": "injected@example.org", "role": "staff"}]},
            "coordinator",
        ),
        ("POST", f"/api/rounds/{side.round_id}/close", None, "coordinator"),
        ("GET", f"/api/rounds/{side.closed_round_id}/actions", None, "coordinator"),
        (
            "POST",
            f"/api/rounds/{side.closed_round_id}/actions",
            {"instrument": "mini", "dimensions": ["rules"], "title": "Injected", "owner_name": "X"},
            "coordinator",
        ),
        (
            "PATCH",
            f"/api/rounds/{side.closed_round_id}/actions/{side.action_id}",
            {"status": "dropped", "title": "Injected"},
            "coordinator",
        ),
        ("GET", f"/api/responses/{side.response_id}", None, "respondent"),
        (
            "PUT",
            f"/api/responses/{side.response_id}/answers",
            {"answers": {"rules.guideline": "none"}},
            "respondent",
        ),
        ("POST", f"/api/responses/{side.response_id}/submit", None, "respondent"),
    ]


def _credentials(a: Side, b: Side, office_token: str) -> dict[str, tuple[dict, str | None]]:
    """Credential name -> (headers, whose kind of credential it is)."""
    return {
        "coordinator A": (bearer(a.org_token), "coordinator A"),
        "coordinator B": (bearer(b.org_token), "coordinator B"),
        "personal token A": (bearer(a.personal_token), "coordinator A"),
        "personal token B": (bearer(b.personal_token), "coordinator B"),
        "respondent A": (bearer(a.response_token), "respondent A"),
        "respondent B": (bearer(b.response_token), "respondent B"),
        "office token": (bearer(office_token), None),
        "none": ({}, None),
        "garbage": (bearer(GARBAGE), None),
        "not bearer": ({"Authorization": f"Token {a.org_token}"}, None),
        "empty bearer": ({"Authorization": "Bearer "}, None),
    }


def _secrets(side: Side) -> list[str]:
    return [
        side.name, side.label, side.invite_code, side.response_token, side.org_token,
        side.action_title, side.personal_token,
    ]  # fmt: skip


def _expected(kind: str, owner: str, credential_of: str | None) -> set[int]:
    if credential_of is None or not credential_of.startswith(kind):
        return {401}
    if credential_of == f"{kind} {owner}":
        return {200, 201, 409}
    return {404}


def _snapshot(db_url: str, side: Side) -> tuple:
    database = Database(db_url)
    with database.session() as s:
        rounds = s.execute(
            select(Round.id, Round.status, Round.label)
            .where(Round.organisation_id == side.org_id)
            .order_by(Round.id)
        ).all()
        response = s.get(Response, side.response_id)
        answers = s.execute(
            select(Answer.item_id, Answer.option_value).where(
                Answer.response_id == side.response_id
            )
        ).all()
        count = s.scalar(select(func.count()).select_from(Response))
        actions = s.execute(
            select(Action.id, Action.title, Action.status, Action.round_id)
            .where(Action.organisation_id == side.org_id)
            .order_by(Action.id)
        ).all()
        invited = s.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.round_id == side.round_id)
        )
        snapshot = (tuple(rounds), response.status, tuple(answers), count, tuple(actions), invited)
    database.dispose()
    return snapshot


def test_isolation_matrix(client, world, db_url):
    a, b, office_token = world
    credentials = _credentials(a, b, office_token)
    before = {"A": _snapshot(db_url, a), "B": _snapshot(db_url, b)}
    owner_calls = []
    checked = 0
    for owner, side, other in (("A", a, b), ("B", b, a)):
        for method, path, body, kind in _endpoints(side):
            for name, (headers, credential_of) in credentials.items():
                expected = _expected(kind, owner, credential_of)
                if expected == {200, 201, 409}:
                    owner_calls.append((method, path, body, headers, side))
                    continue
                response = client.request(method, path, json=body, headers=headers)
                assert response.status_code in expected, (name, method, path, response.text)
                for secret in _secrets(side):
                    assert secret not in response.text, (name, method, path)
                if response.status_code == 401:
                    assert response.headers["www-authenticate"] == "Bearer"
                checked += 1
    # 14 endpoints × 11 credentials per side; each of the 11 coordinator endpoints has two
    # owner credentials (the organisation's token and a coordinator's personal token), each
    # of the 3 respondent endpoints one.
    assert checked == 2 * (14 * 11 - (11 * 2 + 3))
    # Nobody but the owner changed anything.
    assert {"A": _snapshot(db_url, a), "B": _snapshot(db_url, b)} == before
    # The owners reach their own objects.
    for method, path, body, headers, side in owner_calls:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code in {200, 201, 409}, (method, path, response.text)
    assert len(owner_calls) == 2 * (11 * 2 + 3)


def test_invitation_code_reveals_nothing_of_the_organisation(client, world):
    a, _, _ = world
    response = client.post(f"/api/invites/{a.invite_code}/responses", json={"role": "staff"})
    assert response.status_code == 201
    for secret in (a.name, a.org_id, a.org_token, a.response_id):
        assert secret not in response.text


@pytest.mark.parametrize(
    "bad_id",
    [
        "nope",
        "00000000-0000-0000-0000-000000000000",
        "%00",
        "a%00b",
        "%C3%A9t%C3%A9",
        "x" * 5000,
        "%27%20OR%20%271%27=%271",
        "..%2F..%2Fetc",
    ],
)
def test_ids_that_match_nothing_are_404_never_500(client, world, bad_id):
    a, _, _ = world
    for method, path, body, kind in _endpoints(
        Side(bad_id, "", "", bad_id, "", bad_id, bad_id, "", bad_id, bad_id, "")
    ):
        headers = bearer(a.org_token if kind == "coordinator" else a.response_token)
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code in (400, 404), (method, path, response.status_code)
    response = client.post(f"/api/invites/{bad_id}/responses", json={"role": "staff"})
    assert response.status_code in (400, 404)
