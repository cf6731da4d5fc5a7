"""The instrument loader refuses every kind of broken file with a message that names
the file, the place in it and what is wrong."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from instruments import DONT_KNOW, NOT_APPLICABLE, InstrumentError, OptionKind, load_file
from instruments.files import file_id, instrument_paths
from instruments.library import default_library, installed, load_library

SEED = "000_f1f3bb7e15731050.txt"


def text(s: str) -> dict[str, str]:
    return {"en": s, "nl": f"{s} (nl)"}


def valid() -> dict:
    levels = [text(f"level {n}") for n in range(1, 6)]
    item = {
        "id": "a.one",
        "dimension": "a",
        "weight": 1.0,
        "tag": "control",
        "text": text("Is there a guideline?"),
        "options": [
            {"value": "no", "score": 0, "label": text("No")},
            {"value": "yes", "score": 100, "label": text("Yes")},
        ],
        "recommendation": text("Write one."),
        "dialogue_question": text("Why not?"),
        "sources": [{"file": SEED, "section": "Frame 3"}],
    }
    return {
        "schema": 1,
        "id": "test-inst",
        "version": "1.0",
        "title": text("Test"),
        "description": text("A test instrument"),
        "sources": [{"file": SEED, "title": "BIOS"}],
        "dimensions": [
            {"id": "a", "title": text("A"), "description": text("A dim"), "levels": levels}
        ],
        "items": [item, {**copy.deepcopy(item), "id": "a.two", "tag": "enablement"}],
    }


def write(tmp_path: Path, data: dict | str, name: str = "inst.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def problems(path: Path) -> str:
    with pytest.raises(InstrumentError) as info:
        load_file(path)
    return str(info.value)


def test_valid_file_loads_and_gains_the_reserved_options(tmp_path):
    inst = load_file(write(tmp_path, valid()))
    item = inst.item("a.one")
    assert [o.value for o in item.options] == ["no", "yes", DONT_KNOW, NOT_APPLICABLE]
    assert item.option(DONT_KNOW).kind is OptionKind.DONT_KNOW
    assert item.option(DONT_KNOW).score is None


def test_file_id_is_the_loaded_id_without_loading(tmp_path):
    for path in instrument_paths():
        assert file_id(path) == load_file(path).id
    nested_first = "title: {id: not-this}\nitems:\n  - id: nor-this\nid: this\nversion: '1'\n"
    assert file_id(write(tmp_path, nested_first)) == "this"
    assert file_id(write(tmp_path, "items: []\n", "none.yaml")) is None


def test_installed_loads_every_version_of_the_named_instruments_only():
    library = installed(frozenset({"ctg-access", "not-installed"}))
    assert {i.key for i in library.instruments} == {
        i.key for i in default_library().instruments if i.id == "ctg-access"
    }
    assert library.get("ctg-access") == default_library().get("ctg-access")
    assert installed(frozenset({"not-installed"})).instruments == ()


def test_not_applicable_can_be_withheld_with_a_reason(tmp_path):
    data = valid()
    data["items"][0]["not_applicable"] = False
    data["items"][0]["not_applicable_reason"] = "every organisation has staff"
    inst = load_file(write(tmp_path, data))
    assert inst.item("a.one").option(NOT_APPLICABLE) is None
    del data["items"][0]["not_applicable_reason"]
    assert "not_applicable_reason" in problems(write(tmp_path, data))


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "id: x\nitems: [\n  - a\n  b: c\n")
    message = problems(path)
    assert str(path) in message and "not valid YAML" in message
    assert f"{path}:" in message


def test_duplicate_item_id(tmp_path):
    data = valid()
    data["items"][1]["id"] = "a.one"
    message = problems(write(tmp_path, data))
    assert "items[1]" in message and "duplicate id 'a.one'" in message


def test_unknown_dimension(tmp_path):
    data = valid()
    data["items"][1]["dimension"] = "zz"
    message = problems(write(tmp_path, data))
    assert "items[1] (a.two).dimension" in message and "unknown dimension 'zz'" in message


def test_missing_translation_names_the_field(tmp_path):
    data = valid()
    del data["items"][0]["recommendation"]["nl"]
    message = problems(write(tmp_path, data))
    assert "items[0] (a.one).recommendation.nl" in message and "Field required" in message


def test_empty_translation_is_refused(tmp_path):
    data = valid()
    data["dimensions"][0]["title"]["nl"] = "  "
    assert "dimensions[0] (a).title.nl" in problems(write(tmp_path, data))


def test_score_out_of_range(tmp_path):
    data = valid()
    data["items"][0]["options"][1]["score"] = 120
    message = problems(write(tmp_path, data))
    assert "items[0] (a.one).options[1].score" in message and "100" in message


def test_wrong_number_of_levels(tmp_path):
    data = valid()
    data["dimensions"][0]["levels"].pop()
    assert "dimensions[0] (a).levels" in problems(write(tmp_path, data))


def test_reserved_option_value_and_duplicate_option(tmp_path):
    data = valid()
    data["items"][0]["options"][0]["value"] = "dont_know"
    assert "reserved" in problems(write(tmp_path, data))
    data = valid()
    data["items"][0]["options"][1]["value"] = "no"
    assert "duplicate option value 'no'" in problems(write(tmp_path, data))


def test_unknown_source_file_and_unknown_field(tmp_path):
    data = valid()
    data["items"][0]["sources"][0]["file"] = "made-up.txt"
    assert "unknown source file 'made-up.txt'" in problems(write(tmp_path, data))
    data = valid()
    data["items"][0]["colour"] = "blue"
    assert "items[0] (a.one).colour" in problems(write(tmp_path, data))


def test_error_points_at_the_line_of_the_bad_value(tmp_path):
    data = valid()
    data["items"][0]["weight"] = -1
    path = write(tmp_path, data)
    line = next(n for n, s in enumerate(path.read_text().splitlines(), 1) if "weight: -1" in s)
    assert f"{path}:{line} at items[0] (a.one).weight" in problems(path)


def test_two_files_claiming_the_same_id_and_version(tmp_path):
    first = write(tmp_path, valid(), "a.yaml")
    second = write(tmp_path, valid(), "b.yaml")
    with pytest.raises(InstrumentError) as info:
        load_library([first, second])
    assert "already defined in" in str(info.value) and str(second) in str(info.value)


def test_cli_check_fails_with_messages_and_passes_on_good_files(tmp_path):
    runner = CliRunner()
    good = write(tmp_path, valid(), "good.yaml")
    result = runner.invoke(main, ["instruments", "check", str(good)])
    assert result.exit_code == 0 and "ok  test-inst 1.0" in result.output
    bad_data = valid()
    bad_data["items"][0]["options"][0]["score"] = -5
    bad = write(tmp_path, bad_data, "bad.yaml")
    result = runner.invoke(main, ["instruments", "check", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}" in result.output and "options[0].score" in result.output


def test_cli_check_passes_on_the_shipped_instruments():
    result = CliRunner().invoke(main, ["instruments", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok  ") == len(instrument_paths())
