"""Browser sessions and CSRF (web/auth.py, web/security.py) through small probe routes.

The probes call the functions the pages use (`login_coordinator`, `logout`,
`coordinator_for`, ...) so that the session rules are tested without the pages.
"""

from __future__ import annotations

import time

import pytest
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.testing import TestClient
from litestar.utils.scope.state import ScopeState

from survey.models import Response, User
from survey.services import organisations, users
from tests.integration.conftest import Api
from web import auth
from web.state import app_state


class Probe(Controller):
    path = "/probe"

    @post("/login/{token:str}", sync_to_thread=True)
    def login(self, request: Request, state: State, token: FromPath[str]) -> str:
        with app_state(state).database.session() as db:
            organisation = organisations.organisation_for_token(db, token)
            auth.login_coordinator(request, organisation, token)
        return "in"

    @post("/login-user/{user_id:str}", sync_to_thread=True)
    def login_user(self, request: Request, state: State, user_id: FromPath[str]) -> str:
        with app_state(state).database.session() as db:
            auth.login_user(request, db.get(User, user_id))
        return "in"

    @post("/respond/{response_id:str}", sync_to_thread=True)
    def respond(self, request: Request, state: State, response_id: FromPath[str]) -> str:
        with app_state(state).database.session() as db:
            auth.login_respondent(request, db.get(Response, response_id))
        return "in"

    @post("/logout", sync_to_thread=False)
    def logout(self, request: Request) -> str:
        auth.logout(request)
        return "out"

    @get("/csrf", sync_to_thread=False)
    def csrf(self, request: Request) -> str:
        """The CSRF token a page would render into its forms."""
        return ScopeState.from_scope(request.scope).csrf_token

    @get("/whoami", sync_to_thread=True)
    def whoami(self, request: Request, state: State) -> dict[str, str | None]:
        with app_state(state).database.session() as db:
            organisation = auth.coordinator_for(request, db)
            respondent = auth.respondent_for(request, db)
            office = auth.office_for(request, db)
            return {
                "organisation": organisation.id if organisation else None,
                "response": respondent.id if respondent else None,
                "office": office.id if office else None,
            }

    @get("/coordinator-only", guards=[auth.require_coordinator], sync_to_thread=False)
    def coordinator_only(self) -> str:
        return "secret"

    @get("/office-only", guards=[auth.require_office], sync_to_thread=False)
    def office_only(self) -> str:
        return "office"


def _client(make_app, **overrides) -> TestClient:
    app = make_app(**overrides)
    app.register(Probe)
    scheme = "https" if overrides.get("secure_cookies") else "http"
    return TestClient(app, base_url=f"{scheme}://testserver.local")


def _set_cookie(client: TestClient, name: str, value: str) -> None:
    """Replace the browser's cookie, as a tampering user would."""
    client.cookies.delete(name)
    client.cookies.set(name, value, domain="testserver.local")


@pytest.fixture
def browser(make_app):
    with _client(make_app) as client:
        yield client


def _csrf(client: TestClient) -> dict[str, str]:
    """A browser first loads a page (which sets the CSRF cookie), then posts its form."""
    return {"x-csrftoken": client.get("/probe/csrf").text}


def _login(client: TestClient, org_token: str):
    response = client.post(f"/probe/login/{org_token}", headers=_csrf(client))
    assert response.status_code == 201, response.text
    return response


def _whoami(client: TestClient) -> dict:
    return client.get("/probe/whoami").json()


def test_forms_need_the_csrf_token_but_the_api_does_not(browser):
    org = Api(browser).register()  # a POST to /api without any CSRF token
    assert browser.post(f"/probe/login/{org.token}").status_code == 403
    assert (
        browser.post(f"/probe/login/{org.token}", headers={"x-csrftoken": "forged"}).status_code
        == 403
    )
    token = browser.get("/probe/csrf").text
    cookie = browser.cookies.get("smb_csrf")
    assert cookie and token and token != cookie
    assert (
        browser.post(f"/probe/login/{org.token}", data={"_csrf_token": cookie}).status_code == 403
    )
    response = browser.post(f"/probe/login/{org.token}", data={"_csrf_token": token})
    assert response.status_code == 201


def test_csrf_cookie_is_httponly_and_lax(browser):
    response = browser.get("/probe/whoami")
    header = response.headers["set-cookie"].lower()
    assert "smb_csrf=" in header
    assert "httponly" in header
    assert "samesite=lax" in header


