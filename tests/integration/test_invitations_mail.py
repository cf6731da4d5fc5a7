"""Personal invitations, reminders and the mail queue against a real SMTP server.

The server is aiosmtpd on a local port, started by the test: every mail is really
sent over SMTP, parsed back and its link opened.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from survey.db import Database
from survey.mail.worker import run_once
from survey.models import Invitation, OutboxMessage, Response, Round, utcnow
from survey.services import schedule
from survey.tokens import hash_token
from tests.integration.conftest import ANSWERS_FULL, Api, bearer
from tests.smtp_server import SmtpServer

PEOPLE = [
    {"email": "ann@example.org", "role": "staff", "lang": "en"},
    {"email": "bob@example.org", "role": "staff", "lang": "nl"},
    {"email": "cas@example.org", "role": "hr", "lang": "nl"},
    {"email": "dee@example.org", "role": "management", "lang": "en"},
    {"email": "eve@example.org", "role": "it", "lang": "en"},
]
LINK = re.compile(r"https://smb\.example\.org/p/[A-Za-z0-9_-]{43}")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    found = LINK.findall(text)
    assert len(found) == 1, text
    return found[0]


def _open_link(client: TestClient, link: str) -> str:
    """Open a personal link in a fresh browser; returns the respondent token it set."""
    client.cookies.clear()
    path = link.removeprefix("https://smb.example.org")
    opened = client.get(path, follow_redirects=False)
    assert opened.status_code == 303, opened.text
    assert opened.headers["location"] == "/welcome"
    assert "/p/" not in opened.headers["location"]
    token = client.cookies.get("smb_resume")
    assert token
    welcome = client.get("/welcome")
    assert welcome.status_code == 200
    return token


def _delivery(client: TestClient, round_id: str, auth: dict[str, str]) -> str:
    statuses = client.get(f"/api/rounds/{round_id}/invitations", headers=auth)
    return str(statuses.json()[0]["delivery"])


def _response_id(database: Database, token: str) -> str:
    with database.session() as s:
        found = s.scalar(select(Response.id).where(Response.token_hash == hash_token(token)))
    assert found is not None
    return found


def test_invite_mail_start_resume_remind_close(make_app, make_settings, lib, db_url, smtp):
    settings = make_settings(smtp_url=smtp.url, mail_worker=False, mail_from="bench@example.org")
    client = TestClient(
        make_app(smtp_url=smtp.url, mail_worker=False, mail_from="bench@example.org")
    )
    with client:
        api = Api(client)
        org = api.register("Gemeente Zuid")
        round_ = api.open_round(org)
        invited = client.post(
            f"/api/rounds/{round_.id}/invitations", json={"invitations": PEOPLE}, headers=org.auth
        )
        assert invited.status_code == 201, invited.text
        assert invited.json()["mailed"] is True
        assert len(invited.json()["created"]) == 5

        database = Database(db_url)
        try:
            report = run_once(database, settings, lib)
            assert report.delivery is not None and report.delivery.sent == 5
            inbox = smtp.inbox.wait_for(5)
            assert len(inbox) == 5
            links = {}
            for person in PEOPLE:
                [mail] = smtp.inbox.to(person["email"])
                assert mail["From"] == "bench@example.org"
                assert mail["Content-Language"] == person["lang"]
                dutch = person["lang"] == "nl"
                assert ("uitnodiging" in mail["Subject"].lower()) is dutch
                html = mail.get_body(("html",)).get_content()
                assert "<img" not in html and _link(mail) in html
                links[person["email"]] = _link(mail)
            assert len(set(links.values())) == 5
            statuses = client.get(f"/api/rounds/{round_.id}/invitations", headers=org.auth)
            assert {s["delivery"] for s in statuses.json()} == {"sent"}
            assert {s["response"] for s in statuses.json()} == {"not started"}

            # A link starts one response and resumes the same one, on any browser.
            first = _open_link(client, links["ann@example.org"])
            ann = _response_id(database, first)
            api.client.put(
                f"/api/responses/{ann}/answers",
                json={"answers": {"rules.guideline": "most"}},
                headers=bearer(first),
            )
            again = _open_link(client, links["ann@example.org"])
            assert again != first
            assert _response_id(database, again) == ann
            answers = client.get(f"/api/responses/{ann}", headers=bearer(again)).json()
            assert answers["answers"] == {"rules.guideline": "most"}
            with database.session() as s:
                assert s.scalar(select(func.count()).select_from(Response)) == 1

            # Ann and Bob submit; Cas only starts.
            for email in ("ann@example.org", "bob@example.org"):
                token = _open_link(client, links[email])
                response_id = _response_id(database, token)
                client.put(
                    f"/api/responses/{response_id}/answers",
                    json={"answers": ANSWERS_FULL},
                    headers=bearer(token),
                )
                assert (
                    client.post(
                        f"/api/responses/{response_id}/submit", headers=bearer(token)
                    ).status_code
                    == 200
                )
            _open_link(client, links["cas@example.org"])
            by_email = {
                s["email"]: s["response"]
                for s in client.get(f"/api/rounds/{round_.id}/invitations", headers=org.auth).json()
            }
            assert by_email == {
                "ann@example.org": "submitted",
                "bob@example.org": "submitted",
                "cas@example.org": "started",
                "dee@example.org": "not started",
                "eve@example.org": "not started",
            }

            # A reminder on day 2 goes only to those who have not submitted, once.
            with database.session() as s:
                round_row = s.get(Round, round_.id)
                schedule.set_schedule(
                    s, round_row, closes_at=None, reminder_days=[2], targets={"staff": 3}
                )
                round_row.opened_at = utcnow() - timedelta(days=2, hours=1)
            before = len(smtp.inbox.messages)
            report = run_once(database, settings, lib)
            assert report.reminders == 3 and report.delivery.sent == 3
            reminded = {m["To"] for m in smtp.inbox.wait_for(before + 3)[before:]}
            assert reminded == {"cas@example.org", "dee@example.org", "eve@example.org"}
            [dutch] = smtp.inbox.to("cas@example.org")[1:]
            assert "herinnering" in dutch["Subject"].lower()
            assert _link(dutch) == links["cas@example.org"]
            assert run_once(database, settings, lib).reminders == 0

            # Closing erases the addresses, which response each link started, and the mails.
            api.close(round_)
            after = client.get(f"/api/rounds/{round_.id}/invitations", headers=org.auth).json()
            assert [s["email"] for s in after] == [None] * 5
            assert {s["response"] for s in after} == {"erased"}
            with database.session() as s:
                assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
                assert s.scalars(select(Invitation.response_id)).all() == [None] * 5
            closed = client.get(links["dee@example.org"].removeprefix("https://smb.example.org"))
            assert closed.status_code == 409
        finally:
            database.dispose()


def test_the_queue_survives_a_restart_and_retries(make_app, make_settings, lib, db_url, smtp):
    settings = make_settings(smtp_url=smtp.url, mail_worker=False)
    first = TestClient(make_app(smtp_url=smtp.url, mail_worker=False))
    database = Database(db_url)
    try:
        with first:
            api = Api(first)
            org = api.register()
            round_ = api.open_round(org)
            smtp.inbox.refuse = True
            invited = first.post(
                f"/api/rounds/{round_.id}/invitations",
                json={"invitations": PEOPLE[:1]},
                headers=org.auth,
            )
            assert invited.status_code == 201
            report = run_once(database, settings, lib)
            assert report.delivery.sent == 0 and report.delivery.retried == 1
            with database.session() as s:
                [row] = s.scalars(select(OutboxMessage)).all()
                assert row.attempts == 1 and row.sent_at is None and row.claim is None
                assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
                assert "451" in (row.last_error or "")
            assert run_once(database, settings, lib).delivery.sent == 0  # not due yet
        # The app stops; the mail waits in the database. A new app's own worker sends it.
        smtp.inbox.refuse = False
        with database.session() as s:
            s.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        second = TestClient(make_app(smtp_url=smtp.url, mail_worker=True, mail_poll_seconds=0.2))
        with second:
            [mail] = smtp.inbox.wait_for(1)
            assert mail["To"] == "ann@example.org"
            # The worker records the delivery just after the server accepted the mail.
            deadline = time.monotonic() + 60
            while (delivery := _delivery(second, round_.id, org.auth)) != "sent":
                assert time.monotonic() < deadline, delivery
                time.sleep(0.05)
        with database.session() as s:
            [row] = s.scalars(select(OutboxMessage)).all()
            assert row.sent_at is not None and row.attempts == 2
    finally:
        database.dispose()


def test_without_a_mail_server_the_links_are_returned_to_copy(api, client, db_url):
    org = api.register()
    round_ = api.open_round(org)
    invited = client.post(
        f"/api/rounds/{round_.id}/invitations", json={"invitations": PEOPLE[:2]}, headers=org.auth
    )
    assert invited.status_code == 201
    body = invited.json()
    assert body["mailed"] is False
    assert all(LINK.fullmatch(c["link"]) for c in body["created"])
    assert {
        s["delivery"]
        for s in client.get(f"/api/rounds/{round_.id}/invitations", headers=org.auth).json()
    } == {"not mailed"}
    again = client.post(
        f"/api/rounds/{round_.id}/invitations", json={"invitations": PEOPLE[:3]}, headers=org.auth
    )
    assert again.json()["skipped"] == 2 and len(again.json()["created"]) == 1
    database = Database(db_url)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        hashes = s.scalars(select(Invitation.token_hash)).all()
    database.dispose()
    tokens = [c["link"].rsplit("/", 1)[1] for c in body["created"]]
    assert not set(tokens) & set(hashes)


@pytest.mark.parametrize(
    ("entry", "field_text"),
    [
        ({"email": "not-an-address", "role": "staff"}, "is not an e-mail address"),
        ({"email": "a@example.org", "role": "astronaut"}, "unknown role 'astronaut'"),
        ({"email": "a@example.org", "role": "staff", "lang": "fr"}, "unknown language 'fr'"),
    ],
)
def test_a_bad_entry_refuses_the_whole_list(api, client, entry, field_text):
    org = api.register()
    round_ = api.open_round(org)
    refused = client.post(
        f"/api/rounds/{round_.id}/invitations",
        json={"invitations": [PEOPLE[0], entry]},
        headers=org.auth,
    )
    assert refused.status_code == 422
    assert field_text in refused.json()["detail"] and "line 2" in refused.json()["detail"]
    assert client.get(f"/api/rounds/{round_.id}/invitations", headers=org.auth).json() == []
