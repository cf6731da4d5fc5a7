"""The respondent's pages: invitation, answering page by page, resuming, review, submit."""

from __future__ import annotations

import re

import pytest

from survey.models import Response, Round
from survey.services import responses, rounds
from tests import factories
from tests.integration.pages import Browser, assert_dutch

RESUME_MAX_AGE = 365 * 24 * 3600


@pytest.fixture
def invite(database, lib) -> str:
    """An open round of the test instrument; returns its invitation code."""
    org = factories.organisation(database).organisation
    return factories.open_round(database, org, lib).invite_code


def start(browser: Browser, code: str, *, lang: str = "en", role: str = "staff") -> str:
    """Start through the invitation; returns the path of the personal resume link."""
    browser.get(f"/i/{code}?lang={lang}")
    page = browser.submit(f"/i/{code}", {"lang": lang, "role": role}, lang=lang)
    link = page.by_id("resume-link").attrs["value"]
    assert link.startswith("https://smb.example.org/r/")
    return link.removeprefix("https://smb.example.org")


def radios(page, name_part: str) -> list:
    return [
        e
        for e in page.find("input")
        if e.attrs.get("type") == "radio" and name_part in e.attrs["name"]
    ]


def checked(page) -> dict[str, str]:
    return {e.attrs["name"]: e.attrs["value"] for e in page.find("input") if "checked" in e.attrs}


def close_round(database, lib, code: str) -> None:
    with database.session() as s:
        rounds.close_round(s, rounds.round_for_invite(s, code), lib)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_invitation_asks_language_and_role(client, invite, lang):
    browser = Browser(client)
    page = browser.get(f"/i/{invite}?lang={lang}", lang=lang)
    legends = [e.text.strip() for e in page.find("legend")]
    assert (
        legends
        == {
            "en": [
                "In which language do you want to answer?",
                "What is your role in the organisation?",
            ],
            "nl": ["In welke taal wilt u antwoorden?", "Wat is uw rol in de organisatie?"],
        }[lang]
    )
    assert len(radios(page, "role")) == 7 and len(radios(page, "lang")) == 2
    assert browser.last.headers["cache-control"] == "no-store"
    if lang == "nl":
        assert_dutch(page)
        assert "ICT" in page.text and "Medewerker" in page.text
    page = browser.submit(f"/i/{invite}", {"lang": lang}, status=422, lang=lang)
    message = field_error_of_fieldset(page, "role")
    assert message == {"en": "Error: Choose the role that fits you best.",
                       "nl": "Fout: Kies de rol die het best bij u past."}[lang]  # fmt: skip


def field_error_of_fieldset(page, name: str) -> str:
    fieldset = next(
        f for f in page.find("fieldset") if f"{name}-error" in f.attrs.get("aria-describedby", "")
    )
    assert fieldset is not None
    return " ".join(page.by_id(f"{name}-error").text.split())