def test_login_sets_a_session_cookie_that_identifies_the_coordinator(browser):
    org = Api(browser).register()
    assert _whoami(browser)["organisation"] is None
    assert browser.get("/probe/coordinator-only").status_code == 401
    response = _login(browser, org.token)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("smb_session=")
    )
    lowered = cookie.lower()
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "max-age=28800" in lowered
    assert "secure" not in lowered
    assert _whoami(browser)["organisation"] == org.id
    assert browser.get("/probe/coordinator-only").text == "secret"


def test_secure_cookies_when_configured(make_app):
    with _client(make_app, secure_cookies=True) as client:
        org = Api(client).register()
        response = _login(client, org.token)
        cookie = next(
            c
            for c in response.headers.get_list("set-cookie")
            if c.startswith("__Host-smb_session=")
        )
        assert "secure" in cookie.lower()


def test_anonymous_requests_store_no_session(browser, tmp_path):
    for _ in range(3):
        response = browser.get("/probe/whoami")
        assert not any(
            c.startswith("smb_session=") for c in response.headers.get_list("set-cookie")
        )
    sessions = tmp_path / "data" / "store"
    assert not [p for p in sessions.rglob("*") if p.is_file() and "sessions" in p.parts]


def test_session_rotates_at_login(browser):
    api = Api(browser)
    first, second = api.register("First"), api.register("Second")
    _login(browser, first.token)
    old = browser.cookies.get("smb_session")
    _login(browser, second.token)
    new = browser.cookies.get("smb_session")
    assert new and new != old
    assert _whoami(browser)["organisation"] == second.id
    # the old session id is gone from the store: replaying it logs nobody in
    _set_cookie(browser, "smb_session", old)
    assert _whoami(browser)["organisation"] is None


def test_a_planted_session_id_is_never_adopted(browser):
    org = Api(browser).register()
    planted = "a" * 64
    _set_cookie(browser, "smb_session", planted)
    _login(browser, org.token)
    assert browser.cookies.get("smb_session") != planted
    assert _whoami(browser)["organisation"] == org.id


def test_logout_ends_the_session(browser):
    org = Api(browser).register()
    _login(browser, org.token)
    session_id = browser.cookies.get("smb_session")
    response = browser.post("/probe/logout", headers=_csrf(browser))
    assert response.status_code == 201
    assert any(c.startswith("smb_session=null") for c in response.headers.get_list("set-cookie"))
    assert _whoami(browser)["organisation"] is None
    _set_cookie(browser, "smb_session", session_id)
    assert _whoami(browser)["organisation"] is None


def test_session_expires_after_max_age(make_app, monkeypatch):
    with _client(make_app, session_max_age=60) as client:
        org = Api(client).register()
        _login(client, org.token)
        assert _whoami(client)["organisation"] == org.id
        later = time.time() + 61
        monkeypatch.setattr(auth.time, "time", lambda: later)
        assert _whoami(client)["organisation"] is None


def test_session_expires_in_the_store(make_app, store_backend):
    with _client(make_app, session_max_age=1, **store_backend) as client:
        org = Api(client).register()
        _login(client, org.token)
        assert _whoami(client)["organisation"] == org.id
        time.sleep(2.1)
        assert _whoami(client)["organisation"] is None


def test_workers_share_sessions(make_app, store_backend):
    with (
        _client(make_app, **store_backend) as one,
        _client(make_app, **store_backend) as two,
    ):
        org = Api(one).register()
        _login(one, org.token)
        _set_cookie(two, "smb_session", one.cookies.get("smb_session"))
        assert _whoami(two)["organisation"] == org.id


def test_the_api_ignores_session_cookies(browser):
    api = Api(browser)
    org = api.register()
    _login(browser, org.token)
    assert browser.get(f"/api/organisations/{org.id}").status_code == 401
    assert browser.get(f"/api/organisations/{org.id}", headers=org.auth).status_code == 200


def test_respondent_by_session_or_resume_cookie(browser):
    api = Api(browser)
    respondent = api.start(api.open_round(api.register()))
    assert _whoami(browser)["response"] is None
    _set_cookie(browser, "smb_resume", respondent.token)
    assert _whoami(browser)["response"] == respondent.id
    browser.cookies.delete("smb_resume")
    assert _whoami(browser)["response"] is None
    browser.post(f"/probe/respond/{respondent.id}", headers=_csrf(browser))
    assert _whoami(browser)["response"] == respondent.id


