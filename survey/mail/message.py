"""A mail's content (plain text and HTML) and the MIME message built from it.

No tracking: no remote images, no pixel, no rewritten links, no per-recipient ids
beyond the link the mail exists to deliver.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from survey.models import utcnow


@dataclass(frozen=True)
class MailContent:
    subject: str
    text: str
    html: str


def paragraphs_to_html(paragraphs: list[str], lang: str) -> str:
    """A small, self-contained HTML body: each paragraph escaped; URLs become links."""
    return _document(lang, _paragraphs(paragraphs))


def languages_to_html(parts: list[tuple[str, list[str]]]) -> str:
    """One HTML body with the same text in several languages, each part marked with its
    language and separated by a rule; the document's language is the first part's."""
    body = "<hr>\n".join(
        f'<div lang="{html.escape(lang)}">\n{_paragraphs(paragraphs)}</div>\n'
        for lang, paragraphs in parts
    )
    return _document(parts[0][0], body)


def _paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{_linked(p)}</p>\n" for p in paragraphs)


def _document(lang: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8"></head>'
        f'<body style="font-family: sans-serif; line-height: 1.5">\n{body}</body></html>\n'
    )


def _linked(paragraph: str) -> str:
    words = []
    for word in paragraph.split(" "):
        escaped = html.escape(word)
        if word.startswith(("https://", "http://")):
            escaped = f'<a href="{escaped}">{escaped}</a>'
        words.append(escaped)
    return " ".join(words).replace("\n", "<br>\n")


def build_message(*, sender: str, recipient: str, lang: str, content: MailContent) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = content.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    message["Content-Language"] = lang  # after the content, which resets Content-* headers
    return message
