"""Schema 2: five-rung ladders whose rung k scores 25 (k - 1) and means level k, routing
by role, gating items, emphasis on options, tiered advice, N/A only with a reason; and
refusals naming file, place and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from instruments import DONT_KNOW, NOT_APPLICABLE, InstrumentError, load_file
from instruments.library import load_library

MINI_V2 = Path(__file__).parent.parent / "data" / "mini-v2.yaml"
MINI_V1 = Path(__file__).parent.parent / "data" / "mini.yaml"


def data() -> dict:
    return yaml.safe_load(MINI_V2.read_text(encoding="utf-8"))


def problems(tmp_path: Path, doc: dict | str) -> str:
    path = tmp_path / "inst.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InstrumentError) as info:
        load_file(path)
    return str(info.value)


def test_rung_k_scores_a_quarter_step_and_knows_its_rung():
    inst = load_file(MINI_V2)
    assert inst.scheme == 2
    item = inst.item("rules.guideline")
    scored = item.scored_options
    assert [o.score for o in scored] == [0, 25, 50, 75, 100]
    assert [o.rung for o in scored] == [1, 2, 3, 4, 5]
    assert scored[1].emphasis is not None and scored[1].emphasis.control == 4


def test_not_applicable_is_offered_only_with_a_reason():
    inst = load_file(MINI_V2)
    with_reason = inst.item("rules.monitoring")
    without = inst.item("rules.guideline")
    assert with_reason.option(NOT_APPLICABLE) is not None
    assert with_reason.not_applicable_reason is not None
    assert without.option(NOT_APPLICABLE) is None
    assert without.option(DONT_KNOW) is not None


def test_routing_and_tiered_advice():
    inst = load_file(MINI_V2)
    assert [i.id for i in inst.items_for("it")] == ["rules.monitoring", "culture.dialogue"]
    item = inst.item("rules.guideline")
    assert item.recommendation.en == "Write the guideline."
    assert item.advanced_recommendation is not None
    assert inst.dimension("rules").basics == ("rules.guideline",)


def test_schema_1_and_2_versions_live_side_by_side():
    library = load_library([MINI_V1, MINI_V2])
    assert library.get("mini").version == "2.0"
    assert library.get("mini", "1.0").scheme == 1
    assert library.get("mini", "1.0").item("rules.guideline").roles == ()


def test_a_ladder_needs_exactly_five_rungs(tmp_path):
    doc = data()
    doc["items"][0]["options"].pop()
    assert "items[0] (rules.guideline).options" in problems(tmp_path, doc)


def test_the_ladder_mapping_is_one_to_one(tmp_path):
    doc = data()
    doc["ladder"]["scores"] = [0, 33, 50, 67, 100]
    assert "ladder" in problems(tmp_path, doc)


def test_weights_come_in_half_steps(tmp_path):
    doc = data()
    doc["items"][0]["weight"] = 5
    assert "weight must be 0.5, 1.0, 1.5 or 2.0" in problems(tmp_path, doc)


def test_unknown_role_and_empty_roles(tmp_path):
    doc = data()
    doc["items"][1]["roles"] = ["it", "janitor"]
    assert "items[1] (rules.monitoring).roles[1]: unknown role 'janitor'" in problems(tmp_path, doc)
    doc = data()
    doc["items"][1]["roles"] = []
    assert "items[1] (rules.monitoring).roles" in problems(tmp_path, doc)


def test_a_gating_item_must_belong_to_its_dimension(tmp_path):
    doc = data()
    doc["dimensions"][0]["basics"] = ["culture.dialogue"]
    assert "'culture.dialogue' is not an item of dimension 'rules'" in problems(tmp_path, doc)


def test_an_item_without_a_source_is_refused(tmp_path):
    doc = data()
    doc["items"][2]["sources"] = []
    assert "items[2] (culture.dialogue).sources" in problems(tmp_path, doc)


def test_an_emphasis_must_say_something(tmp_path):
    doc = data()
    doc["items"][0]["options"][0]["emphasis"] = {}
    assert "give 'control', 'enablement' or both" in problems(tmp_path, doc)


def test_a_key_written_twice_is_refused_with_its_line(tmp_path):
    text = MINI_V2.read_text(encoding="utf-8").replace(
        "    weight: 2.0\n", "    weight: 2.0\n    weight: 0.5\n", 1
    )
    message = problems(tmp_path, text)
    assert "duplicate key 'weight'" in message
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "weight: 0.5" in s)
    assert f":{line}" in message
