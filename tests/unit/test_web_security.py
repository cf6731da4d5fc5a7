"""The security middleware on raw ASGI scopes: per-client rate limits, size limits, headers."""

from __future__ import annotations

import anyio
import pytest
from litestar.exceptions import HTTPException, TooManyRequestsException

from web.input_guard import InputGuardMiddleware
from web.security import (
    CONTENT_SECURITY_POLICY,
    SECURITY_HEADERS,
    Limit,
    RateLimitMiddleware,
    RecentCounts,
    csrf_config,
    derived_secret,
    rate_limits,
    security_headers,
    strict_transport_security,
)
from web.settings import WebSettings
from web.stores import Hit


class FakeHandler:
    def __init__(self, opt):
        self.opt = opt


class MemoryCounter:
    def __init__(self):
        self.counts: dict[str, int] = {}
        self.peeks = 0

    async def hit(self, key: str, window: int) -> Hit:
        self.counts[key] = self.counts.get(key, 0) + 1
        return Hit(self.counts[key], 30)

    async def peek(self, key: str, window: int) -> Hit:
        self.peeks += 1
        return Hit(self.counts.get(key, 0), 30)

    async def prune(self) -> None:
        return None


def _answering(status):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


_app = _answering(200)


def _scope(client="10.0.0.1", opt=None, headers=()):
    return {
        "type": "http",
        "path": "/api/x",
        "client": (client, 1234),
        "headers": list(headers),
        "route_handler": FakeHandler(opt or {}),
    }


def _call(middleware, scope):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    anyio.run(middleware, scope, receive, send)
    return sent


def test_rate_limit_counts_per_client_and_limit():
    counter = MemoryCounter()
    middleware = RateLimitMiddleware(
        _app, counter=counter, limits={"token": Limit(2, 60)}, recent=RecentCounts()
    )
    opt = {"rate_limit": "token"}
    for _ in range(2):
        sent = _call(middleware, _scope(opt=opt))
        headers = dict(sent[0]["headers"])
        assert headers[b"ratelimit-limit"] == b"2"
    with pytest.raises(TooManyRequestsException) as info:
        _call(middleware, _scope(opt=opt))
    assert info.value.headers["Retry-After"] == "30"
    # another client has its own budget
    assert _call(middleware, _scope(client="10.0.0.2", opt=opt))[0]["status"] == 200
    # handlers that do not opt in are not counted
    for _ in range(5):
        assert _call(middleware, _scope())[0]["status"] == 200
    assert counter.counts == {"token:10.0.0.1": 3, "token:10.0.0.2": 1}


def test_a_failures_only_limit_counts_refusals_and_then_refuses_everything():
    counter = MemoryCounter()
    limits = {"token": Limit(2, 60, failures_only=True)}
    opt = {"rate_limit": "token"}
    recent = RecentCounts()
    valid = RateLimitMiddleware(_app, counter=counter, limits=limits, recent=recent)
    for _ in range(10):
        sent = _call(valid, _scope(opt=opt))
        assert sent[0]["status"] == 200
        assert dict(sent[0]["headers"])[b"ratelimit-remaining"] == b"2"
    assert counter.counts == {}
    for status in (401, 404):
        refused = RateLimitMiddleware(
            _answering(status), counter=counter, limits=limits, recent=recent
        )
        sent = _call(refused, _scope(opt=opt))
        assert sent[0]["status"] == status
    assert dict(sent[0]["headers"])[b"ratelimit-remaining"] == b"0"
    with pytest.raises(TooManyRequestsException):  # the right credential too, now
        _call(valid, _scope(opt=opt))
    assert _call(valid, _scope(client="10.0.0.2", opt=opt))[0]["status"] == 200
    assert counter.counts == {"token:10.0.0.1": 2}


def test_a_worker_reads_the_shared_count_again_only_from_half_the_limit_up():
    counter = MemoryCounter()
    limits = {"token": Limit(4, 60, failures_only=True)}
    opt = {"rate_limit": "token"}
    recent = RecentCounts(ttl=60)
    valid = RateLimitMiddleware(_app, counter=counter, limits=limits, recent=recent)
    refused = RateLimitMiddleware(_answering(401), counter=counter, limits=limits, recent=recent)
    for _ in range(10):  # an organisation behind one address: one read of the store
        assert _call(valid, _scope(opt=opt))[0]["status"] == 200
    assert counter.peeks == 1
    _call(refused, _scope(opt=opt))  # a failure here is counted and seen at once
    assert _call(valid, _scope(opt=opt))[0]["status"] == 200
    assert counter.peeks == 1
    _call(refused, _scope(opt=opt))  # half the limit: from now on every request reads
    for _ in range(3):
        assert _call(valid, _scope(opt=opt))[0]["status"] == 200
    assert counter.peeks == 4
    counter.counts["token:10.0.0.1"] = 4  # another worker counted the rest
    with pytest.raises(TooManyRequestsException):
        _call(valid, _scope(opt=opt))


