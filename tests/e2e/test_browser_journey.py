"""A whole round in a real headless Chromium: a coordinator and two respondents.

One respondent answers in English on a phone and closes the tab half-way (the
cookie brings them back); the other answers in Dutch and loses the whole browser
session (the personal resume link brings them back). The coordinator then closes
the round and reads the results. No request may leave the app's origin.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from instruments import default_library
from survey.db import Database
from survey.services import organisations, responses, rounds
from survey.services.pinned import PinnedInstruments
from survey.services.questionnaire import round_pages
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

MATURITY = next(i for i in default_library().latest_versions() if i.id == "sm-maturity")


def pages_of(role: str) -> list[int]:
    """The question count of each page a respondent in ``role`` sees in a round of the
    maturity test: the items asked of the role, at most 8 per page."""
    return [len(page.items) for page in round_pages([MATURITY], role)]


STAFF_PAGES = pages_of("staff")
HR_PAGES = pages_of("hr")
SKIPPED_ON = len(STAFF_PAGES)
"""The staff respondent leaves a question of the last page unanswered."""
LOST_AT = len(HR_PAGES)
"""The HR respondent loses the browser session on reaching the last page."""
assert len(STAFF_PAGES) >= 3 and len(HR_PAGES) >= 2, "the journey needs these pages"


def answer_page(page: Page, choice: int, *, skip: int = 0) -> None:
    """Pick the ``choice``-th option of every question on the page (after ``skip`` ones)."""
    questions = page.locator("fieldset.question")
    for index in range(skip, questions.count()):
        questions.nth(index).locator("input[type=radio]").nth(choice).check()


def register(page: Page, origin: str) -> str:
    page.goto(origin + "/")
    page.get_by_role("link", name="Register your organisation").first.click()
    page.get_by_label("Name of the organisation").fill("Gemeente Voorbeeld")
    page.get_by_label("Sector").select_option("municipalities")
    page.get_by_label("Number of staff").select_option("250-999")
    page.get_by_label("Country").select_option("NL")
    page.get_by_label("Share our named results with integrity offices").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation is registered")
    link = page.locator("#dashboard-link").input_value()
    assert re.fullmatch(re.escape(origin) + r"/c/[A-Za-z0-9_-]{40,}", link)
    return link


def test_a_whole_round_in_the_browser(live_server, new_context):
    origin = live_server.origin

    # --- the coordinator registers and opens a round ------------------------------------
    coordinator = new_context(DESKTOP).new_page()
    dashboard_link = register(coordinator, origin)
    coordinator.get_by_role("link", name="Go to the dashboard").click()
    expect(coordinator).to_have_url(
        re.compile(re.escape(origin) + r"/organisations/[0-9a-f-]{36}$")
    )
    assert "/c/" not in coordinator.url
    coordinator.get_by_role("link", name="Open a new assessment round").click()
    coordinator.get_by_label("Name of the round").fill("Spring 2026")
    expect(coordinator.get_by_label("Social media maturity test")).to_be_checked()
    coordinator.get_by_role("button", name="Open the round").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Spring 2026")
    invitation = coordinator.locator("#invite-link").input_value()
    assert invitation.startswith(origin + "/i/")
    round_url = coordinator.url
    # The copy button is progressive enhancement: visible only with the script.
    expect(coordinator.get_by_role("button", name="Copy link")).to_be_visible()

    # --- respondent 1: English, on a phone; closes the tab half-way ---------------------
    phone = new_context(PHONE)
    first = phone.new_page()
    first.goto(invitation)
    first.get_by_label("English").check()
    first.get_by_label("Staff member").check()
    first.get_by_role("button", name="Start").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Your personal link")
    assert first.locator("#resume-link").input_value().startswith(origin + "/r/")
    first.get_by_role("link", name="Begin with the questions").click()
    expect(first.locator("progress")).to_have_attribute("max", str(len(STAFF_PAGES)))
    expect(first.get_by_text(f"Page 1 of {len(STAFF_PAGES)}")).to_be_visible()
    answer_page(first, 2)
    first.screenshot(path="/tmp/respondent-phone.png", full_page=True)
    first.get_by_role("button", name="Save and continue").click()
    expect(first.get_by_text(f"Page 2 of {len(STAFF_PAGES)}")).to_be_visible()
    answer_page(first, 3)
    first.get_by_role("button", name="Save and continue").click()
    expect(first.get_by_text(f"Page 3 of {len(STAFF_PAGES)}")).to_be_visible()
    answer_page(first, 1)  # chosen, but the tab closes before "Save and continue"
    first.close()

    reopened = phone.new_page()
    reopened.goto(invitation)
    expect(
        reopened.get_by_text("You have already started answering in this browser.")
    ).to_be_visible()
    reopened.get_by_role("link", name="Continue where you left off").click()
    expect(reopened.get_by_text(f"Page 3 of {len(STAFF_PAGES)}")).to_be_visible()
    assert reopened.locator("input[type=radio]:checked").count() == 0
    expect(
        reopened.get_by_text(f"{sum(STAFF_PAGES[:2])} of {sum(STAFF_PAGES)} questions answered")
    ).to_be_visible()
    for number in range(3, len(STAFF_PAGES) + 1):
        expect(reopened.get_by_text(f"Page {number} of {len(STAFF_PAGES)}")).to_be_visible()
        answer_page(reopened, 1, skip=1 if number == SKIPPED_ON else 0)
        reopened.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
    expect(reopened.get_by_role("heading", level=1)).to_have_text("Check and submit")
    unanswered = reopened.locator("main ul a")
    expect(unanswered).to_have_count(1)
    unanswered.first.click()
    expect(reopened.get_by_text(f"Page {SKIPPED_ON} of {len(STAFF_PAGES)}")).to_be_visible()
    reopened.locator("fieldset.question").first.get_by_label("Don't know").check()
    reopened.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
    for _ in range(SKIPPED_ON + 1, len(STAFF_PAGES) + 1):
        reopened.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
    expect(reopened.get_by_text("You have answered every question.")).to_be_visible()
    reopened.get_by_role("button", name="Submit my answers").click()
    expect(reopened.get_by_role("heading", level=1)).to_have_text("Thank you")

    # --- respondent 2: Dutch, on a desktop; loses the whole browser session -------------
    desktop = new_context(DESKTOP, locale="nl-NL")
    second = desktop.new_page()
    second.goto(invitation)
    expect(second.locator("html")).to_have_attribute("lang", "nl")
    second.get_by_label("Nederlands").check()
    second.get_by_label("HR").check()
    second.get_by_role("button", name="Beginnen").click()
    resume_link = second.locator("#resume-link").input_value()
    assert resume_link.startswith(origin + "/r/")
    second.get_by_role("link", name="Begin met de vragen").click()
    expect(second.get_by_text(f"Pagina 1 van {len(HR_PAGES)}")).to_be_visible()
    second.screenshot(path="/tmp/respondent-desktop-nl.png", full_page=True)
    for number in range(1, LOST_AT):
        expect(second.get_by_text(f"Pagina {number} van {len(HR_PAGES)}")).to_be_visible()
        answer_page(second, 4)
        second.get_by_role("button", name="Opslaan en verder").click()
    expect(second.get_by_text(f"Pagina {LOST_AT} van {len(HR_PAGES)}")).to_be_visible()
    desktop.close()

    fresh = new_context(DESKTOP, locale="en-GB").new_page()
    fresh.goto(resume_link)
    expect(fresh.get_by_text(f"Pagina {LOST_AT} van {len(HR_PAGES)}")).to_be_visible()
    expect(fresh.locator("html")).to_have_attribute("lang", "nl")
    for number in range(LOST_AT, len(HR_PAGES) + 1):
        expect(fresh.get_by_text(f"Pagina {number} van {len(HR_PAGES)}")).to_be_visible()
        answer_page(fresh, 0)
        fresh.get_by_role("button", name=re.compile("Opslaan en (verder|controleren)")).click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Controleren en insturen")
    fresh.get_by_role("button", name="Mijn antwoorden insturen").click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Dank u wel")

    # --- the coordinator follows the counts, closes the round and reads the results ----
    coordinator.goto(round_url)
    expect(coordinator.get_by_text("2 started, 2 submitted.")).to_be_visible()
    others = coordinator.get_by_role("row", name=re.compile("^Other roles"))
    expect(others).to_contain_text("fewer than 3")  # one staff member: counted with others
    coordinator.get_by_role("link", name="Close the round…").click()
    expect(coordinator.get_by_text("cannot be reopened")).to_be_visible()
    coordinator.get_by_role("button", name="Yes, close the round").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Results of “Spring 2026”")
    # Two respondents are too few to show any figure: everything says so.
    expect(coordinator.get_by_text("No role group can be shown")).to_be_visible()
    assert coordinator.locator(".score-value").count() == 0
    coordinator.goto(round_url)
    expect(coordinator.locator("#invite-link")).to_have_count(0)

    # A respondent who comes back to the closed round is told so.
    late = new_context(PHONE).new_page()
    late.goto(invitation)
    expect(late.get_by_role("heading", level=1)).to_have_text("This assessment round is closed")

    # The dashboard link still works in a new browser.
    again = new_context(DESKTOP).new_page()
    again.goto(dashboard_link)
    expect(again.get_by_role("link", name="Spring 2026", exact=True)).to_be_visible()

    outside = [url for url in live_server.requests if not url.startswith(origin + "/")]
    assert not outside, outside
    assert any(url.endswith("/static/app.css") for url in live_server.requests)


def test_results_page_reads_well_on_phone_and_desktop(live_server, new_context):
    """Results with enough respondents to show figures, photographed at both widths."""
    settings = live_server.settings
    database = Database(settings.database_url)
    library = default_library()
    instrument = library.get("sm-maturity")
    try:
        with database.session() as s:
            registration = organisations.register_organisation(
                s,
                name="Provincie Voorbeeld",
                sector="provinces",
                size_band="1000-4999",
                country="NL",
            )
            opened = rounds.open_round(
                s,
                registration.organisation,
                label="2026",
                instrument_ids=["sm-maturity"],
                library=library,
                secret_key=settings.resolved_secret_key(),
            )
        for role, choices in (("staff", (3, 2, 3)), ("management", (1, 2, 1)), ("hr", (0, 4, 1))):
            for person, base in enumerate(choices):
                with database.session() as s:
                    started = responses.start_response(s, opened.invite_code, role=role, lang="en")
                    answers = {}
                    for position, item in enumerate(instrument.items_for(role)):
                        scored = item.scored_options
                        pick = scored[(base + position + person) % len(scored)]
                        if role == "hr" and position % 5 == 0:
                            answers[item.id] = "dont_know"
                        else:
                            answers[item.id] = pick.value
                    responses.save_answers(s, started.response, answers, PinnedInstruments(library))
                    responses.submit(s, started.response)
        with database.session() as s:
            round_ = rounds.round_for_invite(s, opened.invite_code)
            rounds.close_round(s, round_, library)
            round_id = round_.id
    finally:
        database.dispose()

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_context(viewport).new_page()
        page.goto(live_server.url(f"/c/{registration.coordinator_token}"))
        page.goto(live_server.url(f"/rounds/{round_id}/results"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Results of “2026”")
        assert page.locator(".score-value").count() > 6
        expect(page.get_by_role("heading", name="Where to start improving")).to_be_visible()
        page.screenshot(path=f"/tmp/results-{name}.png", full_page=True)
        page.goto(live_server.url(f"/rounds/{round_id}/results?lang=nl"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Resultaten van “2026”")
        if name == "phone":
            page.screenshot(path="/tmp/results-phone-nl.png", full_page=True)
    outside = [url for url in live_server.requests if not url.startswith(live_server.origin + "/")]
    assert not outside, outside
