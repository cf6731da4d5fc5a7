"""The shipped instruments are real measuring tools: complete, bilingual, grounded
in the source documents and specific to each item.

Content checks run on two sets: every schema-1 file (frozen, so that rounds answered
on them stay unchanged) and the latest version of every instrument. The schema-2 checks
(five rungs, routing budget, emphasis, tiered advice, Dutch register) run on the latest
version of every instrument that has a schema-2 version, so they cover the CTG
questionnaires as soon as their version 2 ships.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import pytest
from pydantic import BaseModel

from instruments import NOT_APPLICABLE, Instrument, Item, Tag, Text, Use, default_library
from instruments.loader import known_roles, known_source_files

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CTG = ("ctg-access", "ctg-acceptable-use", "ctg-conduct", "ctg-accounts")
DUTCH = re.compile(r"\b(de|het|een|van|en|is|wordt|zijn|niet|voor|met|op)\b", re.IGNORECASE)
FORMAL_PRONOUNS = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
ANGLICISMS = re.compile(r"\b(content|in lijn met|issue brief)\b", re.IGNORECASE)

ROLE_BUDGET_ALL = 45
"""No role answers more than this many items across the latest versions (issue 11)."""
ROLE_BUDGET_MATURITY = 24
"""The maturity test's share of that budget; each CTG questionnaire keeps to 5 per role."""

library = default_library()
LATEST = library.latest_versions()
SCHEMA_1 = [inst for inst in library.instruments if inst.scheme == 1]
ROUTED = [inst for inst in LATEST if inst.scheme == 2]
MATURITY = library.get("sm-maturity")
GROUPS = {"latest": LATEST, "schema-1": SCHEMA_1}
"""Instruments shipped side by side; near-duplicates are looked for within a group."""


def _items(instruments: list[Instrument]) -> list[tuple[Instrument, Item]]:
    return [(inst, item) for inst in instruments for item in inst.items]


ALL_ITEMS = _items(list(library.instruments))
ROUTED_ITEMS = _items(ROUTED)


def _id(value: object) -> str:
    return (
        f"{value.id}-{value.version}" if isinstance(value, Instrument) else getattr(value, "id", "")
    )


