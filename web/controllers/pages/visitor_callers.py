"""Who visits the respondent, account and office pages: guards and providers.

A guard refuses a visitor without the right credential with the page's own 401 text
(the error page says what to do next); the providers then hand the handler the caller
the guard found. Guards refuse, providers never raise: Litestar would not end the
``db`` dependency of a request whose later dependency raised.

The ``*_or_none`` providers depend on ``db`` so that the lookup shares the request's
session, opened by ``db`` first: the app's own variants, resolved next to ``db`` on a
page without a guard, would each open it and wait for the other's slot of the session
gate (one on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard
from sqlalchemy.orm import Session

from survey.models import Coordinator, Response, User
from web import request_db
from web.auth import OFFICE, RESPONDENT, coordinator_account, office_for, respondent_for
from web.i18n import N_

AnyRequest = Request[Any, Any, Any]

ACCOUNT = "coordinator-account"
SIGN_IN_AGAIN = N_("Open your personal link again to continue answering.")
SIGN_IN_AS_COORDINATOR = N_("Sign in as a coordinator to see this page.")
SIGN_IN_AS_OFFICE = N_("Sign in as an integrity office to see this page.")


def _guard(
    kind: str, find: Callable[[ASGIConnection, Session], object | None], wanted: type, text: str
) -> Guard:
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if not isinstance(await request_db.caller(connection, kind, find), wanted):
            raise NotAuthorizedException(detail=text)

    return guard


require_respondent_page = _guard(RESPONDENT, respondent_for, Response, SIGN_IN_AGAIN)
"""The respondent known by the resume cookie (or session); 401 says to open the link again."""
require_account = _guard(ACCOUNT, coordinator_account, Coordinator, SIGN_IN_AS_COORDINATOR)
"""A signed-in coordinator account (not a dashboard-link session, not a bearer token)."""
require_office_user = _guard(OFFICE, office_for, User, SIGN_IN_AS_OFFICE)
"""A signed-in integrity-office user (not an API token)."""


async def provide_respondent_or_none(
    request: AnyRequest, db: NamedDependency[Session]
) -> Response | None:
    found = await request_db.caller(request, RESPONDENT, respondent_for)
    return found if isinstance(found, Response) else None


async def provide_account_or_none(
    request: AnyRequest, db: NamedDependency[Session]
) -> Coordinator | None:
    found = await request_db.caller(request, ACCOUNT, coordinator_account)
    return found if isinstance(found, Coordinator) else None


async def provide_account(account_or_none: NamedDependency[Coordinator | None]) -> Coordinator:
    """Behind `require_account`."""
    assert account_or_none is not None
    return account_or_none


async def provide_office_user_or_none(
    request: AnyRequest, db: NamedDependency[Session]
) -> User | None:
    found = await request_db.caller(request, OFFICE, office_for)
    return found if isinstance(found, User) else None


async def provide_office_user(office_user_or_none: NamedDependency[User | None]) -> User:
    """Behind `require_office_user`."""
    assert office_user_or_none is not None
    return office_user_or_none


RESPONDENT_PAGES = {"respondent_or_none": Provide(provide_respondent_or_none)}
"""``respondent_or_none`` in the request's session; the app's ``respondent`` uses it."""
ACCOUNT_PAGES = {
    "account_or_none": Provide(provide_account_or_none),
    "account": Provide(provide_account),
}
OFFICE_PAGES = {
    "office_user_or_none": Provide(provide_office_user_or_none),
    "office_user": Provide(provide_office_user),
}
