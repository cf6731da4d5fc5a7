"""Security headers, rate limits, request size limits and no state change over GET."""

from __future__ import annotations

import re

from litestar.testing import TestClient
from sqlalchemy import func, select

from survey.db import Database
from survey.models import Answer, Organisation, Response, Round
from tests.integration.conftest import ANSWERS_FULL, Api, bearer
from web.security import CONTENT_SECURITY_POLICY
from web.settings import WebSettings

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
EXTERNAL = re.compile(
    r"""(?:src|href|action|srcset|data)\s*=\s*["']?\s*(?:https?:)?//|@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def assert_secure(response, what) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (what, name)
    assert "link" not in response.headers, what
    if "html" in response.headers.get("content-type", ""):
        assert not EXTERNAL.search(response.text), what


def test_csp_has_no_inline_scripts_and_forbids_framing():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_every_api_response_carries_the_security_headers(make_client):
    client = make_client(rate_limit_per_minute=40, max_request_bytes=2000)
    api = Api(client)
    org = api.register()
    round_ = api.open_round(org)
    respondent = api.start(round_)
    requests = [
        ("GET", "/health", None, {}),
        ("GET", "/schema/openapi.json", None, {}),
        ("GET", "/schema", None, {}),
        ("GET", "/api/instruments", None, {}),
        ("GET", "/api/instruments/mini", None, {}),
        ("GET", "/api/instruments/nope", None, {}),
        ("GET", "/api/vocabularies", None, {}),
        ("GET", f"/api/organisations/{org.id}", None, org.auth),
        ("GET", f"/api/organisations/{org.id}/rounds", None, org.auth),
        ("GET", f"/api/rounds/{round_.id}", None, org.auth),
        ("GET", f"/api/rounds/{round_.id}", None, {}),
        ("GET", f"/api/rounds/{round_.id}/scores", None, org.auth),
        ("GET", f"/api/responses/{respondent.id}", None, respondent.auth),
        (
            "PUT",
            f"/api/responses/{respondent.id}/answers",
            {"answers": {"x": "y"}},
            respondent.auth,
        ),
        ("PUT", f"/api/responses/{respondent.id}/answers", {"answers": 1}, respondent.auth),
        (
            "PUT",
            f"/api/responses/{respondent.id}/answers",
            {"answers": {"y": "x" * 3000}},
            respondent.auth,
        ),
        ("POST", f"/api/responses/{respondent.id}/submit", None, respondent.auth),
        ("POST", f"/api/rounds/{round_.id}/close", None, org.auth),
        ("GET", f"/api/rounds/{round_.id}/close", None, org.auth),
        ("POST", "/api/organisations", {"name": ""}, {}),
        ("DELETE", "/api/instruments", None, {}),
        ("GET", "/api/no-such-thing", None, {}),
        ("GET", "/static/no-such-file.css", None, {}),
    ]
    statuses = set()
    for method, path, body, headers in requests:
        response = client.request(method, path, json=body, headers=headers)
        statuses.add(response.status_code)
        assert_secure(response, (method, path))
        if path.startswith("/api"):
            assert response.headers["content-type"].startswith("application/json"), path
            assert response.headers["cache-control"] == "no-store", path
    assert {200, 400, 401, 404, 405, 409, 413, 422} <= statuses
    # a rate-limited answer as well
    for _ in range(50):
        response = client.get(f"/api/rounds/{round_.id}", headers=bearer("guess"))
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert_secure(response, "429")


def test_no_page_or_asset_loads_anything_external(client):
    """Every parameterless GET route (API, pages, schema) answers with the headers and
    references no external resource."""
    app = client.app
    checked = 0
    for route in app.routes:
        if "{" in route.path or "GET" not in getattr(route, "methods", ()):
            continue
        response = client.get(route.path, headers={"accept": "text/html,application/json"})
        assert response.status_code < 500, (route.path, response.text[:500])
        assert_secure(response, route.path)
        checked += 1
    assert checked >= 5


def test_rate_limit_on_token_endpoints(make_client, store_backend):
    client = make_client(rate_limit_per_minute=5, **store_backend)
    api = Api(client)
    org = api.register()
    round_ = api.open_round(org)
    for _ in range(8):  # valid requests are not counted
        response = client.get(f"/api/rounds/{round_.id}", headers=org.auth)
        assert response.status_code == 200
        assert response.headers["ratelimit-limit"] == "5"
        assert response.headers["ratelimit-remaining"] == "5"
    for n in range(5):  # failed lookups are
        response = client.get(f"/api/rounds/{round_.id}", headers=bearer("guess"))
        assert response.status_code == 401
        assert response.headers["ratelimit-remaining"] == str(4 - n)
    response = client.get(f"/api/rounds/{round_.id}", headers=org.auth)
    assert response.status_code == 429  # and past the limit the right token is refused too
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["status_code"] == 429
    # every token and code endpoint shares the count
    for method, path in [
        ("GET", f"/api/rounds/{round_.id}/scores"),
        ("POST", f"/api/invites/{round_.invite_code}/responses"),
        ("GET", "/api/responses/nope"),
        ("GET", f"/api/organisations/{org.id}"),
    ]:
        response = client.request(method, path, json={"role": "staff"}, headers=bearer("guess"))
        assert response.status_code == 429, path
    # endpoints without a token are not limited
    for _ in range(10):
        assert client.get("/api/instruments").status_code == 200
    assert client.get("/health").status_code == 200


def test_a_whole_organisation_behind_one_address_is_not_throttled(make_client):
    """200 respondents saving a page every 10 s from one address: 1,200 saves a minute,
    twice the default limit, and none refused."""
    client = make_client()
    api = Api(client)
    round_ = api.open_round(api.register())
    respondent = api.start(round_)
    limit = WebSettings().rate_limit_per_minute
    for _ in range(limit + 10):
        response = client.put(
            f"/api/responses/{respondent.id}/answers",
            json={"answers": {}},
            headers=respondent.auth,
        )
        assert response.status_code == 200


def test_failed_guesses_count_towards_the_limit(make_client, clock):
    client = make_client(rate_limit_per_minute=3)
    for _ in range(3):
        assert client.get("/api/rounds/nope", headers=bearer("guess")).status_code == 401
    assert client.get("/api/rounds/nope", headers=bearer("guess")).status_code == 429


def test_rate_limit_on_registration(make_client, store_backend):
    client = make_client(registration_limit_per_hour=2, **store_backend)
    api = Api(client)
    api.register("One")
    bad = client.post("/api/organisations", json={"name": ""})
    assert bad.status_code == 400  # invalid attempts count too
    response = client.post(
        "/api/organisations",
        json={"name": "Three", "sector": "police", "size_band": "1-49", "country": "NL"},
    )
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 3600


def test_workers_share_the_rate_limit(make_app, store_backend):
    """Two app instances (two workers) on the same store count together."""
    with (
        TestClient(make_app(rate_limit_per_minute=4, **store_backend)) as one,
        TestClient(make_app(rate_limit_per_minute=4, **store_backend)) as two,
    ):
        api = Api(one)
        org = api.register()
        round_ = api.open_round(org)
        path = f"/api/rounds/{round_.id}"
        assert one.get(path, headers=bearer("guess")).status_code == 401  # 1
        assert two.get(path, headers=bearer("guess")).status_code == 401  # 2
        assert two.get(path, headers=bearer("guess")).status_code == 401  # 3
        assert one.get(path, headers=bearer("guess")).status_code == 401  # 4
        assert one.get(path, headers=org.auth).status_code == 429
        assert two.get(path, headers=org.auth).status_code == 429


def test_request_body_size_limit(make_client):
    client = make_client(max_request_bytes=1000)
    api = Api(client)
    respondent = api.start(api.open_round(api.register()))
    big = {"answers": {"rules.guideline": "full"}, "padding": "x" * 2000}
    response = client.put(
        f"/api/responses/{respondent.id}/answers", json=big, headers=respondent.auth
    )
    assert response.status_code == 413
    assert response.json()["status_code"] == 413

    def chunks():
        yield b'{"answers": {"rules.guideline": "full"}, "padding": "'
        for _ in range(30):
            yield b"x" * 100
        yield b'"}'

    response = client.put(
        f"/api/responses/{respondent.id}/answers",
        content=chunks(),
        headers={**respondent.auth, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert (
        client.get(f"/api/responses/{respondent.id}", headers=respondent.auth).json()["answers"]
        == {}
    )


def test_a_body_of_any_type_is_refused_past_the_limit_also_without_a_length(make_client):
    """Litestar's own limit for what the input guard does not read (here plain text to
    the API), streamed without ``Content-Length`` or declared: the same 413 answer; a
    streamed form to a page gets the page's 413."""
    client = make_client(max_request_bytes=1000)
    api = Api(client)
    respondent = api.start(api.open_round(api.register()))

    def chunks():
        for _ in range(30):
            yield b"x" * 100

    for content in (chunks(), b"x" * 3000):
        response = client.put(
            f"/api/responses/{respondent.id}/answers",
            content=content,
            headers={**respondent.auth, "content-type": "text/plain"},
        )
        assert response.status_code == 413
        assert response.json() == {
            "status_code": 413,
            "detail": "The request body may be at most 1000 bytes.",
        }
    form = {"content-type": "application/x-www-form-urlencoded", "accept": "text/html"}
    page = client.post("/register", content=chunks(), headers=form)
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")


