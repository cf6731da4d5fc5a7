"""Opening, following and closing rounds, and reading their scores, over HTTP."""

from __future__ import annotations

import pytest

from survey.tokens import invite_code_for
from tests.integration.conftest import ANSWERS_FULL, SECRET, bearer


def test_open_round_returns_id_code_and_link(client, api):
    org = api.register()
    response = client.post(
        f"/api/organisations/{org.id}/rounds",
        json={"label": "Spring 2026", "instruments": ["mini"]},
        headers=org.auth,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "invite_code", "invite_url"}
    assert body["invite_code"] == invite_code_for(body["id"], SECRET)
    assert len(body["invite_code"]) >= 27  # 160 bits
    assert body["invite_url"] == f"https://smb.example.org/i/{body['invite_code']}"


def test_round_detail_while_open(client, api):
    org = api.register()
    round_ = api.open_round(org, "Spring 2026")
    api.respond(round_, ANSWERS_FULL, role="hr")
    api.start(round_, role="hr")
    api.start(round_, role="staff")
    response = client.get(f"/api/rounds/{round_.id}", headers=org.auth)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == round_.id
    assert body["organisation_id"] == org.id
    assert body["label"] == "Spring 2026"
    assert body["status"] == "open"
    assert body["instruments"] == [{"id": "mini", "version": "1.0"}]
    assert body["responses"] == {
        "started": 3,
        "submitted": 1,
        "by_role": {"hr": {"started": 2, "submitted": 1}, "staff": {"started": 1, "submitted": 0}},
    }
    assert body["invite_code"] == round_.invite_code
    assert body["invite_url"].endswith(f"/i/{round_.invite_code}")
    assert body["opened_at"]
    assert body["closed_at"] is None


def test_list_rounds_newest_first(client, api):
    org = api.register()
    first = api.open_round(org, "First")
    second = api.open_round(org, "Second")
    response = client.get(f"/api/organisations/{org.id}/rounds", headers=org.auth)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [second.id, first.id]
    assert response.json()[0]["label"] == "Second"


def test_close_is_idempotent_and_hides_the_invitation(client, api):
    org = api.register()
    round_ = api.open_round(org)
    api.respond(round_, ANSWERS_FULL)
    first = client.post(f"/api/rounds/{round_.id}/close", headers=org.auth)
    assert first.status_code == 200
    body = first.json()
    assert body["status"] == "closed"
    assert body["closed_at"]
    assert body["invite_code"] is None and body["invite_url"] is None
    assert body["responses"]["submitted"] == 1
    again = client.post(f"/api/rounds/{round_.id}/close", headers=org.auth)
    assert again.status_code == 200
    assert again.json()["closed_at"] == body["closed_at"]
    assert client.get(f"/api/rounds/{round_.id}", headers=org.auth).json()["status"] == "closed"


def test_scores_are_409_while_the_round_is_open(client, api):
    org = api.register()
    round_ = api.open_round(org)
    response = client.get(f"/api/rounds/{round_.id}/scores", headers=org.auth)
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_scores_of_a_closed_round(client, api):
    org = api.register()
    round_ = api.open_round(org)
    low = {**ANSWERS_FULL, "culture.dialogue": "none", "culture.mistakes": "none"}
    for _ in range(3):
        api.respond(round_, ANSWERS_FULL, role="management")
    for _ in range(3):
        api.respond(round_, low, role="staff")
    api.start(round_, role="hr")  # never submitted: does not count
    api.close(round_)
    response = client.get(f"/api/rounds/{round_.id}/scores", headers=org.auth)
    assert response.status_code == 200
    body = response.json()
    assert {"instruments", "balance", "coherent", "roles", "priorities"} <= set(body)
    [instrument] = body["instruments"]
    assert (instrument["id"], instrument["version"]) == ("mini", "1.0")
    dimensions = {d["id"]: d for d in instrument["dimensions"]}
    assert dimensions["rules"]["score"] == pytest.approx(100.0)
    assert dimensions["rules"]["level"] == 5
    assert dimensions["rules"]["respondents"] == 6
    assert dimensions["rules"]["dont_know_rate"] == pytest.approx(0.0)
    assert dimensions["culture"]["score"] == pytest.approx(50.0)
    assert dimensions["culture"]["level"] == 3
    assert instrument["score"] == pytest.approx(75.0)
    assert instrument["level"] == 4
    assert body["balance"]["control"] == pytest.approx(100.0)
    assert body["balance"]["enablement"] == pytest.approx(50.0)
    assert body["balance"]["quadrant"] == "balanced"
    roles = {r["role"]: r for r in body["roles"]}
    assert set(roles) == {"management", "staff"}
    assert roles["management"]["respondents"] == 3
    assert roles["management"]["suppressed"] is False
    staff_culture = next(d for d in roles["staff"]["dimensions"] if d["dimension"] == "culture")
    assert staff_culture["score"] == pytest.approx(0.0)
    assert body["priorities"]
    assert body["priorities"][0]["dimension"] == "culture"


