"""The composition root builds the database, settings and instruments once per process
and hands them to the app and to the command line; ``survey analyse`` builds none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

import bootstrap.root
from bootstrap import build_root
from cli import main
from survey.db import Database
from web.app import create_app
from web.settings import WebSettings
from web.state import app_state
from web.stores import build_stores

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def databases_built(monkeypatch) -> list[Database]:
    """Every ``Database`` the root builds from now on."""
    built: list[Database] = []

    class Counted(Database):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(bootstrap.root, "Database", Counted)
    return built


def test_the_app_serves_on_the_roots_database_settings_and_instruments(
    db_url, tmp_path, lib, databases_built
):
    settings = WebSettings(database_url=db_url, data_dir=tmp_path, secret_key="root-test")
    root = build_root(settings, library=lib)
    app = create_app(root, stores=build_stores(settings, namespace="root-test"))
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/api/instruments").status_code == 200
    state = app_state(app.state)
    assert state.database is root.database and databases_built == [root.database]
    assert state.settings is root.settings and state.library is root.library
    assert state.pinned is root.pinned


def test_one_command_builds_one_root_and_closes_it(db_url, tmp_path, monkeypatch, databases_built):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BASE_URL", "https://smb.example.org")
    closed: list[Database] = []
    monkeypatch.setattr(bootstrap.root.Root, "close", lambda self: closed.append(self.database))
    # demo reads the root twice: its database, then BASE_URL for the dashboard link
    result = CliRunner().invoke(main, ["demo", "--organisations", "6"])
    assert result.exit_code == 0, result.output
    assert "https://smb.example.org/c/" in result.output
    assert len(databases_built) == 1 and closed == databases_built


def test_a_command_runs_on_the_root_it_is_given(db_url, tmp_path, monkeypatch, databases_built):
    root = build_root(WebSettings(database_url=db_url, data_dir=tmp_path, base_url="https://given"))
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/folder/never.sqlite3")
    result = CliRunner().invoke(main, ["admin", "create-token", "office"], obj=root)
    assert result.exit_code == 0, result.output
    assert databases_built == [root.database]
    listed = CliRunner().invoke(main, ["admin", "list-tokens", "--kind", "api"], obj=root)
    assert "office" in listed.output


def test_survey_analyse_builds_no_root_and_imports_no_web_or_settings():
    code = (
        "import sys\n"
        "from cli import main\n"
        "try:\n    main(['analyse', '--help'])\n"
        "except SystemExit as end:\n    assert end.code == 0\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "analytics" in loaded
    assert loaded.isdisjoint({"web", "litestar", "pydantic_settings", "bootstrap", "sqlalchemy"})