def _texts(node: object) -> Iterator[Text]:
    """Every bilingual text in a model, however deeply nested."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name))
    elif isinstance(node, tuple | list):
        for child in node:
            yield from _texts(child)


def _axes(item: Item) -> set[tuple[str, ...]]:
    return {
        tuple(a for a in ("control", "enablement") if getattr(o.emphasis, a) is not None)
        if o.emphasis
        else ()
        for o in item.scored_options
    }


def test_the_five_instruments_ship_with_enough_items():
    ids = set(library.ids())
    assert {"sm-maturity", *CTG} <= ids
    assert len(MATURITY.dimensions) >= 6 and len(MATURITY.items) >= 36
    for instrument_id in CTG:
        assert len(library.get(instrument_id).items) >= 10


@pytest.mark.parametrize("inst", SCHEMA_1, ids=_id)
def test_every_schema_1_instrument_measures_control_and_enablement(inst):
    tags = {item.tag for item in inst.items}
    assert {Tag.CONTROL, Tag.ENABLEMENT} <= tags


@pytest.mark.parametrize("instrument_id", CTG)
def test_ctg_questionnaires_look_across_the_three_functional_uses(instrument_id):
    uses = {use for item in library.get(instrument_id).items for use in item.uses}
    assert uses == {Use.ORGANIZATIONAL, Use.PROFESSIONAL, Use.PERSONAL}


@pytest.mark.parametrize(("inst", "item"), ALL_ITEMS, ids=_id)
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


@pytest.mark.parametrize(("inst", "item"), ALL_ITEMS, ids=_id)
def test_every_item_cites_a_seed_document(inst, item):
    assert item.sources, "an item without a source is not grounded"
    for source in item.sources:
        assert source.file in known_source_files() and len(source.section) >= 3
        if SEEDS.exists():
            assert (SEEDS / source.file).exists()


@pytest.mark.parametrize("inst", list(library.instruments), ids=_id)
def test_dimensions_have_five_distinct_level_descriptions(inst):
    for dimension in inst.dimensions:
        assert len({level.en for level in dimension.levels}) == 5
        assert len({level.nl for level in dimension.levels}) == 5


def _nearly_equal(pair: SequenceMatcher[str]) -> bool:
    """Cheap bounds first; the full ratio only for pairs that could pass 0.8."""
    return pair.real_quick_ratio() > 0.8 and pair.quick_ratio() > 0.8 and pair.ratio() > 0.8


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(
    "field", ["text", "recommendation", "advanced_recommendation", "dialogue_question"]
)
def test_content_is_specific_to_each_item_not_templated(group, field):
    """No two items share (nearly) the same sentence with a word swapped."""
    texts = [
        (f"{i.id}/{item.id}", text.en)
        for i, item in _items(GROUPS[group])
        if (text := getattr(item, field)) is not None
    ]
    too_similar = [
        (a, b)
        for (a, ta), (b, tb) in combinations(texts, 2)
        if _nearly_equal(SequenceMatcher(None, ta, tb))
    ]
    assert too_similar == []


@pytest.mark.parametrize("group", GROUPS)
def test_ladder_statements_are_written_per_item(group):
    labels = [o.label.en for _, item in _items(GROUPS[group]) for o in item.scored_options]
    repeated = {label for label in labels if labels.count(label) > 2}
    assert repeated == set()


# ---------------------------------------------------------------- schema 2 (routed)


def test_the_maturity_test_is_routed():
    assert MATURITY.scheme == 2 and MATURITY in ROUTED


@pytest.mark.parametrize(("inst", "item"), ROUTED_ITEMS, ids=_id)
def test_every_item_has_five_rungs_lowest_first(inst, item):
    assert [o.rung for o in item.scored_options] == [1, 2, 3, 4, 5]
    assert [o.score for o in item.scored_options] == [0, 25, 50, 75, 100]
    assert len({o.label.en for o in item.scored_options}) == 5


@pytest.mark.parametrize(("inst", "item"), ROUTED_ITEMS, ids=_id)
def test_weights_are_half_steps_and_roles_come_from_the_vocabulary(inst, item):
    assert item.weight in (0.5, 1.0, 1.5, 2.0)
    assert item.roles and set(item.roles) <= known_roles()


@pytest.mark.parametrize("role", sorted(known_roles()))
def test_no_role_answers_more_than_its_budget(role):
    per_instrument = {inst.id: len(inst.items_for(role)) for inst in ROUTED}
    assert sum(per_instrument.values()) <= ROLE_BUDGET_ALL, per_instrument
    assert per_instrument["sm-maturity"] <= ROLE_BUDGET_MATURITY


@pytest.mark.parametrize("inst", ROUTED, ids=_id)
def test_every_dimension_is_asked_of_at_least_two_roles(inst):
    for dimension in inst.dimensions:
        roles = {role for item in inst.items_of(dimension.id) for role in item.roles}
        assert len(roles) >= 2, dimension.id


def test_staff_are_asked_what_staff_experience():
    asked = {item.id for item in MATURITY.items_for("staff")}
    assert {
        "guideline.specific-policy",
        "awareness.know-guideline",
        "awareness.where-to-ask",
        "awareness.training",
        "enforcement.honest-mistakes",
        "dialogue.culture-of-fear",
        "dialogue.leadership",
    } <= asked


@pytest.mark.parametrize(("inst", "item"), ROUTED_ITEMS, ids=_id)
def test_not_applicable_is_offered_only_with_a_reason(inst, item):
    offers = item.option(NOT_APPLICABLE) is not None
    assert offers == (item.not_applicable_reason is not None)
    if item.not_applicable_reason is not None:
        reason = item.not_applicable_reason
        assert len(reason.en) >= 20 and reason.en != reason.nl


@pytest.mark.parametrize(("inst", "item"), ROUTED_ITEMS, ids=_id)
def test_basic_and_advanced_advice_differ(inst, item):
    basic, advanced = item.recommendation, item.advanced_recommendation
    assert advanced is not None and len(advanced.en) >= 40
    for lang in ("en", "nl"):
        assert SequenceMatcher(None, basic.get(lang), advanced.get(lang)).ratio() < 0.6


@pytest.mark.parametrize(("inst", "item"), ROUTED_ITEMS, ids=_id)
def test_emphasis_is_given_on_all_options_or_none(inst, item):
    """A half-marked item would weigh only some answers on the balance axes."""
    assert len(_axes(item)) == 1, item.id


@pytest.mark.parametrize(
    ("inst", "item"),
    [(i, item) for i, item in ROUTED_ITEMS if "balance" in item.id.rsplit(".", 1)[-1]],
    ids=_id,
)
def test_balance_items_say_which_way_each_answer_leans(inst, item):
    assert _axes(item) == {("control", "enablement")}
    leanings = {(o.emphasis.control, o.emphasis.enablement) for o in item.scored_options}
    assert any(c >= 3 and e <= 1 for c, e in leanings), "a restrictive answer"
    assert any(c <= 1 and e >= 3 for c, e in leanings), "a laissez-faire answer"


def test_the_maturity_test_has_its_balance_item():
    assert MATURITY.item("strategy.balance") is not None


QUADRANTS = {
    "restrictive": lambda c, e: c >= 3 and e <= 1,
    "anything goes": lambda c, e: c <= 1 and e >= 3,
    "unguided": lambda c, e: c <= 1 and e <= 1,
    "balanced": lambda c, e: c >= 3 and e >= 3,
}


@pytest.mark.parametrize("dimension", [d.id for d in MATURITY.dimensions])
def test_every_maturity_dimension_offers_answers_in_every_direction(dimension):
    points = [
        (o.emphasis.control, o.emphasis.enablement)
        for item in MATURITY.items_of(dimension)
        for o in item.scored_options
        if o.emphasis and o.emphasis.control is not None and o.emphasis.enablement is not None
    ]
    missing = [q for q, inside in QUADRANTS.items() if not any(inside(*p) for p in points)]
    assert missing == []


ARCHETYPES = {
    "restrictive": (4, 0, lambda c, e: c > 62.5 and e < 37.5),
    "anything goes": (0, 4, lambda c, e: c < 37.5 and e > 62.5),
    "unguided": (0, 0, lambda c, e: c < 37.5 and e < 37.5),
    "balanced": (3, 4, lambda c, e: c > 62.5 and e > 62.5),
}


def _distance(option, control: int, enablement: int) -> int:
    """How far an answer leans from a point on the two axes (axes it does not give count 0)."""
    own = option.emphasis
    return sum(
        (value - target) ** 2
        for value, target in ((own.control, control), (own.enablement, enablement))
        if value is not None
    )


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_the_four_archetypes_can_be_expressed_in_the_maturity_test(archetype):
    """Choosing, on every item, the answer that leans most like the archetype puts the
    organisation in its quadrant, at least half a rung (12.5 points) from either line."""
    target_c, target_e, lands = ARCHETYPES[archetype]
    totals = {"control": [0.0, 0.0], "enablement": [0.0, 0.0]}
    for item in MATURITY.items:
        marked = [o for o in item.scored_options if o.emphasis]
        if not marked:
            continue
        chosen = min(marked, key=lambda o: _distance(o, target_c, target_e))
        for axis, sums in totals.items():
            value = getattr(chosen.emphasis, axis)
            if value is not None:
                sums[0] += item.weight * value * 25
                sums[1] += item.weight
    control, enablement = (num / den for num, den in totals.values())
    assert lands(control, enablement), (control, enablement)


@pytest.mark.parametrize("inst", ROUTED, ids=_id)
def test_dutch_uses_one_informal_register(inst):
    """Dutch is written with je/jouw throughout (docs/instrument-format.md, Register)."""
    formal = [t.nl for t in _texts(inst) if FORMAL_PRONOUNS.search(t.nl)]
    assert formal == []


@pytest.mark.parametrize("inst", ROUTED, ids=_id)
def test_dutch_avoids_the_anglicisms_named_in_issue_11(inst):
    found = [t.nl for t in _texts(inst) if ANGLICISMS.search(t.nl)]
    assert found == []


def test_the_register_check_reads_every_dutch_string_and_whole_words_only():
    texts = list(_texts(MATURITY))
    labels = sum(len(item.options) for item in MATURITY.items)
    assert len(texts) > labels + 4 * len(MATURITY.items)
    assert FORMAL_PRONOUNS.search("Wat vindt u ervan?")
    assert FORMAL_PRONOUNS.search("Uw leidinggevende helpt.")
    assert not FORMAL_PRONOUNS.search("Een uur later, bij de ui en de uitleg, zie je jouw fout.")