def test_resume_cookie_attributes(make_settings):
    cookie = auth.resume_cookie("tok", make_settings(secure_cookies=True))
    header = cookie.to_header(header="").lower()
    assert header.startswith("__host-smb_resume=tok")
    assert "httponly" in header and "samesite=lax" in header and "secure" in header
    assert "path=/" in header and "domain" not in header
    assert f"max-age={365 * 86400}" in header
    plain = auth.resume_cookie("tok", make_settings(secure_cookies=False))
    assert plain.to_header(header="").startswith("smb_resume=tok")


def test_office_by_user_session_or_api_token(browser, db_url):
    from survey.db import Database

    database = Database(db_url)
    with database.session() as s:
        user = users.create_user(s, "inspector", "a long enough password")
        token = users.create_api_token(s, "automation")
    database.dispose()
    assert browser.get("/probe/office-only").status_code == 401
    assert (
        browser.get("/probe/office-only", headers={"Authorization": "Bearer x"}).status_code == 401
    )
    response = browser.get("/probe/office-only", headers={"Authorization": f"Bearer {token}"})
    assert response.text == "office"
    browser.post(f"/probe/login-user/{user.id}", headers=_csrf(browser))
    assert _whoami(browser)["office"] == user.id
    assert browser.get("/probe/office-only").text == "office"


def test_an_attackers_own_csrf_cookie_and_token_do_not_work_with_a_victims_session(make_app):
    """The attack of issue 13: the attacker plants their own (validly signed) CSRF cookie
    in the victim's browser, e.g. from a sibling subdomain, and makes it post a form
    with the attacker's matching token next to the victim's session cookie."""
    with _client(make_app) as victim, _client(make_app) as attacker:
        org = Api(victim).register()
        _login(victim, org.token)
        victim_session = victim.cookies.get("smb_session")
        assert victim_session

        attacker_tokens = [attacker.get("/probe/csrf").text]  # signed out
        own = Api(attacker).register(name="Attacker")
        _login(attacker, own.token)
        attacker_tokens.append(attacker.get("/probe/csrf").text)  # signed in as itself
        attacker_cookie = attacker.cookies.get("smb_csrf")

        _set_cookie(victim, "smb_csrf", attacker_cookie)
        for token in attacker_tokens:
            for how in ({"data": {"_csrf_token": token}}, {"headers": {"x-csrftoken": token}}):
                response = victim.post("/probe/logout", **how)
                assert response.status_code == 403, (token, how)
        assert _whoami(victim)["organisation"] == org.id  # still signed in: nothing happened
        # the victim's own page, with the planted cookie, still works (the token follows it)
        assert victim.post("/probe/logout", headers=_csrf(victim)).status_code == 201
        assert _whoami(victim)["organisation"] is None


def test_a_token_shown_before_login_does_not_work_after_it(browser):
    org = Api(browser).register()
    before = browser.get("/probe/csrf").text
    _login(browser, org.token)
    assert browser.post("/probe/logout", headers={"x-csrftoken": before}).status_code == 403
    after = browser.get("/probe/csrf").text
    assert after != before
    assert browser.post("/probe/logout", headers={"x-csrftoken": after}).status_code == 201


def test_a_forged_csrf_cookie_gets_a_new_one(browser):
    _set_cookie(browser, "smb_csrf", "f" * 128)
    response = browser.get("/probe/csrf")
    assert "smb_csrf=" in response.headers["set-cookie"]
    assert browser.cookies.get("smb_csrf") != "f" * 128


@pytest.mark.parametrize(
    ("base_url", "secure", "hsts"),
    [
        ("https://smb.example.org", True, "max-age=31536000; includeSubDomains"),
        ("http://smb.example.org", False, None),
        (None, False, None),
    ],
)
def test_https_base_url_means_secure_cookies_and_hsts_by_default(make_app, base_url, secure, hsts):
    app = make_app(base_url=base_url, secure_cookies=None)
    app.register(Probe)
    with TestClient(app, base_url="https://testserver.local") as client:
        for path in ("/probe/csrf", "/api/instruments", "/no-such-page"):
            response = client.get(path)
            assert response.headers.get("strict-transport-security") == hsts, path
        client.cookies.clear()
        cookie = client.get("/probe/csrf").headers["set-cookie"].lower()
        assert ("; secure" in cookie) == secure
        org = Api(client).register()
        session_cookie = _login(client, org.token).headers["set-cookie"].lower()
        assert "smb_session=" in session_cookie
        assert ("; secure" in session_cookie) == secure
