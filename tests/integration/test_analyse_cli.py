"""`survey analyse`: batch scoring and benchmarking of answer files (CSV and Parquet)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from analytics import batch
from analytics import benchmark as b
from analytics.cli import analyse
from survey import scoring
from survey.disclosure import roles

ITEMS = [
    # item_id, instrument_id, dimension_id, weight, tag
    ("s1", "sm", "rules", 2.0, "control"),
    ("s2", "sm", "rules", 1.0, "control"),
    ("s3", "sm", "culture", 1.0, "enablement"),
    ("s4", "sm", "culture", 1.5, None),
    ("c1", "ctg", "access", 1.0, None),
    ("c2", "ctg", "access", 1.0, "enablement"),
]
SECTORS = ["municipalities"] * 6 + ["police"] * 2
ROLES = ["management", "hr", "it", "staff"]


def make_data(seed: int = 7) -> dict[str, pl.DataFrame]:
    """Eight organisations; six to eight respondents each; some don't know / n/a."""
    rng = random.Random(seed)
    answers = []
    for o, sector in enumerate(SECTORS):
        maturity = rng.uniform(20, 80)
        respondents = 2 if o == 7 else rng.randint(6, 8)  # the last one has too few
        for r in range(respondents):
            role = ROLES[r % len(ROLES)]
            for item_id, *_ in ITEMS:
                draw = rng.random()
                if draw < 0.08:
                    kind, score = "dont_know", None
                elif draw < 0.12:
                    kind, score = "not_applicable", None
                else:
                    level = min(max(round((maturity + rng.uniform(-30, 30)) / 25), 0), 4)
                    kind, score = "scored", 25.0 * level
                answers.append(
                    {
                        "organisation_id": f"org{o}",
                        "respondent_id": f"r{r}",  # unique within the organisation only
                        "role": role,
                        "item_id": item_id,
                        "score": score,
                        "kind": kind,
                    }
                )
    organisations = pl.DataFrame(
        {
            "organisation_id": [f"org{o}" for o in range(len(SECTORS))],
            "sector": SECTORS,
            "size_band": ["50-249"] * len(SECTORS),
            "country": ["NL"] * len(SECTORS),
        }
    )
    items = pl.DataFrame(
        ITEMS,
        schema={
            "item_id": pl.String,
            "instrument_id": pl.String,
            "dimension_id": pl.String,
            "weight": pl.Float64,
            "tag": pl.String,
        },
        orient="row",
    )
    return {
        "answers": pl.DataFrame(
            answers,
            schema={
                "organisation_id": pl.String,
                "respondent_id": pl.String,
                "role": pl.String,
                "item_id": pl.String,
                "score": pl.Float64,
                "kind": pl.String,
            },
        ),
        "items": items,
        "organisations": organisations,
    }


def write(frames: dict[str, pl.DataFrame], folder: Path, suffix: str) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in frames.items():
        path = folder / f"{name}{suffix}"
        if suffix == ".csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        paths[name] = path
    return paths


def run(paths: dict[str, Path], out: Path):
    return CliRunner().invoke(
        analyse,
        [
            "--answers",
            str(paths["answers"]),
            "--items",
            str(paths["items"]),
            "--organisations",
            str(paths["organisations"]),
            "--out",
            str(out),
        ],
    )


def engine_scores(frames: dict[str, pl.DataFrame]) -> scoring.Scores:
    """survey.scoring.score on the same data, called directly."""
    answers = (
        frames["answers"]
        .join(frames["items"].select("item_id", "instrument_id"), on="item_id")
        .with_columns(pl.format("{}/{}", "organisation_id", "respondent_id").alias("respondent_id"))
    )
    return scoring.score(answers, frames["items"])


