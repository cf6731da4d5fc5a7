"""Backup and restore as docs/deployment.md describes them give back the same scores.

PostgreSQL: ``pg_dump -Fc`` of a database with demo data, ``pg_restore`` into an empty
database (not a copy of the migrated template: really empty), then every stored
result is compared row by row, the round pages' figures are compared, and
recomputing every closed round's results on the restored database gives the scores
that were stored. SQLite: the same with ``sqlite3 DB ".backup FILE"``.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from instruments import InstrumentLibrary
from survey.db import Database, normalise_url
from survey.demo import create_demo
from survey.models import (
    Answer,
    DimensionResult,
    InstrumentResult,
    ItemResult,
    Organisation,
    Response,
    RoleResult,
    Round,
)
from survey.services.results import round_scores
from survey.services.rounds import store_results
from tests.conftest import POSTGRES_URL

RESULT_TABLES = (DimensionResult, InstrumentResult, RoleResult, ItemResult)
ROUND_FIGURES = (
    Round.id,
    Round.status,
    Round.closed_at,
    Round.control_score,
    Round.enablement_score,
    Round.quadrant,
    Round.coherent,
    Round.submitted_count,
)

# Scores are rounded to 9 decimals; summing the same answers in another order (rows come
# back from a restored database in another physical order) can move the last one.
SCORE_TOLERANCE = 1e-9 + 1e-12

pytestmark = pytest.mark.timeout(120)


def _libpq(url: str) -> str:
    """The URL as the PostgreSQL command-line tools take it (no SQLAlchemy driver part)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _rows(database: Database, model) -> list[tuple]:  # type: ignore[no-untyped-def]
    columns = list(model.__table__.columns)
    keys = [c for c in columns if c.primary_key]
    with database.session() as session:
        return [tuple(r) for r in session.execute(select(*columns).order_by(*keys))]


def _stored(database: Database) -> dict[str, list[tuple]]:
    stored = {model.__tablename__: _rows(database, model) for model in RESULT_TABLES}
    with database.session() as session:
        stored["rounds"] = [
            tuple(r) for r in session.execute(select(*ROUND_FIGURES).order_by(Round.id))
        ]
    return stored


def _counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            model.__tablename__: len(session.execute(select(model)).all())
            for model in (Organisation, Round, Response, Answer, *RESULT_TABLES)
        }


def _pages(database: Database, library: InstrumentLibrary) -> dict[str, dict]:
    """What the coordinator of every closed round sees (the API's scores answer)."""
    with database.session() as session:
        closed = session.scalars(select(Round).where(Round.status == "closed").order_by(Round.id))
        return {r.id: round_scores(session, r, library) for r in closed}


def _assert_recomputed_scores_match(database: Database, library: InstrumentLibrary) -> int:
    """Recompute every closed round from the restored answers; the stored scores must
    come out again (to the 9 decimals to which scores are rounded)."""
    before = _stored(database)
    recomputed = 0
    with database.sessions() as session, session.begin():
        for round_ in session.scalars(select(Round).where(Round.status == "closed")):
            store_results(session, round_, library, closed_at=round_.closed_at)
            recomputed += 1
        session.flush()
        session.expire_all()
        after = {
            model.__tablename__: [
                tuple(r)
                for r in session.execute(
                    select(*model.__table__.columns).order_by(
                        *[c for c in model.__table__.columns if c.primary_key]
                    )
                )
            ]
            for model in RESULT_TABLES
        }
        session.rollback()
    for table, rows in after.items():
        assert len(rows) == len(before[table]), table
        for old, new in zip(before[table], rows, strict=True):
            for a, b in zip(old, new, strict=True):
                if isinstance(a, float) and isinstance(b, float):
                    assert math.isclose(a, b, rel_tol=0, abs_tol=SCORE_TOLERANCE), (table, old, new)
                else:
                    assert a == b, (table, old, new)
    return recomputed


@pytest.fixture
def demo_source(database: Database, library: InstrumentLibrary) -> Database:
    with database.session() as session:
        summary = create_demo(session, library, organisations=6, seed=7)
    assert summary.rounds >= 6
    return database


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A new database with nothing in it: no tables, not even the migrations."""
    name = f"smbench_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL or ""), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(POSTGRES_URL or "")).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_pg_dump_restored_into_an_empty_database_gives_the_same_scores(
    demo_source: Database, db_url: str, empty_postgres: str, library, tmp_path: Path
):
    dump = tmp_path / "smbench.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), _libpq(db_url)],
        check=True,
        timeout=60,
    )
    restored_url = empty_postgres
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(restored_url), str(dump)],
        check=True,
        timeout=60,
    )
    restored = Database(restored_url)
    try:
        assert _counts(restored) == _counts(demo_source)
        assert _stored(restored) == _stored(demo_source)
        assert _pages(restored, library) == _pages(demo_source, library)
        with restored.session() as session:
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version  # the restored database knows its migration state
        assert _assert_recomputed_scores_match(restored, library) >= 6
    finally:
        restored.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.skipif(not shutil.which("sqlite3"), reason="the sqlite3 shell is not installed")
def test_sqlite_backup_gives_the_same_scores(
    demo_source: Database, db_url: str, library, tmp_path: Path
):
    source = make_url(db_url).database
    backup = tmp_path / "backup.sqlite3"
    subprocess.run(["sqlite3", source, f".backup '{backup}'"], check=True, timeout=60)
    restored = Database(f"sqlite:///{backup}")
    try:
        assert _counts(restored) == _counts(demo_source)
        assert _stored(restored) == _stored(demo_source)
        assert _pages(restored, library) == _pages(demo_source, library)
        assert _assert_recomputed_scores_match(restored, library) >= 6
    finally:
        restored.dispose()
