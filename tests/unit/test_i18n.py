"""The one catalogue: its languages, Babel's negotiation, the translator, and the texts
that code picks by a value (each value has its text)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from analytics import charts
from analytics.benchmark import PEER_GROUPS
from analytics.report import content, dialogue, followup, render, sector
from cli import main
from instruments import Text
from survey.disclosure import rules
from survey.i18n import (
    CATALOGUES,
    LANGUAGES,
    LOCALES_DIR,
    Translator,
    language_name,
    negotiate,
    system_language,
)
from survey.scoring import QUADRANTS
from survey.services import actions


def test_the_languages_are_the_catalogues_english_first():
    assert LANGUAGES[0] == "en"
    assert set(LANGUAGES) == set(CATALOGUES) >= {"en", "nl"}
    assert CATALOGUES["nl"] == LOCALES_DIR / "nl" / "LC_MESSAGES" / "messages.po"
    assert language_name("nl") == "Nederlands"
    assert language_name("en") == "English"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("nl-BE", "nl"),
        ("NL", "nl"),
        ("de-DE,de;q=0.9,nl;q=0.8,en;q=0.7", "nl"),
        ("en;q=0.4, nl;q=0.6", "nl"),
        ("nl;q=0.6, en;q=0.6", "nl"),
        ("nl;q=0, en", "en"),
        ("nl;q=bogus, en;q=0.1", "en"),
        ("nl ; q = 0.9 , en ; q = 0.8", "nl"),
        ("en, nl;q=inf", "en"),
        ("nl;q=nan, en;q=0.1", "en"),
        ("*", None),
        ("fr, de", None),
    ],
)
def test_accept_language_is_negotiated_by_q_value(header, expected):
    assert negotiate(header) == expected


def test_the_translator_fills_named_placeholders_and_counts():
    en, nl = Translator("en"), Translator("nl")
    assert en("Level %(level)s of 5", level=3) == "Level 3 of 5"
    assert nl("Level %(level)s of 5", level=3) == "Niveau 3 van 5"
    assert nl("Improvement report") == "Verbeterrapport"
    assert nl("not a text of the catalogue") == "not a text of the catalogue"
    closed = (
        'The round "%(round)s" of %(organisation)s reached its closing date and has been '
        "closed, with %(n)s submitted response.",
        'The round "%(round)s" of %(organisation)s reached its closing date and has been '
        "closed, with %(n)s submitted responses.",
    )
    assert nl.ngettext(*closed, 1, round="R", organisation="O").endswith(
        "1 verstuurde antwoordenlijst."
    )
    assert nl.ngettext(*closed, 4, round="R", organisation="O").endswith(
        "4 verstuurde antwoordenlijsten."
    )
    assert nl.of(charts.QUADRANT_NAMES, "restrictive") == "Restrictief"
    with pytest.raises(ValueError, match="unsupported language 'de' \\(use en, nl"):
        Translator("de")


def test_control_and_enablement_are_sturing_and_stimulering_in_dutch():
    nl = Translator("nl")
    assert nl("Control %(control)s · enablement %(enablement)s", control=60, enablement=40) == (
        "Sturing 60 · stimulering 40"
    )
    assert nl("Balance between control and enablement") == "Balans tussen sturing en stimulering"


def test_instrument_texts_may_add_languages_and_fall_back_to_english():
    text = Text.model_validate({"en": "Policy", "nl": "Beleid", "fy": "Belied"})
    assert [text.get(lang) for lang in ("en", "nl", "fy", "de")] == [
        "Policy",
        "Beleid",
        "Belied",
        "Policy",
    ]
    for bad in ({"EN-gb": "x"}, {"fy": " "}, {"fy": 3}):
        with pytest.raises(ValidationError):
            Text.model_validate({"en": "Policy", "nl": "Beleid", **bad})


def test_every_value_that_picks_a_text_has_one():
    assert set(content.QUADRANT_LABELS) == set(content.QUADRANT_MEANINGS) == set(QUADRANTS)
    assert set(charts.QUADRANT_NAMES) == set(QUADRANTS)
    assert set(content.PEER_GROUP_LABELS) == set(PEER_GROUPS)
    assert (
        set(content.COHERENCE_LABELS) == set(content.COHERENCE_MEANINGS) == {"yes", "no", "unknown"}
    )
    assert {block for block, _ in dialogue.AGENDA} <= set(content.AGENDA_TITLES)
    assert set(followup.ACTION_STATUSES) == set(actions.STATUSES)
    assert set(followup.BEYOND_TURNOVER) == {True, False, None}
    assert set(sector.GROUPINGS) == {"sector", "size_band", "country"}
    assert set(render.STATUSES) == {"open", "in_progress", "done"}
    for lang in LANGUAGES:
        assert all(rules.explain(code, lang) for code in rules.REASONS)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANGUAGE": "nl_BE:en", "LANG": "C.UTF-8"}, "nl"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_command_line_speaks_the_language_of_the_environment(
    monkeypatch, environment, expected
):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert system_language() == expected


def test_command_line_messages_come_from_the_catalogue():
    dutch = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "nl_NL.UTF-8"}
    english = {**dutch, "LANG": "C.UTF-8"}
    runner = CliRunner()
    assert "dimensies" in runner.invoke(main, ["instruments", "check"], env=dutch).output
    assert "dimensions" in runner.invoke(main, ["instruments", "check"], env=english).output
    missing = runner.invoke(
        main, ["instruments", "export", "nope", "--format", "codebook"], env=dutch
    )
    assert missing.exit_code == 2
    assert "fout: instrument 'nope' is niet geïnstalleerd" in missing.output
