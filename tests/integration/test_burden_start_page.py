"""The respondent's start page states, for every role, the number of questions it is
asked and an honest time estimate, planned or measured from the round's own saves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from instruments import InstrumentLibrary, default_library, vocabularies
from survey.models import Response
from survey.services import burden
from tests import factories
from tests.integration.pages import Browser, assert_dutch


@pytest.fixture
def lib() -> InstrumentLibrary:
    return default_library()


@pytest.fixture
def opened(database, lib):
    org = factories.organisation(database).organisation
    return factories.open_round(database, org, lib)


def _label(page, role: str) -> str:
    return next(e for e in page.find("label") if e.attrs.get("for") == f"role-{role}").text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_each_role_is_told_its_questions_and_time(client, opened, lib, lang):
    instruments = list(lib.latest_versions())
    page = Browser(client).get(f"/i/{opened.invite_code}?lang={lang}", lang=lang)
    words = {"en": ("questions", "about", "minutes"), "nl": ("vragen", "ongeveer", "minuten")}
    questions, about, unit = words[lang]
    for role in vocabularies().roles.ids():
        items = burden.items_asked(instruments, role)
        expected = burden.minutes(items, burden.SECONDS_PER_ITEM)
        assert f"({items} {questions}, {about} {expected} {unit})" in _label(page, role)
    assert "45" in page.text
    if lang == "nl":
        assert_dutch(page)


def test_the_time_is_measured_once_ten_responses_are_in(client, database, opened, lib):
    instrument = next(i for i in lib.latest_versions() if i.id == "sm-maturity")
    item = instrument.items_for("staff")[0]
    for _ in range(burden.MIN_MEASURED):
        factories.respond(
            database, opened.invite_code, lib, {item.id: item.scored_options[2].value}
        )
    with database.session() as s:
        for response in s.scalars(select(Response)):
            s.execute(
                update(Response)
                .where(Response.id == response.id)
                .values(created_at=response.submitted_at - timedelta(minutes=2))
            )
    page = Browser(client).get(f"/i/{opened.invite_code}")
    items = burden.items_asked(list(lib.latest_versions()), "staff")
    assert f"({items} questions, about {items * 2} minutes)" in _label(page, "staff")
    assert "colleagues who already answered" in page.text
