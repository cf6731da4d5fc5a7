"""Sending one message over SMTP as ``SMTP_URL`` says.

``smtp://host:port`` sends in plain text (a local relay), ``smtp+starttls://`` upgrades
with STARTTLS first and ``smtps://`` speaks TLS from the start; a user and password in
the URL (``smtp+starttls://user:password@host:587``) sign in.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 30


class MailConfigError(ValueError):
    """``SMTP_URL`` cannot be used."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise MailConfigError(
            f"SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)} (got {scheme!r})"
        )
    if not parts.hostname:
        raise MailConfigError("SMTP_URL names no host")
    return SmtpServer(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or SCHEMES[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def send(server: SmtpServer, message: EmailMessage) -> None:
    """Deliver ``message``; any refusal or network failure raises (the queue retries)."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.scheme == "smtps":
        client = smtplib.SMTP_SSL(
            server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if server.scheme == "smtp+starttls":
            client.starttls(context=context)
            client.ehlo()
        if server.username:
            client.login(server.username, server.password or "")
        client.send_message(message)
