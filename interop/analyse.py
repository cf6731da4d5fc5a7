"""``survey analyse`` on other survey tools' exports: read, check, score, write.

Reads every answers file (:func:`interop.ingest.read.read_answers`) and the
organisations file, scores all answers at once through :mod:`interop.engine` and
writes, under the disclosure rules, the tables listed in :data:`OUTPUTS`; with a
report folder also each organisation's improvement report and each instrument's
sector report (HTML and PDF). Nothing is written when any file has a problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from analytics.batch import BENCHMARK_FILE_SCHEMA, SCORES_SCHEMA, write_atomically
from instruments import Instrument, InstrumentLibrary, default_library
from interop import engine
from interop.ingest.model import ReadOptions, ReadResult
from interop.ingest.problems import IngestError, Problem
from interop.ingest.read import read_answers
from interop.organisations import read_organisations

OUTPUTS = (
    "scores",
    "instruments",
    "items",
    "balance",
    "coherence",
    "priorities",
    "roles",
    "uses",
    "benchmark",
)
STEPS = ("checking", "scoring", "benchmarking", "writing")


@dataclass
class Summary:
    files: list[ReadResult]
    organisations: int
    respondents: int
    answers: int
    written: list[tuple[Path, int]] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)

    @property
    def incomplete(self) -> int:
        return sum(f.incomplete for f in self.files)

    @property
    def not_asked(self) -> int:
        return sum(f.not_asked for f in self.files)


def _instruments(files: list[ReadResult]) -> list[Instrument]:
    chosen: dict[str, tuple[Instrument, Path]] = {}
    problems = []
    for result in files:
        first = chosen.setdefault(result.instrument.id, (result.instrument, result.path))
        if first[0].version != result.instrument.version:
            problems.append(
                Problem(
                    str(result.path),
                    f"answers version {result.instrument.version} of '{result.instrument.id}', but "
                    f"{first[1]} answers version {first[0].version}: scores are only compared "
                    "within one version, analyse them separately",
                )
            )
    schemes = {inst.scheme for inst, _ in chosen.values()}
    if not problems and len(schemes) > 1:
        problems = [
            Problem(
                str(path),
                f"answers '{inst.id}@{inst.version}' (schema {inst.scheme}), but the files "
                "answer instruments of schemas "
                f"{' and '.join(str(n) for n in sorted(schemes))}: each schema has its own "
                "scoring rules, analyse them separately",
            )
            for inst, path in chosen.values()
        ]
    if problems:
        raise IngestError(problems)
    return [inst for inst, _ in chosen.values()]


def _check_organisations(files: list[ReadResult], organisations: pl.DataFrame, path: Path) -> None:
    known = set(organisations.get_column("organisation_id"))
    problems = []
    for result in files:
        for organisation in result.answers.get_column("organisation_id").unique().sort():
            if organisation not in known:
                source = {
                    "file name": " (taken from the file name)",
                    "option": " (from --organisation)",
                }
                problems.append(
                    Problem(
                        str(result.path),
                        f"organisation '{organisation}'{source.get(result.organisation_source, '')} "
                        f"is not in {path}",
                        None,
                        "organisation" if result.organisation_source == "column" else None,
                    )
                )
    if problems:
        raise IngestError(problems)


def _tables(
    scores: engine.Scores, answers: pl.DataFrame, instruments: list[Instrument], bench: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    visible = engine.shown(scores)
    return {
        "scores": visible.dimensions.select(pl.col(c).cast(t) for c, t in SCORES_SCHEMA.items()),
        "instruments": visible.instruments,
        "items": visible.items,
        "balance": visible.balance,
        "coherence": visible.coherence,
        "priorities": visible.priorities,
        "roles": visible.role_dimensions,
        "uses": engine.use_scores(scores, answers, instruments),
        "benchmark": bench.select(pl.col(c).cast(t) for c, t in BENCHMARK_FILE_SCHEMA.items()),
    }


def _reports(
    folder: Path,
    scores: engine.Scores,
    answers: pl.DataFrame,
    organisations: pl.DataFrame,
    instruments: list[Instrument],
    results: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
    lang: str,
) -> list[Path]:
    dimension_results, instrument_results, item_results = results
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    present = set(answers.get_column("organisation_id"))
    for organisation in organisations.filter(pl.col("organisation_id").is_in(present)).iter_rows(
        named=True
    ):
        mine = answers.filter(pl.col("organisation_id") == organisation["organisation_id"])
        respondents = Counter(mine.unique("respondent_id").get_column("role").to_list())
        html, pdf = engine.improvement_files(
            scores,
            organisation,
            instruments,
            respondents,
            dimension_results,
            instrument_results,
            lang,
        )
        stem = f"improvement-report-{_safe(organisation['organisation_id'])}-{lang}"
        written += _write_bytes(folder, stem, html, pdf)
    for instrument in instruments:
        html, pdf = engine.sector_files(instrument, dimension_results, item_results, lang)
        written += _write_bytes(
            folder, f"sector-report-{instrument.id}-{instrument.version}-{lang}", html, pdf
        )
    return written


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)[:80]


def _write_bytes(folder: Path, stem: str, html: bytes, pdf: bytes) -> list[Path]:
    paths = [folder / f"{stem}.html", folder / f"{stem}.pdf"]
    for path, content in zip(paths, (html, pdf), strict=True):
        path.write_bytes(content)
    return paths


def analyse_exports(
    answer_paths: Sequence[Path],
    organisations_path: Path,
    out: Path,
    options: ReadOptions,
    *,
    report: Path | None = None,
    lang: str = "en",
    library: InstrumentLibrary | None = None,
    step: Callable[[str], None] = lambda _name: None,
    now: datetime | None = None,
) -> Summary:
    """Read, check, score and write; ``step`` is called with ``reading <file>`` per file
    and then with each of :data:`STEPS`."""
    library = library or default_library()
    files = []
    for path in answer_paths:
        step(f"reading {path.name}")
        files.append(read_answers(path, library, options))
    step("checking")
    organisations = read_organisations(organisations_path)
    instruments = _instruments(files)
    _check_organisations(files, organisations, organisations_path)
    answers = pl.concat([f.answers for f in files])
    if answers.is_empty():
        raise IngestError([Problem(str(p), "no answers in the file") for p in answer_paths])
    step("scoring")
    scores = engine.score(answers, instruments)
    step("benchmarking")
    closed_at = now or datetime.now(UTC)
    versions = {i.id: i.version for i in instruments}
    dimension_results = engine.results_rows(scores, organisations, versions, closed_at)
    bench = engine.benchmarks(dimension_results)
    step("writing")
    summary = Summary(
        files,
        organisations=answers.get_column("organisation_id").n_unique(),
        respondents=answers.get_column("respondent_id").n_unique(),
        answers=answers.height,
    )
    tables = _tables(scores, answers, instruments, bench)
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        path = out / f"{name}.parquet"
        write_atomically(tables[name], path)
        summary.written.append((path, tables[name].height))
    if report is not None:
        step("reports")
        results = (
            dimension_results,
            engine.results_rows(scores, organisations, versions, closed_at, instruments_level=True),
            engine.item_rows(scores, organisations, versions, closed_at),
        )
        summary.reports = _reports(
            report, scores, answers, organisations, instruments, results, lang
        )
    return summary
