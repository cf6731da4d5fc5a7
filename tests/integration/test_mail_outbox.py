"""The send queue on its own: atomic claims across workers, back-off, giving up."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from survey.mail import MailContent, enqueue_message, smtp
from survey.mail.outbox import claim_due, deliver_due, retry_delay
from survey.models import OutboxMessage, utcnow
from tests.smtp_server import SmtpServer

CONTENT = MailContent("Subject", "Text https://smb.example.org/p/x", "<p>Text</p>")


def _queue(database, count: int) -> None:
    with database.session() as s:
        for n in range(count):
            enqueue_message(s, to=f"p{n}@example.org", lang="en", content=CONTENT)


def test_workers_racing_for_the_queue_claim_each_message_once(database):
    _queue(database, 20)
    claimed: list[list[str]] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        claimed.append(claim_due(database, now=utcnow(), max_attempts=5))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [message_id for batch in claimed for message_id in batch]
    assert len(every) == 20 and len(set(every)) == 20
    with database.session() as s:
        assert {row.attempts for row in s.scalars(select(OutboxMessage))} == {1}
    # Claimed messages are nobody else's until the claim runs out.
    assert claim_due(database, now=utcnow(), max_attempts=5) == []
    later = utcnow() + timedelta(minutes=6)
    assert len(claim_due(database, now=later, max_attempts=5)) == 20


def test_a_refused_mail_backs_off_then_counts_as_failed(database):
    server = SmtpServer().start()
    server.inbox.refuse = True
    try:
        _queue(database, 1)
        now = utcnow()
        for attempt in range(1, 4):
            report = deliver_due(
                database,
                lambda message: _send(server, message),
                sender="bench@example.org",
                max_attempts=3,
                now=lambda: now,
            )
            with database.session() as s:
                row = s.scalar(select(OutboxMessage))
            assert row.attempts == attempt
            if attempt < 3:
                assert report.retried == 1 and row.failed_at is None
                assert row.next_attempt_at == now + retry_delay(attempt)
                now = row.next_attempt_at
            else:
                assert report.failed == 1 and row.failed_at is not None
        assert retry_delay(1) == timedelta(minutes=1) and retry_delay(2) == timedelta(minutes=2)
        assert retry_delay(30) == timedelta(hours=2)
        later = deliver_due(
            database, lambda m: _send(server, m), sender="b@example.org", max_attempts=3,
            now=lambda: now + timedelta(days=1),
        )  # fmt: skip
        assert later.sent == later.retried == later.failed == 0
        assert server.inbox.messages == []
    finally:
        server.stop()


def _send(server: SmtpServer, message) -> None:
    smtp.send(smtp.parse_smtp_url(server.url), message)


def test_survey_mail_send_delivers_the_queue(database, db_url, monkeypatch):
    from click.testing import CliRunner

    from cli import main

    server = SmtpServer().start()
    try:
        _queue(database, 2)
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("SMTP_URL", server.url)
        monkeypatch.setenv("MAIL_FROM", "bench@example.org")
        result = CliRunner().invoke(main, ["mail", "send"])
        assert result.exit_code == 0, result.output
        assert "sent 2, to retry 0, failed 0" in result.output
        assert sorted(m["To"] for m in server.inbox.wait_for(2)) == [
            "p0@example.org",
            "p1@example.org",
        ]
        monkeypatch.setenv("SMTP_URL", "http://nowhere")
        refused = CliRunner().invoke(main, ["mail", "send"])
        assert refused.exit_code == 1 and "SMTP_URL must start with" in refused.output
    finally:
        server.stop()
