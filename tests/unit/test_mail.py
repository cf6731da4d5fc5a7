"""Mail pieces that need no server: SMTP URLs, message building, texts in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey.mail.message import build_message
from survey.mail.smtp import MailConfigError, parse_smtp_url
from survey.mail.texts import closed_mail, invitation_mail, reminder_mail


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


def test_mails_come_from_the_catalogue_in_the_respondents_language():
    dutch = invitation_mail(
        lang="nl", organisation="Gemeente Zuid", role="HR", link="https://x.org/p/abc",
        closes_at=datetime(2027, 1, 31, 12, 0, tzinfo=UTC),
    )  # fmt: skip
    assert dutch.subject == "Je uitnodiging: zelfevaluatie sociale media van Gemeente Zuid"
    assert "De ronde sluit op 2027-01-31 12:00 (UTC).\n\nStuur deze mail niet door" in dutch.text
    one, two = (
        closed_mail(lang=lang, organisation="O", round_label="R", submitted=n, link="https://x")
        for lang, n in (("nl", 1), ("en", 2))
    )
    assert "met 1 verstuurde antwoordenlijst." in one.text
    assert "with 2 submitted responses." in two.text
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        reminder_mail(lang="de", organisation="O", link="https://x", closes_at=None)


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
