"""Who is asking: coordinators, respondents and the integrity office (docs/web-contract.md).

* ``/api/*`` accepts only ``Authorization: Bearer <token>``, never a cookie, so it
  needs no CSRF protection; the session middleware does not even run there.
* Browser pages use a server-side session (cookie ``smb_session``) in the shared
  store, with the keys ``organisation_id``, ``user_id`` and ``response_id``, and the
  respondent's ``smb_resume`` cookie holding the respondent token. Over https both
  names carry the ``__Host-`` prefix (``web.security.cookie_name``).
* A link with a token (``/c/{token}``, ``/r/{token}``, ``/p/{token}``) is exchanged on first use for a
  session or resume cookie and a 303 redirect to a URL without the token.
* A session rotates (new id, old data deleted) at every login and lives at most
  ``settings.session_max_age`` seconds from then; logout deletes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from anyio.to_thread import run_sync
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
from survey.models import ApiToken, Organisation, Response, User
from survey.services import organisations, responses, users
from survey.settings import Settings
from web.security import cookie_name
from web.state import app_state
from web.stores import SESSIONS

SESSION_COOKIE = "smb_session"
RESUME_COOKIE = "smb_resume"
RESUME_MAX_AGE = 365 * 86400
ORGANISATION_KEY = "organisation_id"
USER_KEY = "user_id"
RESPONSE_KEY = "response_id"
LOGIN_AT_KEY = "_login_at"
MAX_TOKEN_LENGTH = 200
API_PREFIX = "/api"
DASHBOARD_PATH = "/c/{token}"
RESUME_PATH = "/r/{token}"
INVITE_PATH = "/i/{invite_code}"

_ROTATE = "smb.rotate_session"
_LOADED = "smb.loaded_session"


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
        return organisations.organisation_for_token(db, token)
    organisation_id = _session(connection).get(ORGANISATION_KEY)
    return db.get(Organisation, organisation_id) if isinstance(organisation_id, str) else None


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
    return users.get_user(db, _str_or_none(_session(connection).get(USER_KEY)))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _unauthorized(what: str) -> NotAuthorizedException:
    return NotAuthorizedException(
        detail=f"This needs a valid {what} credential (Authorization: Bearer <token>).",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_coordinator(connection: ASGIConnection, db: Session) -> Organisation:
    """The caller's organisation in the handler's own transaction; 401 if there is none."""
    if (found := coordinator_for(connection, db)) is None:
        raise _unauthorized("coordinator")
    return found


def current_respondent(connection: ASGIConnection, db: Session) -> Response:
    """The caller's response in the handler's own transaction; 401 if there is none."""
    if (found := respondent_for(connection, db)) is None:
        raise _unauthorized("respondent")
    return found


def current_office(connection: ASGIConnection, db: Session) -> User | ApiToken:
    """The integrity-office caller in the handler's own transaction; 401 if there is none."""
    if (found := office_for(connection, db)) is None:
        raise _unauthorized("integrity-office")
    return found


# --- guards ----------------------------------------------------------------------


def _guard(find: Callable[[ASGIConnection, Session], object | None], what: str) -> Guard:
    """A Litestar guard: 401 unless ``find`` recognises the caller's credential."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        database = app_state(connection.app.state).database

        def recognised() -> bool:
            with database.session() as db:
                return find(connection, db) is not None

        if not await run_sync(recognised):
            raise _unauthorized(what)

    guard.__name__ = f"require_{what.replace('-', '_')}"
    return guard


require_coordinator = _guard(coordinator_for, "coordinator")
require_respondent = _guard(respondent_for, "respondent")
require_office = _guard(office_for, "integrity-office")


# --- browser sessions --------------------------------------------------------------


def _scope(connection: ASGIConnection) -> dict[str, Any]:
    """The ASGI scope as a plain dict, for this module's own private keys."""
    return cast("dict[str, Any]", connection.scope)


def _rotate(connection: ASGIConnection, key: str, value: str) -> None:
    _scope(connection)[_ROTATE] = True
    connection.set_session({key: value, LOGIN_AT_KEY: int(time.time())})


def login_coordinator(connection: ASGIConnection, organisation: Organisation) -> None:
    """Start a fresh coordinator session (a new session id; the old one is deleted)."""
    _rotate(connection, ORGANISATION_KEY, organisation.id)


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


def resume_cookie(token: str, settings: Settings) -> Cookie:
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
    * Data older than ``max_age`` seconds since login is dropped, whatever the store says.
    """

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        login_at = data.get(LOGIN_AT_KEY)
        if isinstance(login_at, int) and time.time() - login_at > self.config.max_age:
            data = {}
        _scope(connection)[_LOADED] = dict(data)
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


class SessionConfig(ServerSideSessionConfig):
    _backend_class = SessionBackend


def session_config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        key=cookie_name(SESSION_COOKIE, settings),
        path="/",
        max_age=settings.session_max_age,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        store=SESSIONS,
        exclude=["^/api(/|$)", "^/health(/|$)", "^/schema(/|$)", "^/static/"],
    )
