"""An integrity-office user changes their own password at /office/security/password:
the current password is required, the form needs its CSRF token, the change is in the
audit log (never the passwords), and the user's other sessions end; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent
from survey.services import users
from tests.integration.pages import Browser, field_error
from tests.integration.test_pages_office_security import PASSWORD, sign_in

FORM = "/office/security/password"
NEW_PASSWORD = "a new and longer pass phrase"


@pytest.fixture
def office_user(database) -> str:
    with database.session() as s:
        users.create_user(s, "bios", PASSWORD)
    return "bios"


def test_an_office_user_changes_their_own_password(make_client, office_user, database):
    browser, elsewhere = Browser(make_client()), Browser(make_client())
    sign_in(browser)
    sign_in(elsewhere)
    elsewhere.get("/office/security")
    page = browser.get("/office/security")
    assert any(a.attrs.get("href") == FORM for a in page.find("a"))
    browser.get(FORM)

    page = browser.submit(
        FORM,
        {"current_password": "not it", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
        status=422,
    )
    assert field_error(page, "field-current_password") == (
        "Error: The current password is not right."
    )
    page = browser.submit(
        FORM,
        {"current_password": PASSWORD, "password": "short", "password_repeat": "short"},
        status=422,
    )
    assert "characters" in field_error(page, "field-password")
    page = browser.submit(
        FORM,
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": "other"},
        status=422,
    )
    assert "not the same" in field_error(page, "field-password_repeat")
    page = browser.submit(  # strong to a stranger, but made of the username "bios"
        FORM,
        {
            "current_password": PASSWORD,
            "password": "biosbios2026!",
            "password_repeat": "biosbios2026!",
        },
        status=422,
    )
    assert "too easy to guess" in field_error(page, "field-password")
    # Without the form's CSRF token the change is refused.
    refused = browser.client.post(
        FORM,
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 403

    page = browser.submit(
        FORM,
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
    )
    assert browser.path == "/office/security" and "Your password is changed." in page.text
    # This session goes on; the other one ended; the old password no longer signs in.
    browser.get("/office/security")
    elsewhere.get("/office/security", status=401)
    sign_in(Browser(make_client()), status=401)
    fresh = Browser(make_client())
    sign_in(fresh, NEW_PASSWORD)
    assert fresh.path == "/office"

    with database.session() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.event == "password.changed"))
        assert event.actor_name == "bios" and event.outcome == "success"
        recorded = " ".join(str(v) for v in vars(event).values())
        assert PASSWORD not in recorded and NEW_PASSWORD not in recorded


def test_the_page_needs_a_signed_in_office_user(client):
    assert client.get(FORM).status_code == 401
    assert client.post(FORM, data={}).status_code in (401, 403)