def test_a_remembered_count_expires():
    counter = MemoryCounter()
    limits = {"token": Limit(4, 60, failures_only=True)}
    valid = RateLimitMiddleware(_app, counter=counter, limits=limits, recent=RecentCounts(ttl=0))
    for _ in range(3):
        _call(valid, _scope(opt={"rate_limit": "token"}))
    assert counter.peeks == 3


def test_rate_limits_come_from_settings():
    settings = WebSettings(rate_limit_per_minute=7, registration_limit_per_hour=3)
    assert rate_limits(settings) == {
        "token": Limit(7, 60, failures_only=True),
        "registration": Limit(3, 3600),
    }


def test_a_declared_json_body_over_the_limit_is_refused_unread():
    guard = InputGuardMiddleware(_app, max_bytes=10)
    json = (b"content-type", b"application/json")
    assert _call(guard, _scope(headers=[json, (b"content-length", b"10")]))[0]["status"] == 200
    assert _call(guard, _scope(headers=[json, (b"content-length", b"junk")]))[0]["status"] == 200

    async def unread():
        raise AssertionError("the body was read")

    with pytest.raises(HTTPException) as info:
        anyio.run(guard, _scope(headers=[json, (b"content-length", b"11")]), unread, None)
    assert info.value.status_code == 413
    assert info.value.detail == "The request body may be at most 10 bytes."


@pytest.mark.parametrize("path", ["/api/rounds/x", "/health", "/", "/static/app.css"])
def test_security_headers_on_every_response(path):
    message = {"type": "http.response.start", "status": 200, "headers": []}
    anyio.run(security_headers, message, {"path": path})
    headers = {k.decode(): v.decode() for k, v in message["headers"]}
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert (headers.get("cache-control") == "no-store") == path.startswith(("/api", "/health"))


def test_csrf_is_configured_for_forms_and_exempts_the_api():
    config = csrf_config(WebSettings(secret_key="s", secure_cookies=True))
    assert config.cookie_name == "__Host-smb_csrf"
    assert config.cookie_path == "/" and config.cookie_domain is None
    assert csrf_config(WebSettings(secret_key="s")).cookie_name == "smb_csrf"
    assert config.cookie_secure and config.cookie_httponly
    assert config.secret != "s" and config.secret == derived_secret(
        WebSettings(secret_key="s"), "csrf"
    )
    import re

    pattern = re.compile("|".join(config.exclude))
    for path in ("/api", "/api/rounds/x", "/health", "/schema/openapi.json"):
        assert pattern.findall(path), path
    for path in ("/register", "/i/code", "/apiary", "/organisations/api"):
        assert not pattern.findall(path), path


def test_csp_forbids_plugins_and_base_tags():
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY
    assert "base-uri 'none'" in CONTENT_SECURITY_POLICY


def test_hsts_only_over_https_and_configurable():
    assert strict_transport_security(WebSettings(base_url="http://x.example")) is None
    assert strict_transport_security(WebSettings()) is None
    assert (
        strict_transport_security(WebSettings(base_url="https://x.example"))
        == "max-age=31536000; includeSubDomains"
    )
    assert (
        strict_transport_security(
            WebSettings(
                base_url="https://x.example", hsts_max_age=60, hsts_include_subdomains=False
            )
        )
        == "max-age=60"
    )


def test_secure_cookies_follow_base_url_unless_set():
    assert WebSettings(base_url="https://x.example").secure_cookies is True
    assert WebSettings(base_url="HTTPS://x.example").secure_cookies is True
    assert WebSettings(base_url="http://x.example").secure_cookies is False
    assert WebSettings().secure_cookies is False
    assert WebSettings(base_url="https://x.example", secure_cookies=False).secure_cookies is False
    assert WebSettings(base_url="http://x.example", secure_cookies=True).secure_cookies is True
