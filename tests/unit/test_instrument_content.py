"""The shipped instruments are real measuring tools: complete, bilingual, grounded
in the source documents and specific to each item."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import pytest

from instruments import Tag, Use, default_library
from instruments.loader import known_source_files

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CTG = ("ctg-access", "ctg-acceptable-use", "ctg-conduct", "ctg-accounts")
DUTCH = re.compile(r"\b(de|het|een|van|en|is|wordt|zijn|niet|voor|met|op)\b", re.IGNORECASE)

library = default_library()
ITEMS = [(inst, item) for inst in library.latest_versions() for item in inst.items]


def test_the_five_instruments_ship_with_enough_items():
    ids = set(library.ids())
    assert {"sm-maturity", *CTG} <= ids
    maturity = library.get("sm-maturity")
    assert len(maturity.dimensions) >= 6 and len(maturity.items) >= 36
    for instrument_id in CTG:
        assert len(library.get(instrument_id).items) >= 10


@pytest.mark.parametrize("instrument_id", ["sm-maturity", *CTG])
def test_every_instrument_measures_control_and_enablement(instrument_id):
    tags = {item.tag for item in library.get(instrument_id).items}
    assert {Tag.CONTROL, Tag.ENABLEMENT} <= tags


@pytest.mark.parametrize("instrument_id", CTG)
def test_ctg_questionnaires_look_across_the_three_functional_uses(instrument_id):
    uses = {use for item in library.get(instrument_id).items for use in item.uses}
    assert uses == {Use.ORGANIZATIONAL, Use.PROFESSIONAL, Use.PERSONAL}


@pytest.mark.parametrize(("inst", "item"), ITEMS, ids=lambda v: getattr(v, "id", ""))
def test_every_item_is_complete_in_both_languages(inst, item):
    for text in (item.text, item.recommendation, item.dialogue_question):
        assert text.en.strip() and text.nl.strip()
        assert text.en != text.nl
    assert len(item.recommendation.en) >= 40 and len(item.dialogue_question.en) >= 25
    assert DUTCH.search(item.recommendation.nl) and DUTCH.search(item.text.nl)
    assert item.dialogue_question.en.rstrip().endswith("?")
    assert item.dialogue_question.nl.rstrip().endswith("?")
    assert len(item.scored_options) >= 3, "prefer maturity ladders over yes/no"
    scores = [o.score for o in item.scored_options]
    assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 100
    for source in item.sources:
        assert source.file in known_source_files() and len(source.section) >= 3
        if SEEDS.exists():
            assert (SEEDS / source.file).exists()


def test_dimensions_have_five_distinct_level_descriptions():
    for inst in library.latest_versions():
        for dimension in inst.dimensions:
            assert len({level.en for level in dimension.levels}) == 5
            assert len({level.nl for level in dimension.levels}) == 5


@pytest.mark.parametrize("field", ["text", "recommendation", "dialogue_question"])
def test_content_is_specific_to_each_item_not_templated(field):
    """No two items share (nearly) the same sentence with a word swapped."""
    texts = [(f"{i.id}/{item.id}", getattr(item, field).en) for i, item in ITEMS]
    too_similar = [
        (a, b)
        for (a, ta), (b, tb) in combinations(texts, 2)
        if SequenceMatcher(None, ta, tb).real_quick_ratio() > 0.8
        and SequenceMatcher(None, ta, tb).quick_ratio() > 0.8
        and SequenceMatcher(None, ta, tb).ratio() > 0.8
    ]
    assert too_similar == []


def test_ladder_statements_are_written_per_item():
    labels = [o.label.en for _, item in ITEMS for o in item.scored_options]
    repeated = {label for label in labels if labels.count(label) > 2}
    assert repeated == set()
