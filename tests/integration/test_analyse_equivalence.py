"""`survey analyse --items` gives the numbers the engine gave before it was made lazy.

``tests/data/analyse`` holds a seeded population from ``bench.bench_benchmark``
(100 organisations × 3 respondents × 150 items, seed 7: some scores undefined, some
suppressed) and the ``scores.parquet`` and ``benchmark.parquet`` that the eager
engine (commit fed2052) wrote for it. Scores, rates and bands must agree to one unit
in the ninth decimal (a mean exactly halfway between two ninth decimals is now summed
exactly and rounds half up, where the float engine went either way); everything else
exactly; from the Parquet files and from the same data as UTF-8 CSV.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from analytics import batch

DATA = Path(__file__).resolve().parent.parent / "data" / "analyse"
TOLERANCE = 1.5e-9
"""One unit in the ninth decimal, with room for the float error of the difference."""
KEYS = {
    "scores": ["organisation_id", "instrument_id", "dimension_id"],
    "benchmark": ["organisation_id", "instrument_id", "dimension_id", "peer_group"],
}


def _compare(name: str, ours: pl.DataFrame, expected: pl.DataFrame) -> None:
    assert ours.schema == expected.schema
    assert ours.height == expected.height
    joined = expected.join(ours, on=KEYS[name], how="full", suffix="_new", nulls_equal=True)
    for column in expected.columns:
        if column in KEYS[name]:
            continue
        old, new = pl.col(column), pl.col(f"{column}_new")
        if expected.schema[column] == pl.Float64:
            same = (old.is_null() & new.is_null()) | ((old - new).abs() <= TOLERANCE)
        else:
            same = old.eq_missing(new)
        differing = joined.filter(~same.fill_null(False))
        assert differing.is_empty(), f"{name}.{column}: {differing.height} rows differ"


def _inputs(folder: Path, suffix: str) -> list[Path]:
    """The seeded population's files, as stored (Parquet) or written as UTF-8 CSV (read
    by ``scan_csv``)."""
    names = ("answers", "items", "organisations")
    if suffix == ".parquet":
        return [DATA / f"{name}.parquet" for name in names]
    paths = [folder / f"{name}.csv" for name in names]
    for name, path in zip(names, paths, strict=True):
        pl.read_parquet(DATA / f"{name}.parquet").write_csv(path)
    return paths


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("name", ["scores", "benchmark"])
def test_output_agrees_with_the_eager_engine(tmp_path: Path, name: str, suffix: str) -> None:
    answers, items, organisations = _inputs(tmp_path, suffix)
    out = tmp_path / "out"
    batch.analyse(answers, items, organisations, out, now=datetime(2025, 6, 30, tzinfo=UTC))
    ours = pl.read_parquet(out / f"{name}.parquet")
    _compare(name, ours, pl.read_parquet(DATA / f"expected-{name}.parquet"))
