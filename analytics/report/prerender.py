"""Rendering a round's report files in the background once the round closes, so that
the first download is served from the cache.

A round's report becomes available when the round closes. In the web app (the
coordinator's page or API call, a deadline in the app's mail worker) :class:`Prerenderer`
watches the commits of the app's sessions for a round whose status became closed and
hands it to one background thread, which renders every format in every language for
the web's default peer group (:func:`prerender_round`): the input is read in a short
transaction, each file rendered outside any transaction (no SQLite write lock while
rendering) and stored in a transaction of its own. A file already in the cache is
left alone. Only the worker that closed the round renders its files; every worker
reads them from the shared cache.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from analytics.report.inputs import DEFAULT_PEER_GROUP
from analytics.report.service import PendingReport, finish_report, prepare_reports
from instruments import InstrumentLibrary
from survey.db import Database
from survey.i18n import LANGUAGES
from survey.models import Round
from survey.settings import Settings

LOGGER = logging.getLogger(__name__)
FORMATS = ("pdf", "html", "xlsx", "csv")  # the slowest first
_CLOSED = "report.prerender.closed"  # session.info: ids of rounds closed in the transaction


def prerender_round(
    database: Database,
    library: InstrumentLibrary,
    round_id: str,
    *,
    settings: Settings | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> int:
    """Render and store the round's report files that the cache lacks; returns how
    many were rendered. Nothing happens for an unknown or open round; ``stopping``
    is asked before each file."""
    rendered = 0
    for lang in LANGUAGES:
        with database.session() as session:
            round_ = session.get(Round, round_id)
            if round_ is None or round_.is_open:
                return rendered
            prepared = prepare_reports(
                session,
                round_,
                library,
                formats=FORMATS,
                lang=lang,
                settings=settings,
                peer_group=DEFAULT_PEER_GROUP,
            )
        for pending in prepared:
            if stopping():
                return rendered
            if isinstance(pending, PendingReport):
                finish_report(database, pending)
                rendered += 1
    return rendered


def _note_closed_rounds(session: Session, _flush: UOWTransaction) -> None:
    """After a flush: remember the rounds whose status it changed to closed."""
    for instance in session.dirty:
        if (
            isinstance(instance, Round)
            and instance.status == "closed"
            and "closed" in inspect(instance).attrs.status.history.added
        ):
            session.info.setdefault(_CLOSED, set()).add(instance.id)


def _forget_closed_rounds(session: Session) -> None:
    session.info.pop(_CLOSED, None)


class Prerenderer:
    """The background renderer of one app process (see the module docstring)."""

    def __init__(
        self,
        database: Database,
        library: InstrumentLibrary,
        settings: Settings,
        *,
        enabled: bool = True,
    ):
        self.database = database
        self.library = library
        self.settings = settings
        self.enabled = enabled
        self.rounds: queue.Queue[str | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._on_commit = self._closed  # one bound method, so that it can be removed

    def start(self) -> None:
        """Watch the app's sessions and start the thread (when enabled)."""
        if not self.enabled or self.thread is not None:
            return
        self._stopping.clear()
        sessions = self.database.sessions
        event.listen(sessions, "after_flush", _note_closed_rounds)
        event.listen(sessions, "after_commit", self._on_commit)
        event.listen(sessions, "after_rollback", _forget_closed_rounds)
        self.thread = threading.Thread(target=self._run, name="report-prerender", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop watching, finish the file being rendered and leave the rest."""
        if self.thread is None:
            return
        sessions = self.database.sessions
        event.remove(sessions, "after_flush", _note_closed_rounds)
        event.remove(sessions, "after_commit", self._on_commit)
        event.remove(sessions, "after_rollback", _forget_closed_rounds)
        self._stopping.set()
        self.rounds.put(None)
        self.thread.join()
        self.thread = None

    def idle(self) -> None:
        """Wait until every round handed over so far is rendered."""
        self.rounds.join()

    def _closed(self, session: Session) -> None:
        for round_id in sorted(session.info.pop(_CLOSED, ())):
            self.rounds.put(round_id)

    def _run(self) -> None:
        while (round_id := self.rounds.get()) is not None:
            try:
                if not self._stopping.is_set():
                    prerender_round(
                        self.database,
                        self.library,
                        round_id,
                        settings=self.settings,
                        stopping=self._stopping.is_set,
                    )
            except Exception:
                LOGGER.exception("pre-rendering the reports of round %s failed", round_id)
            finally:
                self.rounds.task_done()
        self.rounds.task_done()
