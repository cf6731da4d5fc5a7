"""The CTG questionnaires, version 2.0: each role is asked only what it can know and no
more than it can bear, every use carries its own score, the balance items say which way
an organisation leans, every citation points at text that is in the seeds, and the Dutch
speaks with one voice ("je")."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from instruments import Use, default_library
from instruments.loader import DATA_DIR, known_roles, load_file
from instruments.schema import Instrument, Text

CTG = ("ctg-access", "ctg-acceptable-use", "ctg-conduct", "ctg-accounts")
V2 = {instrument_id: load_file(DATA_DIR / f"{instrument_id}-v2.yaml") for instrument_id in CTG}
PER_QUESTIONNAIRE = 5  # items per role and questionnaire
ACROSS_THE_FOUR = 20  # the maturity test asks at most 24, so no role answers more than 45
SEEDS = next(
    (
        p / "shared" / "seeds"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "seeds").is_dir()
    ),
    None,
)


def dutch_texts(inst: Instrument) -> list[str]:
    texts: list[Text] = [inst.title, inst.description]
    for dimension in inst.dimensions:
        texts += [dimension.title, dimension.description, *dimension.levels]
    for item in inst.items:
        texts += [item.text, item.recommendation, item.dialogue_question]
        texts += [o.label for o in item.scored_options]
        texts += [t for t in (item.advanced_recommendation, item.not_applicable_reason) if t]
    for case in inst.cases:
        texts += [case.title, case.text]
    return [t.nl for t in texts]


@pytest.mark.parametrize("instrument_id", CTG)
def test_version_2_keeps_the_id_and_leaves_version_1_in_place(instrument_id):
    inst = V2[instrument_id]
    assert (inst.id, inst.version, inst.scheme) == (instrument_id, "2.0", 2)
    assert default_library().get(instrument_id, "1.0") is not None
    assert default_library().get(instrument_id) == inst


@pytest.mark.parametrize("instrument_id", CTG)
def test_no_role_is_asked_more_than_five_items(instrument_id):
    counts = {role: len(V2[instrument_id].items_for(role)) for role in known_roles()}
    assert max(counts.values()) <= PER_QUESTIONNAIRE, counts


def test_no_role_is_asked_more_than_twenty_items_across_the_four():
    for role in known_roles():
        assert sum(len(V2[i].items_for(role)) for i in CTG) <= ACROSS_THE_FOUR, role


@pytest.mark.parametrize("instrument_id", CTG)
def test_every_dimension_is_asked_of_at_least_two_roles(instrument_id):
    inst = V2[instrument_id]
    for dimension in inst.dimensions:
        roles = {role for item in inst.items_of(dimension.id) for role in item.roles}
        assert len(roles) >= 2, dimension.id


@pytest.mark.parametrize("instrument_id", CTG)
def test_each_use_has_its_own_items_and_enough_of_them(instrument_id):
    items = V2[instrument_id].items
    per_use = {use: frozenset(i.id for i in items if use in i.uses) for use in Use}
    assert all(i.uses for i in items)
    assert min(len(ids) for ids in per_use.values()) >= 4, per_use
    assert len(set(per_use.values())) == 3, "identical item sets would give identical use scores"


@pytest.mark.parametrize("instrument_id", CTG)
def test_facts_only_hr_and_management_know_are_not_asked_of_staff(instrument_id):
    for item in V2[instrument_id].items:
        words = " ".join([item.text.en, *(o.label.en for o in item.scored_options)]).lower()
        if "works council" in words or "checklist" in words:
            assert "staff" not in item.roles, item.id


@pytest.mark.parametrize(
    ("instrument_id", "item_id"),
    [("ctg-access", "risk.balance"), ("ctg-acceptable-use", "oversight.trust-balance")],
)
def test_balance_items_say_which_way_a_one_sided_answer_leans(instrument_id, item_id):
    options = V2[instrument_id].item(item_id).scored_options
    emphases = [o.emphasis for o in options]
    assert all(e is not None and None not in (e.control, e.enablement) for e in emphases)
    fearful, permissive, *_, top = emphases
    assert fearful.control == 4 and fearful.enablement == 0
    assert permissive.control == 0 and permissive.enablement == 4
    assert min(top.control, top.enablement) >= 3


@pytest.mark.parametrize("instrument_id", CTG)
def test_each_questionnaire_can_report_its_own_orientation(instrument_id):
    leans = {
        "control" if o.emphasis.control > o.emphasis.enablement else "enablement"
        for item in V2[instrument_id].items
        for o in item.scored_options
        if o.emphasis
        and o.emphasis.control is not None
        and o.emphasis.enablement is not None
        and o.emphasis.control != o.emphasis.enablement
    }
    assert leans == {"control", "enablement"}


@pytest.mark.parametrize("instrument_id", CTG)
def test_dutch_uses_je_and_avoids_the_anglicisms_of_version_1(instrument_id):
    formal = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
    anglicisms = re.compile(
        r"\b(issue brief|content|in lijn met|feedback|checken|check|updaten|webcare|disclaimer|"
        r"do's|community|tool|tools|checklist|e-learning)\b",
        re.IGNORECASE,
    )
    for text in dutch_texts(V2[instrument_id]):
        assert not formal.search(text), text
        assert not anglicisms.search(text), text


@pytest.mark.parametrize("instrument_id", CTG)
def test_basic_and_advanced_advice_are_different_steps(instrument_id):
    for item in V2[instrument_id].items:
        basic, advanced = item.recommendation.en, item.advanced_recommendation.en
        assert SequenceMatcher(None, basic, advanced).ratio() < 0.6, item.id


def test_not_applicable_is_offered_only_where_an_item_can_fail_to_apply():
    offered = {
        (i, item.id) for i in CTG for item in V2[i].items if item.not_applicable_reason is not None
    }
    assert offered == {
        ("ctg-access", "scope.infrastructure"),
        ("ctg-access", "uses.organizational"),
        ("ctg-conduct", "engagement.public-comments"),
    }


def seed_text(file: str) -> str:
    if SEEDS is None:
        pytest.skip("the seed documents are not next to this checkout")
    return (SEEDS / file).read_text(encoding="utf-8").lower()


def cited(inst: Instrument):
    for item in inst.items:
        yield from ((item.id, s) for s in item.sources)
    for case in inst.cases:
        yield from ((case.id, s) for s in case.sources)


@pytest.mark.parametrize("instrument_id", CTG)
def test_every_cited_section_is_a_place_in_the_seed(instrument_id):
    for owner, source in cited(V2[instrument_id]):
        text = seed_text(source.file)
        place = source.section.split(" (")[0].split(", ")[0].removeprefix("The ").lower()
        comment = re.fullmatch(r"comment (\d+)", place)
        if comment:
            assert re.search(rf"^\s*{comment.group(1)}\.\s", text, re.MULTILINE), (owner, source)
        else:
            for part in place.split(": "):
                assert part in text, (owner, source)


# The themes version 1.0 missed, with the words in the seeds that carry them.
COVERAGE = {
    ("ctg-conduct", "personal.own-accounts"): [
        ("002_fc651cd984d9f203.txt", "under an avatar/nom de guerre"),
        ("002_fc651cd984d9f203.txt", "house rules"),
        ("002_fc651cd984d9f203.txt", "they anonymise, go off grid"),
        ("003_146e9a3cbf07d6df.txt", "linked back to government ip addresses"),
    ],
    ("ctg-conduct", "engagement.public-comments"): [
        (
            "004_f9dfd86db5a10813.txt",
            "easily control messages posted on their official social media sites",
        ),
        ("004_f9dfd86db5a10813.txt", "flow charts for dealing with a range of citizen comments"),
        ("000_f1f3bb7e15731050.txt", "responsible for the dialogue with stakeholders and citizens"),
    ],
    ("ctg-accounts", "records.publication-rights"): [
        ("000_f1f3bb7e15731050.txt", "copyright, image right and trademark"),
        ("000_f1f3bb7e15731050.txt", "content and possible adjustments"),
    ],
}


@pytest.mark.parametrize(("key", "evidence"), COVERAGE.items(), ids=lambda v: str(v))
def test_new_themes_rest_on_words_that_are_in_the_seeds(key, evidence):
    instrument_id, item_id = key
    item = V2[instrument_id].item(item_id)
    assert item is not None
    files = {s.file for s in item.sources}
    for file, words in evidence:
        assert file in files
        assert words in " ".join(seed_text(file).split()), (file, words)
