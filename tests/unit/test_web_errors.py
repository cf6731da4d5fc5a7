"""Error answers name the field a client got wrong."""

from __future__ import annotations

import pytest

from web.errors import _field_name


@pytest.mark.parametrize(
    ("key", "message", "expected"),
    [
        ("name", "Expected `str`, got `int`", "name"),
        ("answers[...]", "Expected `str`, got `int`", "answers"),
        ("instruments[0]", "Expected `str`", "instruments"),
        ("data", "Object missing required field `label`", "label"),
        ("data", "Expected `object`, got `array`", "body"),
        ("lang", "Invalid enum value 'fr'", "lang"),
        (None, "whatever", None),
        ("", "whatever", None),
    ],
)
def test_field_name(key, message, expected):
    assert _field_name(key, message) == expected
