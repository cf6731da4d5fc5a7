"""The respondent's burden: items per role across the five instruments, and the time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from instruments import default_library, vocabularies
from survey.services import burden


@pytest.fixture(scope="module")
def instruments():
    library = default_library()
    found = [i for i in library.latest_versions() if i.scheme == 2]
    assert len(found) == 5
    return found


def test_no_role_answers_more_than_45_items_of_all_five_instruments(instruments):
    counts = {role: burden.items_asked(instruments, role) for role in vocabularies().roles.ids()}
    assert max(counts.values()) <= burden.MAX_ITEMS, counts
    assert min(counts.values()) > 0, counts


def test_minutes_round_up_at_45_seconds_an_item():
    assert burden.minutes(40, burden.SECONDS_PER_ITEM) == 30
    assert burden.minutes(41, burden.SECONDS_PER_ITEM) == 31  # 30.75 minutes
    assert burden.minutes(0, burden.SECONDS_PER_ITEM) == 0
    with pytest.raises(ValueError):
        burden.minutes(3, 0)


def test_a_measured_median_needs_ten_responses_of_one_sitting():
    quick = [(timedelta(minutes=10), 40)] * 9  # 15 s an item
    assert burden.median_seconds_per_item(quick) is None
    several_sittings = [(timedelta(hours=20), 40)]
    assert burden.median_seconds_per_item(quick + several_sittings) is None
    assert burden.median_seconds_per_item([*quick, (timedelta(minutes=40), 40)]) == 15.0
    assert burden.median_seconds_per_item([(timedelta(minutes=10), 0)] * 12) is None
