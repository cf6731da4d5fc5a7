"""A coordinator's lost password, reset by a link sent by mail (issue 13), through the
pages, the app's mail worker and a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

The form answers the same for any address; at most 3 links per account per hour; the
link's token is one-time, stored only as a hash, expires, and is exchanged for the
session at once; the sent mail's text does not stay in the queue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey.db import Database
from survey.mail.worker import public_base, run_once
from survey.models import AccountToken, OutboxMessage, utcnow
from survey.services.password_reset_mail import MAX_PER_HOUR
from survey.tokens import hash_token
from tests.integration.pages import Browser, field_error
from tests.integration.test_pages_accounts import OTHER_PASSWORD, PASSWORD, claim, sign_in
from tests.smtp_server import SmtpServer

LINK = re.compile(r"https://smb\.example\.org/password-reset/([A-Za-z0-9_-]{40,})")
FORM = "/coordinators/forgot-password"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail(smtp) -> dict[str, object]:
    return {"smtp_url": smtp.url, "mail_worker": False, "mail_from": "bench@example.org"}


@pytest.fixture
def database(db_url) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


def _ask(browser: Browser, email: str, *, lang: str = "en") -> str:
    """Ask for a reset link on the form; returns the notice the page answers with."""
    browser.get(f"{FORM}?lang={lang}", lang=lang)
    page = browser.submit(FORM, {"email": email}, lang=lang)
    notice = page.find("div", **{"class": "notice"})
    assert len(notice) == 1
    return notice[0].text


def _deliver(database, make_settings, mail, lib) -> int:
    return run_once(database, make_settings(**mail), lib).delivery.sent


def _token(message) -> str:
    text = message.get_body(("plain",)).get_content()
    [token] = LINK.findall(text)
    return token


def test_a_lost_password_is_reset_by_a_mailed_one_time_link(
    make_client, make_settings, lib, database, smtp, mail
):
    anna = Browser(make_client(**mail))
    dashboard = claim(anna)
    anna.submit("/sign-out", {})
    page = anna.get("/coordinators/sign-in")
    assert any(a.attrs.get("href") == FORM for a in page.find("a"))

    # The same answer whether the address has an account or not; a mail only for Anna.
    stranger = Browser(make_client(**mail))
    assert _ask(stranger, "Anna@Example.org") == _ask(stranger, "nobody@example.org")
    assert _deliver(database, make_settings, mail, lib) == 1
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Reset your password: social media self-assessment"
    token = _token(message)
    with database.session() as s:
        row = s.scalar(select(AccountToken).where(AccountToken.kind == "reset"))
        assert row.token_hash == hash_token(token) and token not in row.token_hash
        assert row.expires_at <= utcnow() + timedelta(minutes=30)
        sent = s.scalar(select(OutboxMessage))
        assert sent.sent_at is not None and sent.subject == message["Subject"]
        assert (sent.body_text, sent.body_html) == ("", ""), "the link left the queue"

    # The link is exchanged for the session and a URL without the token; it works once.
    reset = Browser(make_client(**mail))
    exchanged = reset.client.get(f"/password-reset/{token}", follow_redirects=False)
    assert exchanged.status_code == 303 and exchanged.headers["location"] == "/password-reset"
    reset.get("/password-reset")
    reset.submit("/password-reset", {"password": OTHER_PASSWORD, "password_repeat": OTHER_PASSWORD})
    assert reset.path == "/coordinators/sign-in"
    assert reset.client.get(f"/password-reset/{token}").status_code == 404
    sign_in(anna, "anna@example.org", PASSWORD, status=401)
    sign_in(anna, "anna@example.org", OTHER_PASSWORD)
    assert anna.path == dashboard


def test_at_most_three_links_an_hour_and_each_expires(
    make_client, make_settings, lib, database, smtp, mail
):
    claim(Browser(make_client(**mail)))
    browser = Browser(make_client(**mail))
    notices = {_ask(browser, "anna@example.org", lang="nl") for _ in range(MAX_PER_HOUR + 2)}
    assert len(notices) == 1, "the fourth and fifth requests look the same"
    assert _deliver(database, make_settings, mail, lib) == MAX_PER_HOUR
    messages = smtp.inbox.wait_for(MAX_PER_HOUR)
    assert {m["Subject"] for m in messages} == {
        "Je wachtwoord opnieuw instellen: zelfevaluatie sociale media"
    }
    assert {m["Content-Language"] for m in messages} == {"nl"}

    # An hour later the account may have a link again; an expired link no longer works.
    with database.session() as s:
        s.execute(
            update(AccountToken).values(
                created_at=utcnow() - timedelta(hours=1, minutes=1),
                expires_at=utcnow() - timedelta(minutes=31),
            )
        )
    _ask(browser, "anna@example.org")
    assert _deliver(database, make_settings, mail, lib) == 1
    expired = _token(messages[0])
    fresh = _token(smtp.inbox.wait_for(MAX_PER_HOUR + 1)[-1])
    assert browser.client.get(f"/password-reset/{expired}").status_code == 404
    assert browser.client.get(f"/password-reset/{fresh}").status_code == 200


def test_the_link_never_follows_the_requests_host_header(
    make_client, make_settings, lib, database, smtp, mail
):
    """Without BASE_URL the link is built from the configured host and port: a request
    with a forged Host header cannot point Anna's link at the attacker's site."""
    settings = make_settings(**mail, base_url=None)
    claim(Browser(make_client(**mail)))
    attacker = Browser(make_client(**mail, base_url=None))
    attacker.client.headers["host"] = "attacker.example"
    _ask(attacker, "anna@example.org")
    assert run_once(database, settings, lib).delivery.sent == 1
    text = smtp.inbox.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "attacker.example" not in text
    assert f"{public_base(settings)}/password-reset/" in text


def test_a_bad_address_is_refused_and_without_mail_there_is_no_form(client, make_client, mail):
    browser = Browser(make_client(**mail))
    browser.get(FORM)
    page = browser.submit(FORM, {"email": "not an address"}, status=422)
    assert field_error(page, "field-email") == "Error: Give a valid e-mail address."
    # Without SMTP_URL: no form, and the sign-in page says whom to ask.
    assert client.get(FORM).status_code == 404
    plain = Browser(client).get("/coordinators/sign-in")
    assert not any(a.attrs.get("href") == FORM for a in plain.find("a"))
    assert "ask the administrators of this service" in plain.text
