"""How a respondent's questions are laid out on pages (`survey.services.questionnaire`)."""

from __future__ import annotations

import itertools

import pytest

from instruments import default_library, vocabularies
from survey.services.questionnaire import (
    MAX_ITEMS_PER_PAGE,
    Section,
    answer_key,
    chunks,
    round_pages,
)
from tests import factories

LATEST = default_library().latest_versions()
SCHEMA_2 = [i for i in LATEST if i.scheme == 2]


def _same(a: Section, b: Section) -> bool:
    """Two pieces of one section (the same dimension of the same instrument)."""
    return (a.instrument.id, a.dimension.id) == (b.instrument.id, b.dimension.id)


@pytest.mark.parametrize("role", vocabularies().roles.ids())
def test_every_asked_item_once_in_order_on_pages_of_at_most_8(role):
    pages = round_pages(SCHEMA_2, role)
    asked = [(i.id, item.id) for i in SCHEMA_2 for item in i.items_for(role)]
    shown = [(instrument.id, item.id) for p in pages for instrument, item in p.questions]
    assert shown == asked
    assert all(1 <= len(p.items) <= MAX_ITEMS_PER_PAGE for p in pages)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    for page in pages:
        assert page.items == tuple(item for s in page.sections for item in s.items)
        assert all(item.dimension == s.dimension.id for s in page.sections for item in s.items)
    # As few pages as the items allow, across instrument boundaries.
    assert len(pages) == -(-len(asked) // MAX_ITEMS_PER_PAGE)
    # A section is cut in two only at a page break, so at most once per break.
    firsts = [p.sections[0] for p in pages[1:]]
    lasts = [p.sections[-1] for p in pages[:-1]]
    cut = [a for a, b in zip(lasts, firsts, strict=True) if _same(a, b)]
    assert len(cut) <= len(pages) - 1


def test_pages_span_instruments_and_keep_sections_whole_where_they_can():
    pages = round_pages(SCHEMA_2, "communications")
    assert any(len(p.instruments) > 1 for p in pages)
    keys = [answer_key(i, item) for p in pages for i, item in p.questions]
    assert len(set(keys)) == len(keys), "answer keys are unambiguous across instruments"
    # IT's 20 items fit on 3 pages without cutting a section.
    it = round_pages(SCHEMA_2, "it")
    assert [len(p.items) for p in it] == [6, 7, 7]
    assert not any(_same(a.sections[-1], b.sections[0]) for a, b in itertools.pairwise(it))


def test_schema_1_keeps_one_dimension_per_page():
    mini = factories.mini_library().instruments
    pages = round_pages(list(mini), "staff")
    assert [len(p.sections) for p in pages] == [1, 1]
    assert [p.sections[0].dimension.id for p in pages] == ["rules", "culture"]


@pytest.mark.parametrize(("count", "sizes"), [(8, [8]), (9, [4, 5]), (17, [6, 5, 6]), (1, [1])])
def test_a_long_section_is_split_into_near_equal_pieces(count, sizes):
    items = tuple(range(count))
    pieces = chunks(items, MAX_ITEMS_PER_PAGE)
    assert [len(p) for p in pieces] == sizes
    assert tuple(x for p in pieces for x in p) == items
