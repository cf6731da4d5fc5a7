"""The action plan and dialogue session pages: pick, write and edit actions, agree them in
a dialogue session, and see them in the next round with the change of their topics."""

from __future__ import annotations

import csv
import io
import re

import pytest

from survey.models import Action, Round
from tests import factories
from tests.integration.conftest import ANSWERS_FULL
from tests.integration.pages import Browser, assert_dutch, csrf_token, field_error
from tests.integration.test_pages_coordinator import close, invite_code, open_round, sign_in

LOW = {"rules.guideline": "none", "rules.monitoring": "some", "culture.dialogue": "none",
       "culture.mistakes": "none"}  # fmt: skip


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


def _closed_round(browser, database, lib, dashboard, label, answers):
    round_path = open_round(browser, dashboard, label)
    code = invite_code(round_path)
    for role in ("staff", "management"):
        for _ in range(3):
            factories.respond(database, code, lib, answers, role=role)
    close(browser, round_path)
    return round_path


def _actions(database, round_path):
    with database.session() as s:
        round_ = s.get(Round, round_path.rsplit("/", 1)[1])
        return [
            (a.title, a.status, a.owner_role, a.owner_name, a.dimension_ids, a.origin_finding)
            for a in s.query(Action).filter_by(round_id=round_.id).order_by(Action.created_at)
        ]


def test_pick_a_finding_agree_in_a_dialogue_edit_and_carry_into_the_next_round(
    browser, database, lib
):
    dashboard = sign_in(browser)
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    results = browser.get(f"{first}/results")
    link = next(a for a in results.find("a") if "Plan an action for this" in a.text)
    form = browser.get(link.attrs["href"])
    checked = [
        e.attrs["value"] for e in form.find("input", name="dimensions") if "checked" in e.attrs
    ]
    assert len(checked) == 1
    origin = next(e for e in form.find("input", name="origin")).attrs["value"]
    assert re.fullmatch(r"mini/[a-z.]+/(low_score|awareness_gap|role_disagreement)", origin)
    title = next(e for e in form.find("input", name="title")).attrs["value"]
    assert title  # the recommendation, to edit
    page = browser.submit(
        f"{first}/actions",
        {"dimensions": checked, "origin": origin, "title": title, "owner_role": "communications"},
    )
    assert browser.path == f"{first}/actions"
    assert title in page.text and "Communications" in page.text

    # The dialogue session: one screen per finding, each with its question and a form.
    dialogue = browser.get(f"{first}/dialogue")
    slides = [s for s in dialogue.find("section") if "slide" in s.attrs.get("class", "")]
    assert len(slides) >= 3
    assert "Finding 1 of" in dialogue.text and "To discuss:" in dialogue.text
    assert [e for e in dialogue.find("script") if "dialogue.js" in e.attrs["src"]]
    browser.submit(
        f"{first}/actions",
        {
            "dimensions": "mini/culture",
            "origin": "mini/culture.dialogue/low_score",
            "back": "dialogue-2",
            "title": "Discuss one dilemma at every team meeting",
            "owner_name": "Anna de Vries",
        },
    )
    assert browser.path == f"{first}/dialogue"
    assert "Discuss one dilemma at every team meeting" in browser.last.text

    (action_id,) = [
        e.attrs["id"].removeprefix("action-")
        for e in browser.get(f"{first}/actions").find("li")
        if e.attrs.get("id", "").startswith("action-") and "Discuss one dilemma" in e.text
    ]
    browser.submit(
        f"{first}/actions/{action_id}",
        {
            "status": "done",
            "owner_name": "Anna de Vries",
            "owner_role": "",
            "due": "2026-06-30",
            "note": "Held in May and June.",
        },
    )
    stored = _actions(database, first)
    assert stored[1] == (
        "Discuss one dilemma at every team meeting",
        "done",
        None,
        "Anna de Vries",
        ["culture"],
        "low_score",
    )

    second = _closed_round(browser, database, lib, dashboard, "2027", ANSWERS_FULL)
    page = browser.get(f"{second}/actions")
    carried = next(e for e in page.find("li") if e.attrs.get("id", "").startswith("carried-")
                   and "Discuss one dilemma" in e.text)  # fmt: skip
    assert "Agreed after “2026”" in carried.text
    assert "+100" in carried.text  # culture went from 0 to 100
    assert "Actions of this round" in page.text


