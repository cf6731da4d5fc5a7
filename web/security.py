"""Security headers, CSRF protection, rate limits and request size limits.

* Every response carries the headers in ``SECURITY_HEADERS`` (a ``before_send`` hook,
  so 404s for unknown paths and error responses carry them too).
* Browser forms are protected against CSRF by ``SessionBoundCSRFMiddleware``: a signed
  random value in the cookie ``smb_csrf`` (``__Host-smb_csrf`` over https, see
  ``cookie_name``), and in each form (field ``_csrf_token``) an
  HMAC of that value and the browser's live session id. A cookie and token of an
  attacker's own, planted next to a victim's session cookie, therefore do not match.
  ``/api`` takes no cookies, only Bearer tokens, so it is exempt, as are ``/health``
  and ``/schema``.
* When ``BASE_URL`` is https, every response carries ``Strict-Transport-Security``.
* Route handlers opt in to a rate limit with ``opt=TOKEN_LIMIT`` (endpoints that take a
  token or an invitation code) or ``opt=REGISTRATION_LIMIT``. Counts are per client
  address, in the store all workers share; over the limit the answer is 429 with
  ``Retry-After``. A worker trusts a failure count it saw lately while it is under half
  the limit (``RecentCounts``), so valid token requests do not read the store each time.
* Bodies larger than ``settings.max_request_bytes`` are refused with 413: by
  Litestar's ``request_max_body_size`` (declared or streamed), and first by
  :mod:`web.input_guard` for the JSON and form bodies it reads.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from secrets import compare_digest

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from web.settings import WebSettings
from web.stores import Counter, Hit, current_window

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
CSRF_COOKIE = "smb_csrf"
HOST_PREFIX = "__Host-"
CSRF_EXEMPT = ["^/api(/|$)", "^/health(/|$)", "^/schema(/|$)"]
NO_STORE_PREFIXES = ("/api", "/health")

RATE_LIMIT_OPT = "rate_limit"
TOKEN = "token"  # noqa: S105 - a limit name, not a secret
REGISTRATION = "registration"
TOKEN_LIMIT = {RATE_LIMIT_OPT: TOKEN}
REGISTRATION_LIMIT = {RATE_LIMIT_OPT: REGISTRATION}


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: add the security headers to every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    path = scope.get("path", "")
    if path.startswith(NO_STORE_PREFIXES) and "cache-control" not in headers:
        # API answers may hold tokens and personal progress: never cache them.
        headers["cache-control"] = "no-store"


def strict_transport_security(settings: WebSettings) -> str | None:
    """The HSTS header value, when the app is served over https (``BASE_URL``)."""
    if not settings.served_over_https:
        return None
    value = f"max-age={settings.hsts_max_age}"
    return value + "; includeSubDomains" if settings.hsts_include_subdomains else value


def security_hooks(settings: WebSettings) -> list[Callable[[Message, Scope], Awaitable[None]]]:
    """The ``before_send`` hooks: the security headers, and HSTS over https."""
    hsts = strict_transport_security(settings)
    if hsts is None:
        return [security_headers]

    async def add_hsts(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            MutableScopeHeaders.from_message(message)["strict-transport-security"] = hsts

    return [security_headers, add_hsts]


def derived_secret(settings: WebSettings, purpose: str) -> str:
    """A key for one purpose, derived from the server secret (never the secret itself)."""
    secret = settings.resolved_secret_key().encode()
    return hmac.new(secret, f"smbench:{purpose}".encode(), hashlib.sha256).hexdigest()


def cookie_name(name: str, settings: WebSettings) -> str:
    """``__Host-name`` when cookies are ``Secure`` (served over https), else ``name``.

    A browser keeps a ``__Host-`` cookie only if it came over https with ``Secure``,
    ``Path=/`` and no ``Domain``, so no sibling subdomain and no plain-http page can
    plant or overwrite it. Plain-http local runs cannot use the prefix (the browser
    would drop the cookie), so they keep the bare name.
    """
    return HOST_PREFIX + name if settings.secure_cookies else name


def csrf_config(settings: WebSettings) -> CSRFConfig:
    return CSRFConfig(
        secret=derived_secret(settings, "csrf"),
        cookie_name=cookie_name(CSRF_COOKIE, settings),
        cookie_path="/",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXEMPT,
    )


class SessionBoundCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware with the form token bound to the session.

    The cookie holds a random value signed by the server (as in Litestar). Pages get
    ``HMAC(secret, value + session id)`` as their token, where the session id is the
    session cookie of a live session (empty without one), and an unsafe request passes
    only with the token for its own cookie and session. A token shown before a login
    stops working after it, since the login rotates the session id.

    Runs inside the session middleware, so ``scope["session"]`` is loaded.
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        super().__init__(app, config)
        self.session_cookie = session_cookie

    def bound_token(self, cookie: str, session_id: str) -> str | None:
        """The form token for this cookie and session, or None for a forged cookie."""
        value = self._decode_csrf_token(cookie)
        if value is None:
            return None
        message = f"bound:{value}:{session_id}".encode()
        return hmac.new(self.config.secret.encode(), message, hashlib.sha256).hexdigest()

    def _session_id(self, scope: Scope, cookies: dict[str, str]) -> str:
        live = scope.get("session")
        return cookies.get(self.session_cookie, "") if isinstance(live, dict) and live else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        cookie = request.cookies.get(self.config.cookie_name)
        session_id = self._session_id(scope, request.cookies)
        if request.method in self.config.safe_methods:
            if cookie is None or self._decode_csrf_token(cookie) is None:
                cookie, set_cookie = generate_csrf_token(secret=self.config.secret), True
            else:
                set_cookie = False
            ScopeState.from_scope(scope).csrf_token = self.bound_token(cookie, session_id) or ""
            wrapped = self.create_send_wrapper(
                send=send, token=cookie, csrf_cookie=None if set_cookie else cookie
            )
            await self.app(scope, receive, wrapped)
            return
        submitted = request.headers.get(self.config.header_name)
        content_type, _ = request.content_type
        if not submitted and content_type in {
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        }:
            submitted = (await request.form()).get("_csrf_token")
        expected = self.bound_token(cookie, session_id) if cookie else None
        if not (
            isinstance(submitted, str)
            and expected is not None
            and compare_digest(submitted.encode(), expected.encode())
        ):
            raise PermissionDeniedException("CSRF token verification failed")
        ScopeState.from_scope(scope).csrf_token = submitted
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Limit:
    """``allowed`` requests per client address in a window of ``window`` seconds; with
    ``failures_only`` only refused ones count (``FAILED``), but once the count is reached
    every request is refused until the window ends, the right credential as well."""

    allowed: int
    window: int
    failures_only: bool = False


# What a failed credential or code lookup answers: no such token, code, link or password
# (401, 403, 404), or a login refused because its account is locked (429).
FAILED = frozenset({401, 403, 404, 429})


def rate_limits(settings: WebSettings) -> dict[str, Limit]:
    """Limit name -> its limit. Token endpoints count failed lookups only, so that a
    whole organisation answering from behind one address is never throttled."""
    return {
        TOKEN: Limit(settings.rate_limit_per_minute, 60, failures_only=True),
        REGISTRATION: Limit(settings.registration_limit_per_hour, 3600),
    }


def client_address(scope: Scope) -> str:
    """The client's address (uvicorn puts the forwarded one here behind a trusted proxy)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


