"""Two app processes (``python -m cli serve``) on one PostgreSQL database and one Redis.

Nothing that must be shared may live in one process's memory: a login made through
one process holds on the other (and so does its logout), a rate limit counts the
requests to both, and a round closed through one refuses answers through the other.

Each test talks from its own loopback address (127.x.y.z), so that its rate-limit
counters in the shared Redis are its own and no key needs flushing.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.loadgen import Connection, Server
from survey.db import Database
from survey.services import users
from tests.conftest import _fresh_postgres

REDIS_URL = os.environ.get("TEST_REDIS_URL")
RATE_LIMIT = 30
BURST = 300
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.xdist_group("multiprocess"),  # one pair of servers for the module
    pytest.mark.timeout(180),
    pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set"),
]


@pytest.fixture(scope="module")
def shared_database(postgres_template: str) -> Iterator[str]:
    """One fresh, migrated PostgreSQL database for both processes."""
    yield from _fresh_postgres(postgres_template)


@pytest.fixture(scope="module")
def servers(
    shared_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Two app processes on different ports; separate data folders, so that only the
    database and Redis connect them. Both are killed at the end whatever happens."""
    secret = f"multi-{uuid.uuid4().hex}"
    settings = {
        "RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        "REGISTRATION_LIMIT_PER_HOUR": "1000",
    }
    made = [
        Server(
            shared_database,
            data_dir=tmp_path_factory.mktemp(name),
            redis_url=REDIS_URL,
            secret_key=secret,
            settings=settings,
        )
        for name in ("a", "b")
    ]
    try:
        for server in made:
            server.start()
        yield made[0], made[1]
    finally:
        for server in made:
            server.stop()


def _address() -> str:
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


@pytest.fixture
def clients(servers: tuple[Server, Server]) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """A client for each process, both from one fresh loopback address."""
    address = _address()
    made = [
        httpx.Client(
            base_url=server.base_url,
            transport=httpx.HTTPTransport(local_address=address),
            timeout=30,
            follow_redirects=False,
        )
        for server in servers
    ]
    yield made[0], made[1]
    for client in made:
        client.close()


def _office_user(database_url: str) -> str:
    username = f"office-{uuid.uuid4().hex[:8]}"
    database = Database(database_url)
    try:
        with database.session() as session:
            users.create_user(session, username, PASSWORD)
    finally:
        database.dispose()
    return username


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    found = CSRF.search(page.text)
    assert found, "no CSRF token in the form"
    return found.group(1)


def test_a_login_on_one_process_works_on_the_other(clients, shared_database):
    a, b = clients
    username = _office_user(shared_database)
    token = _csrf(a, "/login")
    response = a.post(
        "/login", data={"username": username, "password": PASSWORD, "_csrf_token": token}
    )
    assert response.status_code in (302, 303), response.text[:500]
    session = a.cookies.get("smb_session")
    assert session

    assert b.get("/office").status_code in (302, 303)  # no session yet on B's client
    b.cookies.set("smb_session", session)
    office = b.get("/office")
    assert office.status_code == 200, office.text[:500]
    assert username in office.text

    # logging out through B ends the session for A as well (with the token of a page
    # shown after the login: CSRF tokens are bound to the session)
    token = _csrf(a, "/office")
    b.cookies.set("smb_csrf", a.cookies["smb_csrf"])
    out = b.post("/logout", data={"_csrf_token": token})
    assert out.status_code in (302, 303), out.text[:500]
    again = a.get("/office")
    assert again.status_code in (302, 303)
    assert again.headers["location"].endswith("/login")


def test_a_rate_limit_reached_through_one_process_holds_on_the_other(clients):
    a, b = clients
    path = "/api/rounds/no-such-round"  # a token endpoint: wrong guesses count as well
    headers = {"Authorization": "Bearer guess"}
    first = a.get(path, headers=headers)
    assert first.status_code == 401
    if int(first.headers["ratelimit-reset"]) < 20:  # do not straddle two windows
        time.sleep(int(first.headers["ratelimit-reset"]) + 1)
        first = a.get(path, headers=headers)
    remaining = int(first.headers["ratelimit-remaining"])
    assert remaining == RATE_LIMIT - 1
    allowed = 0
    for n in range(RATE_LIMIT + 5):  # alternate: each process alone would allow 30
        response = (b if n % 2 == 0 else a).get(path, headers=headers)
        if response.status_code == 429:
            break
        assert response.status_code == 401
        allowed += 1
    assert allowed == remaining
    for client in (a, b):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1


def test_a_round_closed_through_one_process_refuses_answers_through_the_other(clients):
    a, b = clients
    org = a.post(
        "/api/organisations",
        json={"name": "Gemeente Twee Processen", "sector": "municipalities",
              "size_band": "250-999", "country": "NL"},
    )  # fmt: skip
    assert org.status_code == 201, org.text
    coordinator = {"Authorization": f"Bearer {org.json()['coordinator_token']}"}
    opened = a.post(
        f"/api/organisations/{org.json()['id']}/rounds",
        json={"label": "Twee processen", "instruments": ["sm-maturity"]},
        headers=coordinator,
    )
    assert opened.status_code == 201, opened.text
    round_id, code = opened.json()["id"], opened.json()["invite_code"]
    item = a.get("/api/instruments/sm-maturity").json()["items"][0]
    answer = {"answers": {item["id"]: item["options"][0]["value"]}}

    started = b.post(f"/api/invites/{code}/responses", json={"role": "staff", "lang": "en"})
    assert started.status_code == 201, started.text
    respondent = {"Authorization": f"Bearer {started.json()['token']}"}
    response_path = f"/api/responses/{started.json()['id']}"
    assert b.put(f"{response_path}/answers", json=answer, headers=respondent).status_code == 200

    closed = a.post(f"/api/rounds/{round_id}/close", headers=coordinator)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"

    assert b.get(f"/api/rounds/{round_id}", headers=coordinator).json()["status"] == "closed"
    refused = b.put(f"{response_path}/answers", json=answer, headers=respondent)
    assert refused.status_code == 409, refused.text
    assert b.post(f"{response_path}/submit", headers=respondent).status_code == 409
    late = b.post(f"/api/invites/{code}/responses", json={"role": "staff", "lang": "en"})
    assert late.status_code == 409, late.text
    # and the saved answer is still there, read through either process
    for client in (a, b):
        held = client.get(response_path, headers=respondent).json()
        assert held["answers"] == answer["answers"]
        assert held["status"] == "draft"


def test_a_burst_on_the_shared_store_gets_no_server_error(servers):
    """Hundreds of requests at once on one process, each counted in Redis: the store's
    connections are waited for, never refused (refused, they were 500s)."""
    a, _ = servers

    async def burst() -> Counter[int]:
        connections = [Connection(a.base_url) for _ in range(BURST)]
        try:
            replies = await asyncio.gather(
                *(
                    c.request("GET", "/api/rounds/nope", headers={"Authorization": "Bearer x"})
                    for c in connections
                )
            )
        finally:
            for connection in connections:
                connection.close()
        return Counter(reply.status for reply in replies)

    statuses = asyncio.run(burst())
    assert set(statuses) <= {401, 429}, statuses


def test_the_processes_share_nothing_but_the_database_and_redis(servers):
    a, b = servers
    assert a.port != b.port
    assert a.data_dir != b.data_dir
    for server in servers:
        assert server.process is not None and server.process.poll() is None
        assert not any(Path(server.data_dir, "store").glob("*/kv/sessions/*"))
