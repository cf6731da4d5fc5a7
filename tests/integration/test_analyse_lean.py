"""`survey analyse --items` reads answers lean (one streaming scan, enum keys) when it
can, and otherwise, or when a check fails, exactly as the row reader does."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from analytics import batch
from tests.integration.test_analyse_cli import BAD_CSV, make_data, run, write

ANSWER_CASES = [case for case in BAD_CSV if case[0] == "answers"]


def _checked(paths: dict[str, Path]) -> tuple[pl.DataFrame, pl.DataFrame]:
    items = batch.check_items(batch.read_items(paths["items"]), paths["items"])
    organisations = batch.check_organisations(
        batch.read_organisations(paths["organisations"]), paths["organisations"]
    )
    return items, organisations


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_utf8_csv_and_parquet_are_read_lean_with_enum_keys(tmp_path, suffix):
    paths = write(make_data(), tmp_path, suffix)
    lean = batch.read_lean_answers(paths["answers"], *_checked(paths))
    assert lean is not None
    for column in ("organisation_id", "item_id", "kind"):
        assert isinstance(lean.schema[column], pl.Enum)
    assert lean.get_column("organisation_id").to_physical().dtype == pl.UInt8
    expected = make_data()["answers"]
    assert lean.height == expected.height
    assert lean.with_columns(pl.all().exclude("score").cast(pl.String)).equals(expected)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_other_encodings_fall_back_to_the_row_reader(tmp_path, encoding):
    paths = write(make_data(), tmp_path, ".csv")
    text = paths["answers"].read_text(encoding="utf-8").replace("org1,", "orgé,")
    paths["answers"].write_bytes(text.encode(encoding))
    assert batch.read_lean_answers(paths["answers"], *_checked(paths)) is None


def test_a_value_outside_its_enum_falls_back(tmp_path):
    frames = make_data()
    frames["answers"] = frames["answers"].with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("maybe")).otherwise("kind").alias("kind")
    )
    paths = write(frames, tmp_path, ".parquet")
    assert batch.read_lean_answers(paths["answers"], *_checked(paths)) is None


def test_lean_and_row_reader_write_the_same_files(tmp_path):
    frames = make_data()
    lean = write(frames, tmp_path / "lean", ".csv")
    # a semicolon file with decimal commas and a blank line: the row reader's
    text = frames["answers"].write_csv(separator=";").replace(".0;", ",0;")
    first, rest = text.split("\n", 1)
    slow = write(frames, tmp_path / "slow", ".csv")
    slow["answers"].write_text(first + "\n\n" + rest, encoding="cp1252")
    assert run(lean, tmp_path / "out_lean").exit_code == 0
    assert run(slow, tmp_path / "out_slow").exit_code == 0
    for name in ("scores", "benchmark"):
        a = pl.read_parquet(tmp_path / "out_lean" / f"{name}.parquet")
        b = pl.read_parquet(tmp_path / "out_slow" / f"{name}.parquet")
        assert a.equals(b), name


@pytest.mark.parametrize(("name", "change", "column", "message"), ANSWER_CASES)
def test_bad_parquet_answers_are_named_as_the_row_reader_names_them(
    tmp_path, name, change, column, message
):
    frames = make_data()
    frames[name] = change(frames[name])
    paths = write(frames, tmp_path / "in", ".parquet")
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"{paths[name]}: column '{column}'" in result.stderr
    rows = re.sub(r"\(line (\d+)\)", lambda m: f"(row {int(m.group(1)) - 1})", message)
    assert rows in result.stderr
    assert not (tmp_path / "out" / "scores.parquet").exists()