class RecentCounts:
    """The failure counts one worker read from the shared store or added to it lately.

    A count under half its limit is trusted for ``ttl`` seconds within its window, so
    that valid token requests from one address (a whole organisation behind one NAT)
    read the shared store about once per ``ttl``, not once each. From half the limit
    up, every request reads the store. Failures that other workers count meanwhile are
    seen only when this worker reads the store again or counts a failure of its own,
    which returns the shared count: past the limit, a worker lets at most one more
    failed lookup through than the shared count allows, and a right credential for at
    most ``ttl`` seconds.
    """

    def __init__(self, ttl: float = 1.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._seen: dict[str, tuple[int, int, float]] = {}

    def get(self, key: str, limit: Limit) -> Hit | None:
        """The count of ``key`` as this worker saw it lately, if it may be trusted."""
        seen = self._seen.get(key)
        if seen is None:
            return None
        count, start, at = seen
        now_start, reset_in = current_window(limit.window)
        if start != now_start or time.monotonic() - at >= self.ttl or 2 * count >= limit.allowed:
            return None
        return Hit(count, reset_in)

    def put(self, key: str, limit: Limit, hit: Hit) -> None:
        if len(self._seen) >= self.size:
            self._seen.clear()
        self._seen[key] = (hit.count, current_window(limit.window)[0], time.monotonic())


class RateLimitMiddleware:
    """Count requests per client and limit for handlers that opt in with ``opt``.

    Runs around the guards, so failed credential guesses count as well. ``recent`` is
    the worker's one ``RecentCounts`` (Litestar makes a middleware per route).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        counter: Counter,
        limits: dict[str, Limit],
        recent: RecentCounts,
    ):
        self.app = app
        self.counter = counter
        self.limits = limits
        self.recent = recent

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        name = handler.opt.get(RATE_LIMIT_OPT) if handler is not None else None
        if scope["type"] != "http" or name is None:
            await self.app(scope, receive, send)
            return
        limit = self.limits[name]
        key = f"{name}:{client_address(scope)}"
        if limit.failures_only:
            hit = self.recent.get(key, limit) or await self._read(key, limit)
            over = hit.count >= limit.allowed
        else:
            hit = await self.counter.hit(key, limit.window)
            over = hit.count > limit.allowed
        if over:
            raise TooManyRequestsException(
                detail="Too many requests; try again later.",
                headers={**_headers(limit, hit), "Retry-After": str(hit.reset_in)},
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                counted = hit
                if limit.failures_only and message["status"] in FAILED:
                    counted = await self.counter.hit(key, limit.window)
                    self.recent.put(key, limit, counted)
                mutable = MutableScopeHeaders.from_message(message)
                for header, value in _headers(limit, counted).items():
                    mutable[header] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _read(self, key: str, limit: Limit) -> Hit:
        hit = await self.counter.peek(key, limit.window)
        self.recent.put(key, limit, hit)
        return hit


def _headers(limit: Limit, hit: Hit) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(limit.allowed),
        "RateLimit-Remaining": str(max(0, limit.allowed - hit.count)),
        "RateLimit-Reset": str(hit.reset_in),
    }
