"""Who is asking: coordinators, respondents and the integrity office (docs/web-contract.md).

* ``/api/*`` accepts only ``Authorization: Bearer <token>``, never a cookie, so it
  needs no CSRF protection; the session middleware does not even run there. A
  coordinator's bearer token is a personal API token or the organisation's dashboard
  link token (until the first account claims it).
* Browser pages use a server-side session (cookie ``smb_session``) in the shared
  store, with the keys ``coordinator_id`` (a signed-in coordinator account),
  ``organisation_id`` with ``_link`` (a dashboard-link session, valid while that link
  is live: claiming the first account uses it up), ``user_id`` and ``response_id``, and the
  respondent's ``smb_resume`` cookie holding the respondent token. Over https both
  names carry the ``__Host-`` prefix (``web.security.cookie_name``).
* A link with a token (``/c/{token}``, ``/r/{token}``, ``/p/{token}``) is exchanged on first use for a
  session or resume cookie and a 303 redirect to a URL without the token.
* A session rotates (new id, old data deleted) at every login and lives at most
  ``settings.session_max_age`` seconds from then; logout deletes it. A coordinator's
  session ends too when the account's password changes after the session began.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Guard, Message, ScopeSession
from sqlalchemy.orm import Session

from survey.mail.worker import PERSONAL_LINK
from survey.models import ApiToken, Coordinator, Organisation, Response, User
from survey.services import coordinators, organisations, personal_tokens, responses, users
from survey.settings import Settings
from web import request_db
from web.security import cookie_name
from web.settings import WebSettings
from web.state import app_state
from web.stores import SESSIONS

SESSION_COOKIE = "smb_session"
RESUME_COOKIE = "smb_resume"
RESUME_MAX_AGE = 365 * 86400
ORGANISATION_KEY = "organisation_id"
COORDINATOR_KEY = "coordinator_id"
# The dashboard link of a link session, kept server-side so that the first account can
# be claimed with it after the browser has left the URL that carried it.
LINK_KEY = "_link"
USER_KEY = "user_id"
RESPONSE_KEY = "response_id"
LOGIN_AT_KEY = "_login_at"
SEEN_AT_KEY = "_seen_at"
# A signed-in session's last-seen time is written at most this often (seconds).
SEEN_AT_GRANULARITY = 60
MAX_TOKEN_LENGTH = 200
API_PREFIX = "/api"
DASHBOARD_PATH = "/c/{token}"
RESUME_PATH = "/r/{token}"
INVITE_PATH = "/i/{invite_code}"

_ROTATE = "smb.rotate_session"
_LOADED = "smb.loaded_session"


def clock() -> float:
    """Seconds since the epoch: the time the session rules go by."""
    return time.time()


# --- credentials -----------------------------------------------------------------


def bearer_token(connection: ASGIConnection) -> str | None:
    """The token of an ``Authorization: Bearer`` header, ``""`` for a malformed one."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return ""
    return token


def _browser(connection: ASGIConnection) -> bool:
    """Cookies count as credentials only outside the API."""
    path: str = connection.scope["path"]
    return not (path == API_PREFIX or path.startswith(API_PREFIX + "/"))


def _session(connection: ASGIConnection) -> dict[str, Any]:
    if not _browser(connection):
        return {}
    data = connection.scope.get("session")
    return data if isinstance(data, dict) else {}


def coordinator_for(connection: ASGIConnection, db: Session) -> Organisation | None:
    token = bearer_token(connection)
    if token is not None:
        if (owner := personal_tokens.coordinator_for_token(db, token)) is not None:
            return db.get(Organisation, owner.organisation_id)
        return organisations.organisation_for_token(db, token)
    if (account := coordinator_account(connection, db)) is not None:
        return db.get(Organisation, account.organisation_id)
    return link_organisation(connection, db)


def coordinator_account(connection: ASGIConnection, db: Session) -> Coordinator | None:
    """The signed-in coordinator account of a browser session whose password has not
    changed since it began."""
    data = _session(connection)
    found = db.get(Coordinator, _str_or_none(data.get(COORDINATOR_KEY)) or "")
    login_at = data.get(LOGIN_AT_KEY)
    if found is None or not isinstance(login_at, int | float):
        return None
    began = datetime.fromtimestamp(login_at, UTC)
    return found if coordinators.session_still_valid(found, began) else None


def link_organisation(connection: ASGIConnection, db: Session) -> Organisation | None:
    """The organisation of a dashboard-link session, while the link is live (claiming the
    first account, or a rotation, revokes the link and so ends its sessions)."""
    data = _session(connection)
    organisation = organisations.organisation_for_token(db, _str_or_none(data.get(LINK_KEY)))
    if organisation is None or organisation.id != data.get(ORGANISATION_KEY):
        return None
    return organisation


