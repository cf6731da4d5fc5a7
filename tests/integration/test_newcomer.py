"""The newcomer's path: the favicon, and what `survey db upgrade` says."""

from __future__ import annotations

from click.testing import CliRunner

from cli import main


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")
    page = client.get("/")
    assert 'rel="icon"' in page.text
    assert (
        client.get(page.text.split('rel="icon" href="', 1)[1].split('"', 1)[0]).status_code == 200
    )


def test_db_upgrade_says_whether_it_created_the_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("created the database schema (revision ")
    again = runner.invoke(main, ["db", "upgrade"])
    assert again.output.startswith("database is up to date (revision ")
