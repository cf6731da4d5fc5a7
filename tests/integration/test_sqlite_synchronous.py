"""SQLite's ``synchronous`` pragma follows the ``SQLITE_SYNCHRONOUS`` setting (default
normal: WAL keeps every acknowledged commit across a killed process; full also syncs
each commit to disk for an OS crash or power cut)."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.db import Database
from survey.settings import Settings

LEVELS = {"normal": 1, "full": 2}  # what PRAGMA synchronous reads back


def _pragma(database: Database, name: str) -> object:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


@pytest.mark.parametrize("level", ["normal", "full"])
def test_each_connection_gets_the_configured_level(tmp_path: Path, level: str) -> None:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}", synchronous=level)  # type: ignore[arg-type]
    try:
        assert _pragma(database, "synchronous") == LEVELS[level]
        assert _pragma(database, "journal_mode") == "wal"
    finally:
        database.dispose()


def test_the_default_is_normal_and_the_environment_chooses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SQLITE_SYNCHRONOUS", raising=False)
    assert Settings().sqlite_synchronous == "normal"
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "full")
    assert Settings().sqlite_synchronous == "full"
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(ValueError):
        Settings()
    with pytest.raises(ValueError):
        Database(f"sqlite:///{tmp_path / 'db.sqlite3'}", synchronous="off")  # type: ignore[arg-type]
