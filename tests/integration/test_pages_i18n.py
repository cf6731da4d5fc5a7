"""The translation catalogs: complete, up to date, and consistent in their placeholders."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from survey import catalogue
from survey import i18n as catalogues
from web import i18n

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def catalog(lang: str):
    with catalogues.CATALOGUES[lang].open("rb") as fh:
        return read_po(fh, locale=lang)


def ids(messages) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages if m.id}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogs_hold_exactly_the_texts_of_the_code_and_templates(lang):
    extracted = ids(catalogue.extract_messages())
    assert extracted, "nothing extracted"
    assert ids(catalog(lang)) == extracted, "run `make i18n` and translate"


def test_every_text_has_a_dutch_translation_with_the_same_placeholders():
    for message in catalog("nl"):
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(targets), f"untranslated: {message.id!r}"
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for target in targets:
            assert sorted(PLACEHOLDER.findall(target)) == expected, message.id
        assert not message.fuzzy, message.id


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        ("nl", None, "en", "nl"),
        ("NL", None, None, "nl"),
        ("fr", "nl", "en", "nl"),
        (None, "nl", "en", "nl"),
        (None, "xx", "nl-BE,nl;q=0.9", "nl"),
        (None, None, "de-DE,de;q=0.9,nl;q=0.8,en;q=0.7", "nl"),
        (None, None, "en;q=0.4, nl;q=0.6", "nl"),
        (None, None, "nl;q=0, en", "en"),
        (None, None, "nl;q=bogus", "en"),
        (None, None, "*", "en"),
    ],
)
def test_language_choice(query, cookie, header, expected):
    assert i18n.choose_language(query, cookie, header) == expected


def test_error_texts_show_known_messages_only():
    assert i18n.error_text("nl", 404) == (
        "Pagina niet gevonden",
        i18n.gettext("nl", i18n.ERROR_MESSAGES[404]),
    )
    known = "This invitation link is not valid."
    assert i18n.error_text("nl", 404, known)[1] == "Deze uitnodigingslink is niet geldig."
    assert i18n.error_text("en", 404, known)[1] == known
    assert i18n.error_text("en", 404, "Not Found")[1] == i18n.ERROR_MESSAGES[404]
    assert i18n.error_text("nl", 418)[0] == "Het verzoek is niet begrepen"
    assert i18n.error_text("en", 503)[0] == "Something went wrong"
