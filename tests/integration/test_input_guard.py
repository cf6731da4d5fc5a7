"""Malformed input without a login gets a clear 400, never a 500 (web/input_guard.py).

Before the guard, invalid UTF-8 in a JSON body ended in ``UnicodeDecodeError`` and a
JSON array nested 1,000 deep in ``RecursionError`` (both 500), and the registration
form stored a NUL character on SQLite.
"""

from __future__ import annotations

import pytest
from litestar.exceptions import HTTPException
from sqlalchemy import select

from survey.db import Database
from survey.models import Organisation
from tests.integration.conftest import Api
from tests.integration.pages import csrf_token
from web.input_guard import check_form

JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
DEEP_ARRAY = b"[" * 1000 + b"]" * 1000


def _json_endpoints(api: Api) -> list[str]:
    org = api.register()
    round_ = api.open_round(org)
    return [
        "/api/organisations",
        f"/api/invites/{round_.invite_code}/responses",
        "/api/invites/x/responses",
        f"/api/organisations/{org.id}/rounds",
    ]


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (b'{"name":"\xff"}', "not valid UTF-8"),
        (b'{"name":"\xc0\xaf"}', "not valid UTF-8"),  # an over-long encoding of "/"
        (DEEP_ARRAY, "nested more than"),
        (b'{"a":' * 1000 + b"1" + b"}" * 1000, "nested more than"),
    ],
)
def test_broken_json_bodies_get_a_clear_400_on_every_endpoint(client, api, body, phrase):
    for path in _json_endpoints(api):
        response = client.post(path, content=body, headers=JSON)
        assert response.status_code == 400, (path, response.status_code, response.text)
        assert phrase in response.json()["detail"], path
    response = client.put("/api/responses/x/answers", content=body, headers=JSON)
    assert response.status_code == 400


def test_the_byte_offset_of_invalid_utf8_is_named(client):
    response = client.post("/api/organisations", content=b'{"name":"ab\xff"}', headers=JSON)
    assert response.status_code == 400
    assert "byte 11" in response.json()["detail"]


def test_json_nested_within_the_limit_and_strings_with_brackets_still_work(client, api):
    org = api.register(name="[" * 80 + "Gemeente" + "]" * 80)
    assert org.id
    response = client.post(
        "/api/organisations", content=b'{"name": ' + b"[" * 30 + b"]" * 30 + b"}", headers=JSON
    )
    assert response.status_code == 400  # a well-formed body of the wrong type: validation
    assert "nested" not in response.json()["detail"]


def test_a_form_with_a_nul_byte_is_refused_and_nothing_is_stored(client, db_url):
    client.get("/register")
    token = csrf_token(client.get("/register").text)
    body = (
        f"_csrf_token={token}&name=Gemeente%00Nul&sector=municipalities"
        "&size_band=250-999&country=NL"
    )
    response = client.post("/register", content=body.encode(), headers=FORM)
    assert response.status_code == 400, response.text
    database = Database(db_url)
    with database.session() as s:
        assert s.scalar(select(Organisation)) is None
    database.dispose()


def test_a_form_with_invalid_utf8_is_refused(client):
    token = csrf_token(client.get("/register").text)
    body = f"_csrf_token={token}&name=Gemeente%FF&sector=municipalities"
    response = client.post("/register", content=body.encode(), headers=FORM)
    assert response.status_code == 400


def test_the_guard_names_what_is_wrong_with_a_form():
    with pytest.raises(HTTPException, match="NUL characters"):
        check_form(b"name=a%00b")
    with pytest.raises(HTTPException, match="not valid UTF-8"):
        check_form(b"name=a%FFb")
    check_form(b"name=Gemeente+%C3%A9n+%26+co")


@pytest.mark.parametrize(
    "path",
    [
        "/api/instruments?lang=%FF",
        "/api/instruments?lang=%C0%AF",
        "/api/instruments?lang=en%00",
        "/api/instruments/%FF",
        "/api/instruments/%C0%AE%C0%AE",
        "/c/%00abc",
        "/r/%E0%80%80",
    ],
)
def test_invalid_encodings_in_paths_and_query_strings_get_400(client, path):
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code, response.text)


def test_an_over_long_query_string_gets_414(client):
    response = client.get("/api/instruments?" + "a=b&" * 2000)
    assert response.status_code == 414
    assert client.get("/api/instruments?lang=nl").status_code == 200
