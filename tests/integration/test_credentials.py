"""Credential lifetimes, revocation and rotation for every kind, and the append-only
audit log, on both databases."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from survey.errors import AppendOnly, Conflict, InvalidInput, NotFound
from survey.models import AuditEvent, Response, utcnow
from survey.policy import CredentialPolicy, Lifetimes
from survey.services import (
    audit,
    coordinators,
    credentials,
    organisations,
    responses,
    rounds,
    users,
)
from tests import factories

ADMIN = audit.Actor("cli", name="admin")


def test_dashboard_links_expire_and_are_revoked_and_rotated(database):
    registered = factories.organisation(database)
    token, org_id = registered.coordinator_token, registered.organisation.id
    with database.session() as s:
        expires = organisations.organisation_for_token(s, token).coordinator_token_expires_at
        assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
        assert organisations.organisation_for_token(s, token, now=expires) is None
    with database.session() as s:
        info = credentials.revoke(s, f"link:{org_id}", ADMIN, address="127.0.0.1")
        assert info.state == "revoked"
        assert organisations.organisation_for_token(s, token) is None
    with database.session() as s:
        new = credentials.rotate(s, f"link:{org_id}", ADMIN)
    with database.session() as s:
        assert organisations.organisation_for_token(s, new).id == org_id
        assert organisations.organisation_for_token(s, token) is None
        trail = [(e.event, e.target) for e in audit.events(s, organisation_id=org_id)]
    assert trail == [
        (audit.TOKEN_REVOKED, f"link:{org_id}"),
        (audit.TOKEN_ROTATED, f"link:{org_id}"),
    ]


def test_api_tokens_expire_and_are_revoked_and_rotated(database):
    with database.session() as s:
        token = users.create_api_token(s, "sector-dashboard")
        row = users.api_token_for(s, token)
        assert timedelta(days=364) < row.expires_at - utcnow() <= timedelta(days=365)
        assert users.api_token_for(s, token, now=row.expires_at) is None
        ref = f"api:{row.id}"
    with database.session() as s:
        new = credentials.rotate(s, ref, ADMIN)
    with database.session() as s:
        assert users.api_token_for(s, token) is None
        assert users.api_token_for(s, new).id == ref.removeprefix("api:")
        credentials.revoke(s, ref, ADMIN)
    with database.session() as s:
        assert users.api_token_for(s, new) is None
        created = audit.events(s, event=audit.TOKEN_CREATED)
        assert [e.target for e in created] == [ref]


def test_api_token_lifetime_follows_the_policy(database):
    policy = CredentialPolicy(lifetimes=Lifetimes(api_token=timedelta(days=7)))
    with database.session() as s:
        token = users.create_api_token(s, "short", policy=policy)
        row = users.api_token_for(s, token)
        assert timedelta(days=6) < row.expires_at - utcnow() <= timedelta(days=7)


def test_resume_tokens_end_when_the_round_closes(database, library):
    registered = factories.organisation(database)
    opened = factories.open_round(database, registered.organisation, library)
    response_id, token = factories.respond(database, opened.invite_code, library, {}, submit=False)
    with database.session() as s:
        assert responses.response_for_resume_token(s, token).id == response_id
        later = utcnow() + timedelta(days=181)
        assert responses.response_for_token(s, token, now=later) is None
        assert responses.locked_respondent_for_token(s, token, now=later) is None
        found = responses.locked_respondent_for_token(s, token)
        assert (found.id, found.round_status) == (response_id, "open")
    with database.session() as s:
        rounds.close_round(s, s.merge(opened.round), library)
    with database.session() as s:
        assert responses.response_for_resume_token(s, token) is None
        # The token still identifies the response for reading, and the clear "closed" answer.
        assert responses.response_for_token(s, token).id == response_id
        found = responses.locked_respondent_for_token(s, token)
        assert (found.id, found.round_status) == (response_id, "closed")
        [info] = credentials.list_credentials(s, ("respondent",))
        assert (info.ref, info.state) == (f"respondent:{response_id}", "round closed")
        credentials.revoke(s, info.ref, ADMIN)
    with database.session() as s:
        assert responses.response_for_token(s, token) is None
        assert responses.locked_respondent_for_token(s, token) is None
        assert s.get(Response, response_id).token_revoked_at is not None


def test_one_time_tokens_are_listed_revoked_and_rotated(database):
    registered = factories.organisation(database)
    with database.session() as s:
        anna = coordinators.claim_first_account(
            s, registered.coordinator_token, "anna@example.org", "a long pass phrase"
        )
        invitation = coordinators.invite(s, anna, "bert@example.org")
        reset = coordinators.request_reset(s, "anna@example.org")
    with database.session() as s:
        listed = {c.ref: c.state for c in credentials.list_credentials(s)}
    assert listed == {
        f"link:{registered.organisation.id}": "revoked",
        f"invitation:{invitation.row.id}": "live",
        f"reset:{reset.row.id}": "live",
    }
    with database.session() as s:
        credentials.revoke(s, f"invitation:{invitation.row.id}", ADMIN)
    with pytest.raises(NotFound), database.session() as s:
        coordinators.accept_invitation(s, invitation.token, "bert pass phrase 2")
    with database.session() as s:
        fresh = credentials.rotate(s, f"invitation:{invitation.row.id}", ADMIN)
    with database.session() as s:
        assert coordinators.accept_invitation(s, fresh, "bert pass phrase 2").email == (
            "bert@example.org"
        )
    with pytest.raises(Conflict, match="used"), database.session() as s:
        credentials.rotate(s, f"invitation:{invitation.row.id}", ADMIN)


@pytest.mark.parametrize("ref", ["nonsense", "link:", "secret:abc", "api:no-such-id"])
def test_unknown_credentials_are_refused_clearly(database, ref):
    error = NotFound if ref.startswith("api:") else InvalidInput
    with pytest.raises(error), database.session() as s:
        credentials.revoke(s, ref, ADMIN)


def test_the_audit_log_is_append_only_through_the_orm(database):
    with database.session() as s:
        row = audit.record(s, audit.LOGIN, audit.Actor("office", "u1", "inspector"))
        row_id = row.id
    with pytest.raises(AppendOnly), database.session() as s:
        s.get(AuditEvent, row_id).outcome = "failure"
    with pytest.raises(AppendOnly), database.session() as s:
        s.delete(s.get(AuditEvent, row_id))
    with pytest.raises(AppendOnly), database.session() as s:
        s.execute(update(AuditEvent).values(outcome="failure"))
    with pytest.raises(AppendOnly), database.session() as s:
        s.execute(delete(AuditEvent))
    with database.session() as s:
        assert s.scalars(select(AuditEvent.outcome)).all() == ["success"]


def test_audit_entries_cannot_be_forged_and_export_safely(database):
    with database.session() as s:
        audit.record(
            s,
            audit.LOGIN,
            audit.Actor("office", None, "eve\n2026-01-01 login success: admin"),
            outcome="failure",
            address="192.0.2.1",
        )
        audit.record(s, audit.EXPORT, audit.Actor("office", None, "=HYPERLINK(1)"))
    with database.session() as s:
        jsonl, table = io.StringIO(), io.StringIO()
        assert audit.export(s, jsonl) == 2
        audit.export(s, table, fmt="csv")
    first = json.loads(jsonl.getvalue().splitlines()[0])
    assert first["actor_name"] == "eve?2026-01-01 login success: admin"
    assert first["at"].endswith("+00:00")
    assert "'=HYPERLINK(1)" in table.getvalue()
    assert len(table.getvalue().splitlines()) == 3
