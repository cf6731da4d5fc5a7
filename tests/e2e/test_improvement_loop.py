"""The improvement loop in a real headless Chromium: two rounds of one organisation.

After round 1 the coordinators hold a dialogue session (one finding per screen, moved
with the arrow keys) and record what they agree; round 2 shows those actions with the
change of the topics they target, and the report of round 2 shows the comparison.
Every page is checked with axe-core (tests/e2e/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from instruments import default_library
from survey.db import Database
from survey.models import Round
from survey.services import organisations, responses, results, rounds
from survey.services.pinned import PinnedInstruments
from tests.e2e.conftest import DESKTOP, TOUCH_TARGET

pytestmark = pytest.mark.e2e

ROLES = ("staff", "management", "communications")


def _round(database, library, organisation, settings, label: str, level: int) -> str:
    """A closed round in which 3 respondents of each role answer around ``level`` (an
    index into the scored options, 0 lowest)."""
    instrument = library.get("sm-maturity")
    with database.session() as s:
        opened = rounds.open_round(
            s,
            s.merge(organisation),
            label=label,
            instrument_ids=["sm-maturity"],
            library=library,
            secret_key=settings.resolved_secret_key(),
        )
    for role in ROLES:
        for person in range(3):
            with database.session() as s:
                started = responses.start_response(s, opened.invite_code, role=role, lang="en")
                answers = {}
                for position, item in enumerate(instrument.items_for(role)):
                    scored = item.scored_options
                    pick = min(len(scored) - 1, max(0, level + (position + person) % 2))
                    answers[item.id] = scored[pick].value
                responses.save_answers(s, started.response, answers, PinnedInstruments(library))
                responses.submit(s, started.response)
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), library)
    return opened.round.id


def test_actions_agreed_in_a_dialogue_come_back_with_their_change(
    live_server, new_context, accessibility
):
    settings = live_server.settings
    library = default_library()
    database = Database(settings.database_url)
    try:
        with database.session() as s:
            registration = organisations.register_organisation(
                s, name="Gemeente Lus", sector="municipalities", size_band="250-999", country="NL"
            )
        first = _round(database, library, registration.organisation, settings, "Round 1", 0)
    finally:
        database.dispose()

    page = new_context(DESKTOP).new_page()
    page.goto(live_server.url(f"/c/{registration.coordinator_token}"))
    page.goto(live_server.url(f"/rounds/{first}/results"))
    accessibility.check(page)
    page.get_by_role("link", name="Start a dialogue session").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogue session: “Round 1”")
    slides = page.locator("section.slide")
    expect(slides.nth(0)).to_be_visible()
    expect(slides.nth(1)).to_be_hidden()  # one finding per screen once the script runs

    page.keyboard.press("ArrowRight")
    expect(slides.nth(1)).to_be_visible()
    expect(slides.nth(0)).to_be_hidden()
    expect(page.locator(".dialogue-position")).to_contain_text("2 /")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(slides.nth(1)).to_be_visible()
    current = slides.nth(1)
    expect(current.get_by_text("Finding 1 of")).to_be_visible()
    expect(current.get_by_text("To discuss:")).to_be_visible()
    page.screenshot(path="/tmp/dialogue-finding-1.png", full_page=True)

    agreed = "Hold a dilemma session in every team before summer"
    box = current.get_by_label("What did we agree?")
    box.fill(agreed)
    box.press("ArrowRight")  # typing stays in the field: no move to the next finding
    expect(current).to_be_visible()
    current.get_by_label("Owner (role)").select_option("integrity")
    current.get_by_role("button", name="Record as an action").click()
    expect(page).to_have_url(re.compile(r"/dialogue\?agreed=[0-9a-f-]{36}#dialogue-1$"))
    expect(slides.nth(1)).to_be_visible()
    expect(slides.nth(1).locator(".agreed")).to_contain_text(agreed)
    topic = page.locator("#dialogue-1 .eyebrow").inner_text().split("·")[-1].strip()

    page.goto(live_server.url(f"/rounds/{first}/actions"))
    expect(page.get_by_role("heading", name=agreed)).to_be_visible()
    assert page.locator("#field-due").bounding_box()["height"] >= TOUCH_TARGET
    accessibility.check(page)  # before the test moves on
    page.goto(live_server.url(f"/rounds/{first}/dialogue?lang=nl"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialoogsessie: “Round 1”")
    accessibility.check(page)
    page.goto(live_server.url(f"/rounds/{first}/actions?lang=en"))

    database = Database(settings.database_url)
    try:
        second = _round(database, library, registration.organisation, settings, "Round 2", 3)
        with database.session() as s:
            previous = results.round_scores(s, s.get(Round, second), library, "en")["previous"]
    finally:
        database.dispose()
    titles = {d.id: d.title.get("en") for d in library.get("sm-maturity").dimensions}
    (entry,) = previous
    change = next(row["change"] for row in entry["dimensions"] if titles[row["dimension"]] == topic)
    assert change > 0

    page.goto(live_server.url(f"/rounds/{second}/actions"))
    carried = page.locator("li.carried", has_text=agreed)
    expect(carried).to_contain_text("Agreed after “Round 1”")
    expect(carried.get_by_role("row", name=re.compile(re.escape(topic)))).to_contain_text(
        f"+{round(change)}"
    )
    page.screenshot(path="/tmp/actions-round-2.png", full_page=True)

    page.goto(live_server.url(f"/rounds/{second}/results"))
    expect(page.get_by_text("Compared with the previous round, “Round 1”").first).to_be_visible()
    accessibility.check(page)
    page.goto(live_server.url(f"/rounds/{second}/report?format=html&lang=en"))
    expect(page.get_by_role("heading", name="Since the previous round")).to_be_visible()
    expect(page.get_by_text(agreed)).to_be_visible()
    page.screenshot(path="/tmp/report-round-2.png", full_page=True)
    accessibility.check(page)
    checked = {
        url.removeprefix(live_server.origin).split("?")[0].split("#")[0]
        for url in accessibility.checked
    }
    assert {
        f"/rounds/{first}/results",
        f"/rounds/{first}/dialogue",
        f"/rounds/{first}/actions",
        f"/rounds/{second}/actions",
        f"/rounds/{second}/results",
        f"/rounds/{second}/report",
    } <= checked, checked
