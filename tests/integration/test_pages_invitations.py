"""The coordinator's invitation and round-settings pages, and the personal link in a browser."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey.models import AuditEvent, Invitation, Response, Round, utcnow
from survey.tokens import invite_code_for
from tests.integration.conftest import SECRET
from tests.integration.pages import Browser, csrf_token
from tests.integration.test_pages_coordinator import close, open_round, sign_in

EMPTY_FILE = {"file": ("", b"", "application/octet-stream")}


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


def _invite(browser: Browser, round_path: str, *, status: int = 200, **form):
    page = browser.get(f"{round_path}/invitations")
    files = form.pop("files", EMPTY_FILE)
    response = browser.client.post(
        f"{round_path}/invitations",
        data={"_csrf_token": csrf_token(browser.last.text), "lang": "en", **form},
        files=files,
    )
    assert response.status_code == status, response.text[:2000]
    browser.last = response
    return page, response.text


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_pasted_list_gives_links_to_copy_and_a_status_table(browser, database):
    round_path = open_round(browser, sign_in(browser))
    _, html = _invite(browser, round_path, people="ann@example.org, staff\nbob@example.org; hr; nl")
    assert "No mail server is set up" in html
    assert html.count("https://smb.example.org/p/") == 2
    page = browser.get(f"{round_path}/invitations")
    assert "ann@example.org" in page.text and "not mailed" in page.text
    assert "https://smb.example.org/p/" not in page.text  # the links are shown only once
    # The link opens the welcome page in another browser, in the person's language.
    link = html.split("https://smb.example.org/p/", 2)[2].split('"', 1)[0]
    person = Browser(browser.client.__class__(browser.client.app))
    with person.client:
        opened = person.client.get(f"/p/{link}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/welcome"
        page = person.get("/welcome", lang="nl")
        assert "als HR" in page.text or "als hr" in page.text.lower()
        person.get("/respond")
        assert person.path == "/respond/1"
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 1


def test_the_welcome_page_needs_the_personal_link(make_client):
    page = Browser(make_client()).get("/welcome?lang=en", status=401)
    assert "Open your personal link again to continue answering." in page.text


@pytest.mark.parametrize(
    ("files", "people", "message"),
    [
        ({"file": ("list.csv", "e-mail;rol\nann@example.org;staff\n".encode("utf-16"), "text/csv")},
         "", "not UTF-8"),
        ({"file": ("list.xlsx", b"PK\x03\x04 broken", "application/vnd.ms-excel")},
         "", "not a readable .xlsx"),
        ({"file": ("list.xlsx", _xlsx([["name", "role"], ["Ann", "staff"]]),
                   "application/vnd.ms-excel")}, "", "but not: email."),
        (EMPTY_FILE, "ann@example.org, staff\nnot-an-address, staff", "line 2"),
        (EMPTY_FILE, "ann@example.org, astronaut", "unknown role &#39;astronaut&#39;"),
        (EMPTY_FILE, "", "The list is empty"),
    ],
)  # fmt: skip
def test_bad_lists_are_refused_with_a_clear_error_and_nothing_saved(
    browser, database, files, people, message
):
    round_path = open_round(browser, sign_in(browser))
    _, html = _invite(browser, round_path, status=422, people=people, files=files)
    assert "Nothing was imported" in html and message in html
    if people:
        assert people.split("\n")[0] in html  # the pasted text is kept
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_personal_link_adopts_the_response_this_browser_started(client, database):
    coordinator = Browser(client)
    round_path = open_round(coordinator, sign_in(coordinator))
    _, html = _invite(coordinator, round_path, people="ann@example.org, staff\nbob@example.org, hr")
    ann, bob = (part.split('"', 1)[0] for part in html.split("https://smb.example.org/p/")[1:3])
    person = Browser(client.__class__(client.app))
    with person.client:
        code = invite_code_for(round_path.rsplit("/", 1)[1], SECRET)
        person.get(f"/i/{code}")
        person.submit(f"/i/{code}", {"lang": "en", "role": "staff"})
        person.client.get(f"/p/{ann}")  # same role: the started response is Ann's
        person.client.get(f"/p/{bob}")  # another role: a response of its own
    with database.session() as s:
        roles = sorted(s.scalars(select(Response.role)).all())
        linked = s.scalars(select(Invitation.response_id)).all()
    assert roles == ["hr", "staff"]
    assert None not in linked and len(set(linked)) == 2


def test_list_problems_are_shown_in_the_readers_language(browser):
    round_path = open_round(browser, sign_in(browser))
    browser.get(f"{round_path}/invitations?lang=nl", lang="nl")
    response = browser.client.post(
        f"{round_path}/invitations",
        data={"_csrf_token": csrf_token(browser.last.text), "lang": "nl",
              "people": "ann@example.org, astronaut\nbob, staff"},
        files=EMPTY_FILE,
    )  # fmt: skip
    assert response.status_code == 422
    assert "regel 1: onbekende rol &#39;astronaut&#39;" in response.text
    assert "regel 2: &#39;bob&#39; is geen e-mailadres" in response.text


def test_an_xlsx_list_with_named_columns_is_read(browser, database):
    round_path = open_round(browser, sign_in(browser))
    book = _xlsx([["Role", "E-mail", "Lang"], ["staff", "ann@example.org", "nl"],
                  ["it", "bob@example.org", None]])  # fmt: skip
    _invite(browser, round_path, files={"file": ("people.xlsx", book, "application/octet-stream")})
    with database.session() as s:
        rows = s.execute(select(Invitation.email, Invitation.role, Invitation.lang)).all()
    assert sorted(rows) == [("ann@example.org", "staff", "nl"), ("bob@example.org", "it", "en")]


def test_settings_rename_deadline_reminders_targets_and_participation(browser, database):
    round_path = open_round(browser, sign_in(browser))
    round_id = round_path.rsplit("/", 1)[1]
    browser.get(f"{round_path}/settings")
    page = browser.submit(
        f"{round_path}/settings",
        {"label": "2027", "closes_at": "2020-01-01T10:00", "reminder_days": "7"},
        status=422,
    )
    assert "in the future" in page.text
    with database.session() as s:  # the refused form renamed nothing
        assert s.get(Round, round_id).label == "2026"
    closes = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page = browser.submit(
        f"{round_path}/settings",
        {"label": "  Round   2027 ", "closes_at": closes, "reminder_days": "14, 7",
         "target:staff": "10", "target:hr": "2"},
    )  # fmt: skip
    assert browser.path == round_path
    assert "closes on" in page.text and "reminders on days 7, 14" in page.text
    with database.session() as s:
        assert s.get(Round, round_id).label == "Round 2027"
        assert s.scalar(select(AuditEvent.detail).where(AuditEvent.event == "round.renamed")) == (
            "2026 -> Round 2027"
        )
    page = browser.get(f"{round_path}/settings")
    assert page.by_id("field-reminder_days").attrs["value"] == "7, 14"
    assert page.by_id("target-staff").attrs["value"] == "10"
    assert page.by_id("field-closes_at").attrs["value"] == closes
    # Targets never show a role below 3 submitted: it is pooled with the others.
    rows = [r.text for r in page.find("tr")]
    assert any("Other roles" in r and "fewer than 3" in r and "12" in r for r in rows), rows


def test_delete_while_no_answer_is_saved_then_refused(browser, database):
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    browser.get(f"{round_path}/settings")
    browser.submit(f"{round_path}/delete", {})
    assert browser.path == dashboard
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
        assert s.scalar(select(AuditEvent.detail).where(AuditEvent.event == "round.deleted")) == (
            "2026"
        )


def test_a_closed_round_is_archived_and_brought_back(browser, database):
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard, label="Stray round")
    browser.get(f"{round_path}/settings")
    page = browser.submit(f"{round_path}/archive", {"archived": "yes"}, status=409)
    assert "Only a closed round can be archived." in page.text
    close(browser, round_path)
    browser.get(f"{round_path}/settings")
    page = browser.submit(f"{round_path}/archive", {"archived": "yes"})
    assert browser.path == dashboard
    assert page.by_id("rounds-caption") is None and "Archived rounds" in page.text
    assert "Stray round" in page.text
    browser.get(f"{round_path}/settings")
    page = browser.submit(f"{round_path}/archive", {"archived": "no"})
    assert page.by_id("rounds-caption") is not None and "Archived rounds" not in page.text
    with database.session() as s:
        events = s.scalars(select(AuditEvent.event).order_by(AuditEvent.id)).all()
    assert events[-2:] == ["round.archived", "round.restored"]


def test_pages_of_another_organisation_are_404(client, make_client, database):
    owner = Browser(client)
    round_path = open_round(owner, sign_in(owner))
    other = Browser(make_client())
    sign_in(other, name="Provincie Anders", sector="provinces")
    for path in (f"{round_path}/invitations", f"{round_path}/settings"):
        other.get(path, status=404)
    stranger = Browser(make_client())
    for path in (f"{round_path}/invitations", f"{round_path}/settings"):
        stranger.get(path, status=401)
    token = csrf_token(other.get("/register") and other.last.text)
    other.submit(f"{round_path}/settings", {"label": "Taken over"}, status=404, token=token)
    other.submit(f"{round_path}/delete", {}, status=404, token=token)
    other.submit(f"{round_path}/archive", {"archived": "yes"}, status=404, token=token)
    response = other.client.post(
        f"{round_path}/invitations",
        data={"_csrf_token": token, "people": "x@example.org, staff"},
        files=EMPTY_FILE,
    )
    assert response.status_code == 404
    with database.session() as s:
        assert s.scalar(select(Round.label)) == "2026"
        assert s.scalar(select(func.count()).select_from(Invitation)) == 0
