"""Mail pieces that need no server: SMTP URLs, message building, texts in both languages."""

from __future__ import annotations

import pytest

from survey.mail.message import build_message
from survey.mail.smtp import MailConfigError, parse_smtp_url
from survey.mail.texts import TEXTS, invitation_mail, reminder_mail


def test_smtp_urls():
    assert parse_smtp_url("smtp://127.0.0.1:1025").port == 1025
    server = parse_smtp_url("smtp+starttls://bench%40org:p%3Ass@mail.example.org")
    assert (server.scheme, server.port, server.username, server.password) == (
        "smtp+starttls",
        587,
        "bench@org",
        "p:ss",
    )
    assert parse_smtp_url("smtps://mail.example.org").port == 465
    for bad in ("http://mail.example.org", "smtp://", "mail.example.org:25"):
        with pytest.raises(MailConfigError):
            parse_smtp_url(bad)


def test_every_text_exists_in_english_and_dutch():
    assert all(set(variants) == {"en", "nl"} for variants in TEXTS.values())


def test_a_message_has_plain_text_and_html_and_no_tracking():
    content = invitation_mail(
        lang="nl", organisation="Gemeente <Zuid>", role="HR", link="https://x.org/p/abc",
        closes_at=None,
    )  # fmt: skip
    message = build_message(sender="a@x.org", recipient="b@x.org", lang="nl", content=content)
    assert message["Content-Language"] == "nl"
    assert message.get_body(("plain",)).get_content().count("https://x.org/p/abc") == 1
    html = message.get_body(("html",)).get_content()
    assert '<a href="https://x.org/p/abc">' in html and "Gemeente &lt;Zuid&gt;" in html
    assert "<img" not in html and "src=" not in html
    reminder = reminder_mail(
        lang="en", organisation="O", link="https://x.org/p/abc", closes_at=None
    )
    assert reminder.subject.startswith("Reminder")
