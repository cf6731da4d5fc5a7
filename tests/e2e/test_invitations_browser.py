"""Personal invitations, reminders and the closing date in a real Chromium, with a real
SMTP server (aiosmtpd) receiving the app's mail; and the questionnaire on a 390 px phone.

Screenshots go to /tmp/invitations-*.png. Time is moved on by changing the round's
opening and closing moments in the database; everything else goes through the pages,
the app's own mail worker and the mail server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from survey.db import Database
from survey.models import Round, RoundSchedule, utcnow
from survey.services import coordinators
from tests.e2e.conftest import DESKTOP, TOUCH_TARGET, save_and_continue
from tests.e2e.test_browser_journey import register
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
PEOPLE = {
    "anna@example.org": ("staff", "nl"),
    "ben@example.org": ("staff", "en"),
    "chris@example.org": ("hr", "en"),
}
LONGEST_QUESTIONNAIRE_PX = 25_000


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def server_overrides(smtp: SmtpServer) -> dict[str, object]:
    return {
        "smtp_url": smtp.url,
        "mail_from": "zelfevaluatie@example.org",
        "mail_poll_seconds": 0.3,
    }


def _reload_until_sent(page: Page, count: int, timeout: float = 60.0) -> None:
    """The worker records a mail as sent after the SMTP server has taken it, so the inbox
    may hold the mail a moment before the page says so: reload until it does."""
    sent = page.locator("tbody").get_by_text("sent")
    deadline = time.monotonic() + timeout
    while True:
        page.reload()
        if sent.count() == count or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    expect(sent).to_have_count(count)


def _link(smtp: SmtpServer, address: str, index: int = 0) -> str:
    mail = smtp.inbox.to(address)[index]
    text = mail.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:\d+/p/[A-Za-z0-9_-]{43}", text).group(0)


def _answer_every_page(page: Page, *, measure: bool = False) -> int:
    """Answer each page (the second option everywhere) up to the review; with
    ``measure``, check the width and return the summed height of the pages."""
    total = 0
    while page.locator("fieldset.question").count():
        questions = page.locator("fieldset.question")
        assert questions.count() <= 8
        if measure:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
            total += page.evaluate("document.documentElement.scrollHeight")
        for index in range(questions.count()):
            questions.nth(index).locator("input[type=radio]").nth(1).check()
        save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/respond/review$"))
    return total


def test_invite_remind_answer_on_a_phone_and_close_at_the_deadline(
    live_server, new_context, smtp, db_url
):
    origin = live_server.origin
    smtp.inbox.messages.clear()
    coordinator = new_context(DESKTOP).new_page()
    dashboard_link = register(coordinator, origin)
    coordinator.get_by_role("link", name="Go to the dashboard").click()
    database = Database(db_url)
    with database.session() as s:  # the coordinator's account, for the closing notice
        coordinators.claim_first_account(
            s, dashboard_link.rsplit("/", 1)[1], "integriteit@example.org", "a long passphrase 42"
        )
    # claiming the account ends the link's session: sign in with the account
    coordinator.goto(origin + "/coordinators/sign-in")
    coordinator.get_by_label("E-mail address").fill("integriteit@example.org")
    coordinator.get_by_label("Password").fill("a long passphrase 42")
    coordinator.get_by_role("button", name="Sign in").click()
    coordinator.get_by_role("link", name="Open a new assessment round").click()
    coordinator.get_by_label("Name of the round").fill("Voorjaar 2026")
    for box in coordinator.locator("input[name=instruments]").all():
        box.check()
    coordinator.get_by_role("button", name="Open the round").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Voorjaar 2026")
    round_url = coordinator.url
    round_id = round_url.rsplit("/", 1)[1]

    # --- personal invitations: a pasted list; each person gets one mail in their language
    coordinator.get_by_role("link", name="Personal invitations").click()
    assert coordinator.locator("#field-file").bounding_box()["height"] >= TOUCH_TARGET
    coordinator.get_by_label("E-mail address and role, one person per line").fill(
        "\n".join(f"{email}, {role}, {lang}" for email, (role, lang) in PEOPLE.items())
    )
    coordinator.get_by_role("button", name="Invite").click()
    expect(coordinator.get_by_text("3 invitations are on their way by mail.")).to_be_visible()
    smtp.inbox.wait_for(3)
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(PEOPLE)
    assert "uitnodiging" in smtp.inbox.to("anna@example.org")[0]["Subject"].lower()
    assert "invitation" in smtp.inbox.to("ben@example.org")[0]["Subject"].lower()
    _reload_until_sent(coordinator, 3)
    expect(coordinator.locator("table tbody tr")).to_have_count(3)
    coordinator.screenshot(path="/tmp/invitations-coordinator.png", full_page=True)

    # --- Anna opens her link on a 390 px phone, in Dutch; the link resumes her response
    anna_link = _link(smtp, "anna@example.org")
    phone = new_context(PHONE_390, locale="nl-NL").new_page()
    phone.goto(anna_link)
    expect(phone).to_have_url(origin + "/welcome")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Welkom")
    phone.get_by_role("link", name="Begin met de vragen").click()
    expect(phone.get_by_text(re.compile(r"^Pagina 1 van \d+$"))).to_be_visible()
    phone.screenshot(path="/tmp/invitations-phone-nl-page1.png", full_page=True)
    questions = phone.locator("fieldset.question")
    for index in range(questions.count()):
        questions.nth(index).locator("input[type=radio]").nth(1).check()
    phone.get_by_role("button", name="Opslaan en verder").click()
    expect(phone.get_by_text(re.compile(r"^Pagina 2 van \d+$"))).to_be_visible()
    again = new_context(PHONE_390, locale="nl-NL").new_page()
    again.goto(anna_link)
    expect(
        again.get_by_text(re.compile(r"Je hebt \d+ van de \d+ vragen beantwoord"))
    ).to_be_visible()
    again.get_by_role("link", name="Ga verder waar je was gebleven").click()
    expect(again.get_by_text(re.compile(r"^Pagina 2 van \d+$"))).to_be_visible()

    # --- Ben answers everything on a 390 px phone and submits; Chris never opens his mail
    ben = new_context(PHONE_390).new_page()
    ben.goto(_link(smtp, "ben@example.org"))
    ben.get_by_role("link", name="Begin with the questions").click()
    expect(ben.get_by_text(re.compile(r"^Page 1 of \d+$"))).to_be_visible()
    ben.screenshot(path="/tmp/invitations-phone-en-page1.png", full_page=True)
    length = _answer_every_page(ben, measure=True)
    assert length < LONGEST_QUESTIONNAIRE_PX, length
    ben.get_by_role("button", name="Submit my answers").click()
    expect(ben.get_by_role("heading", level=1)).to_contain_text("Thank you")

    # --- reminders on day 1, a closing date and targets, set on the settings page
    coordinator.goto(round_url)
    coordinator.get_by_role("link", name="Round settings").click()
    closes = (utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    coordinator.get_by_label("Closing date and time (UTC), optional").fill(closes)
    coordinator.get_by_label("Reminder days").fill("1")
    coordinator.get_by_label("Staff member").fill("10")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator).to_have_url(round_url)
    coordinator.get_by_role("link", name="Round settings").click()
    participation = coordinator.locator("table")
    expect(participation).to_contain_text("fewer than 3")  # one submitted: never shown alone
    coordinator.screenshot(path="/tmp/invitations-settings.png", full_page=True)

    try:
        with database.session() as s:  # a day goes by
            s.execute(
                update(Round)
                .where(Round.id == round_id)
                .values(opened_at=utcnow() - timedelta(days=1, minutes=1))
            )
        smtp.inbox.wait_for(5)
        reminded = sorted(m["To"] for m in smtp.inbox.messages[3:])
        assert reminded == ["anna@example.org", "chris@example.org"]
        assert _link(smtp, "anna@example.org", 1) == anna_link
        assert "herinnering" in smtp.inbox.to("anna@example.org")[1]["Subject"].lower()

        with database.session() as s:  # the closing date passes
            s.execute(
                update(RoundSchedule)
                .where(RoundSchedule.round_id == round_id)
                .values(closes_at=utcnow() - timedelta(seconds=1))
            )
        smtp.inbox.wait_for(6)
    finally:
        database.dispose()
    [notice] = [m for m in smtp.inbox.messages if m["Subject"].startswith("Round closed")]
    assert "Voorjaar 2026" in notice["Subject"]
    assert notice["To"] == "integriteit@example.org"
    coordinator.goto(round_url)
    expect(coordinator.get_by_text("Closed", exact=True)).to_be_visible()
    coordinator.get_by_role("link", name="Personal invitations").click()
    expect(coordinator.get_by_text("(erased)")).to_have_count(6)
    coordinator.screenshot(path="/tmp/invitations-closed.png", full_page=True)
    phone.goto(anna_link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Deze meetronde is gesloten")
