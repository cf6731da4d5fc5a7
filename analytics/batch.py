"""Batch analysis from files: the app's scoring engine and benchmark on exported answers.

For integrity offices whose answers came from another survey tool. Input files are
Parquet (``.parquet``, ``.pq``) or CSV (``.csv`` with a header row; UTF-8, UTF-16 or
Windows-1252, separated by commas, semicolons or tabs, numbers with a decimal point or comma):

* answers: ``organisation_id, respondent_id, role, item_id, score`` and optionally
  ``kind``; one row per respondent and answered item. ``score`` is 0-100, or empty for
  "don't know" / "not applicable". Respondent ids need only be unique within their
  organisation.
* items: ``item_id, instrument_id, dimension_id, weight`` and optionally ``tag``
  (control / enablement); item ids must be unique in the file, since answers name
  items by id alone.
* organisations: ``organisation_id, sector, size_band, country``.

``kind``: with the column, each answer is ``scored`` (score set), ``dont_know`` or
``not_applicable`` (score empty), and the don't-know rate is reported as in the app.
Without it, an empty score is an unscored answer: it does not count towards the
score, exactly like "don't know" and "not applicable", but the file cannot say which
of the two it was, so ``dont_know_rate`` is reported as null (unknown) rather than
guessed.

Scoring is the dimension chain of :func:`survey.scoring.score` itself (the engine's
``dimensions``: the batch writes no other analysis), reached
(like the anonymity and benchmark functions) through the adapter :mod:`interop.engine`.
``scores.parquet`` holds, per organisation × instrument × dimension, the scores after
:func:`survey.disclosure.roles.anonymise_dimensions` (score and level null with ``suppressed``
when fewer than 3 respondents stand behind them). ``benchmark.parquet`` holds
:func:`analytics.benchmark.benchmark_all` on the raw organisation scores (instrument
version ``batch``, one round per organisation), so its publication rules are those of
the app (5-point bands, forms by the number of unknown organisations); its rows come
peer group by peer group (in :data:`analytics.benchmark.PEER_GROUPS` order), each in
the order of organisation, instrument, version and dimension. The files carry no
sharing choice, so no organisation counts as known beyond the reader itself. Any
problem with a file raises :class:`BadFile`, naming the file and, where there is one,
the column.

Memory: a Parquet or UTF-8 CSV answers file is read in one streaming pass with
organisations, items and kinds as enums of the values the other files allow (one or
two bytes a row; a Parquet file's text coded through its dictionaries, see
:mod:`analytics.parquet_codes`), and the scoring engine holds the only copy of the
answers, letting go of them once coded; its first pass over them streams.
Any other file, and any file that fails a check, is read again by the row reader, so
that problems are named exactly as before.

Long because reading, checking, analysing and writing (the sections below) share
the files' column schemas and the one error type, :class:`BadFile`, whose messages
name the file and column at fault.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from pyarrow import ArrowException

from analytics import benchmark
from analytics.parquet_codes import read_coded
from interop import engine
from interop.ingest import layouts
from interop.ingest.problems import IngestError
from interop.ingest.table import Table, sniff_delimiter
from interop.ingest.table import read_table as read_any_table
from interop.vocab import resolvers
from survey import scoring

if TYPE_CHECKING:
    from instruments import InstrumentLibrary

BATCH_VERSION = "batch"
BATCH_ROUND = "batch"
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")

CATEGORIES = pl.Categorical()
"""The answers' text columns are read as categories: four bytes a row, not the text."""
ANSWER_COLUMNS: dict[str, pl.DataType] = {
    "organisation_id": CATEGORIES,
    "respondent_id": CATEGORIES,
    "role": CATEGORIES,
    "item_id": CATEGORIES,
    "score": pl.Float64(),
}
ITEM_COLUMNS: dict[str, pl.DataType] = {
    "item_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "weight": pl.Float64(),
}
ORGANISATION_COLUMNS: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
}
OPTIONAL_TEXT = {"answers": "kind", "items": "tag"}

