"""`survey admin list-tokens`, `revoke-token`, `rotate-token`, `reset-coordinator` and
`audit-log` with click's runner, on both databases."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from survey.services import coordinators, organisations, users
from tests import factories

BASE = "https://smb.example.org"


@pytest.fixture
def run(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BASE_URL", BASE)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args))

    yield invoke


def test_list_revoke_and_rotate_a_dashboard_link(run, database):
    registered = factories.organisation(database)
    ref = f"link:{registered.organisation.id}"
    listed = run("admin", "list-tokens")
    assert listed.exit_code == 0, listed.output
    assert f"{ref}\tlive\texpires " in listed.output
    assert registered.coordinator_token not in listed.output

    revoked = run("admin", "revoke-token", ref)
    assert revoked.exit_code == 0, revoked.output
    assert f"{ref}: revoked" in revoked.output
    assert f"{ref}\trevoked" in run("admin", "list-tokens").output

    rotated = run("admin", "rotate-token", ref)
    assert rotated.exit_code == 0, rotated.output
    link = rotated.output.strip().splitlines()[-1]
    assert link.startswith(f"{BASE}/c/")
    with database.session() as s:
        assert organisations.organisation_for_token(s, link.removeprefix(f"{BASE}/c/"))
        assert organisations.organisation_for_token(s, registered.coordinator_token) is None


def test_rotate_an_api_token_prints_the_new_token(run, database):
    token = run("admin", "create-token", "office").output.strip().splitlines()[-1]
    ref = next(
        line.split("\t")[0]
        for line in run("admin", "list-tokens", "--kind", "api").output.splitlines()
        if "API token 'office'" in line
    )
    new = run("admin", "rotate-token", ref).output.strip().splitlines()[-1]
    with database.session() as s:
        assert users.api_token_for(s, token) is None
        assert users.api_token_for(s, new) is not None


def test_unknown_or_malformed_credentials_fail_with_a_message(run):
    for ref in ("api:nope", "nonsense"):
        for command in ("revoke-token", "rotate-token"):
            result = run("admin", command, ref)
            assert result.exit_code == 1
            assert result.output.startswith("error: ")
            assert "Traceback" not in result.output


def test_respondent_tokens_are_listed_only_on_request(run, database, library):
    registered = factories.organisation(database)
    opened = factories.open_round(database, registered.organisation, library)
    response_id, _ = factories.respond(database, opened.invite_code, library, {}, submit=False)
    assert "respondent:" not in run("admin", "list-tokens").output
    listed = run("admin", "list-tokens", "--kind", "respondent").output
    assert f"respondent:{response_id}\tlive" in listed


def test_reset_coordinator_prints_a_one_time_link(run, database):
    registered = factories.organisation(database)
    with database.session() as s:
        coordinators.claim_first_account(
            s, registered.coordinator_token, "anna@example.org", "a long pass phrase"
        )
    result = run("admin", "reset-coordinator", "Anna@Example.org")
    assert result.exit_code == 0, result.output
    assert "valid for 30 minutes" in result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith(f"{BASE}/password-reset/")
    token = link.rsplit("/", 1)[1]
    with database.session() as s:
        coordinators.reset_password(s, token, "a brand new pass phrase")
    with database.session() as s:
        assert coordinators.login(s, "anna@example.org", "a brand new pass phrase").ok
    missing = run("admin", "reset-coordinator", "nobody@example.org")
    assert missing.exit_code == 1
    assert "rotate-token link:" in missing.output


def test_audit_log_shows_and_exports_events(run, database, tmp_path):
    registered = factories.organisation(database)
    with database.session() as s:
        coordinators.claim_first_account(
            s, registered.coordinator_token, "anna@example.org", "a long pass phrase"
        )
        coordinators.login(s, "anna@example.org", "not the pass phrase", address="192.0.2.4")
    shown = run("admin", "audit-log")
    assert shown.exit_code == 0, shown.output
    assert "account.claimed success: coordinator anna@example.org" in shown.output
    assert "login failure: coordinator anna@example.org from 192.0.2.4 wrong password" in (
        shown.output
    )
    target = tmp_path / "audit.jsonl"
    exported = run("admin", "audit-log", "--export", str(target))
    assert exported.exit_code == 0, exported.output
    events = [json.loads(line) for line in target.read_text().splitlines()]
    assert [e["event"] for e in events] == ["account.claimed", "login"]
    assert "a long pass phrase" not in target.read_text()
    csv_target = tmp_path / "audit.csv"
    assert run("admin", "audit-log", "--export", str(csv_target), "--format", "csv").exit_code == 0
    assert csv_target.read_text().splitlines()[0].startswith("id,at,event,outcome")
    # The exports are audit events themselves.
    assert run("admin", "audit-log").output.count("audit.export success: cli") == 2


def test_the_cli_export_of_answers_is_audited(run, tmp_path):
    result = run("export", "-o", str(tmp_path / "answers.csv"))
    assert result.exit_code == 0, result.output
    assert "export success: cli" in run("admin", "audit-log").output
