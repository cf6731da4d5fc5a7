"""The web app on a fresh database of each kind, a test client, and an API driver.

`api_app` builds the real composition root with test settings (a fresh SQLite or
PostgreSQL database, a temporary data folder, generous rate limits unless a test
asks otherwise) and the small test instrument library.
"""

from __future__ import annotations

import os
import time
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from bootstrap import build_root
from instruments import InstrumentLibrary
from tests import factories
from web import stores
from web.app import create_app
from web.settings import WebSettings
from web.stores import build_stores

REDIS_URL = os.environ.get("TEST_REDIS_URL")
SECRET = "test-secret"
ANSWERS_FULL = {
    "rules.guideline": "full",
    "rules.monitoring": "full",
    "culture.dialogue": "full",
    "culture.mistakes": "full",
}


@pytest.fixture
def lib() -> InstrumentLibrary:
    return factories.mini_library()


@pytest.fixture
def make_settings(db_url: str, tmp_path: Path) -> Callable[..., WebSettings]:
    def make(**overrides: Any) -> WebSettings:
        values: dict[str, Any] = {
            "database_url": db_url,
            "data_dir": tmp_path / "data",
            "secret_key": SECRET,
            "base_url": "https://smb.example.org",
            "secure_cookies": False,  # the test client speaks plain HTTP
            "rate_limit_per_minute": 100_000,
            "registration_limit_per_hour": 100_000,
            "report_prerender": False,  # on where a test asks: it renders after each close
            **overrides,
        }
        return WebSettings(**values)

    return make


@pytest.fixture
def make_app(make_settings, lib) -> Iterator[Callable[..., Litestar]]:
    """Build an app; ``namespace`` names its part of a shared Redis (a fresh one per test)."""
    test_namespace = f"test{uuid.uuid4().hex}"
    used_redis = False

    def make(*, namespace: str | None = None, **overrides: Any) -> Litestar:
        nonlocal used_redis
        settings = make_settings(**overrides)
        used_redis = used_redis or bool(settings.redis_url)
        stores = build_stores(settings, namespace=namespace or test_namespace)
        return create_app(build_root(settings, library=lib), stores=stores)

    yield make
    if used_redis and REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{test_namespace}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def make_client(make_app) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        client = TestClient(make_app(**overrides))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Org:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


@dataclass
class OpenRound:
    id: str
    invite_code: str
    org: Org


@dataclass
class Respondent:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


class Api:
    """Drives the API the way a client would, asserting the happy path."""

    def __init__(self, client: TestClient):
        self.client = client

    def register(self, name: str = "Gemeente Test", **profile: Any) -> Org:
        body = {
            "name": name,
            "sector": "municipalities",
            "size_band": "250-999",
            "country": "NL",
            **profile,
        }
        response = self.client.post("/api/organisations", json=body)
        assert response.status_code == 201, response.text
        return Org(response.json()["id"], response.json()["coordinator_token"])

    def open_round(self, org: Org, label: str = "2026", instruments=("mini",)) -> OpenRound:
        response = self.client.post(
            f"/api/organisations/{org.id}/rounds",
            json={"label": label, "instruments": list(instruments)},
            headers=org.auth,
        )
        assert response.status_code == 201, response.text
        return OpenRound(response.json()["id"], response.json()["invite_code"], org)

    def start(self, round_: OpenRound, role: str = "staff", lang: str = "en") -> Respondent:
        response = self.client.post(
            f"/api/invites/{round_.invite_code}/responses", json={"role": role, "lang": lang}
        )
        assert response.status_code == 201, response.text
        return Respondent(response.json()["id"], response.json()["token"])

    def answer(self, respondent: Respondent, answers: dict[str, str]) -> dict[str, Any]:
        response = self.client.put(
            f"/api/responses/{respondent.id}/answers",
            json={"answers": answers},
            headers=respondent.auth,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def submit(self, respondent: Respondent) -> dict[str, Any]:
        response = self.client.post(
            f"/api/responses/{respondent.id}/submit", headers=respondent.auth
        )
        assert response.status_code == 200, response.text
        return response.json()

    def respond(
        self, round_: OpenRound, answers: dict[str, str], role: str = "staff"
    ) -> Respondent:
        respondent = self.start(round_, role)
        self.answer(respondent, answers)
        self.submit(respondent)
        return respondent

    def close(self, round_: OpenRound) -> dict[str, Any]:
        response = self.client.post(f"/api/rounds/{round_.id}/close", headers=round_.org.auth)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture(params=["file", "redis"])
def store_backend(request) -> dict[str, Any]:
    """WebSettings overrides for each shared-store backend (Redis when TEST_REDIS_URL is set)."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set")
        return {"redis_url": REDIS_URL}
    return {"redis_url": None}


class Clock:
    """The rate-limit windows' clock (``web.stores.time``), standing still but for the
    test's moves: the windows are aligned to the minute, and a real minute turning
    between a test's guesses on a slow machine would start a new window under it."""

    def __init__(self) -> None:
        self.now = time.time()
        self.offset = 0.0

    def time(self) -> float:
        return self.now + self.offset

    def next_window(self, seconds: int = 61) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(stores, "time", types.SimpleNamespace(time=fake.time))
    return fake