KEY = ["organisation_id", "instrument_id", "dimension_id"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_batch_scores_are_the_engine_scores(tmp_path, suffix):
    frames = make_data()
    result = run(write(frames, tmp_path / "in", suffix), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "8 organisations" in result.stdout
    written = pl.read_parquet(tmp_path / "out" / "scores.parquet")
    assert written.schema == pl.Schema(batch.SCORES_SCHEMA)
    expected = roles.anonymise_scores(engine_scores(frames)).dimensions
    assert written.height == expected.height == 8 * 3
    joined = written.join(expected, on=KEY, suffix="_engine")
    assert joined.height == written.height
    for column in ("score", "level", "respondents", "role_groups", "dont_know_rate", "suppressed"):
        assert joined[column].equals(joined[f"{column}_engine"], check_names=False), column
    small = written.filter(organisation_id="org7")
    assert small["suppressed"].all() and small["score"].is_null().all()
    assert written.filter(organisation_id="org0")["score"].is_not_null().all()


def test_batch_benchmark_is_benchmark_all_of_the_raw_scores(tmp_path):
    frames = make_data()
    result = run(write(frames, tmp_path / "in", ".parquet"), tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(tmp_path / "out" / "benchmark.parquet")
    assert written.schema == pl.Schema(batch.BENCHMARK_FILE_SCHEMA)
    raw = engine_scores(frames).dimensions.join(frames["organisations"], on="organisation_id")
    results = raw.with_columns(
        pl.lit("batch").alias("round_id"),
        pl.lit("batch").alias("instrument_version"),
        pl.lit(datetime(2025, 1, 1, tzinfo=UTC)).alias("closed_at"),
        pl.lit(False).alias("synthetic"),
        pl.lit(False).alias("shares"),
    ).select(*b.RESULTS_SCHEMA)
    expected = b.benchmark_all(b.representatives(results)).select(*batch.BENCHMARK_FILE_SCHEMA)
    order = [*KEY, "peer_group"]
    assert written.sort(order).equals(expected.sort(order))
    assert written.height == 8 * 3 * len(b.PEER_GROUPS)
    everyone = written.filter(peer_group="all", dimension_id="rules")
    assert set(everyone["peer_count"]) == {8}
    # six municipalities: 5 unknown to any one of them, the median band; the two police
    # forces are too few (the files carry no sharing, so only the reader is known)
    sector = written.filter(peer_group="sector", dimension_id="rules")
    assert set(sector["suppression"]) == {"quartiles_few_unknown", "few_unknown"}
    assert set(sector["known"]) == {1}
    police = sector.filter(pl.col("peer_count") == 2)
    assert police["median_low"].is_null().all() and police["position"].is_null().all()
    assert sector.filter(pl.col("peer_count") == 6)["median_low"].is_not_null().all()
    assert sector["percentile"].is_null().all()
    assert everyone.filter(organisation_id="org7")["score"].is_null().all()


def test_without_kind_an_empty_score_is_unscored_and_the_dont_know_rate_unknown(tmp_path):
    frames = make_data()
    with_kind = run(write(frames, tmp_path / "a", ".csv"), tmp_path / "out_a")
    frames["answers"] = frames["answers"].drop("kind")
    without = run(write(frames, tmp_path / "b", ".csv"), tmp_path / "out_b")
    assert with_kind.exit_code == without.exit_code == 0, without.output
    a = pl.read_parquet(tmp_path / "out_a" / "scores.parquet")
    c = pl.read_parquet(tmp_path / "out_b" / "scores.parquet")
    assert a.drop("dont_know_rate").equals(c.drop("dont_know_rate"))
    assert a["dont_know_rate"].is_not_null().any()
    assert c["dont_know_rate"].is_null().all()


def test_quiet_when_not_a_terminal(tmp_path):
    result = run(write(make_data(), tmp_path / "in", ".csv"), tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr == ""


def _bad(name: str, tmp_path: Path, text: str, suffix: str = ".csv") -> dict[str, Path]:
    paths = write(make_data(), tmp_path / "in", ".csv")
    path = tmp_path / "in" / f"{name}{suffix}"
    path.write_text(text, encoding="utf-8")
    paths[name] = path
    return paths


def _mutated(name: str, change) -> str:  # type: ignore[no-untyped-def]
    return change(make_data()[name]).write_csv()


BAD_CSV = [
    ("answers", lambda f: f.drop("score"), "score", "missing"),
    ("items", lambda f: f.drop("weight"), "weight", "missing"),
    ("organisations", lambda f: f.drop("country"), "country", "missing"),
    (
        "answers",
        lambda f: f.with_columns(
            pl.col("score").cast(pl.String).fill_null("").replace("50.0", "high")
        ),
        "score",
        "'high' is not a number",
    ),
    (
        "items",
        lambda f: f.with_columns(pl.lit("heavy").alias("weight")),
        "weight",
        "'heavy' is not a number (line 2)",
    ),
    ("items", lambda f: f.with_columns(pl.lit(0.0).alias("weight")), "weight", "above 0"),
    ("items", lambda f: pl.concat([f, f.head(1)]), "item_id", "duplicate item id: 's1' (line 8)"),
    ("items", lambda f: f.with_columns(pl.lit("both").alias("tag")), "tag", "control, enablement"),
    (
        "answers",
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 3)
            .then(pl.lit("x9"))
            .otherwise("item_id")
            .alias("item_id")
        ),
        "item_id",
        "unknown item (not in the items file): 'x9' (line 5)",
    ),
    (
        "answers",
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.lit("ghost"))
            .otherwise("organisation_id")
            .alias("organisation_id")
        ),
        "organisation_id",
        "unknown organisation",
    ),
    (
        "answers",
        lambda f: f.with_columns(
            pl.when(pl.col("kind") == "scored").then(150.0).otherwise(None).alias("score")
        ),
        "score",
        "between 0 and 100",
    ),
    ("answers", lambda f: f.with_columns(pl.lit("maybe").alias("kind")), "kind", "must be one of"),
    (
        "answers",
        lambda f: f.with_columns(
            pl.when(pl.col("kind") == "dont_know").then(50.0).otherwise("score").alias("score")
        ),
        "kind",
        "only a scored answer has a score",
    ),
    ("answers", lambda f: pl.concat([f, f.head(1)]), "item_id", "answered twice"),
    (
        "answers",
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.lit("legal"))
            .otherwise("role")
            .alias("role")
        ),
        "role",
        "more than one role",
    ),
    (
        "organisations",
        lambda f: f.with_columns(pl.lit(None, pl.String).alias("sector")),
        "sector",
        "empty value (line 2)",
    ),
    (
        "organisations",
        lambda f: pl.concat([f, f.head(1)]),
        "organisation_id",
        "duplicate organisation id: 'org0' (line 10)",
    ),
]


