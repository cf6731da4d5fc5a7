"""New passwords: length, and hard to guess for someone who knows the common passwords
and the words of this service and of the account (ASVS 5.0 6.2.4, 6.2.11)."""

from __future__ import annotations

import pytest
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from survey.errors import InvalidInput
from survey.passwords import CONTEXT_WORDS, check_new_password, too_easy


def test_none_of_the_3000_most_common_passwords_can_be_set():
    for common in FREQUENCY_LISTS["passwords"][:3000]:
        with pytest.raises(InvalidInput):
            check_new_password(common)


@pytest.mark.parametrize("word", CONTEXT_WORDS)
def test_a_word_of_the_service_with_a_year_is_too_easy(word):
    assert too_easy(f"{word}{word}2026!")


def test_the_accounts_own_words_count_as_known():
    assert not too_easy("zuiderwaard2026")
    assert too_easy("zuiderwaard2026", ["Gemeente Zuiderwaard"])
    assert too_easy("anna@example.org1", ["anna@example.org"])


@pytest.mark.parametrize(
    "phrase", ["correct horse battery staple", "a long pass phrase 1", "gemeente-demostad"]
)
def test_phrases_of_unrelated_words_pass_without_composition_rules(phrase):
    assert check_new_password(phrase) == phrase


def test_only_the_first_64_characters_are_judged_so_long_phrases_stay_quick():
    long_phrase = "correct horse battery staple " * 30
    assert check_new_password(long_phrase) == long_phrase
