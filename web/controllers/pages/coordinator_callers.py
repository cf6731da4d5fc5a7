"""Who may open the coordinator's pages: guards with each page's own 401 text.

The guards look the coordinator up once, in the request's session (``web.request_db``),
so that the ``coordinator`` dependency hands on what they found; a page without one
answers 401 with the page's own sign-in text. A dependency that raised instead would
leave the request's ``db`` unfinished (Litestar does not close an already resolved
generator dependency when a later one raises).
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from web import request_db
from web.auth import COORDINATOR, coordinator_for
from web.i18n import N_

SIGN_IN_AS_COORDINATOR = N_(
    "Sign in as a coordinator, or open your dashboard link, to see this page."
)
OPEN_DASHBOARD_AGAIN = N_("Open your dashboard link again to see this page.")


def coordinator_guard(detail: str | None = None) -> Guard:
    """A guard: 401 with ``detail`` (the error page's text) unless a coordinator asks."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if await request_db.caller(connection, COORDINATOR, coordinator_for) is None:
            raise NotAuthorizedException(detail=detail or "")

    return guard


coordinator_page = coordinator_guard(SIGN_IN_AS_COORDINATOR)
"""The organisation's own pages: its dashboard, opening, following and closing rounds."""

round_work_page = coordinator_guard(OPEN_DASHBOARD_AGAIN)
"""The pages that work on one round: actions, dialogue, invitations, settings."""

report_page = coordinator_guard()
"""The round report download (its 401 page has no text of its own)."""