def _counts(db_url: str) -> tuple:
    database = Database(db_url)
    with database.session() as s:
        counts = tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Organisation, Round, Response, Answer)
        )
        statuses = tuple(s.execute(select(Round.status).order_by(Round.id)).scalars())
        submitted = tuple(s.execute(select(Response.status).order_by(Response.id)).scalars())
    database.dispose()
    return counts, statuses, submitted


def test_no_state_changes_over_get(client, api, db_url):
    org = api.register()
    round_ = api.open_round(org)
    respondent = api.start(round_)
    api.answer(respondent, ANSWERS_FULL)
    before = _counts(db_url)
    gets = [
        (f"/api/organisations/{org.id}", org.auth),
        (f"/api/organisations/{org.id}/rounds", org.auth),
        (f"/api/rounds/{round_.id}", org.auth),
        (f"/api/rounds/{round_.id}/scores", org.auth),
        (f"/api/responses/{respondent.id}", respondent.auth),
    ]
    for path, headers in gets:
        assert client.get(path, headers=headers).status_code in (200, 409)
    # the state-changing endpoints refuse GET
    for path, headers in [
        (f"/api/rounds/{round_.id}/close", org.auth),
        (f"/api/responses/{respondent.id}/submit", respondent.auth),
        (f"/api/responses/{respondent.id}/answers", respondent.auth),
        (f"/api/invites/{round_.invite_code}/responses", {}),
    ]:
        assert client.get(path, headers=headers).status_code == 405, path
    assert _counts(db_url) == before
