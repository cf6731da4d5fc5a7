"""Issue 16, item 6: one role's whole questionnaire is under 25,000 px on a 390 px phone.

A real Chromium at 390 x 844 walks every question page of a round with all the latest
instruments, for every role, in English and in Dutch, and sums the pages' scroll
heights; no page may scroll sideways, and every answer option is a tap target at least
44 px high (WCAG 2.5.5). The figures are printed (``pytest -s``) for the closing note;
a screenshot of the first page of the longest questionnaire goes to
/tmp/phone-questions-<lang>.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from instruments import default_library, vocabularies
from survey.db import Database
from survey.services import burden
from tests import factories
from tests.e2e.conftest import save_and_continue

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
LONGEST_QUESTIONNAIRE_PX = 25_000
MIN_TAP_TARGET_PX = 44
LOCALES = {"en": "en-GB", "nl": "nl-NL"}
# The smallest height of any answer option's row (its label is the tap target).
SMALLEST_OPTION = (
    "() => Math.min(...[...document.querySelectorAll('fieldset.question .choice label')]"
    ".map(label => label.getBoundingClientRect().height))"
)


def _walk(page: Page) -> tuple[int, int]:
    """Go through every question page from the first to the review: (pages, summed px)."""
    pages, total = 0, 0
    while page.locator("fieldset.question").count():
        pages += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_390["width"], f"{page.url} scrolls sideways ({width} px)"
        assert page.evaluate(SMALLEST_OPTION) >= MIN_TAP_TARGET_PX, page.url
        total += page.evaluate("document.documentElement.scrollHeight")
        save_and_continue(page)
    expect(page).to_have_url(page.url.split("/respond")[0] + "/respond/review")
    return pages, total


def test_every_roles_questionnaire_fits_the_phone_target(live_server, new_context):
    library = default_library()
    instruments = library.latest_versions()
    database = Database(live_server.settings.database_url)
    organisation = factories.organisation(database).organisation
    invite_code = factories.open_round(database, organisation, library).invite_code
    roles = vocabularies().roles.ids()
    longest = max(roles, key=lambda role: burden.items_asked(instruments, role))
    figures = []
    for role in roles:
        items = burden.items_asked(instruments, role)
        row = [role, str(items), str(burden.minutes(items, burden.SECONDS_PER_ITEM))]
        for lang, locale in LOCALES.items():
            page = new_context(PHONE_390, locale=locale).new_page()
            page.goto(live_server.url(f"/i/{invite_code}"))
            page.locator(f"#lang-{lang}").check()
            page.locator(f"#role-{role}").check()
            page.locator("form button[type=submit]").last.click()
            page.goto(live_server.url("/respond/1"))
            if role == longest:
                page.screenshot(path=f"/tmp/phone-questions-{lang}.png", full_page=True)
            pages, total = _walk(page)
            row.append(f"{total} px on {pages} pages")
            assert total < LONGEST_QUESTIONNAIRE_PX, f"{role} in {lang}: {total} px"
            page.context.close()
        figures.append(" | ".join(row))
    print("\nrole | items | minutes | EN | NL\n" + "\n".join(figures))