def test_form_errors_are_tied_to_their_fields(browser, database, lib):
    dashboard = sign_in(browser)
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    browser.get(f"{first}/actions")
    page = browser.submit(f"{first}/actions", {"title": "Write it", "due": "soon"}, status=422)
    assert "Choose at least one topic" in page.text
    page = browser.submit(
        f"{first}/actions", {"dimensions": "mini/rules", "title": "Write it"}, status=422
    )
    assert field_error(page, "field-owner_role") == (
        "Error: Say who owns the action: a role, a name, or both."
    )
    page = browser.submit(
        f"{first}/actions",
        {"dimensions": "mini/rules", "title": "Write it", "owner_role": "hr", "due": "soon"},
        status=422,
    )
    assert field_error(page, "field-due").startswith("Error: Give the due date as a date")
    assert _actions(database, first) == []


def test_an_open_round_shows_carried_actions_but_takes_none(browser, database, lib):
    dashboard = sign_in(browser)
    round_path = open_round(browser, dashboard)
    page = browser.get(f"{round_path}/actions")
    assert "once it is closed" in page.text
    assert not page.find("form", action=f"{round_path}/actions")
    browser.get(f"{round_path}/dialogue", status=409)


def test_pages_in_dutch(browser, database, lib):
    dashboard = sign_in(browser, "nl")
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    browser.get(f"{first}/actions?lang=nl")
    browser.submit(
        f"{first}/actions",
        {"dimensions": "mini/rules", "title": "Schrijf de richtlijn", "owner_role": "hr"},
        lang="nl",
    )
    for path in (f"{first}/actions", f"{first}/dialogue"):
        page = browser.get(path, lang="nl")
        assert_dutch(page)
    assert "Bevinding 1 van" in page.text and "Wat spreken we af?" in page.text


def test_other_coordinators_and_strangers_reach_nothing(client, make_client, database, lib):
    browser = Browser(client)
    dashboard = sign_in(browser)
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    browser.get(f"{first}/actions")
    browser.submit(f"{first}/actions", {"dimensions": "mini/rules", "title": "Secret plan",
                                        "owner_role": "hr"})  # fmt: skip
    (action_id,) = [
        e.attrs["id"].removeprefix("action-")
        for e in browser.get(f"{first}/actions").find("li")
        if e.attrs.get("id", "").startswith("action-")
    ]
    stranger = Browser(make_client())
    for path in (f"{first}/actions", f"{first}/dialogue"):
        page = stranger.get(path, status=401)
        assert "Secret plan" not in page.text
    other = Browser(make_client())
    sign_in(other, name="Provincie Anders", sector="provinces")
    for path in (f"{first}/actions", f"{first}/dialogue"):
        page = other.get(path, status=404)
        assert "Secret plan" not in page.text
    token = csrf_token(other.get("/register") and other.last.text)
    other.submit(f"{first}/actions", {"dimensions": "mini/rules", "title": "Injected",
                                      "owner_role": "hr"}, status=404, token=token)  # fmt: skip
    other.submit(f"{first}/actions/{action_id}", {"status": "dropped"}, status=404, token=token)
    assert _actions(database, first) == [("Secret plan", "planned", "hr", None, ["rules"], None)]


@pytest.mark.parametrize("bad_id", ["nope", "0" * 36, "x" * 300])
def test_unknown_action_is_a_404_page(browser, database, lib, bad_id):
    dashboard = sign_in(browser)
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    browser.get(f"{first}/actions")
    browser.submit(f"{first}/actions/{bad_id}", {"status": "done"}, status=404)


def test_action_plan_csv_download(browser, make_client, database, lib):
    dashboard = sign_in(browser, "nl")
    first = _closed_round(browser, database, lib, dashboard, "2026", LOW)
    browser.get(f"{first}/actions?lang=nl")
    browser.submit(
        f"{first}/actions",
        {"dimensions": ["mini/rules", "mini/culture"], "title": "Schrijf de richtlijn",
         "owner_role": "hr", "owner_name": "Piet", "due": "2026-10-01"},
        lang="nl",
    )  # fmt: skip
    response = browser.client.get(f"{first}/actions.csv?lang=nl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:6] == ["Ronde", "Actie", "Onderwerpen", "Trekker", "Streefdatum", "Status"]
    assert rows[1][:6] == ["2026", "Schrijf de richtlijn", "Regels, Cultuur", "HR, Piet",
                           "2026-10-01", "gepland"]  # fmt: skip
    assert make_client().get(f"{first}/actions.csv").status_code == 401