@pytest.mark.parametrize(("name", "change", "column", "message"), BAD_CSV)
def test_bad_files_name_file_and_column_and_exit_2(tmp_path, name, change, column, message):
    paths = _bad(name, tmp_path, _mutated(name, change))
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"{paths[name]}: column '{column}'" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "out" / "scores.parquet").exists()


def test_wrong_type_in_parquet_names_the_column(tmp_path):
    frames = make_data()
    frames["answers"] = frames["answers"].with_columns(
        pl.col("score").cast(pl.String).fill_null("").replace("25.0", "quarter")
    )
    paths = write(frames, tmp_path / "in", ".parquet")
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2
    assert f"{paths['answers']}: column 'score': 'quarter' is not a number (row" in result.stderr


@pytest.mark.parametrize(
    ("suffix", "content", "message"),
    [
        (".parquet", b"this is not parquet", "cannot read the file"),
        (".xlsx", b"PK", "unknown file type"),
        (".csv", b"organisation_id,respondent_id,role,item_id,score\n", "no answers"),
        (".csv", b"\x81\x8d garbage", "cannot read the file: cannot be read as UTF-8 or"),
    ],
)
def test_unreadable_answers_file(tmp_path, suffix, content, message):
    paths = write(make_data(), tmp_path / "in", ".csv")
    paths["answers"] = tmp_path / "in" / f"broken{suffix}"
    paths["answers"].write_bytes(content)
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2
    assert str(paths["answers"]) in result.stderr and message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_file(tmp_path):
    paths = write(make_data(), tmp_path / "in", ".csv")
    paths["items"] = tmp_path / "nowhere.csv"
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2
    assert f"{paths['items']}: no such file" in result.stderr
