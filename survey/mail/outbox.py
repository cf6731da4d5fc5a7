"""The send queue: mail waits in the database until a worker has delivered it.

Several app workers may poll at once (SQLite or PostgreSQL): a worker claims a row
with one conditional UPDATE that succeeds for exactly one of them, sends outside any
transaction, and records the outcome. A claim lasts ``CLAIM_SECONDS``; a worker that
dies mid-send leaves a claim that expires, and the row is tried again. A failed send
waits ``BASE_DELAY`` doubled per attempt (at most ``LONGEST_DELAY``) and counts as
failed after the configured number of attempts. Once a mail is sent, or counts as
failed, its text is erased from the queue (it may hold a personal or reset link).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from survey.db import Database
from survey.mail.message import MailContent, build_message
from survey.models import Invitation, OutboxMessage, utcnow

CLAIM_SECONDS = 300
BASE_DELAY = timedelta(seconds=60)
LONGEST_DELAY = timedelta(hours=2)
BATCH = 20

Sender = Callable[[EmailMessage], None]


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    retried: int
    failed: int


def enqueue_message(
    session: Session,
    *,
    to: str,
    lang: str,
    content: MailContent,
    invitation_id: str | None = None,
) -> OutboxMessage:
    """Queue a mail in the caller's transaction: it is sent only if that commits."""
    message = OutboxMessage(
        recipient=to,
        lang=lang,
        subject=content.subject,
        body_text=content.text,
        body_html=content.html,
        invitation_id=invitation_id,
    )
    session.add(message)
    session.flush()
    return message


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped."""
    return min(BASE_DELAY * 2 ** max(0, attempts - 1), LONGEST_DELAY)


def _due(session: Session, now: datetime, max_attempts: int) -> list[str]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.attempts < max_attempts,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.next_attempt_at)
            .limit(BATCH)
        )
    )


def claim_due(database: Database, *, now: datetime, max_attempts: int) -> list[str]:
    """Claim up to ``BATCH`` due messages for this worker; each id is claimed once."""
    claim = str(uuid.uuid4())
    claimed = []
    with database.session() as session:
        candidates = _due(session, now, max_attempts)
    for message_id in candidates:
        with database.session() as session:
            won = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                    or_(
                        OutboxMessage.claimed_until.is_(None),
                        OutboxMessage.claimed_until < now,
                    ),
                )
                .values(
                    claim=claim,
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                    attempts=OutboxMessage.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(message_id)
    return claimed


def deliver_due(
    database: Database,
    send: Sender,
    *,
    sender: str,
    max_attempts: int,
    now: Callable[[], datetime] = utcnow,
) -> DeliveryReport:
    """Send every due message once; returns what happened."""
    sent = retried = failed = 0
    for message_id in claim_due(database, now=now(), max_attempts=max_attempts):
        with database.session() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None:
                continue
            email = build_message(
                sender=sender,
                recipient=row.recipient,
                lang=row.lang,
                content=MailContent(row.subject, row.body_text, row.body_html),
            )
        try:
            send(email)
        except Exception as exc:  # any refusal or network failure: retry later
            outcome = _record_failure(database, message_id, exc, now(), max_attempts)
            failed += outcome
            retried += 1 - outcome
        else:
            _record_success(database, message_id, now())
            sent += 1
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _record_success(database: Database, message_id: str, at: datetime) -> None:
    with database.session() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            return
        row.sent_at = at
        row.claim = None
        row.claimed_until = None
        row.last_error = None
        _erase_text(row)
        if row.invitation_id and (invitation := session.get(Invitation, row.invitation_id)):
            invitation.mailed_at = invitation.mailed_at or at


def _erase_text(row: OutboxMessage) -> None:
    """A sent (or given-up) mail keeps its recipient, subject and outcome, not its text:
    the text may hold a personal link or a password-reset link."""
    row.body_text = ""
    row.body_html = ""


def _record_failure(
    database: Database, message_id: str, exc: Exception, at: datetime, max_attempts: int
) -> int:
    """Schedule the next attempt, or give up; 1 when the message now counts as failed."""
    with database.session() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            return 0
        row.claim = None
        row.claimed_until = None
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= max_attempts:
            row.failed_at = at
            _erase_text(row)
            return 1
        row.next_attempt_at = at + retry_delay(row.attempts)
        return 0
