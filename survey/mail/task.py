"""The mail and deadline worker as a background task of the web app (``MAIL_WORKER``)."""

from __future__ import annotations

import asyncio
import contextlib

from instruments import InstrumentLibrary
from survey.db import Database
from survey.mail import smtp
from survey.mail.worker import run_forever
from survey.settings import Settings


class MailWorkerTask:
    def __init__(self, database: Database, settings: Settings, library: InstrumentLibrary):
        self.database = database
        self.settings = settings
        self.library = library
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the loop; an unusable ``SMTP_URL`` stops the app from starting."""
        if self.settings.smtp_url is not None:
            smtp.parse_smtp_url(self.settings.smtp_url)
        if self.settings.mail_worker:
            self.task = asyncio.create_task(run_forever(self.database, self.settings, self.library))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
