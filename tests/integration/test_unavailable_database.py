"""A database that is down or overloaded answers 503 with Retry-After, never 500.

The app is the real composition root on a real database of each kind: once pointed at
a database that cannot be reached, and (SQLite) once while another writer holds the
lock past the busy timeout.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from tests.integration.conftest import Api, Org


def _unreachable(db_url: str, tmp_path) -> str:
    """The URL of a database that is not there: a folder for SQLite, a missing name on PostgreSQL."""
    if db_url.startswith("sqlite"):
        folder = tmp_path / "not-a-database"
        folder.mkdir()
        return f"sqlite:///{folder}"
    url = make_url(db_url).set(database=f"smbench_missing_{uuid.uuid4().hex[:8]}")
    return url.render_as_string(hide_password=False)


def _assert_503(response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1


def test_an_unreachable_database_answers_503_with_retry_after(make_client, db_url, tmp_path):
    client = make_client(database_url=_unreachable(db_url, tmp_path))
    _assert_503(client.get("/health"))
    registered = client.post(
        "/api/organisations",
        json={"name": "Down", "sector": "police", "size_band": "1-49", "country": "NL"},
    )
    _assert_503(registered)
    assert registered.json()["status_code"] == 503
    assert "try again" in registered.json()["detail"]
    page = client.get(f"/c/{'x' * 43}", headers={"Accept": "text/html"})
    _assert_503(page)
    assert "text/html" in page.headers["content-type"]
    assert client.get("/api/instruments").status_code == 200  # no database needed


def _hold_the_lock_and_ask(make_app, db_url: str) -> Org:
    """Two requests while another writer holds SQLite's lock, one after it lets go."""
    with TestClient(make_app(sqlite_busy_timeout_ms=100)) as client:
        org = Api(client).register()
        holder = sqlite3.connect(make_url(db_url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            _assert_503(client.get(f"/api/organisations/{org.id}", headers=org.auth))
            _assert_503(client.get(f"/c/{org.token}", follow_redirects=False))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert client.get(f"/api/organisations/{org.id}", headers=org.auth).status_code == 200
    return org


def test_a_locked_sqlite_database_answers_503_not_500(make_app, db_url, caplog):
    if not db_url.startswith("sqlite"):
        pytest.skip("the write lock and busy timeout are SQLite's")
    errors = logging.getLogger("web.errors")  # the app's logging set-up replaces root's handlers
    errors.addHandler(caplog.handler)
    try:
        org = _hold_the_lock_and_ask(make_app, db_url)
    finally:
        errors.removeHandler(caplog.handler)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "web.errors")
    assert "database unavailable in GET /c/[masked]: OperationalError" in logged
    assert org.token not in caplog.text
