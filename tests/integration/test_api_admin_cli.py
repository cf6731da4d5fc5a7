"""`survey admin create-user` and `create-token`, and the token working as an API credential."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from survey.db import Database
from survey.models import ApiToken, User
from survey.services import users
from survey.tokens import hash_token
from web import auth


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, list(args), input=input)

    yield invoke


def test_create_token_prints_the_token_as_its_last_line(run, database):
    result = run("admin", "create-token", "sector-dashboard")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 43
    with database.session() as s:
        stored = s.scalar(select(ApiToken).where(ApiToken.name == "sector-dashboard"))
        assert stored.token_hash == hash_token(token)
        assert token not in stored.token_hash
        assert users.api_token_for(s, token).id == stored.id


def test_create_token_refuses_a_duplicate_name(run):
    assert run("admin", "create-token", "dup").exit_code == 0
    result = run("admin", "create-token", "dup")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_create_user_with_password_option(run, database):
    result = run("admin", "create-user", "inspector", "--password", "correct horse battery")
    assert result.exit_code == 0, result.output
    assert "created user inspector" in result.output
    with database.session() as s:
        assert users.authenticate(s, "inspector", "correct horse battery").username == "inspector"
        assert users.authenticate(s, "inspector", "wrong password!!") is None
        stored = s.scalar(select(User).where(User.username == "inspector"))
        assert "correct horse" not in stored.password_hash


def test_create_user_asks_for_the_password_twice(run, database):
    result = run("admin", "create-user", "prompted", input="a long password 1\na long password 1\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    with database.session() as s:
        assert users.authenticate(s, "prompted", "a long password 1") is not None


def test_create_user_refuses_mismatched_or_short_passwords(run, database):
    result = run("admin", "create-user", "mismatch", input="a long password 1\nanother one 22\n\n")
    assert result.exit_code != 0
    result = run("admin", "create-user", "short", "--password", "short")
    assert result.exit_code == 1
    assert "at least 12" in result.output
    with database.session() as s:
        assert s.scalar(select(User).where(User.username.in_(["mismatch", "short"]))) is None


def test_the_office_token_is_recognised_and_is_no_coordinator_credential(run, client, api, db_url):
    token = run("admin", "create-token", "office").output.strip().splitlines()[-1]
    org = api.register()
    response = client.get(
        f"/api/organisations/{org.id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    from litestar.testing import RequestFactory

    request = RequestFactory().get("/office", headers={"Authorization": f"Bearer {token}"})
    app_database = Database(db_url)
    with app_database.session() as s:
        assert isinstance(auth.office_for(request, s), ApiToken)
        assert auth.coordinator_for(request, s) is None
        assert auth.respondent_for(request, s) is None
    app_database.dispose()
