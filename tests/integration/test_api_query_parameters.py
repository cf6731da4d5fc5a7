"""A query parameter the operation does not declare is refused, not ignored
(``web/query_check.py``): a misspelt ``lang`` must not quietly give English."""

from __future__ import annotations

from tests.integration.conftest import bearer


def test_a_misspelt_query_parameter_is_a_400_that_names_it(client):
    response = client.get("/api/instruments", params={"langauge": "nl"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "langauge"
    assert "this operation takes: lang" in body["detail"]


def test_declared_query_parameters_still_work(client):
    assert client.get("/api/instruments", params={"lang": "nl"}).status_code == 200


def test_an_operation_without_query_parameters_refuses_any(api, client):
    org = api.register()
    round_ = api.open_round(org)
    response = client.get(f"/api/rounds/{round_.id}?cachebuster=1", headers=org.auth)
    assert response.status_code == 400
    assert response.json()["detail"].endswith("this operation takes: none.")


def test_the_credential_is_checked_before_the_query(api, client):
    """A wrong token gets the 401 it always gets; only a caller who may see the object
    learns that a parameter is unknown."""
    org = api.register()
    round_ = api.open_round(org)
    url = f"/api/rounds/{round_.id}/scores?x=1"
    assert client.get(url, headers=bearer("not-a-token")).status_code == 401
    assert client.get(url, headers=org.auth).status_code == 400


def test_pages_keep_their_own_query_handling(client):
    assert client.get("/?utm_source=newsletter").status_code == 200
