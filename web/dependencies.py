"""Request-scoped things as Litestar dependencies, each resolved once per request.

A handler names what it needs as a parameter and the app (``web.app``) provides it:

* ``db``: the request's database session (``web.request_db``), one transaction that
  commits after the handler returns, before the response is sent, and rolls back
  when the handler raises;
* ``coordinator``, ``respondent``, ``office``: the caller, 401 without a valid
  credential; looked up once per request (the guard's lookup is the one kept), and
  ``coordinator_or_none``, ``respondent_or_none``, ``office_or_none`` for pages that
  serve anyone;
* ``settings``, ``database``, ``library``, ``pinned``, ``benchmarks`` (the benchmark
  frames cache): what the composition root built;
* ``page_lang``: the language of the page (``web.i18n``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from anyio.to_thread import run_sync
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation
from sqlalchemy.orm import Session

from analytics.service import BenchmarkCache
from instruments import InstrumentLibrary
from survey.db import Database
from survey.models import ApiToken, Organisation, Response, User
from survey.services.pinned import PinnedInstruments
from web import i18n, request_db
from web.auth import (
    COORDINATOR,
    OFFICE,
    RESPONDENT,
    coordinator_for,
    office_for,
    respondent_for,
    unauthorized,
)
from web.settings import WebSettings
from web.state import app_state

AnyRequest = Request[Any, Any, Any]
# A union of two models is more than Litestar's signature model takes; the lookup has
# checked the type already.
OfficeCaller = NamedDependency[SkipValidation[User | ApiToken]]
OfficeOrNone = NamedDependency[SkipValidation[User | ApiToken | None]]


async def provide_db(request: AnyRequest) -> AsyncGenerator[Session, None]:
    session = await request_db.request_session(request)
    try:
        yield session
    except BaseException:
        await run_sync(session.rollback)
        raise
    if session.in_transaction():
        await run_sync(session.commit)


async def provide_coordinator_or_none(request: AnyRequest) -> Organisation | None:
    found = await request_db.caller(request, COORDINATOR, coordinator_for)
    return found if isinstance(found, Organisation) else None


async def provide_respondent_or_none(request: AnyRequest) -> Response | None:
    found = await request_db.caller(request, RESPONDENT, respondent_for)
    return found if isinstance(found, Response) else None


async def provide_office_or_none(request: AnyRequest) -> OfficeOrNone:
    found = await request_db.caller(request, OFFICE, office_for)
    return found if isinstance(found, User | ApiToken) else None


async def provide_coordinator(
    coordinator_or_none: NamedDependency[Organisation | None],
) -> Organisation:
    if coordinator_or_none is None:
        raise unauthorized(COORDINATOR)
    return coordinator_or_none


async def provide_respondent(
    respondent_or_none: NamedDependency[Response | None],
) -> Response:
    if respondent_or_none is None:
        raise unauthorized(RESPONDENT)
    return respondent_or_none


async def provide_office(office_or_none: OfficeOrNone) -> OfficeCaller:
    if office_or_none is None:
        raise unauthorized(OFFICE)
    return office_or_none


def provide_settings(request: AnyRequest) -> WebSettings:
    return app_state(request.app.state).settings


def provide_database(request: AnyRequest) -> Database:
    return app_state(request.app.state).database


def provide_library(request: AnyRequest) -> InstrumentLibrary:
    return app_state(request.app.state).library


def provide_pinned(request: AnyRequest) -> PinnedInstruments:
    return app_state(request.app.state).pinned


def provide_benchmarks(request: AnyRequest) -> BenchmarkCache:
    return app_state(request.app.state).benchmarks


def provide_page_lang(request: AnyRequest) -> str:
    return i18n.request_language(request)


DEPENDENCIES = {
    "db": Provide(provide_db),
    "coordinator": Provide(provide_coordinator),
    "coordinator_or_none": Provide(provide_coordinator_or_none),
    "respondent": Provide(provide_respondent),
    "respondent_or_none": Provide(provide_respondent_or_none),
    "office": Provide(provide_office),
    "office_or_none": Provide(provide_office_or_none),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "database": Provide(provide_database, sync_to_thread=False),
    "library": Provide(provide_library, sync_to_thread=False),
    "pinned": Provide(provide_pinned, sync_to_thread=False),
    "benchmarks": Provide(provide_benchmarks, sync_to_thread=False),
    "page_lang": Provide(provide_page_lang, sync_to_thread=False),
}