def test_respondent_answers_page_by_page_resumes_and_submits(client, make_client, invite, database):
    browser = Browser(client)
    resume = start(browser, invite)
    cookie = next(
        c for c in browser.last.headers.get_list("set-cookie") if c.startswith("smb_resume=")
    )
    token = resume.removeprefix("/r/")
    assert f"smb_resume={token}" in cookie
    lowered = cookie.lower()
    assert (
        "httponly" in lowered
        and "samesite=lax" in lowered
        and f"max-age={RESUME_MAX_AGE}" in lowered
    )
    assert browser.last.headers["cache-control"] == "no-store"

    page = browser.get("/respond/1")
    assert [e.text.split(". ", 1)[1].strip() for e in page.find("legend")] == [
        "There is a written guideline.",
        "Someone monitors the accounts.",
    ]
    options = radios(page, "mini/rules.guideline")
    assert [o.attrs["value"] for o in options] == [
        "none",
        "some",
        "most",
        "full",
        "dont_know",
        "not_applicable",
    ]
    labels = [e.text.strip() for e in page.find("label")]
    assert {"Not at all", "Fully", "Don't know", "Not applicable"} <= set(labels)
    progress = page.find("progress")[0]
    assert (progress.attrs["value"], progress.attrs["max"]) == ("1", "2")
    assert "Page 1 of 2" in page.text and "0 of 4 questions answered" in page.text
    assert not page.find("button", value="previous")

    page = browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "most",
                                         "answer:mini/rules.monitoring": "dont_know"})  # fmt: skip
    assert browser.path == "/respond/2"
    assert "2 of 4 questions answered" in page.text
    assert (
        next(e.text.split(". ", 1)[1].strip() for e in page.find("legend"))
        == "We talk about dilemmas."
    )
    # "Save and go back" keeps what was chosen on page 2 as well.
    page = browser.submit(
        "/respond/2", {"action": "previous", "answer:mini/culture.dialogue": "some"}
    )
    assert browser.path == "/respond/1"
    assert checked(page) == {
        "answer:mini/rules.guideline": "most",
        "answer:mini/rules.monitoring": "dont_know",
    }
    browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "full"})
    assert browser.path == "/respond/2"

    # The tab is closed. The cookie alone brings the respondent back to page 2 ...
    reopened = make_client()
    reopened.cookies.set("smb_resume", token)
    back = Browser(reopened)
    back.get("/respond")
    assert back.path == "/respond/2"
    assert checked(back.get("/respond/2")) == {"answer:mini/culture.dialogue": "some"}
    # ... and so does the resume link on another device, which also sets the cookie.
    other = Browser(make_client())
    other.get(resume)
    assert other.path == "/respond/2"
    assert other.client.cookies.get("smb_resume") == token

    # Review lists what is still unanswered, with links to the question.
    page = other.submit("/respond/2", {"action": "next"})
    assert other.path == "/respond/review"
    links = [a.attrs["href"] for a in page.find("a") if a.attrs["href"].startswith("/respond/")]
    assert "/respond/2#q-mini-culture.mistakes" in links
    assert "/respond/2#q-mini-culture.dialogue" not in links
    assert "3 of 4 questions answered" in page.text
    progress = page.find("progress")[0]
    assert (progress.attrs["value"], progress.attrs["max"]) == ("3", "4")
    page = other.submit("/respond/submit", {})
    assert other.path == "/respond/thanks"
    assert "Your answers have been submitted" in page.text
    with database.session() as s:
        response = responses.response_for_token(s, token)
        assert response.status == "submitted"
        assert responses.answers_of(s, response) == {
            ("mini", "rules.guideline"): "full",
            ("mini", "rules.monitoring"): "dont_know",
            ("mini", "culture.dialogue"): "some",
        }
    # After submitting, the pages lead to the thank-you page; nothing can change.
    browser.get("/respond/1")
    assert browser.path == "/respond/thanks"
    browser.get(resume)
    assert browser.path == "/respond/thanks"
    refused = browser.client.post("/respond/1", data={"_csrf_token": "x"})
    assert refused.status_code == 403


