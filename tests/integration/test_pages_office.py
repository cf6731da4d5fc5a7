"""The integrity office's pages: signing in and out, and the landing page's counts."""

from __future__ import annotations

import pytest

from survey.services import rounds, users
from tests import factories
from tests.integration.conftest import ANSWERS_FULL
from tests.integration.pages import Browser, assert_dutch, field_error

PASSWORD = "correct horse battery"


@pytest.fixture
def office_user(database) -> str:
    with database.session() as s:
        users.create_user(s, "bios", PASSWORD)
    return "bios"


def closed_round(database, lib, **profile) -> None:
    org = factories.organisation(database, **profile).organisation
    code = factories.open_round(database, org, lib).invite_code
    factories.respond(database, code, lib, ANSWERS_FULL)
    with database.session() as s:
        rounds.close_round(s, rounds.round_for_invite(s, code), lib)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_login_errors_are_tied_to_their_fields(client, office_user, lang):
    browser = Browser(client)
    browser.get(f"/login?lang={lang}", lang=lang)
    page = browser.submit("/login", {}, status=422, lang=lang)
    assert field_error(page, "field-username") == {"en": "Error: Enter your username.",
                                                   "nl": "Fout: Vul uw gebruikersnaam in."}[lang]  # fmt: skip
    assert field_error(page, "field-password") == {"en": "Error: Enter your password.",
                                                   "nl": "Fout: Vul uw wachtwoord in."}[lang]  # fmt: skip
    page = browser.submit(
        "/login", {"username": office_user, "password": "wrong password!"}, status=401, lang=lang
    )
    assert "password" in field_error(page, "field-password").lower() or "wachtwoord" in field_error(
        page, "field-password"
    )
    assert page.by_id("field-username").attrs["value"] == office_user
    assert page.by_id("field-password").attrs["value"] == ""
    if lang == "nl":
        assert_dutch(page)


def test_office_signs_in_sees_counts_and_signs_out(client, office_user, database, lib):
    closed_round(database, lib)
    closed_round(database, lib, name="Gemeente Twee")
    closed_round(database, lib, name="Politie Oost", sector="police")
    org = factories.organisation(database, name="Nog Open").organisation
    factories.open_round(database, org, lib)

    browser = Browser(client)
    browser.get("/office")
    assert browser.path == "/login"
    before = client.cookies.get("smb_session")
    page = browser.submit("/login", {"username": office_user, "password": PASSWORD})
    assert browser.path == "/office"
    assert client.cookies.get("smb_session") not in (None, before)
    assert "Signed in as bios" in page.text
    rows = {}
    for row in page.find("tr"):
        words = " ".join(row.text.split())
        for label in ("Municipalities", "Police", "Defence"):
            if words.startswith(f"{label} "):
                rows[label] = words.split()[-3:]
    assert rows["Municipalities"] == ["2", "2", "0"]
    assert rows["Police"] == ["1", "1", "0"]
    assert rows["Defence"] == ["0", "0", "0"]
    assert "3 closed rounds in all." in page.text
    instrument = next(r for r in page.find("tr") if "Mini instrument" in r.text)
    assert instrument.text.split()[-3:] == ["2", "4", "3"]
    dutch = browser.get("/office?lang=nl", lang="nl")
    assert "Gemeenten" in dutch.text and "In totaal 3 gesloten rondes." in dutch.text
    assert_dutch(dutch)

    page = browser.submit("/logout", {}, lang="nl")
    assert browser.path == "/login"
    assert "U bent uitgelogd." in page.text
    browser.get("/office")
    assert browser.path == "/login"


def test_logout_needs_the_csrf_token_and_post(client, office_user):
    browser = Browser(client)
    browser.get("/login")
    browser.submit("/login", {"username": office_user, "password": PASSWORD})
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/logout").status_code == 405
    browser.get("/office")
    assert browser.path == "/office"
