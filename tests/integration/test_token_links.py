"""Token links are exchanged for cookies, and no token reaches a log (issue 13, phase B).

The dashboard link ``/c/{token}`` and the resume link ``/r/{token}`` answer with a 303
to a URL without the token and a cookie in its place; over https the cookies are
``__Host-`` cookies. The served app (uvicorn's access log and the app's own log in
one file) never writes a token, an invitation code or a Bearer value.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from bench.loadgen import Server
from tests.integration.conftest import Api

HTTPS = "https://smb.example.org"


@pytest.fixture
def https_client(make_app) -> Iterator[TestClient]:
    """The app as served over https: Secure cookies by default, hence ``__Host-`` names."""
    with TestClient(make_app(base_url=HTTPS, secure_cookies=None), base_url=HTTPS) as client:
        yield client


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each cookie the response sets, by name, with its attributes in lower case."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        found[name] = rest.lower()
    return found


def _host_cookie(attributes: str) -> None:
    parts = [p.strip() for p in attributes.split(";")]
    assert "secure" in parts and "path=/" in parts and "httponly" in parts
    assert not any(p.startswith("domain") for p in parts)


def test_the_dashboard_link_becomes_a_host_cookie_and_a_token_free_url(https_client):
    api = Api(https_client)
    org = api.register()
    https_client.cookies.clear()
    response = https_client.get(f"/c/{org.token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/organisations/{org.id}"
    cookies = _set_cookies(response)
    assert set(cookies) >= {"__Host-smb_session", "__Host-smb_csrf"}
    assert "smb_session" not in cookies
    _host_cookie(cookies["__Host-smb_session"])
    _host_cookie(cookies["__Host-smb_csrf"])
    dashboard = https_client.get(response.headers["location"])
    assert dashboard.status_code == 200
    assert org.token not in dashboard.text
    assert https_client.get(f"/c/{'x' * 43}", follow_redirects=False).status_code == 404


def test_the_resume_link_becomes_a_host_cookie_and_a_token_free_url(https_client):
    api = Api(https_client)
    respondent = api.start(api.open_round(api.register()))
    https_client.cookies.clear()
    response = https_client.get(f"/r/{respondent.token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/respond")
    assert respondent.token not in response.headers["location"]
    cookies = _set_cookies(response)
    _host_cookie(cookies["__Host-smb_resume"])
    assert "smb_resume" not in cookies
    page = https_client.get(response.headers["location"])
    assert page.status_code == 200
    https_client.cookies.clear()
    https_client.cookies.set("smb_resume", respondent.token)
    assert https_client.get("/respond", follow_redirects=False).status_code == 401


def test_plain_http_keeps_the_bare_cookie_names(make_app):
    with TestClient(make_app(base_url="http://127.0.0.1:8000", secure_cookies=None)) as client:
        org = Api(client).register()
        cookies = _set_cookies(client.get(f"/c/{org.token}", follow_redirects=False))
    assert "smb_session" in cookies and "secure" not in cookies["smb_session"]
    assert not any(name.startswith("__Host-") for name in cookies)


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Server]:
    server = Server(db_url, data_dir=tmp_path / "data", log_path=tmp_path / "server.log")
    try:
        yield server.start()
    finally:
        server.stop()


def test_no_token_in_the_served_logs(served, tmp_path):
    """Every kind of token-bearing request, then the whole log file is read."""
    with httpx.Client(base_url=served.base_url, timeout=30, follow_redirects=True) as client:
        api = Api(client)  # type: ignore[arg-type]
        org = api.register()
        round_ = api.open_round(org, instruments=("sm-maturity",))
        respondent = api.start(round_, role="hr")
        invited = client.post(
            f"/api/rounds/{round_.id}/invitations",
            json={"invitations": [{"email": "ann@example.org", "role": "staff"}]},
            headers=org.auth,
        )
        personal = invited.json()["created"][0]["link"].rsplit("/", 1)[1]
        secrets = [org.token, round_.invite_code, respondent.token, personal]
        assert client.get(f"/p/{personal}").status_code == 200
        assert client.get(f"/c/{org.token}").status_code == 200
        assert client.get(f"/r/{respondent.token}?lang=nl").status_code == 200
        assert client.get(f"/i/{round_.invite_code}").status_code == 200
        assert client.get(f"/c/{org.token}x").status_code == 404
        assert client.get(f"/r/{respondent.token}x").status_code == 404
        assert client.get(f"/api/responses/{respondent.id}", headers=respondent.auth).is_success
    served.stop()
    log = (tmp_path / "server.log").read_text()
    assert "GET /c/[masked] HTTP/1.1" in log
    assert "GET /p/[masked] HTTP/1.1" in log
    assert "GET /r/[masked]?lang=nl HTTP/1.1" in log
    assert "POST /api/invites/[masked]/responses HTTP/1.1" in log
    for secret in secrets:
        assert secret not in log
