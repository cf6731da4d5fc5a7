"""The action plan through the API: create, list, update, carry into the next round."""

from __future__ import annotations

import pytest

from tests.integration.conftest import ANSWERS_FULL

LOW_CULTURE = {**ANSWERS_FULL, "culture.dialogue": "none", "culture.mistakes": "none"}
SOME_CULTURE = {**ANSWERS_FULL, "culture.dialogue": "most", "culture.mistakes": "most"}


def _closed_round(api, org, label, answers):
    round_ = api.open_round(org, label)
    for role in ("management", "staff"):
        for _ in range(3):
            api.respond(round_, answers, role=role)
    api.close(round_)
    return round_


def _action(**fields):
    return {
        "instrument": "mini",
        "dimensions": ["culture"],
        "title": "Hold a dilemma session every quarter",
        "owner_role": "integrity",
        **fields,
    }


def test_create_list_and_update_an_action(client, api):
    org = api.register()
    round_ = _closed_round(api, org, "2026", LOW_CULTURE)
    url = f"/api/rounds/{round_.id}/actions"
    created = client.post(
        url,
        json=_action(
            owner_name="  Anna   de Vries ",
            due="2026-09-30",
            origin_item="culture.dialogue",
            origin_finding="low_score",
        ),
        headers=org.auth,
    )
    assert created.status_code == 201, created.text
    action = created.json()
    assert action["owner_name"] == "Anna de Vries"
    assert (action["status"], action["due"], action["round_id"]) == (
        "planned",
        "2026-09-30",
        round_.id,
    )
    listed = client.get(url, headers=org.auth).json()
    assert [a["id"] for a in listed["actions"]] == [action["id"]]
    assert listed["carried"] == []

    changed = client.patch(
        f"{url}/{action['id']}",
        json={"status": "in_progress", "note": "First session on 12 May.", "due": None},
        headers=org.auth,
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["status"], after["note"], after["due"]) == (
        "in_progress",
        "First session on 12 May.",
        None,
    )
    assert after["title"] == action["title"] and after["owner_role"] == "integrity"
    assert client.get(url, headers=org.auth).json()["actions"][0]["status"] == "in_progress"


def test_actions_wait_for_the_round_to_close(client, api):
    org = api.register()
    round_ = api.open_round(org)
    response = client.post(f"/api/rounds/{round_.id}/actions", json=_action(), headers=org.auth)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"instrument": "other"}, "instrument"),
        ({"dimensions": ["nope"]}, "dimensions"),
        ({"title": "   "}, "title"),
        ({"owner_role": "astronaut"}, "owner_role"),
        ({"owner_role": None}, "owner_role"),
        ({"origin_item": "rules.nope"}, "origin_item"),
        ({"origin_finding": "low_score"}, "origin_finding"),
    ],
)
def test_bad_actions_are_refused_naming_the_field(client, api, fields, field):
    org = api.register()
    round_ = _closed_round(api, org, "2026", LOW_CULTURE)
    response = client.post(
        f"/api/rounds/{round_.id}/actions", json=_action(**fields), headers=org.auth
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    "body",
    [
        {"status": "finished"},
        {"dimensions": []},
        {"due": "next week"},
        {"title": "x" * 1001},
    ],
)
def test_malformed_updates_are_refused(client, api, body):
    org = api.register()
    round_ = _closed_round(api, org, "2026", LOW_CULTURE)
    url = f"/api/rounds/{round_.id}/actions"
    action = client.post(url, json=_action(), headers=org.auth).json()
    response = client.patch(f"{url}/{action['id']}", json=body, headers=org.auth)
    assert response.status_code in (400, 422), response.text
    assert client.get(url, headers=org.auth).json()["actions"][0]["status"] == "planned"


def test_an_action_is_reached_only_through_its_own_round(client, api):
    org = api.register()
    first = _closed_round(api, org, "2026", LOW_CULTURE)
    second = _closed_round(api, org, "2027", SOME_CULTURE)
    action = client.post(f"/api/rounds/{first.id}/actions", json=_action(), headers=org.auth).json()
    response = client.patch(
        f"/api/rounds/{second.id}/actions/{action['id']}",
        json={"status": "done"},
        headers=org.auth,
    )
    assert response.status_code == 404


def test_the_next_round_carries_the_actions_with_the_change_of_their_dimensions(client, api):
    org = api.register()
    first = _closed_round(api, org, "2026", LOW_CULTURE)
    action = client.post(
        f"/api/rounds/{first.id}/actions",
        json=_action(dimensions=["culture", "rules"]),
        headers=org.auth,
    ).json()
    second = api.open_round(org, "2027")
    listed = client.get(f"/api/rounds/{second.id}/actions", headers=org.auth).json()
    (carried,) = listed["carried"]
    assert (carried["action"]["id"], carried["reason"], carried["changes"]) == (
        action["id"],
        "open",
        [],
    )
    for role in ("management", "staff"):
        for _ in range(3):
            api.respond(second, SOME_CULTURE, role=role)
    api.close(second)
    listed = client.get(f"/api/rounds/{second.id}/actions", headers=org.auth).json()
    assert listed["actions"] == []
    (carried,) = listed["carried"]
    assert carried["round"] == {"id": first.id, "label": "2026"}
    assert carried["reason"] is None
    changes = {c["dimension"]: c for c in carried["changes"]}
    assert changes["culture"]["previous_score"] == pytest.approx(0.0)
    assert changes["culture"]["score"] == pytest.approx(200 / 3)
    assert changes["culture"]["change"] == pytest.approx(200 / 3)
    assert changes["rules"]["change"] == pytest.approx(0.0)
    # Everyone answered alike in each round: no turnover error, so any change is real.
    assert (changes["culture"]["beyond_turnover"], changes["rules"]["beyond_turnover"]) == (
        True,
        False,
    )
    # The first round does not carry the later round's actions.
    assert client.get(f"/api/rounds/{first.id}/actions", headers=org.auth).json()["carried"] == []


@pytest.mark.parametrize("bad_id", ["nope", "0" * 36, "a%00b", "x" * 5000, "..%2F..%2Fetc"])
def test_unknown_action_ids_are_404(client, api, bad_id):
    org = api.register()
    round_ = _closed_round(api, org, "2026", LOW_CULTURE)
    response = client.patch(
        f"/api/rounds/{round_.id}/actions/{bad_id}", json={"status": "done"}, headers=org.auth
    )
    assert response.status_code in (400, 404), response.text