def test_scores_suppress_small_role_groups_and_organisation_figures(client, api):
    org = api.register()
    round_ = api.open_round(org)
    api.respond(round_, ANSWERS_FULL, role="management")
    api.respond(round_, ANSWERS_FULL, role="staff")
    api.close(round_)
    body = client.get(f"/api/rounds/{round_.id}/scores", headers=org.auth).json()
    for dimension in body["instruments"][0]["dimensions"]:
        assert dimension["score"] is None
        assert dimension["respondents"] == 2
    assert body["instruments"][0]["score"] is None
    assert body["balance"]["quadrant"] is None
    for role in body["roles"]:
        assert role["suppressed"] is True
        assert all(d["score"] is None for d in role["dimensions"])


def test_scores_in_dutch(client, api):
    org = api.register()
    round_ = api.open_round(org)
    api.close(round_)
    body = client.get(
        f"/api/rounds/{round_.id}/scores", params={"lang": "nl"}, headers=org.auth
    ).json()
    assert body["instruments"][0]["title"] == "Mini-instrument"
    assert body["instruments"][0]["dimensions"][0]["title"] == "Regels"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"label": "  ", "instruments": ["mini"]}, 422, "label"),
        ({"label": "x" * 201, "instruments": ["mini"]}, 422, "label"),
        ({"label": "2026", "instruments": []}, 422, "instruments"),
        ({"label": "2026", "instruments": ["nope"]}, 422, "instruments"),
        ({"label": "2026"}, 400, "instruments"),
        ({"label": "2026", "instruments": "mini"}, 400, "instruments"),
        ({"label": 2026, "instruments": ["mini"]}, 400, "label"),
        ({"instruments": ["mini"]}, 400, "label"),
    ],
)
def test_open_round_refuses_bad_input_naming_the_field(client, api, body, status, field):
    org = api.register()
    response = client.post(f"/api/organisations/{org.id}/rounds", json=body, headers=org.auth)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_round_endpoints_need_the_coordinator_token(client, api):
    org = api.register()
    round_ = api.open_round(org)
    respondent = api.start(round_)
    for headers in ({}, bearer("wrong"), respondent.auth, {"Authorization": org.token}):
        assert client.get(f"/api/rounds/{round_.id}", headers=headers).status_code == 401
        assert client.post(f"/api/rounds/{round_.id}/close", headers=headers).status_code == 401
        response = client.post(
            f"/api/organisations/{org.id}/rounds",
            json={"label": "x", "instruments": ["mini"]},
            headers=headers,
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(f"/api/rounds/{round_.id}", headers=org.auth).json()["status"] == "open"


def test_unknown_round_is_404(client, api):
    org = api.register()
    for path in ("/api/rounds/nope", "/api/rounds/nope/scores"):
        assert client.get(path, headers=org.auth).status_code == 404
    assert client.post("/api/rounds/nope/close", headers=org.auth).status_code == 404