SCORES_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "level": pl.Int8(),
    "respondents": pl.Int64(),
    "role_groups": pl.Int64(),
    "dont_know_rate": pl.Float64(),
    "suppressed": pl.Boolean(),
    "dont_know_suppressed": pl.Boolean(),
}
BENCHMARK_FILE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "peer_group": pl.String(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "score": pl.Float64(),
    "score_suppressed": pl.Boolean(),
    "peer_count": pl.Int64(),
    "known": pl.Int64(),
    "unknown": pl.Int64(),
    "form": pl.String(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    **{name: pl.Float64() for name in benchmark.BAND_COLUMNS},
    "position": pl.String(),
    "percentile": pl.Int64(),
}
STEPS = ("reading", "checking", "scoring", "benchmarking", "writing")


class BadFile(Exception):
    """An input file that cannot be used; the message names the file and column."""

    def __init__(self, path: Path, message: str, column: str | None = None) -> None:
        self.path = path
        self.column = column
        where = f"{path}: column '{column}'" if column else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Summary:
    organisations: int
    respondents: int
    answers: int
    scores_path: Path
    benchmark_path: Path
    scores_rows: int
    benchmark_rows: int


# --- reading ----------------------------------------------------------------------


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise BadFile(path, "unknown file type: use .csv or .parquet")


def _location(path: Path, index: int) -> str:
    """Where row ``index`` (0-based) is: a CSV line (after the header) or a row."""
    return f"line {index + 2}" if _format(path) == "csv" else f"row {index + 1}"


def _csv_frame(path: Path) -> pl.DataFrame:
    """A CSV file as text columns: UTF-8 (with or without BOM), UTF-16 or Windows-1252,
    delimited by comma, semicolon, tab or bar (see :mod:`interop.ingest.table`)."""
    try:
        table = read_any_table(path)
    except IngestError as error:
        raise BadFile(
            path, "cannot read the file: " + "; ".join(p.message for p in error.problems)
        ) from None
    width = len(table.header)
    rows = [(row + [""] * width)[:width] for row in table.rows]
    columns = {name: [row[n] or None for row in rows] for n, name in enumerate(table.header)}
    return pl.DataFrame(columns, schema=dict.fromkeys(table.header, pl.String()))


def _looks_like(path: Path, frame: pl.DataFrame) -> str:
    """A hint when a file is a survey tool's export or a wide file, not a long one."""
    from instruments import default_library

    found = layouts.detect(Table(path, frame.columns, [], [], "line 1"))
    items = {i.id for inst in default_library().instruments for i in inst.items}
    wide = any(c in items or re.fullmatch(r"Q\d+", c) for c in frame.columns)
    if found == "long" or (found == "wide" and not wide):
        return ""
    return (
        f" (the file looks like a {found} export, one row per response: analyse it "
        "with --format and --instrument instead of --items; see docs/interoperability.md)"
    )


def read_table(
    path: Path, required: dict[str, pl.DataType], optional: str | None, text: pl.DataType
) -> pl.DataFrame:
    """The required columns (and the optional one when present), as text or as stored;
    a Parquet file is scanned (only these columns), its text columns cast to ``text``
    on the way in."""
    kind = _format(path)
    if not path.is_file():
        raise BadFile(path, "no such file")
    try:
        if kind == "csv":
            frame = _csv_frame(path)
            names = frame.columns
        else:
            stored = pl.read_parquet_schema(path)
            names = list(stored)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise BadFile(path, f"cannot read the file ({error})") from None
    for column in required:
        if column not in names:
            hint = _looks_like(path, frame) if kind == "csv" else ""
            raise BadFile(path, f"missing{hint}", column)
    wanted = [*required, *([optional] if optional and optional in names else [])]
    try:
        if kind == "csv":
            return frame.select(wanted)
        texts = [
            c for c in wanted if stored[c] == pl.String and not required.get(c, text).is_numeric()
        ]
        scan = pl.scan_parquet(path).select(wanted).with_columns(pl.col(texts).cast(text))
        return scan.collect(engine="streaming")
    except (OSError, pl.exceptions.PolarsError) as error:
        raise BadFile(path, f"cannot read the file ({error})") from None


def _typed(
    frame: pl.DataFrame, path: Path, columns: dict[str, pl.DataType], text: pl.DataType
) -> pl.DataFrame:
    """``frame`` with ``columns`` cast to their types (another column to ``text``);
    BadFile at the first bad value."""
    cast_columns = []
    for name, series in ((c, frame.get_column(c)) for c in frame.columns):
        dtype = columns.get(name, text)
        if series.dtype == dtype:
            cast_columns.append(series)
            continue
        expected = "a number" if dtype.is_numeric() else "text"
        if dtype.is_numeric() and series.dtype == pl.String:
            series = series.str.strip_chars().str.replace(r"^([+-]?\d+),(\d+)$", "$1.$2")
        if dtype == CATEGORIES and series.dtype != pl.String:
            series = series.cast(pl.String, strict=False)
        try:
            cast = series.cast(dtype, strict=False)
        except (pl.exceptions.PolarsError, TypeError):
            raise BadFile(path, f"has type {series.dtype}, expected {expected}", name) from None
        bad = cast.is_null() & series.is_not_null()
        if bad.any():
            index = int(bad.arg_true()[0])
            raise BadFile(
                path, f"'{series[index]}' is not {expected} ({_location(path, index)})", name
            )
        cast_columns.append(cast)
    return pl.DataFrame(cast_columns)


def _first(frame: pl.DataFrame, condition: pl.Expr) -> int | None:
    hits = frame.select(condition.arg_true().first()).item()
    return None if hits is None else int(hits)


def _require(
    frame: pl.DataFrame, path: Path, column: str, condition: pl.Expr, message: str
) -> None:
    """BadFile naming ``column`` and the first row where ``condition`` holds."""
    index = _first(frame, condition)
    if index is not None:
        value = frame.get_column(column)[index]
        raise BadFile(path, f"{message}: '{value}' ({_location(path, index)})", column)


def _no_nulls(frame: pl.DataFrame, path: Path, columns: list[str]) -> None:
    for column in columns:
        blank = pl.col(column).cast(pl.String).str.strip_chars() == ""
        index = _first(frame, pl.col(column).is_null() | blank)
        if index is not None:
            raise BadFile(path, f"empty value ({_location(path, index)})", column)


# --- checking ---------------------------------------------------------------------


def read_items(path: Path) -> pl.DataFrame:
    text = pl.String()
    return _typed(
        read_table(path, ITEM_COLUMNS, OPTIONAL_TEXT["items"], text), path, ITEM_COLUMNS, text
    )


def check_items(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    from instruments.files import HALF_STEPS

    _no_nulls(frame, path, ["item_id", "instrument_id", "dimension_id"])
    _require(
        frame,
        path,
        "weight",
        pl.col("weight").is_null() | ~(pl.col("weight") > 0) | pl.col("weight").is_infinite(),
        "must be a number above 0",
    )
    _require(
        frame,
        path,
        "weight",
        ~pl.col("weight").is_in(HALF_STEPS),
        "must be 0.5, 1, 1.5 or 2 (the weights an instrument may give)",
    )
    _require(frame, path, "item_id", ~pl.col("item_id").is_first_distinct(), "duplicate item id")
    _check_installed_items(frame, path)
    if "tag" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("tag"))
    _require(
        frame,
        path,
        "tag",
        ~pl.col("tag").is_in(scoring.TAGS).fill_null(True),
        f"must be empty or one of {', '.join(scoring.TAGS)}",
    )
    return frame.select(*scoring.ITEM_SCHEMA)


def _check_installed_items(frame: pl.DataFrame, path: Path) -> None:
    """Items of an installed instrument (its latest version) must be its items, with its
    weights: a file cannot re-weight an instrument whose scores are compared."""
    library = _library(frame)
    if library is None:
        return
    for index, row in enumerate(frame.iter_rows(named=True)):
        instrument = library.get(row["instrument_id"])
        if instrument is None:
            continue
        item = instrument.item(row["item_id"])
        where = f"{instrument.id} {instrument.version}"
        if item is None:
            raise BadFile(
                path,
                f"'{row['item_id']}' is no item of {where} ({_location(path, index)})",
                "item_id",
            )
        if item.weight != row["weight"]:
            raise BadFile(
                path,
                f"{row['weight']:g} is not the weight of '{item.id}' in {where}, which is "
                f"{item.weight:g} ({_location(path, index)})",
                "weight",
            )


def _option_scores(items: pl.DataFrame) -> pl.DataFrame:
    """(instrument_id, item_id, score) of every scored option of the installed
    instruments in ``items``."""
    library = _library(items)
    named = items.get_column("instrument_id").unique()
    found = () if library is None else (library.get(instrument_id) for instrument_id in named)
    rows = [
        (instrument.id, item.id, option.score)
        for instrument in found
        if instrument is not None
        for item in instrument.items
        for option in item.scored_options
    ]
    return pl.DataFrame(
        rows,
        schema={"instrument_id": pl.String, "item_id": pl.String, "score": pl.Float64},
        orient="row",
    )


def _check_scores(answers: pl.DataFrame, items: pl.DataFrame, path: Path) -> None:
    """A score of an installed instrument's item must be one of its options' scores."""
    allowed = _option_scores(items)
    if allowed.is_empty():
        return
    installed = set(allowed.get_column("instrument_id"))
    keys = ["instrument_id", "item_id"]
    bad = (
        answers.lazy()
        .with_row_index("row")
        .filter(pl.col("instrument_id").is_in(list(installed)) & pl.col("score").is_not_null())
        .join(
            allowed.lazy()
            .with_columns(pl.col(c).cast(answers.schema[c], strict=False) for c in keys)
            .drop_nulls(keys),
            on=[*keys, "score"],
            how="anti",
        )
        .select("row", *keys, "score")
        .sort("row")
        .head(1)
        .collect()
    )
    if bad.height:
        row = bad.row(0, named=True)
        scores = allowed.filter(item_id=row["item_id"]).get_column("score").sort()
        listed = ", ".join(f"{v:g}" for v in scores)
        raise BadFile(
            path,
            f"{row['score']:g} is no option's score of item '{row['item_id']}' (its scores: "
            f"{listed}) ({_location(path, int(row['row']))})",
            "score",
        )


def _vocabulary_ids(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """Sectors, size bands and countries as vocabulary ids (ids or labels in English or
    Dutch are accepted); BadFile naming the nearest valid value otherwise."""
    found = resolvers()
    columns = []
    for column in ("sector", "size_band", "country"):
        values = []
        for index, raw in enumerate(frame.get_column(column)):
            resolved = found[column].resolve(raw)
            if resolved is None:
                raise BadFile(
                    path, f"{found[column].problem(raw)} ({_location(path, index)})", column
                )
            values.append(resolved)
        columns.append(pl.Series(column, values, dtype=pl.String))
    return frame.with_columns(columns)


def read_organisations(path: Path) -> pl.DataFrame:
    text = pl.String()
    return _typed(
        read_table(path, ORGANISATION_COLUMNS, None, text), path, ORGANISATION_COLUMNS, text
    )


def check_organisations(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    _no_nulls(frame, path, list(ORGANISATION_COLUMNS))
    _require(
        frame,
        path,
        "organisation_id",
        ~pl.col("organisation_id").is_first_distinct(),
        "duplicate organisation id",
    )
    return _vocabulary_ids(frame, path)


def read_answers(path: Path) -> pl.DataFrame:
    table = read_table(path, ANSWER_COLUMNS, OPTIONAL_TEXT["answers"], CATEGORIES)
    return _typed(table, path, ANSWER_COLUMNS, CATEGORIES)


def answer_enums(items: pl.DataFrame, organisations: pl.DataFrame) -> dict[str, pl.DataType]:
    """The answers' columns whose every valid value is known before they are read, as
    enums of those values: one or two bytes a row where a category takes four."""

    def members(frame: pl.DataFrame, column: str) -> pl.Series:
        return frame.get_column(column).drop_nulls().unique(maintain_order=True)

    return {
        "organisation_id": pl.Enum(members(organisations, "organisation_id")),
        "item_id": pl.Enum(members(items, "item_id")),
        "kind": pl.Enum(scoring.KINDS),
    }


def _csv_header(path: Path) -> tuple[str, list[str]] | None:
    """The delimiter and column names of a UTF-8 CSV file (the delimiter chosen as
    :mod:`interop.ingest.table` chooses it); None for another encoding."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 16)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        line = first.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    delimiter = sniff_delimiter(line)
    return delimiter, next(csv.reader([line], delimiter=delimiter), [])


def _answers_scan(path: Path) -> pl.LazyFrame | None:
    """A lazy scan of an answers file that can be read without the row reader: Parquet
    with text ids and numeric scores, or UTF-8 CSV. None otherwise."""
    texts = [c for c, t in ANSWER_COLUMNS.items() if t == CATEGORIES]
    optional = OPTIONAL_TEXT["answers"]
    if _format(path) == "parquet":
        stored = pl.read_parquet_schema(path)
        if any(stored.get(c) != pl.String for c in texts) or not (
            stored.get("score", pl.String).is_numeric()
        ):
            return None
        if optional in stored and stored[optional] != pl.String:
            return None
        return pl.scan_parquet(path)
    header = _csv_header(path)
    if header is None or not set(ANSWER_COLUMNS) <= set(header[1]):
        return None
    return pl.scan_csv(
        path, separator=header[0], infer_schema=False, encoding="utf8", raise_if_empty=True
    )


def read_lean_answers(
    path: Path, items: pl.DataFrame, organisations: pl.DataFrame
) -> pl.DataFrame | None:
    """The answers in one streaming read: organisations, items and kinds as
    :func:`answer_enums`, respondents as categories, roles as an enum of the roles a
    Parquet file holds (a category from CSV); a Parquet file's text is coded through its
    dictionaries (:mod:`analytics.parquet_codes`), a UTF-8 CSV file read by ``scan_csv``.
    None when the file is of another kind or a value does not fit (no member of its
    enum, not a number): :func:`read_answers` then reads it with the row reader, and
    :func:`check_answers` names the problem."""
    try:
        scan = _answers_scan(path) if path.is_file() else None
    except (OSError, pl.exceptions.PolarsError):
        return None
    if scan is None:
        return None
    names = scan.collect_schema().names()
    enums = {c: t for c, t in answer_enums(items, organisations).items() if c in names}
    optional = OPTIONAL_TEXT["answers"]
    columns = [*ANSWER_COLUMNS, *([optional] if optional in names else [])]
    types = {c: enums.get(c, ANSWER_COLUMNS.get(c, CATEGORIES)) for c in columns}
    if _format(path) == "parquet":
        try:
            return read_coded(path, types | {"role": pl.Enum([])})
        except (OSError, ArrowException, pl.exceptions.PolarsError):
            return None
    lost = pl.any_horizontal(
        pl.col(c).is_not_null() & pl.col(c).cast(t, strict=False).is_null()
        for c, t in enums.items()
    )
    try:
        frame = scan.select(
            *(pl.col(c).cast(t, strict=c not in enums) for c, t in types.items()),
            lost.alias("_lost"),
        ).collect(engine="streaming")
    except (OSError, pl.exceptions.PolarsError):
        return None
    if frame.get_column("_lost").any():
        return None
    return frame.drop("_lost")


@dataclass(frozen=True)
class CheckedAnswers:
    frame: pl.DataFrame
    """In :data:`survey.scoring.ANSWER_SCHEMA`; respondent ids unique per organisation."""
    has_kind: bool
    organisations: int
    respondents: int


def _blank(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Null or blank, for a categorical or enum column: decided once per category."""
    dtype = frame.schema[column]
    assert isinstance(dtype, pl.Categorical | pl.Enum)
    values = dtype.categories if isinstance(dtype, pl.Enum) else dtype.categories.to_series()
    blank = values.filter(values.str.strip_chars() == "")
    return pl.col(column).is_null() | pl.col(column).is_in(blank.implode())


def _answer_checks(
    frame: pl.DataFrame, items: pl.DataFrame, organisations: pl.DataFrame
) -> list[tuple[str, pl.Expr, str | None]]:
    """(column, condition, message) of each row check, in the order they are reported;
    message None: an empty value."""
    score, kind = pl.col("score"), pl.col("kind")
    checks: list[tuple[str, pl.Expr, str | None]] = [
        (column, _blank(frame, column), None)
        for column in ("organisation_id", "respondent_id", "role", "item_id")
    ]
    checks.append(
        (
            "score",
            (score.is_nan() | (score < 0) | (score > 100)).fill_null(False),
            "must be empty or between 0 and 100",
        )
    )
    if "kind" in frame.columns:
        checks += [
            (
                "kind",
                ~kind.is_in(scoring.KINDS).fill_null(False),
                f"must be one of {', '.join(scoring.KINDS)}",
            ),
            ("kind", (kind == "scored") & score.is_null(), "a scored answer needs a score"),
            ("kind", (kind != "scored") & score.is_not_null(), "only a scored answer has a score"),
        ]
    return [
        *checks,
        (
            "item_id",
            ~pl.col("item_id").is_in(items.get_column("item_id").implode()),
            "unknown item (not in the items file)",
        ),
        (
            "organisation_id",
            ~pl.col("organisation_id").is_in(organisations.get_column("organisation_id").implode()),
            "unknown organisation (not in the organisations file)",
        ),
    ]


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    """The numbers of organisations, respondents (organisation × respondent id) and
    respondent ids. Counted among the rows where the respondent changes: every value
    appears in one of them, and a file holds each respondent's answers together more
    often than not, which leaves one row per respondent to count instead of every row."""
    respondent = (
        pl.col("organisation_id").to_physical().cast(pl.UInt64) * 2**32
        + pl.col("respondent_id").to_physical()
    )
    return (
        frame.lazy()
        .select("organisation_id", "respondent_id", respondent.alias("respondent"))
        .filter(pl.col("respondent").ne_missing(pl.col("respondent").shift()))
        .select(
            pl.col("organisation_id").n_unique().alias("organisations"),
            pl.col("respondent").n_unique().alias("respondents"),
            pl.col("respondent_id").n_unique().alias("respondent_ids"),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )


def check_answers(
    frame: pl.DataFrame, path: Path, items: pl.DataFrame, organisations: pl.DataFrame
) -> CheckedAnswers:
    """Answers checked against items and organisations. Every row check runs in one
    pass; only a check that fails runs again to find the first row that breaks it.
    A second answer to an item and a respondent with two roles are found by the
    scoring engine's coding (:func:`respondent_problems` names the row then)."""
    checks = _answer_checks(frame, items, organisations)
    has_kind = "kind" in frame.columns
    if not has_kind:
        frame = frame.with_columns(
            pl.when(pl.col("score").is_null())
            .then(pl.lit("not_applicable"))
            .otherwise(pl.lit("scored"))
            .cast(pl.Enum(scoring.KINDS))
            .alias("kind")
        )
    found = (
        frame.lazy()
        .select(*(condition.any().alias(str(n)) for n, (_c, condition, _m) in enumerate(checks)))
        .collect(engine="streaming")
        .row(0, named=True)
    ) | _counts(frame)
    for n, (column, condition, message) in enumerate(checks):
        if found[str(n)] and message is None:
            _no_nulls(frame, path, [column])
        elif found[str(n)] and message is not None:
            _require(frame, path, column, condition, message)
    answers = frame.with_columns(_instrument(frame, items).alias("instrument_id"))
    _check_scores(answers, items, path)
    if found["respondent_ids"] < found["respondents"]:
        answers = answers.with_columns(
            pl.concat_str("organisation_id", "respondent_id", separator="\x1f")
            .cast(CATEGORIES)
            .alias("respondent_id")
        )
    return CheckedAnswers(
        answers.select(*scoring.ANSWER_SCHEMA),
        has_kind,
        organisations=found["organisations"],
        respondents=found["respondents"],
    )


def _instrument(frame: pl.DataFrame, items: pl.DataFrame) -> pl.Expr:
    """Each checked answer's instrument, from its item (item ids are unique in the items
    file): an enum of item ids by its codes, one instrument per member, another column
    by value (hashing every row's text)."""
    instruments = pl.Enum(items.get_column("instrument_id").unique().sort())
    dtype = frame.schema["item_id"]
    if isinstance(dtype, pl.Enum):
        per_member = (
            pl.DataFrame({"item_id": dtype.categories})
            .join(items, on="item_id", how="left", maintain_order="left")
            .get_column("instrument_id")
            .cast(instruments)
        )
        return pl.lit(per_member).gather(pl.col("item_id").to_physical())
    return pl.col("item_id").replace_strict(
        items.get_column("item_id"), items.get_column("instrument_id"), return_dtype=instruments
    )


def respondent_problems(frame: pl.DataFrame, path: Path) -> None:
    """BadFile at the first second answer to an item, or respondent with two roles."""
    respondent = ["organisation_id", "respondent_id"]
    _require(
        frame,
        path,
        "item_id",
        ~pl.struct(*respondent, "item_id").is_first_distinct(),
        "answered twice by the same respondent",
    )
    _require(
        frame,
        path,
        "role",
        pl.col("role").n_unique().over(respondent) > 1,
        "a respondent has more than one role",
    )


# --- analysis -------------------------------------------------------------------------


def scores_table(dimensions: pl.DataFrame, *, has_kind: bool) -> pl.DataFrame:
    """The anonymised dimension scores as written to ``scores.parquet``."""
    shown = engine.shown_dimensions(dimensions)
    if not has_kind:
        shown = shown.with_columns(pl.lit(None, pl.Float64).alias("dont_know_rate"))
    return shown.select(pl.col(c).cast(t) for c, t in SCORES_SCHEMA.items())


def results_frame(
    dimensions: pl.DataFrame, organisations: pl.DataFrame, closed_at: datetime
) -> pl.DataFrame:
    """The raw organisation scores as a benchmark ``results`` frame (one round each)."""
    return (
        dimensions.join(organisations, on="organisation_id", how="left")
        .with_columns(
            pl.lit(BATCH_ROUND).alias("round_id"),
            pl.lit(BATCH_VERSION).alias("instrument_version"),
            pl.lit(closed_at).cast(benchmark.RESULTS_SCHEMA["closed_at"]).alias("closed_at"),
            pl.lit(False).alias("synthetic"),
            pl.lit(False).alias("shares"),
        )
        .select(pl.col(c).cast(t) for c, t in benchmark.RESULTS_SCHEMA.items())
    )


def write_benchmark(
    results: pl.DataFrame, path: Path, step: Callable[[str], None] = lambda _name: None
) -> int:
    """Write ``benchmark.parquet`` atomically, the peer groups in
    :data:`analytics.benchmark.PEER_GROUPS` order, each group's rows in the
    representatives' order; the number of rows. The groups are computed on one thread
    per processor (each is small, 150,000 rows at 5,000 organisations, and Polars alone
    keeps a second processor only partly busy with one) and streamed into the file by
    Polars, LZ4-compressed, without a joined copy (about 23 MB of rows a group): Arrow's
    writer, appending a group at a time, took half as much CPU again."""
    representatives = engine.representatives(results)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        groups = list(
            pool.map(
                lambda group: engine.benchmark_group(representatives, group), engine.PEER_GROUPS
            )
        )
    step("writing")
    table = pl.concat(groups, rechunk=False).lazy()
    with _atomic(path) as temporary:
        table.select(pl.col(c).cast(t) for c, t in BENCHMARK_FILE_SCHEMA.items()).sink_parquet(
            temporary, compression="lz4"
        )
    return sum(group.height for group in groups)


@contextmanager
def _atomic(path: Path) -> Iterator[str]:
    """A temporary file next to ``path`` that replaces it when the block ends without an
    error (a reader never sees half a file), and is removed otherwise."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_atomically(frame: pl.DataFrame | pl.LazyFrame, path: Path) -> None:
    """Write atomically (through ``sink_parquet``): a reader never sees half a file."""
    with _atomic(path) as temporary:
        frame.lazy().sink_parquet(temporary)


def _library(items: pl.DataFrame) -> InstrumentLibrary | None:
    """The installed instruments that ``items`` names (only their files are parsed); None
    when it names none, found by the files' ids without importing the instruments' models.
    Those are imported here rather than with this module: importing them (pydantic) takes
    longer than parsing the files, and :func:`_scored` does both on a thread while the
    answers are read."""
    from instruments.files import files_of

    named = frozenset(items.get_column("instrument_id").drop_nulls())
    if not files_of(named):
        return None
    from instruments import installed

    return installed(named)


def _load_references(items: pl.DataFrame) -> None:
    """Import and parse the installed instruments that ``items`` names and the
    vocabularies (each once per process)."""
    _library(items)
    resolvers()


def _checked_answers(
    path: Path, items: pl.DataFrame, organisations: pl.DataFrame, lean: pl.DataFrame | None
) -> CheckedAnswers:
    """The answers read lean (:func:`read_lean_answers`), checked; a file that could not
    be read so, or fails a check, is read and checked again with the row reader, so that
    every problem is named as the row reader names it."""
    if lean is not None:
        try:
            return check_answers(lean, path, items, organisations)
        except BadFile:
            del lean
    return check_answers(read_answers(path), path, items, organisations)


@dataclass(frozen=True)
class Scored:
    dimensions: pl.DataFrame
    organisations: pl.DataFrame
    has_kind: bool
    organisation_count: int
    respondents: int
    answers: int


def _scored(
    answers_path: Path, items_path: Path, organisations_path: Path, step: Callable[[str], None]
) -> Scored:
    """Read, check and score. The answers are read and checked inside the engine's call
    (:func:`interop.engine.dimension_scores`), which then holds their only copy and lets
    go of it once they are coded; they are read again only to name a problem."""
    found: dict[str, Any] = {}

    def inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
        step("reading")
        raw_items = read_items(items_path)
        raw_organisations = read_organisations(organisations_path)
        # the installed instruments the items name and the vocabularies, which the checks
        # need, are parsed while the answers are scanned (the scan releases the interpreter)
        loading = threading.Thread(target=_load_references, args=(raw_items,), daemon=True)
        loading.start()
        lean = read_lean_answers(answers_path, raw_items, raw_organisations)
        loading.join()
        step("checking")
        items = check_items(raw_items, items_path)
        organisations = check_organisations(raw_organisations, organisations_path)
        answers = _checked_answers(answers_path, items, organisations, lean)
        del lean
        if answers.frame.is_empty():
            raise BadFile(answers_path, "no answers")
        found.update(
            organisations=organisations,
            has_kind=answers.has_kind,
            organisation_count=answers.organisations,
            respondents=answers.respondents,
            answers=answers.frame.height,
        )
        step("scoring")
        return answers.frame, items

    try:
        dimensions = engine.dimension_scores(inputs)
    except ValueError as error:
        respondent_problems(read_answers(answers_path), answers_path)
        raise BadFile(answers_path, str(error)) from None
    return Scored(dimensions=dimensions, **found)


def analyse(
    answers_path: Path,
    items_path: Path,
    organisations_path: Path,
    out: Path,
    *,
    step: Callable[[str], None] = lambda _name: None,
    now: datetime | None = None,
) -> Summary:
    """Run the whole batch; ``step`` is called as each of :data:`STEPS` starts (the
    write step writes the benchmark file and then the scores file)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadFile(out, f"cannot create the output folder ({error.strerror})") from None
    scored = _scored(answers_path, items_path, organisations_path, step)
    scores_path, benchmark_path = out / "scores.parquet", out / "benchmark.parquet"
    step("benchmarking")
    results = results_frame(scored.dimensions, scored.organisations, now or datetime.now(UTC))
    try:
        benchmark_rows = write_benchmark(results, benchmark_path, step)
        table = scores_table(scored.dimensions, has_kind=scored.has_kind)
        write_atomically(table, scores_path)
    except OSError as error:
        raise BadFile(out, f"cannot write ({error.strerror})") from None
    return Summary(
        organisations=scored.organisation_count,
        respondents=scored.respondents,
        answers=scored.answers,
        scores_path=scores_path,
        benchmark_path=benchmark_path,
        scores_rows=table.height,
        benchmark_rows=benchmark_rows,
    )
