"""Revision 0003 on a database with data in it, and the audit log's append-only triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from survey.db import make_engine
from survey.migrate import downgrade, upgrade
from tests.conftest import POSTGRES_URL, _fresh_postgres

pytestmark = pytest.mark.parametrize(
    "empty_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

NOW = "2026-01-05 10:00:00"


@pytest.fixture
def empty_url(request, tmp_path):
    """An empty database of each kind (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    yield from _fresh_postgres("template0")


def _insert_old_rows(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO organisations (id, name, sector, size_band, country, created_at, "
            "share_with_integrity_office, synthetic, coordinator_token_hash) VALUES "
            "('org-1', 'Old', 'municipalities', '250-999', 'NL', :now, false, false, 'h1')"
        ),
        {"now": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO rounds (id, organisation_id, label, status, opened_at, "
            "invite_code_hash, control_respondents, enablement_respondents, submitted_count) "
            "VALUES ('round-1', 'org-1', '2025', 'open', :now, 'h2', 0, 0, 0)"
        ),
        {"now": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO api_tokens (id, name, token_hash, created_at) "
            "VALUES ('api-1', 'office', 'h3', :now)"
        ),
        {"now": NOW},
    )


def test_existing_rows_are_kept_and_get_a_lifetime_from_the_upgrade(empty_url):
    upgrade(empty_url, "0001")
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        _insert_old_rows(connection)
    engine.dispose()
    before = datetime.now(UTC)
    upgrade(empty_url, "0003")
    from survey.db import Database
    from survey.models import ApiToken, Organisation, Round

    database = Database(empty_url)
    with database.session() as s:
        organisation = s.get(Organisation, "org-1")
        assert s.get(Round, "round-1") is not None, "the upgrade must not lose rounds"
        link_expiry = organisation.coordinator_token_expires_at
        assert before + timedelta(days=29) < link_expiry < before + timedelta(days=31)
        assert organisation.coordinator_token_revoked_at is None
        api_expiry = s.get(ApiToken, "api-1").expires_at
        assert before + timedelta(days=364) < api_expiry < before + timedelta(days=366)
    database.dispose()
    downgrade(empty_url, "0001")
    engine = make_engine(empty_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM rounds")).scalars().all() == ["round-1"]
    engine.dispose()


def test_the_database_refuses_to_change_or_delete_audit_events(empty_url):
    upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, event, outcome, actor_kind) "
                "VALUES (:now, 'login', 'success', 'office')"
            ),
            {"now": NOW},
        )
    statements = [
        "UPDATE audit_events SET outcome = 'failure'",
        "DELETE FROM audit_events",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT outcome FROM audit_events")).scalars().all() == [
            "success"
        ]
    engine.dispose()
