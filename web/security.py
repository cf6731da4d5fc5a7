"""Security headers, CSRF protection, rate limits and request size limits.

* Every response carries the headers in ``SECURITY_HEADERS`` (a ``before_send`` hook,
  so 404s for unknown paths and error responses carry them too).
* Browser forms are protected by Litestar's CSRF middleware (double-submit cookie
  ``smb_csrf``, form field ``_csrf_token``). ``/api`` takes no cookies, only Bearer
  tokens, so it is exempt, as are ``/health`` and ``/schema``.
* Route handlers opt in to a rate limit with ``opt=TOKEN_LIMIT`` (endpoints that take a
  token or an invitation code) or ``opt=REGISTRATION_LIMIT``. Counts are per client
  address, in the store all workers share; over the limit the answer is 429 with
  ``Retry-After``.
* Bodies larger than ``settings.max_request_bytes`` are refused with 413.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import HTTPException, TooManyRequestsException
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from survey.settings import Settings
from web.stores import Counter

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
CSRF_COOKIE = "smb_csrf"
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


def derived_secret(settings: Settings, purpose: str) -> str:
    """A key for one purpose, derived from the server secret (never the secret itself)."""
    secret = settings.resolved_secret_key().encode()
    return hmac.new(secret, f"smbench:{purpose}".encode(), hashlib.sha256).hexdigest()


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=derived_secret(settings, "csrf"),
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXEMPT,
    )


def rate_limits(settings: Settings) -> dict[str, tuple[int, int]]:
    """Limit name -> (requests allowed, window in seconds)."""
    return {
        TOKEN: (settings.rate_limit_per_minute, 60),
        REGISTRATION: (settings.registration_limit_per_hour, 3600),
    }


def client_address(scope: Scope) -> str:
    """The client's address (uvicorn puts the forwarded one here behind a trusted proxy)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimitMiddleware:
    """Count requests per client and limit for handlers that opt in with ``opt``.

    Runs before guards, so failed credential guesses count as well.
    """

    def __init__(self, app: ASGIApp, *, counter: Counter, limits: dict[str, tuple[int, int]]):
        self.app = app
        self.counter = counter
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        name = handler.opt.get(RATE_LIMIT_OPT) if handler is not None else None
        if scope["type"] != "http" or name is None:
            await self.app(scope, receive, send)
            return
        allowed, window = self.limits[name]
        hit = await self.counter.hit(f"{name}:{client_address(scope)}", window)
        headers = {
            "RateLimit-Limit": str(allowed),
            "RateLimit-Remaining": str(max(0, allowed - hit.count)),
            "RateLimit-Reset": str(hit.reset_in),
        }
        if hit.count > allowed:
            raise TooManyRequestsException(
                detail="Too many requests; try again later.",
                headers={**headers, "Retry-After": str(hit.reset_in)},
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableScopeHeaders.from_message(message)
                for key, value in headers.items():
                    mutable[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuse a declared body over the limit before reading any of it.

    Bodies without a ``Content-Length`` are limited while they are read, by the
    app's ``request_max_body_size``.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = _content_length(scope)
            if declared is not None and declared > self.max_bytes:
                raise HTTPException(
                    status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                    detail=f"The request body may be at most {self.max_bytes} bytes.",
                )
        await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-length":
            text: Any = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
