"""Coordinator accounts through the pages: claim with the dashboard link, sign in and out,
invite, join, remove, change and reset a password, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bench.loadgen import Server
from survey.db import Database
from survey.models import AuditEvent, Coordinator
from survey.services import coordinators, organisations, personal_tokens
from tests.integration.pages import Browser, Page, assert_dutch, field_error
from tests.integration.test_pages_coordinator import PROFILE, register
from web import auth

PASSWORD = "correct horse battery staple"
OTHER_PASSWORD = "another long pass phrase"


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


def claim(browser: Browser, email: str = "anna@example.org") -> str:
    """Register, open the dashboard link, claim the first account; returns the dashboard path."""
    link = register(browser)
    dashboard = browser.get(link)
    assert "Create your coordinator account" in dashboard.text
    browser.get("/account/claim")
    browser.submit(
        "/account/claim", {"email": email, "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert re.fullmatch(r"/organisations/[0-9a-f-]{36}", browser.path), browser.path
    return browser.path


def sign_in(browser: Browser, email: str, password: str = PASSWORD, **kwargs) -> Page:
    browser.get("/coordinators/sign-in")
    return browser.submit("/coordinators/sign-in", {"email": email, "password": password}, **kwargs)


def sign_out(browser: Browser) -> None:
    page = browser.submit("/sign-out", {})
    assert browser.path == "/coordinators/sign-in"
    assert "You have signed out." in page.text


def events(app, name: str) -> list[AuditEvent]:
    with app.state["app"].database.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_a_lost_dashboard_link_no_longer_locks_the_coordinator_out(client, browser):
    link = register(browser)
    dashboard = claim_with(browser, link)
    page = browser.get(dashboard)
    assert "Sign out" in page.text and "Create your coordinator account" not in page.text
    # The link is used up: it neither signs in nor claims a second account.
    assert client.get(link, follow_redirects=False).status_code == 404
    sign_out(browser)
    assert client.get(dashboard).status_code == 401
    # Without the link, the e-mail address and password get in.
    sign_in(browser, "anna@example.org")
    assert browser.path == dashboard
    assert "Gemeente Test" in browser.get(dashboard).text
    claimed = events(client.app, "account.claimed")
    assert len(claimed) == 1 and link.removeprefix("/c/") not in (claimed[0].detail or "")


def test_a_signed_in_session_ends_after_an_idle_hour(client, browser, monkeypatch):
    dashboard = claim(browser)
    start = auth.clock()
    for minutes in (50, 100, 150):  # used every 50 minutes: still signed in
        monkeypatch.setattr(auth, "clock", lambda m=minutes: start + m * 60)
        browser.get(dashboard)
    monkeypatch.setattr(auth, "clock", lambda: start + 150 * 60 + 3601)
    assert client.get(dashboard).status_code == 401


def claim_with(browser: Browser, link: str, email: str = "anna@example.org") -> str:
    browser.get(link)
    browser.get("/account/claim")
    browser.submit(
        "/account/claim", {"email": email, "password": PASSWORD, "password_repeat": PASSWORD}
    )
    return browser.path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_claim_errors_are_tied_to_their_fields(browser, lang):
    browser.get(register(browser, lang), lang=lang)
    browser.get("/account/claim", lang=lang)
    page = browser.submit(
        "/account/claim",
        {"email": "anna@example.org", "password": "short", "password_repeat": "short"},
        status=422,
        lang=lang,
    )
    assert "12" in field_error(page, "field-password")
    page = browser.submit(
        "/account/claim",
        {"email": "not an address", "password": PASSWORD, "password_repeat": PASSWORD},
        status=422,
        lang=lang,
    )
    assert field_error(page, "field-email")
    page = browser.submit(
        "/account/claim",
        {"email": "anna@example.org", "password": PASSWORD, "password_repeat": "different!!!!"},
        status=422,
        lang=lang,
    )
    assert field_error(page, "field-password_repeat")
    page = browser.submit(
        "/account/claim",
        {
            "email": "anna@example.org",
            "password": "password1234",
            "password_repeat": "password1234",
        },
        status=422,
        lang=lang,
    )
    easy = field_error(page, "field-password")
    assert ("too easy to guess" if lang == "en" else "te makkelijk te raden") in easy
    if lang == "nl":
        assert_dutch(page)


def test_claiming_needs_a_link_session(client, browser):
    browser.get("/coordinators/sign-in")
    assert client.get("/account/claim").status_code == 401
    response = client.post("/account/claim", data={"email": "x@example.org"})
    assert response.status_code in (401, 403)


def test_sign_in_failures_lock_the_account_with_a_clear_message(make_client):
    client = make_client(login_account_failures=3)
    browser = Browser(client)
    claim(browser)
    sign_out(browser)
    for _ in range(2):
        page = sign_in(browser, "anna@example.org", "wrong password!!", status=401)
        assert "not right" in field_error(page, "field-password")
    page = sign_in(browser, "anna@example.org", "wrong password!!", status=429)
    assert "Too many failed sign-ins" in field_error(page, "field-password")
    assert int(browser.last.headers["retry-after"]) > 0
    # Locked: even the right password is refused until the lock ends.
    sign_in(browser, "anna@example.org", PASSWORD, status=429)
    assert events(client.app, "login.locked")
    assert events(client.app, "login.blocked")


def test_invite_join_and_remove_a_second_coordinator(make_client):
    first = make_client()
    anna = Browser(first)
    dashboard = claim(anna)
    team_path = f"{dashboard}/coordinators"
    anna.get(team_path)
    page = anna.submit(team_path, {"email": "Bram@Example.org"}, status=201)
    link = page.by_id("invitation-link").attrs["value"]
    assert link.startswith("https://smb.example.org/coordinators/join/")
    path = link.removeprefix("https://smb.example.org")
    # The same address cannot be invited twice once it has an account; nor Anna's.
    anna.submit(team_path, {"email": "anna@example.org"}, status=409)

    second = make_client()
    bram = Browser(second)
    exchange = second.get(path, follow_redirects=False)
    assert exchange.status_code == 303 and exchange.headers["location"] == "/coordinators/join"
    page = bram.get("/coordinators/join")
    assert "bram@example.org" in page.text
    bram.submit(
        "/coordinators/join", {"password": OTHER_PASSWORD, "password_repeat": OTHER_PASSWORD}
    )
    assert bram.path == dashboard
    # The invitation works once.
    assert second.get(path, follow_redirects=False).status_code == 404

    page = anna.get(team_path)
    assert "bram@example.org" in page.text
    bram_id = coordinator_id(first, "bram@example.org")
    assert any(f.attrs["action"] == f"{team_path}/{bram_id}/remove" for f in page.find("form"))
    anna.submit(f"{team_path}/{bram_id}/remove", {})
    assert anna.path == team_path and "bram@example.org" not in anna.get(team_path).text
    # Bram's session ends with his account; Anna, the last one, cannot be removed.
    assert second.get(dashboard).status_code == 401
    page = anna.get(team_path)
    assert "the last coordinator cannot be removed" in page.text
    anna.submit(f"{team_path}/{coordinator_id(first, 'anna@example.org')}/remove", {}, status=409)
    assert events(first.app, "account.removed")


def coordinator_id(client, email: str) -> str:
    with client.app.state["app"].database.session() as session:
        return session.scalars(select(Coordinator.id).where(Coordinator.email == email)).one()


def test_coordinators_of_another_organisation_cannot_be_seen_or_removed(make_client):
    anna = Browser(make_client())
    dashboard_a = claim(anna, "anna@example.org")
    carl_client = make_client()
    carl = Browser(carl_client)
    dashboard_c = claim(carl, "carl@example.org")
    assert carl_client.get(f"{dashboard_a}/coordinators").status_code == 404
    carl.get(f"{dashboard_c}/coordinators")
    carl.submit(f"{dashboard_a}/coordinators", {"email": "x@example.org"}, status=404)
    carl.submit(
        f"{dashboard_c}/coordinators/{coordinator_id(carl_client, 'anna@example.org')}/remove",
        {},
        status=404,
    )
    assert "anna@example.org" in anna.get(f"{dashboard_a}/coordinators").text


def test_a_password_change_ends_other_sessions(make_client):
    one = Browser(make_client())
    dashboard = claim(one)
    other_client = make_client()
    other = Browser(other_client)
    sign_in(other, "anna@example.org")
    assert other.path == dashboard
    one.get("/account/password")
    page = one.submit(
        "/account/password",
        {"current_password": "not the password", "password": OTHER_PASSWORD,
         "password_repeat": OTHER_PASSWORD},
        status=422,
    )  # fmt: skip
    assert "not right" in field_error(page, "field-current_password")
    page = one.submit(  # made of the account's own address: the service refuses it
        "/account/password",
        {"current_password": PASSWORD, "password": "anna@example.org1",
         "password_repeat": "anna@example.org1"},
        status=422,
    )  # fmt: skip
    assert "too easy to guess" in field_error(page, "field-password")
    one.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": OTHER_PASSWORD,
         "password_repeat": OTHER_PASSWORD},
    )  # fmt: skip
    assert one.path == dashboard
    one.get(dashboard)  # this browser stays signed in
    assert other_client.get(dashboard).status_code == 401
    sign_in(other, "anna@example.org", OTHER_PASSWORD)
    assert other.path == dashboard


def test_a_reset_link_sets_a_new_password_once(client, browser):
    claim(browser)
    sign_out(browser)
    with client.app.state["app"].database.session() as session:
        issued = coordinators.request_reset(session, "anna@example.org")
    assert issued is not None
    exchange = client.get(f"/password-reset/{issued.token}", follow_redirects=False)
    assert exchange.status_code == 303 and exchange.headers["location"] == "/password-reset"
    browser.get("/password-reset")
    page = browser.submit(
        "/password-reset", {"password": OTHER_PASSWORD, "password_repeat": OTHER_PASSWORD}
    )
    assert browser.path == "/coordinators/sign-in"
    assert "Your password is changed" in page.text
    assert client.get(f"/password-reset/{issued.token}", follow_redirects=False).status_code == 404
    sign_in(browser, "anna@example.org", PASSWORD, status=401)
    sign_in(browser, "anna@example.org", OTHER_PASSWORD)
    assert re.fullmatch(r"/organisations/[0-9a-f-]{36}", browser.path)


def test_one_time_links_without_a_valid_token_are_refused(client):
    for path in ("/coordinators/join/nonsense", "/password-reset/nonsense"):
        assert client.get(path, follow_redirects=False).status_code == 404
    for path in ("/coordinators/join", "/password-reset"):
        assert client.get(path).status_code == 404


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Server]:
    server = Server(db_url, data_dir=tmp_path / "data", log_path=tmp_path / "server.log")
    try:
        yield server.start()
    finally:
        server.stop()


def test_no_invitation_or_reset_token_in_the_served_logs(served, db_url, tmp_path):
    database = Database(db_url)
    try:
        with database.session() as session:
            registration = organisations.register_organisation(session, **PROFILE)
            anna = coordinators.claim_first_account(
                session, registration.coordinator_token, "anna@example.org", PASSWORD
            )
            invitation = coordinators.invite(session, anna, "bram@example.org").token
            reset = coordinators.request_reset(session, "anna@example.org")
            assert reset is not None
    finally:
        database.dispose()
    with httpx.Client(base_url=served.base_url, timeout=30) as client:
        for path in (f"/coordinators/join/{invitation}", f"/password-reset/{reset.token}"):
            answer = client.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == path.rsplit("/", 1)[0]
            assert client.get(path + "x").status_code == 404
    served.stop()
    log = (tmp_path / "server.log").read_text()
    assert "GET /coordinators/join/[masked] HTTP/1.1" in log
    assert "GET /password-reset/[masked] HTTP/1.1" in log
    for secret in (invitation, reset.token):
        assert secret not in log
    assert "Application startup complete" in log  # the report warm-up rendered a PDF
    assert "weasyprint.progress" not in log  # without its seven INFO lines


def test_personal_api_tokens_are_made_used_rotated_and_revoked(make_client):
    client = make_client()
    browser = Browser(client)
    dashboard = claim(browser)
    org_id = dashboard.rsplit("/", 1)[1]
    browser.get("/account/tokens")
    browser.submit("/account/tokens", {"label": " "}, status=422)
    page = browser.submit("/account/tokens", {"label": "Statistics export"}, status=201)
    token = page.by_id("new-token").attrs["value"]
    assert token not in browser.get("/account/tokens").text  # shown once
    api = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/organisations/{org_id}", headers=api).status_code == 200
    assert client.get(f"/api/organisations/{org_id}/rounds", headers=api).status_code == 200
    with client.app.state["app"].database.session() as session:
        (row,) = personal_tokens.tokens_of(
            session, session.get(Coordinator, coordinator_id(client, "anna@example.org"))
        )
        assert (row.expires_at - row.created_at).days == 90
        token_id = row.id
    # Another organisation's coordinator sees nothing of it.
    other = Browser(make_client())
    claim(other, "carl@example.org")
    other.get("/account/tokens")
    other.submit(f"/account/tokens/{token_id}/revoke", {}, status=404)
    other.submit(f"/account/tokens/{token_id}/rotate", {}, status=404)
    assert client.get(f"/api/organisations/{org_id}", headers=api).status_code == 200
    # Rotation: the old secret stops working, the new one works.
    browser.get("/account/tokens")
    page = browser.submit(f"/account/tokens/{token_id}/rotate", {})
    rotated = page.by_id("new-token").attrs["value"]
    assert client.get(f"/api/organisations/{org_id}", headers=api).status_code == 401
    new_api = {"Authorization": f"Bearer {rotated}"}
    assert client.get(f"/api/organisations/{org_id}", headers=new_api).status_code == 200
    page = browser.submit(f"/account/tokens/{token_id}/revoke", {})
    assert "revoked" in page.text
    assert client.get(f"/api/organisations/{org_id}", headers=new_api).status_code == 401
    kinds = {e.target.split(":")[0] for e in events(client.app, "token.revoked")}
    assert kinds == {"personal"}
    assert rotated not in str([(e.detail, e.target) for e in events(client.app, "token.rotated")])


def test_a_removed_coordinators_tokens_end_with_the_account(make_client):
    client = make_client()
    anna = Browser(client)
    dashboard = claim(anna)
    team = f"{dashboard}/coordinators"
    anna.get(team)
    link = anna.submit(team, {"email": "bram@example.org"}, status=201).by_id("invitation-link")
    bram = Browser(make_client())
    bram.get(link.attrs["value"].removeprefix("https://smb.example.org"))
    bram.submit("/coordinators/join", {"password": PASSWORD, "password_repeat": PASSWORD})
    bram.get("/account/tokens")
    token = bram.submit("/account/tokens", {"label": "x"}, status=201).by_id("new-token")
    api = {"Authorization": f"Bearer {token.attrs['value']}"}
    assert (
        client.get(
            dashboard.replace("/organisations", "/api/organisations"), headers=api
        ).status_code
        == 200
    )
    anna.get(team)
    anna.submit(f"{team}/{coordinator_id(client, 'bram@example.org')}/remove", {})
    assert (
        client.get(
            dashboard.replace("/organisations", "/api/organisations"), headers=api
        ).status_code
        == 401
    )
