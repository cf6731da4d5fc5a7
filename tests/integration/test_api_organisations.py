"""Registering an organisation and reading its profile over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.db import Database
from survey.models import Organisation
from survey.tokens import hash_token
from tests.integration.conftest import bearer

PROFILE = {
    "name": "Gemeente Test",
    "sector": "municipalities",
    "size_band": "250-999",
    "country": "NL",
}


def test_register_returns_id_token_and_dashboard_link(client, db_url):
    response = client.post(
        "/api/organisations", json={**PROFILE, "name": "  Gemeente   Test ", "country": "nl"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "coordinator_token", "dashboard_url"}
    assert len(body["coordinator_token"]) >= 43
    assert body["dashboard_url"] == f"https://smb.example.org/c/{body['coordinator_token']}"
    database = Database(db_url)
    with database.session() as s:
        stored = s.scalar(select(Organisation).where(Organisation.id == body["id"]))
        assert stored.name == "Gemeente Test"
        assert stored.country == "NL"
        assert stored.share_with_integrity_office is False
        assert stored.coordinator_token_hash == hash_token(body["coordinator_token"])
    database.dispose()


def test_register_with_sharing_and_read_the_profile(client):
    body = client.post(
        "/api/organisations", json={**PROFILE, "share_with_integrity_office": True}
    ).json()
    response = client.get(
        f"/api/organisations/{body['id']}", headers=bearer(body["coordinator_token"])
    )
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == body["id"]
    assert profile["name"] == "Gemeente Test"
    assert profile["share_with_integrity_office"] is True
    assert (profile["sector"], profile["size_band"], profile["country"]) == (
        "municipalities",
        "250-999",
        "NL",
    )
    assert "coordinator_token" not in profile


def test_dashboard_link_uses_the_request_base_without_base_url(make_client):
    client = make_client(base_url=None)
    body = client.post("/api/organisations", json=PROFILE).json()
    assert body["dashboard_url"] == f"http://testserver.local/c/{body['coordinator_token']}"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"sector": "circus"}, "sector"),
        ({"size_band": "huge"}, "size_band"),
        ({"country": "XX"}, "country"),
    ],
)
def test_register_refuses_unknown_values_with_422_naming_the_field(client, change, field):
    response = client.post("/api/organisations", json={**PROFILE, **change})
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in PROFILE.items() if k != "name"}, "name"),
        ({**PROFILE, "sector": 7}, "sector"),
        ({**PROFILE, "share_with_integrity_office": "perhaps"}, "share_with_integrity_office"),
        ({**PROFILE, "name": "x" * 5000}, "name"),
    ],
)
def test_register_refuses_malformed_bodies_with_400_naming_the_field(client, body, field):
    response = client.post("/api/organisations", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"name": "\\ud800"}'],
)
def test_register_refuses_broken_json_with_400(client, content):
    response = client.post(
        "/api/organisations", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 400


def test_register_refuses_a_nul_character_without_a_server_error(client):
    response = client.post("/api/organisations", json={**PROFILE, "name": "Ge\x00meente"})
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_profile_needs_the_coordinator_token(client, api):
    org = api.register()
    assert client.get(f"/api/organisations/{org.id}").status_code == 401
    assert client.get(f"/api/organisations/{org.id}", headers=bearer("wrong")).status_code == 401
    other = api.register("Other")
    assert client.get(f"/api/organisations/{org.id}", headers=other.auth).status_code == 404