def test_dutch_respondent_sees_dutch_questions(client, invite, database):
    browser = Browser(client)
    resume = start(browser, invite, lang="nl", role="hr")
    assert "Uw persoonlijke link" in browser.last.text
    page = browser.get("/respond/1", lang="nl")
    assert_dutch(page)
    assert "Er is een geschreven richtlijn." in page.text
    assert {"Helemaal niet", "Volledig", "Weet ik niet", "Niet van toepassing"} <= {
        e.text.strip() for e in page.find("label")
    }
    assert "Pagina 1 van 2" in page.text and "0 van 4 vragen beantwoord" in page.text
    page = browser.submit(
        "/respond/1", {"action": "next", "answer:mini/rules.guideline": "some"}, lang="nl"
    )
    assert "Dialoog en cultuur" in page.text
    page = browser.submit("/respond/2", {"action": "next"}, lang="nl")
    assert "Vragen zonder antwoord" in page.text
    assert_dutch(page)
    page = browser.submit("/respond/submit", {}, lang="nl")
    assert "Dank u wel" in page.text
    with database.session() as s:
        response = responses.response_for_token(s, resume.removeprefix("/r/"))
        assert (response.lang, response.role, response.status) == ("nl", "hr", "submitted")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_invalid_answer_shows_next_to_its_question_and_nothing_is_lost(
    client, invite, database, lang
):
    browser = Browser(client)
    resume = start(browser, invite, lang=lang)
    browser.get("/respond/1")
    page = browser.submit(
        "/respond/1",
        {
            "action": "next",
            "answer:mini/rules.guideline": "most",
            "answer:mini/rules.monitoring": "always",
        },
        status=422,
        lang=lang,
    )
    message = " ".join(page.by_id("q-mini-rules.monitoring-error").text.split())
    assert message == {"en": "Error: Choose one of the answers shown.",
                       "nl": "Fout: Kies een van de getoonde antwoorden."}[lang]  # fmt: skip
    fieldset = page.by_id("q-mini-rules.monitoring")
    assert fieldset.attrs["aria-describedby"] == "q-mini-rules.monitoring-error"
    assert all(r.attrs.get("aria-invalid") == "true" for r in radios(page, "rules.monitoring"))
    assert page.by_id("q-mini-rules.guideline").attrs.get("aria-describedby") is None
    assert checked(page) == {"answer:mini/rules.guideline": "most"}
    assert page.find("a", href="#q-mini-rules.monitoring-0")
    with database.session() as s:
        response = responses.response_for_token(s, resume.removeprefix("/r/"))
        assert responses.answers_of(s, response) == {}
        assert response.last_page == 0
    browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "most",
                                  "answer:mini/rules.monitoring": "full"})  # fmt: skip
    assert browser.path == "/respond/2"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_closed_round_tells_the_respondent_clearly(
    client, make_client, invite, database, lib, lang
):
    browser = Browser(client)
    start(browser, invite, lang=lang)
    browser.get("/respond/1")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', browser.last.text).group(1)
    close_round(database, lib, invite)
    heading = {"en": "This assessment round is closed", "nl": "Deze meetronde is gesloten"}[lang]
    for path in ("/respond/1", "/respond/review", "/respond"):
        page = browser.get(path, status=409, lang=lang) if path != "/respond" else None
        if page is not None:
            assert page.find("h1")[0].text.strip() == heading
    page = browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "full"},
                          status=409, lang=lang, token=token)  # fmt: skip
    assert heading in page.text
    page = browser.submit("/respond/submit", {}, status=409, lang=lang, token=token)
    assert heading in page.text
    newcomer = Browser(make_client())
    page = newcomer.get(f"/i/{invite}?lang={lang}", status=409, lang=lang)
    assert heading in page.text
    assert not page.find("form", method="post")
    with database.session() as s:
        assert s.query(Response).filter(Response.status == "submitted").count() == 0
        assert all(not r.is_open for r in s.query(Round))


def test_links_that_do_not_work(client, invite):
    browser = Browser(client)
    page = browser.get("/i/not-a-code", status=404)
    assert "This invitation link is not valid." in page.text
    page = browser.get("/r/not-a-token?lang=nl", status=404, lang="nl")
    assert "Deze persoonlijke link is niet geldig." in page.text
    for path in ("/respond", "/respond/1", "/respond/review", "/respond/thanks"):
        page = browser.get(f"{path}?lang=en", status=401)
        assert "Open your personal link again" in page.text
    start(browser, invite)
    browser.get("/respond/3", status=404)
    browser.get("/respond/0", status=404)
    browser.get("/respond/thanks")
    assert browser.path == "/respond/1"


def test_starting_again_in_the_same_browser_offers_to_continue(client, invite):
    browser = Browser(client)
    start(browser, invite)
    browser.get("/respond/1")
    browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "full"})
    page = browser.get(f"/i/{invite}")
    assert "You have already started answering in this browser." in page.text
    link = next(a for a in page.find("a") if a.attrs["href"] == "/respond")
    assert link.text.strip() == "Continue where you left off"
    browser.get("/respond")
    assert browser.path == "/respond/2"


def test_starting_again_from_the_shared_link_resumes_the_first_response(client, invite, database):
    browser = Browser(client)
    start(browser, invite)
    browser.get("/respond/1")
    browser.submit("/respond/1", {"action": "next", "answer:mini/rules.guideline": "full"})
    browser.get(f"/i/{invite}")
    browser.submit(f"/i/{invite}", {"lang": "en", "role": "hr"})
    assert browser.path == "/respond/2"
    with database.session() as s:
        assert [r.role for r in s.query(Response).all()] == ["staff"]