def session_link_token(connection: ASGIConnection) -> str | None:
    """The dashboard link token of a link session (to claim the first account)."""
    return _str_or_none(_session(connection).get(LINK_KEY))


def respondent_for(connection: ASGIConnection, db: Session) -> Response | None:
    token = bearer_token(connection)
    if token is not None:
        return responses.response_for_token(db, token)
    response_id = _session(connection).get(RESPONSE_KEY)
    if isinstance(response_id, str) and (found := db.get(Response, response_id)) is not None:
        return found
    if _browser(connection):
        settings = app_state(connection.app.state).settings
        cookie = connection.cookies.get(cookie_name(RESUME_COOKIE, settings))
        return responses.response_for_token(db, cookie)
    return None


def office_for(connection: ASGIConnection, db: Session) -> User | ApiToken | None:
    token = bearer_token(connection)
    if token is not None:
        return users.api_token_for(db, token)
    data = _session(connection)
    found = users.get_user(db, _str_or_none(data.get(USER_KEY)))
    login_at = data.get(LOGIN_AT_KEY)
    if found is None or not isinstance(login_at, int | float):
        return None
    began = datetime.fromtimestamp(login_at, UTC)
    return found if users.session_still_valid(found, began) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def unauthorized(what: str) -> NotAuthorizedException:
    return NotAuthorizedException(
        detail=f"This needs a valid {what} credential (Authorization: Bearer <token>).",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_respondent(connection: ASGIConnection, db: Session) -> Response:
    """The caller's response in the handler's own transaction; 401 if there is none."""
    if (found := respondent_for(connection, db)) is None:
        raise unauthorized(RESPONDENT)
    return found


# --- guards ----------------------------------------------------------------------


def _guard(find: Callable[[ASGIConnection, Session], object | None], what: str) -> Guard:
    """A Litestar guard: 401 unless ``find`` recognises the caller's credential. The
    caller it finds is kept for the request (``web.dependencies`` hands it on)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if await request_db.caller(connection, what, find) is None:
            raise unauthorized(what)

    guard.__name__ = f"require_{what.replace('-', '_')}"
    return guard


def _bearer_guard(what: str) -> Guard:
    """A guard for API handlers that look their caller up themselves, in the same trip
    to the database as their work (``request_db.run_and_commit``): 401 already here
    without a well-formed ``Authorization: Bearer`` header, as the full guard gives."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if not bearer_token(connection):
            raise unauthorized(what)

    guard.__name__ = f"require_{what.replace('-', '_')}_bearer"
    return guard


COORDINATOR = "coordinator"
RESPONDENT = "respondent"
OFFICE = "integrity-office"
require_coordinator = _guard(coordinator_for, COORDINATOR)
require_respondent_bearer = _bearer_guard(RESPONDENT)
require_office = _guard(office_for, OFFICE)


# --- browser sessions --------------------------------------------------------------


def _scope(connection: ASGIConnection) -> dict[str, Any]:
    """The ASGI scope as a plain dict, for this module's own private keys."""
    return cast("dict[str, Any]", connection.scope)


def _rotate(connection: ASGIConnection, key: str, value: str, **extra: str) -> None:
    _scope(connection)[_ROTATE] = True
    connection.set_session({key: value, LOGIN_AT_KEY: clock(), **extra})


def login_coordinator(
    connection: ASGIConnection, organisation: Organisation, link_token: str
) -> None:
    """Start a fresh dashboard-link session (a new session id; the old one is deleted)."""
    _rotate(connection, ORGANISATION_KEY, organisation.id, **{LINK_KEY: link_token})


def login_coordinator_account(connection: ASGIConnection, coordinator: Coordinator) -> None:
    """Start a fresh session of a coordinator account (a new session id)."""
    _rotate(connection, COORDINATOR_KEY, coordinator.id)


def remember(connection: ASGIConnection, key: str, value: str) -> None:
    """Keep ``value`` in the browser's server-side session (for a one-time link's token,
    after the browser has left the URL that carried it)."""
    data = dict(_session(connection))
    data[key] = value
    connection.set_session(data)


def recalled(connection: ASGIConnection, key: str) -> str | None:
    return _str_or_none(_session(connection).get(key))


def signed_in(connection: ASGIConnection) -> bool:
    """Whether the browser's session belongs to someone who signed in (for the header)."""
    data = _session(connection)
    return any(data.get(key) for key in (COORDINATOR_KEY, ORGANISATION_KEY, USER_KEY))


def login_user(connection: ASGIConnection, user: User) -> None:
    """Start a fresh integrity-office session (a new session id; the old one is deleted)."""
    _rotate(connection, USER_KEY, user.id)


def login_respondent(connection: ASGIConnection, response: Response) -> None:
    """Start a fresh respondent session (a new session id; the old one is deleted)."""
    _rotate(connection, RESPONSE_KEY, response.id)


def logout(connection: ASGIConnection) -> None:
    """End the session: its data is deleted from the store and the cookie expires."""
    connection.clear_session()


def public_url(connection: ASGIConnection, settings: Settings, path: str) -> str:
    """An absolute link: ``settings.base_url`` (or the request's own base) and ``path``."""
    base = settings.base_url or str(connection.base_url)
    return base.rstrip("/") + path


def dashboard_url(connection: ASGIConnection, settings: Settings, token: str) -> str:
    """The coordinator's secret dashboard link ``/c/{token}``."""
    return public_url(connection, settings, DASHBOARD_PATH.format(token=token))


def resume_url(connection: ASGIConnection, settings: Settings, token: str) -> str:
    """The respondent's personal resume link ``/r/{token}``."""
    return public_url(connection, settings, RESUME_PATH.format(token=token))


def personal_url(connection: ASGIConnection, settings: Settings, token: str) -> str:
    """A person's own invitation link ``/p/{token}``."""
    return public_url(connection, settings, PERSONAL_LINK.format(token=token))


def invite_url(connection: ASGIConnection, settings: Settings, invite_code: str) -> str:
    """The invitation link of a round ``/i/{invite_code}``."""
    return public_url(connection, settings, INVITE_PATH.format(invite_code=invite_code))


def resume_cookie(token: str, settings: WebSettings) -> Cookie:
    """The respondent's ``smb_resume`` cookie (HttpOnly, SameSite=Lax, one year)."""
    return Cookie(
        key=cookie_name(RESUME_COOKIE, settings),
        value=token,
        max_age=RESUME_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


class SessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, with rotation at login and an absolute lifetime.

    * A session is written only when its data changed, and then under a new id when
      the request logged someone in or when the browser's id is unknown to the store
      (so nobody can plant a session id).
    * An empty session is never stored and sets no cookie.
    * Data older than ``max_age`` seconds since login is dropped, whatever the store says,
      and so is a signed-in session not used for ``idle_timeout`` seconds (its last use
      is written at most once a minute).
    """

    config: SessionConfig

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        now = clock()
        login_at = data.get(LOGIN_AT_KEY)
        seen_at = data.get(SEEN_AT_KEY, login_at)
        if isinstance(login_at, int | float) and (
            now - login_at > self.config.max_age
            or not isinstance(seen_at, int | float)
            or now - seen_at > self.config.idle_timeout
        ):
            data = {}
        _scope(connection)[_LOADED] = dict(data)
        if data and now - data.get(SEEN_AT_KEY, 0) > SEEN_AT_GRANULARITY:
            data[SEEN_AT_KEY] = now
        return data

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_id = connection.cookies.get(self.config.key)
        known = cookie_id if scope.get(_LOADED) else None
        rotate = bool(scope.get(_ROTATE))
        data = scope_session if isinstance(scope_session, dict) else {}

        if cookie_id and (rotate or not data) and cookie_id != "null":
            await self.delete(cookie_id, store=store)
        if not data:
            if cookie_id and cookie_id != "null":
                headers.add("Set-Cookie", self._cookie("null", expires=0))
            return
        if not rotate and known and data == scope.get(_LOADED):
            return
        session_id = known if known and not rotate else self.generate_session_id()
        await self.set(session_id, self.serialize_data(data, scope), store=store)
        headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, **extra: Any) -> str:
        config = self.config
        return Cookie(
            key=config.key,
            value=value,
            path=config.path,
            max_age=None if extra else config.max_age,
            secure=config.secure,
            httponly=config.httponly,
            samesite=config.samesite,
            **extra,
        ).to_header(header="")


@dataclass
class SessionConfig(ServerSideSessionConfig):
    idle_timeout: int = 3600
    _backend_class = SessionBackend


def session_config(settings: WebSettings) -> SessionConfig:
    return SessionConfig(
        key=cookie_name(SESSION_COOKIE, settings),
        path="/",
        max_age=settings.session_max_age,
        idle_timeout=settings.session_idle_timeout,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        store=SESSIONS,
        exclude=["^/api(/|$)", "^/health(/|$)", "^/schema(/|$)", "^/static/"],
    )
