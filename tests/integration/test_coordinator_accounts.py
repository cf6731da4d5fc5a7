"""Coordinator accounts on both databases: claiming with the dashboard link, inviting,
removing, signing in, resetting and changing passwords (survey/services/coordinators.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import AuditEvent, Coordinator, Organisation, utcnow
from survey.passwords import too_easy
from survey.services import audit, coordinators, credentials, organisations
from survey.services.login import Outcome
from tests import factories

PASSWORD = "a long pass phrase 1"
OTHER_PASSWORD = "another pass phrase 2"


@pytest.fixture
def registered(database):
    return factories.organisation(database)


def _claim(database, registered, email="anna@example.org"):
    with database.session() as s:
        return coordinators.claim_first_account(
            s, registered.coordinator_token, email, PASSWORD, address="10.0.0.1"
        )


def test_the_dashboard_link_claims_the_first_account_and_is_then_used_up(database, registered):
    coordinator = _claim(database, registered, email=" Anna@Example.org ")
    assert coordinator.email == "anna@example.org"
    with database.session() as s:
        assert organisations.organisation_for_token(s, registered.coordinator_token) is None
        stored = s.get(Coordinator, coordinator.id)
        assert PASSWORD not in stored.password_hash
        assert stored.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        claimed = audit.events(s, event=audit.ACCOUNT_CLAIMED)
        assert [e.organisation_id for e in claimed] == [registered.organisation.id]
        assert claimed[0].address == "10.0.0.1"
    with pytest.raises(NotFound, match="dashboard link is not valid"), database.session() as s:
        coordinators.claim_first_account(s, registered.coordinator_token, "b@x.org", PASSWORD)


def test_a_new_link_cannot_claim_a_second_first_account(database, registered):
    _claim(database, registered)
    with database.session() as s:
        token = credentials.rotate(
            s, f"link:{registered.organisation.id}", audit.Actor("cli", name="admin")
        )
    with pytest.raises(Conflict, match="already has a coordinator"), database.session() as s:
        coordinators.claim_first_account(s, token, "mallory@example.org", PASSWORD)


def test_an_expired_link_claims_nothing(database, registered):
    with database.session() as s:
        org = s.get(Organisation, registered.organisation.id)
        org.coordinator_token_expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotFound), database.session() as s:
        coordinators.claim_first_account(s, registered.coordinator_token, "a@x.org", PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-address", PASSWORD, "email"),
        ("a@b", PASSWORD, "email"),
        ("a b@example.org", PASSWORD, "email"),
        ("a@example.org", "short", "password"),
        ("a@example.org", "x" * 1025, "password"),
    ],
)
def test_bad_addresses_and_passwords_are_refused(database, registered, email, password, field):
    with pytest.raises(InvalidInput) as info, database.session() as s:
        coordinators.claim_first_account(s, registered.coordinator_token, email, password)
    assert info.value.field == field
    with database.session() as s:
        assert organisations.organisation_for_token(s, registered.coordinator_token) is not None


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # a common password
        "qwertyuiop12",  # a keyboard walk
        "aaaaaaaaaaaaaaaa",  # a repeat
        "integriteit2026!",  # a word of this service and a year
        "anna@example.org1",  # the account's own address
    ],
)
def test_passwords_easy_to_guess_are_refused(database, registered, password):
    with pytest.raises(InvalidInput) as info, database.session() as s:
        coordinators.claim_first_account(
            s, registered.coordinator_token, "anna@example.org", password
        )
    assert info.value.field == "password"
    assert "too easy to guess" in info.value.message


def test_the_organisations_name_counts_as_known_to_a_guesser(database):
    registered = factories.organisation(database, name="Gemeente Zuiderwaard")
    _claim(database, registered)
    assert not too_easy("zuiderwaard2026")  # strong enough to anyone without the name
    with pytest.raises(InvalidInput) as info, database.session() as s:
        me = s.scalar(select(Coordinator))
        coordinators.change_password(s, me, PASSWORD, "zuiderwaard2026")
    assert "too easy to guess" in info.value.message
    with database.session() as s:
        me = s.scalar(select(Coordinator))
        coordinators.change_password(s, me, PASSWORD, OTHER_PASSWORD)


def test_a_coordinator_invites_another_by_a_one_time_token(database, registered):
    anna = _claim(database, registered)
    with database.session() as s:
        issued = coordinators.invite(s, s.merge(anna), "Bert@Example.org")
        assert issued.row.email == "bert@example.org"
        assert issued.token not in issued.row.token_hash
    with database.session() as s:
        bert = coordinators.accept_invitation(s, issued.token, OTHER_PASSWORD)
        assert bert.organisation_id == registered.organisation.id
        assert bert.email == "bert@example.org"
    with pytest.raises(NotFound), database.session() as s:
        coordinators.accept_invitation(s, issued.token, OTHER_PASSWORD)
    with database.session() as s:
        org = s.get(Organisation, registered.organisation.id)
        assert [c.email for c in coordinators.coordinators_of(s, org)] == [
            "anna@example.org",
            "bert@example.org",
        ]


def test_invitations_expire_and_refuse_existing_addresses(database, registered):
    anna = _claim(database, registered)
    with pytest.raises(Conflict), database.session() as s:
        coordinators.invite(s, s.merge(anna), "anna@example.org")
    with database.session() as s:
        issued = coordinators.invite(s, s.merge(anna), "carla@example.org")
    later = utcnow() + timedelta(hours=72, seconds=1)
    with pytest.raises(NotFound), database.session() as s:
        coordinators.accept_invitation(s, issued.token, PASSWORD, now=later)
    with database.session() as s:
        coordinators.accept_invitation(s, issued.token, PASSWORD, now=later - timedelta(hours=1))


def test_coordinators_are_removed_by_another_but_never_the_last(database, registered):
    anna = _claim(database, registered)
    with database.session() as s:
        issued = coordinators.invite(s, s.merge(anna), "bert@example.org")
        bert = coordinators.accept_invitation(s, issued.token, OTHER_PASSWORD)
    stranger_org = factories.organisation(database, name="Elders")
    with database.session() as s:
        stranger = coordinators.claim_first_account(
            s, stranger_org.coordinator_token, "eve@example.org", PASSWORD
        )
    with pytest.raises(NotFound), database.session() as s:
        coordinators.remove(s, s.merge(stranger), anna.id)
    with database.session() as s:
        coordinators.remove(s, s.merge(bert), anna.id)
    with pytest.raises(Conflict, match="last coordinator"), database.session() as s:
        coordinators.remove(s, s.merge(bert), bert.id)
    with database.session() as s:
        assert s.get(Coordinator, anna.id) is None
        removed = audit.events(s, event=audit.ACCOUNT_REMOVED)
        assert [(e.actor_id, e.target) for e in removed] == [(bert.id, f"coordinator:{anna.id}")]
    result = _login(database, "anna@example.org", PASSWORD)
    assert result.outcome is Outcome.FAILED


def _login(database, email, password, address="192.0.2.1", now=None):
    with database.session() as s:
        return coordinators.login(s, email, password, address=address, now=now)


def test_sign_in_with_address_and_password(database, registered):
    anna = _claim(database, registered)
    ok = _login(database, "ANNA@example.org", PASSWORD)
    assert ok.ok and ok.account.id == anna.id
    assert _login(database, "anna@example.org", OTHER_PASSWORD).outcome is Outcome.FAILED
    unknown = _login(database, "nobody@example.org", PASSWORD)
    assert unknown.outcome is Outcome.FAILED
    assert unknown.message == ok.__class__(Outcome.FAILED).message  # the same for both
    with database.session() as s:
        logins = audit.events(s, event=audit.LOGIN)
        assert [(e.outcome, e.actor_name, e.address) for e in logins] == [
            ("success", "anna@example.org", "192.0.2.1"),
            ("failure", "anna@example.org", "192.0.2.1"),
            ("failure", "nobody@example.org", "192.0.2.1"),
        ]
        assert logins[0].organisation_id == registered.organisation.id
        assert s.get(Coordinator, anna.id).last_login_at is not None


def test_a_password_reset_is_one_time_short_lived_and_ends_older_sessions(database, registered):
    anna = _claim(database, registered)
    with database.session() as s:
        assert coordinators.request_reset(s, "nobody@example.org") is None
        assert coordinators.request_reset(s, "not an address") is None
        issued = coordinators.request_reset(s, "anna@example.org", address="198.51.100.7")
    signed_in_at = utcnow()
    later = utcnow() + timedelta(minutes=31)
    with pytest.raises(NotFound), database.session() as s:
        coordinators.reset_password(s, issued.token, OTHER_PASSWORD, now=later)
    with database.session() as s:
        coordinators.reset_password(s, issued.token, OTHER_PASSWORD)
    with pytest.raises(NotFound), database.session() as s:
        coordinators.reset_password(s, issued.token, "a third pass phrase")
    assert _login(database, "anna@example.org", PASSWORD).outcome is Outcome.FAILED
    assert _login(database, "anna@example.org", OTHER_PASSWORD).ok
    with database.session() as s:
        stored = s.get(Coordinator, anna.id)
        assert not coordinators.session_still_valid(stored, signed_in_at)
        assert coordinators.session_still_valid(stored, utcnow())
        assert [e.event for e in audit.events(s) if e.event.startswith("password")] == [
            audit.PASSWORD_RESET
        ]


def test_changing_the_password_needs_the_current_one(database, registered):
    anna = _claim(database, registered)
    with pytest.raises(InvalidInput, match="current password"), database.session() as s:
        coordinators.change_password(s, s.merge(anna), "wrong one entirely", OTHER_PASSWORD)
    with database.session() as s:
        coordinators.change_password(s, s.get(Coordinator, anna.id), PASSWORD, OTHER_PASSWORD)
    assert _login(database, "anna@example.org", OTHER_PASSWORD).ok


def test_no_secret_ever_reaches_the_audit_log(database, registered):
    anna = _claim(database, registered)
    secrets = [registered.coordinator_token, PASSWORD, OTHER_PASSWORD]
    with database.session() as s:
        issued = coordinators.invite(s, s.merge(anna), "bert@example.org")
        secrets.append(issued.token)
    with database.session() as s:
        coordinators.accept_invitation(s, issued.token, OTHER_PASSWORD)
        reset = coordinators.request_reset(s, "anna@example.org")
        secrets.append(reset.token)
    with database.session() as s:
        coordinators.reset_password(s, reset.token, "third pass phrase 3")
        secrets.append("third pass phrase 3")
    _login(database, PASSWORD, PASSWORD)  # a password typed into the address field
    _login(database, "anna@example.org", OTHER_PASSWORD)
    with database.session() as s:
        rows = s.scalars(select(AuditEvent)).all()
        assert len(rows) >= 7
        text = " ".join(str(getattr(r, c)) for r in rows for c in audit.COLUMNS)
    for secret in secrets:
        assert secret not in text
