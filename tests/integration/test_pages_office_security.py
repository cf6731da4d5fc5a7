"""The integrity office's security pages: the TOTP code step at sign-in, setting up the
authenticator app (and requiring it), a coordinator's reset link, the audit log page
and its exports, and `survey admin remove-second-factor`; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import time

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from survey.models import AuditEvent, User
from survey.services import coordinators, users
from tests import factories
from tests.integration.pages import Browser, assert_dutch, field_error

PASSWORD = "correct horse battery"


@pytest.fixture
def office_user(database) -> str:
    with database.session() as s:
        users.create_user(s, "bios", PASSWORD)
    return "bios"


def sign_in(browser: Browser, password: str = PASSWORD, **kwargs):
    browser.get("/login")
    return browser.submit("/login", {"username": "bios", "password": password}, **kwargs)


def enrol(browser: Browser) -> tuple[pyotp.TOTP, str]:
    """Set up the app on the enrolment page; returns the app (the TOTP of the shown key)
    and the code it was set up with."""
    page = browser.get("/office/second-factor")
    secret = page.by_id("totp-secret").attrs["value"].replace(" ", "")
    assert f"secret={secret}" in page.by_id("totp-uri").attrs["value"]
    app = pyotp.TOTP(secret)
    page = browser.submit("/office/second-factor", {"code": "000000"}, status=422)
    assert "not right" in field_error(page, "field-code")
    code = app.now()
    browser.submit("/office/second-factor", {"code": code})
    assert browser.path == "/office/security"
    assert "Your second factor is on." in browser.get("/office/security?enrolled=1").text
    return app, code


def totp_secret(database) -> str | None:
    with database.session() as s:
        return s.scalars(select(User.totp_secret).where(User.username == "bios")).one()


def test_enrol_then_every_sign_in_needs_a_fresh_code(make_client, office_user, database):
    client = make_client()
    browser = Browser(client)
    sign_in(browser)
    assert browser.path == "/office"
    app, used = enrol(browser)
    browser.submit("/sign-out", {})
    assert browser.path == "/login"
    # Password right: not signed in yet, the code page follows.
    sign_in(browser)
    assert browser.path == "/login/code"
    assert client.get("/office", follow_redirects=False).status_code in (302, 303)
    page = browser.submit("/login/code", {"code": "123456"}, status=401)
    assert "not right" in field_error(page, "field-code")
    # The code used at enrolment is spent: the next step's code is needed.
    page = browser.submit("/login/code", {"code": used}, status=401)
    assert "not right" in field_error(page, "field-code")
    later = app.at(time.time() + 30)
    browser.submit("/login/code", {"code": later})
    assert browser.path == "/office"
    events = audit_events(database, "login")
    assert [e.outcome for e in events][-3:] == ["failure", "failure", "success"]
    assert all(later not in (e.detail or "") for e in events)


def test_moving_the_factor_to_a_new_app_needs_a_code_from_the_current_one(
    client, office_user, database
):
    app = pyotp.TOTP(pyotp.random_base32())
    with database.session() as s:
        s.scalars(select(User).where(User.username == "bios")).one().totp_secret = app.secret
    browser = Browser(client)
    sign_in(browser)
    browser.submit("/login/code", {"code": app.now()})
    assert browser.path == "/office"
    page = browser.get("/office/second-factor")
    new_app = pyotp.TOTP(page.by_id("totp-secret").attrs["value"].replace(" ", ""))
    page = browser.submit(
        "/office/second-factor", {"current_code": "000000", "code": new_app.now()}, status=422
    )
    assert "not right" in field_error(page, "field-current_code")
    assert totp_secret(database) == app.secret
    browser.submit(
        "/office/second-factor",
        {"current_code": app.at(time.time() + 30), "code": new_app.now()},
    )
    assert totp_secret(database) == new_app.secret


def audit_events(database, name: str) -> list[AuditEvent]:
    with database.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_the_office_can_require_the_second_factor(make_client, office_user, database):
    client = make_client(office_totp_required=True)
    browser = Browser(client)
    sign_in(browser)
    assert browser.path == "/office/second-factor"
    assert client.get("/office", follow_redirects=False).status_code in (302, 303)
    assert client.get("/office/security").status_code == 401
    enrol(browser)
    assert totp_secret(database)
    assert browser.get("/office").find("h1")[0].text == "Integrity office"


def test_remove_second_factor_from_the_command_line(run, office_user, database, make_client):
    browser = Browser(make_client())
    sign_in(browser)
    enrol(browser)
    result = run("admin", "remove-second-factor", "bios")
    assert result.exit_code == 0, result.output
    assert totp_secret(database) is None
    assert run("admin", "remove-second-factor", "bios").exit_code == 1
    assert "no integrity-office user" in run("admin", "remove-second-factor", "nobody").output
    assert audit_events(database, "totp.removed")
    again = Browser(make_client())
    sign_in(again)
    assert again.path == "/office"


@pytest.fixture
def run(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    yield lambda *args: CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_office_makes_a_reset_link_for_a_coordinator(client, office_user, database, lang):
    registered = factories.organisation(database)
    with database.session() as s:
        coordinators.claim_first_account(
            s, registered.coordinator_token, "anna@example.org", "a long pass phrase"
        )
    browser = Browser(client)
    sign_in(browser)
    browser.get(f"/office/security?lang={lang}", lang=lang)
    page = browser.submit("/office/security/reset", {"email": "nobody"}, status=422, lang=lang)
    assert field_error(page, "field-email")
    page = browser.submit(
        "/office/security/reset", {"email": "nobody@example.org"}, status=404, lang=lang
    )
    assert field_error(page, "field-email")
    page = browser.submit(
        "/office/security/reset", {"email": "Anna@Example.org"}, status=201, lang=lang
    )
    if lang == "nl":
        assert_dutch(page)
    link = page.by_id("reset-link").attrs["value"]
    assert link.startswith("https://smb.example.org/password-reset/")
    token = link.rsplit("/", 1)[1]
    with database.session() as s:
        coordinators.reset_password(s, token, "a brand new pass phrase")
    created = audit_events(database, "token.created")[-1]
    assert created.actor_kind == "office" and created.actor_name == "bios"
    assert token not in (created.detail or "") + (created.target or "")


def test_the_audit_log_page_and_its_exports(client, office_user, database):
    browser = Browser(client)
    sign_in(browser, "wrong password!", status=401)
    sign_in(browser)
    page = browser.get("/office/audit")
    rows = [" ".join(r.text.split()) for r in page.find("tr")][1:]
    assert rows[0].split()[2:4] == ["login", "success"]
    assert any("login failure office: bios" in row for row in rows)
    csv_answer = client.get("/office/audit/export/csv")
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(csv_answer.text)))
    assert {"login", "account.created"} <= {row["event"] for row in table}
    jsonl = client.get("/office/audit/export/jsonl")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert lines[-1]["event"] == "audit.export"  # the CSV download was recorded
    assert PASSWORD not in csv_answer.text + jsonl.text
    assert client.get("/office/audit/export/xml").status_code == 422


def test_the_security_pages_need_an_office_session(client, api):
    org = api.register()
    for path in ("/office/security", "/office/audit", "/office/audit/export/csv"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=org.auth).status_code == 401
    assert client.get("/login/code").status_code == 401
    assert client.get("/office/second-factor").status_code == 401
