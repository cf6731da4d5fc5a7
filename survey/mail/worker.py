"""The periodic work: close rounds at their deadline, queue due reminders, send the queue.

It runs inside each app worker (a lifespan task, ``MAIL_WORKER``) or on its own as
``survey mail send [--loop]``; several may run at once, since every step claims its
rows in the database.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial

from anyio.to_thread import run_sync

from instruments import InstrumentLibrary
from survey.db import Database
from survey.mail import outbox, smtp
from survey.models import utcnow
from survey.services import schedule
from survey.settings import Settings

PERSONAL_LINK = "/p/{token}"
ROUND_PAGE = "/rounds/{round_id}"

log = logging.getLogger("survey.mail")


@dataclass(frozen=True)
class WorkReport:
    closed: int
    reminders: int
    delivery: outbox.DeliveryReport | None


def public_base(settings: Settings) -> str:
    return (settings.base_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def run_once(database: Database, settings: Settings, library: InstrumentLibrary) -> WorkReport:
    base = public_base(settings)
    mail_on = settings.smtp_url is not None
    now = utcnow()
    with database.session() as session:
        closed = schedule.close_overdue_rounds(
            session,
            library,
            dashboard_link=lambda round_id: base + ROUND_PAGE.format(round_id=round_id),
            now=now,
            notify=mail_on,
        )
    reminders = 0
    if mail_on:
        with database.session() as session:
            reminders = schedule.send_due_reminders(
                session,
                link_for=lambda token: base + PERSONAL_LINK.format(token=token),
                secret_key=settings.resolved_secret_key(),
                now=now,
            )
    delivery = None
    if settings.smtp_url is not None:
        server = smtp.parse_smtp_url(settings.smtp_url)
        delivery = outbox.deliver_due(
            database,
            partial(smtp.send, server),
            sender=settings.mail_from,
            max_attempts=settings.mail_max_attempts,
        )
    return WorkReport(len(closed), reminders, delivery)


async def run_forever(database: Database, settings: Settings, library: InstrumentLibrary) -> None:
    """Work every ``MAIL_POLL_SECONDS`` until cancelled; a failing pass is logged, not fatal."""
    while True:
        await asyncio.sleep(settings.mail_poll_seconds)
        try:
            await run_sync(run_once, database, settings, library)
        except Exception:
            log.exception("mail and deadline worker: this pass failed; trying again later")
