"""One database session per request, and the caller looked up once in it.

The request's session is opened by the first that needs it: a guard checking a
credential, or a handler's ``db`` dependency (``web.dependencies``), which commits
it after the handler returns and before the response is sent. ``RequestSessionMiddleware``
closes it whatever happened (rolling back what was not committed).

A request holds one of its worker's gate slots (``web.state.SessionGate``) from
opening its session to committing or closing it, and there are as many slots as the
database takes sessions at once (``Database.capacity``): on PostgreSQL the connection
pool's size, so that no thread ever waits for a connection long (the pool's overflow
stays free for sessions opened in a thread, which give theirs back before the thread
ends); on SQLite one, as SQLite takes one writer at a time (every
transaction begins ``IMMEDIATE``, see ``survey.db``), and requests that queue in the
worker, first come first served, wait less than in SQLite's busy handler, which
sleeps ever longer between tries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import anyio
from anyio.to_thread import run_sync
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.orm import Session

from web.state import app_state

_OPENED = "smb.request_db"
T = TypeVar("T")


@dataclass
class _Opened:
    session: Session | None = None
    gate: anyio.Semaphore | None = None
    callers: dict[str, object] = field(default_factory=dict)

    async def commit(self) -> None:
        if self.session is not None and self.session.in_transaction():
            await run_sync(self.session.commit)
        self._let_in()

    async def run_and_commit(self, work: Callable[[Session], T], session: Session) -> T:
        try:
            return await run_sync(_committed, work, session)
        finally:
            self._let_in()

    def _let_in(self) -> None:
        if self.gate is not None:
            self.gate.release()
            self.gate = None

    async def close(self) -> None:
        try:
            if self.session is not None:
                if self.session.in_transaction():
                    await run_sync(self.session.close)
                else:
                    self.session.close()
        finally:
            self._let_in()


def _committed(work: Callable[[Session], T], session: Session) -> T:
    try:
        result = work(session)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


class RequestSessionMiddleware:
    """Closes the request's database session, if one was opened, when the request ends."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        opened = _Opened()
        cast("dict[str, Any]", scope)[_OPENED] = opened
        try:
            await self.app(scope, receive, send)
        finally:
            await opened.close()


def _opened(connection: ASGIConnection) -> _Opened:
    opened = connection.scope.get(_OPENED)  # type: ignore[misc]
    if not isinstance(opened, _Opened):
        raise RuntimeError("RequestSessionMiddleware is not installed")
    return opened


async def request_session(connection: ASGIConnection) -> Session:
    """The request's database session (opened on first use)."""
    opened = _opened(connection)
    if opened.session is None:
        app = app_state(connection.app.state)
        gate = app.gate.semaphore
        await gate.acquire()
        opened.gate = gate
        opened.session = app.database.sessions()
    return opened.session


async def caller(
    connection: ASGIConnection,
    kind: str,
    find: Callable[[ASGIConnection, Session], object | None],
) -> object | None:
    """The caller of ``kind`` (``find`` run once per request, in the request's session)."""
    opened = _opened(connection)
    if kind not in opened.callers:
        session = await request_session(connection)
        opened.callers[kind] = await run_sync(find, connection, session)
    return opened.callers[kind]


async def commit(connection: ASGIConnection) -> None:
    """Commit the request's transaction now, before slow work that needs no database
    (rendering a report), and give its gate slot to the next request."""
    await _opened(connection).commit()


async def run_and_commit(connection: ASGIConnection, work: Callable[[Session], T]) -> T:
    """``work`` on the request's session and then the commit (or the rollback, if it
    raises) in one trip to a worker thread, for a handler that looks its caller up
    itself (the save path, docs/architecture.md); the gate slot is given back after."""
    session = await request_session(connection)
    return await _opened(connection).run_and_commit(work, session)
