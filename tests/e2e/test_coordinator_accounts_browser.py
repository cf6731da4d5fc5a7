"""Coordinator accounts in a real headless Chromium: the coordinator claims an account
with the dashboard link, loses the link and still gets in with e-mail address and
password; a second coordinator is invited, joins, and is removed again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, TOUCH_TARGET
from tests.e2e.test_browser_journey import register

pytestmark = pytest.mark.e2e

ANNA = ("anna@example.org", "correct horse battery staple")
BRAM = ("bram@example.org", "another long pass phrase")


def choose_password(page: Page, password: str) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password again").fill(password)
    page.get_by_role("button", name="Create account").click()


def test_lose_the_link_still_get_in_and_add_and_remove_a_coordinator(live_server, new_context):
    origin = live_server.origin
    anna = new_context(DESKTOP).new_page()
    link = register(anna, origin)
    anna.goto(link)
    expect(anna.get_by_role("heading", level=1)).to_have_text("Gemeente Voorbeeld")
    dashboard = anna.url
    assert "/c/" not in dashboard
    anna.get_by_role("link", name="Create your coordinator account").click()
    anna.get_by_label("E-mail address").fill(ANNA[0])
    choose_password(anna, ANNA[1])
    expect(anna.get_by_role("heading", level=1)).to_have_text("Gemeente Voorbeeld")
    anna.get_by_role("button", name="Sign out").click()
    expect(anna.get_by_role("status")).to_have_text("You have signed out.")

    # The link is lost (and used up anyway): a fresh browser signs in with the account.
    lost = new_context(DESKTOP).new_page()
    lost.goto(link)
    expect(lost.get_by_role("heading", level=1)).to_have_text("Page not found")
    lost.goto(origin + "/")
    lost.get_by_role("navigation", name="Main").get_by_role("link", name="Coordinators").click()
    lost.get_by_label("E-mail address").fill(ANNA[0])
    for field in ("E-mail address", "Password"):
        assert lost.get_by_label(field).bounding_box()["height"] >= TOUCH_TARGET
    lost.get_by_label("Password").fill("a wrong pass phrase")
    lost.get_by_role("button", name="Sign in").click()
    expect(lost.locator("#field-password-error")).to_contain_text("not right")
    lost.get_by_label("Password").fill(ANNA[1])
    lost.get_by_role("button", name="Sign in").click()
    expect(lost).to_have_url(dashboard)

    # Invite a second coordinator, who joins with the link and a password of their own.
    lost.get_by_role("link", name="Coordinators", exact=True).last.click()
    lost.get_by_label("E-mail address").fill(BRAM[0])
    lost.get_by_role("button", name="Create invitation link").click()
    invitation = lost.locator("#invitation-link").input_value()
    assert re.fullmatch(re.escape(origin) + r"/coordinators/join/[A-Za-z0-9_-]{40,}", invitation)
    bram = new_context(DESKTOP).new_page()
    bram.goto(invitation)
    assert bram.url == origin + "/coordinators/join"
    expect(bram.get_by_text(BRAM[0])).to_be_visible()
    choose_password(bram, BRAM[1])
    expect(bram).to_have_url(dashboard)

    # Anna removes Bram; his session ends; Anna, the last one, cannot be removed.
    lost.reload()
    expect(lost.get_by_role("row", name=re.compile(BRAM[0]))).to_be_visible()
    lost.get_by_role("button", name=f"Remove {BRAM[0]}").click()
    expect(lost.get_by_role("row", name=re.compile(BRAM[0]))).to_have_count(0)
    expect(lost.get_by_text("the last coordinator cannot be removed")).to_be_visible()
    response = bram.goto(dashboard)
    assert response is not None and response.status == 401
