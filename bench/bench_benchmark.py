"""Speed of the full recomputation: answers → scores → every peer group's benchmark.

Generates a seeded synthetic population (by default 5,000 organisations × 15
respondents × 150 items = 11.25 million answers), then, in the same run:

* the whole process: the population as Parquet files, ``survey analyse --items`` and
  a DuckDB job doing the same from the same files to Parquet files, each in a process
  of its own (:mod:`bench.process`): wall time and peak resident memory of each, and
  the steps of ours (read, validate, score, benchmark, write; under pyinstrument
  with ``--profile FILE``). Their ratio is the headline (target: ≤ 1.0, and under
  1 GB of memory for ours);
* the engine only, from the same in-memory frames (DuckDB scans them through
  Arrow): :func:`survey.scoring.score` (every analysis of the app) and
  :func:`analytics.benchmark.benchmark_all`; the dimension chain alone (respondent →
  role group → organisation, the public scoring functions), which is exactly what the
  reference computes; and the benchmark layer alone.

The reference is the same computation in DuckDB SQL (5-point bands, nearest-rank
quantiles of the sorted bands, window functions for positions, the same forms). The
results must agree: counts and forms exactly, scores within 1e-9, bands and positions
exactly (on the same scores). Times are the best of ``--repeat`` interleaved runs.
``--growth N,N,...`` prints only the README's growth table (whole process, both
engines) for those numbers of organisations.

    python -m bench benchmark [--small] [--organisations N] [--seed S] [--repeat R]
                              [--profile FILE] [--growth N,N,...]
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics import benchmark
from bench import process
from survey import scoring
from survey.disclosure import peers, rules
from survey.disclosure.roles import MIN_ROLE_GROUP

RESPONDENTS = 15
INSTRUMENTS = 5
DIMENSIONS = 6  # per instrument
ITEMS = 5  # per dimension: 5 × 6 × 5 = 150 items
SMALL = 200
FULL = 5_000
TOLERANCE = 1e-9  # one unit in the 9th decimal, to which the engine rounds scores
FLOAT_SLACK = 1e-12  # 1e-9 apart in decimal may be 1.0000000001e-9 apart in binary
SECTORS = (
    "central-government",
    "provinces",
    "municipalities",
    "water-authorities",
    "police",
    "defence",
    "education",
    "health-care",
    "other-public",
)
SIZE_BANDS = ("1-49", "50-249", "250-999", "1000-4999", "5000+")
COUNTRIES = ("NL", "NL", "NL", "NL", "NL", "NL", "BE", "BE", "DE", "LU")
ROLES = ("management", "hr", "communications", "it", "legal", "integrity", "staff")
CLOSED_AT = datetime(2025, 6, 30, tzinfo=UTC)


# --- the population -------------------------------------------------------------------


def _uniform(index: pl.Expr, seed: int) -> pl.Expr:
    """A seeded pseudo-random number in [0, 1) per row, from a hash of ``index``."""
    return (index.hash(seed) // 2048).cast(pl.Float64) / float(2**53)


def _pick(choices: Sequence[str], u: pl.Expr) -> pl.Expr:
    index = (u * len(choices)).cast(pl.Int64).clip(0, len(choices) - 1)
    return pl.lit(pl.Series(list(choices))).gather(index)


def items_frame() -> pl.DataFrame:
    n = INSTRUMENTS * DIMENSIONS * ITEMS
    index = pl.int_range(n, dtype=pl.Int64)
    return (
        pl.select(index.alias("n"))
        .with_columns(
            pl.format("i{}", pl.col("n")).alias("item_id"),
            pl.format("inst{}", pl.col("n") // (DIMENSIONS * ITEMS)).alias("instrument_id"),
            pl.format("dim{}", (pl.col("n") // ITEMS) % DIMENSIONS).alias("dimension_id"),
            (0.5 * (1.0 + (_uniform(pl.col("n"), 11) * 4).floor())).alias("weight"),
            pl.when(pl.col("n") % 3 == 0)
            .then(pl.lit("control"))
            .when(pl.col("n") % 3 == 1)
            .then(pl.lit("enablement"))
            .otherwise(None)
            .alias("tag"),
            ((_uniform(pl.col("n"), 12) - 0.5) * 30).alias("offset"),
        )
        .drop("n")
    )


def organisations_frame(organisations: int) -> pl.DataFrame:
    o = pl.col("n")
    return pl.select(pl.int_range(organisations, dtype=pl.Int64).alias("n")).with_columns(
        pl.format("org{}", o).alias("organisation_id"),
        _pick(SECTORS, _uniform(o, 21)).alias("sector"),
        _pick(SIZE_BANDS, _uniform(o, 22)).alias("size_band"),
        _pick(COUNTRIES, _uniform(o, 23)).alias("country"),
        (_uniform(o, 24) < 0.1).alias("synthetic"),
        (20 + 65 * _uniform(o, 25)).alias("maturity"),
        (_uniform(o, 26) < 0.3).alias("shares"),
    )


def answers_frame(
    organisations: pl.DataFrame, items: pl.DataFrame, respondents: int, seed: int
) -> pl.DataFrame:
    """One row per respondent and item. About 6% "don't know" and 2% "not applicable";
    one respondent in twenty leaves most items unscored, so some of their dimension
    scores are undefined (fewer than half the items scored)."""
    r = pl.col("r")
    first = (organisations.get_column("n").min() or 0) * respondents  # type: ignore[operator]
    people = (
        pl.select(
            pl.int_range(first, first + organisations.height * respondents, dtype=pl.Int64).alias(
                "r"
            )
        )
        .with_columns(
            (r // respondents).alias("n"),
            pl.format("resp{}", r).alias("respondent_id"),
            _pick(ROLES, _uniform(r, seed + 1)).alias("role"),
            pl.when(_uniform(r, seed + 2) < 0.05).then(0.3).otherwise(1.0).alias("completion"),
        )
        .join(organisations.select("n", "organisation_id", "maturity"), on="n")
        .with_columns(((_uniform(pl.col("n") * 7 + r % 7, seed + 3) - 0.5) * 20).alias("role_bias"))
    )
    row = pl.col("r") * 1_000 + pl.col("k")
    latent = (
        pl.col("maturity")
        + pl.col("role_bias")
        + pl.col("offset")
        + (_uniform(row, seed + 4) - 0.5) * 60
    )
    u = _uniform(row, seed + 5)
    kind = (
        pl.when(_uniform(row, seed + 6) >= pl.col("completion"))
        .then(pl.lit("not_applicable"))
        .when(u < 0.06)
        .then(pl.lit("dont_know"))
        .when(u < 0.08)
        .then(pl.lit("not_applicable"))
        .otherwise(pl.lit("scored"))
    )
    return (
        people.select(
            "r", "organisation_id", "respondent_id", "role", "maturity", "role_bias", "completion"
        )
        .join(
            items.with_row_index("k").select(
                pl.col("k").cast(pl.Int64), "item_id", "instrument_id", "offset"
            ),
            how="cross",
        )
        .with_columns(kind.alias("kind"))
        .with_columns(
            pl.when(pl.col("kind") == "scored")
            .then(((latent / 25).round() * 25).clip(0, 100))
            .otherwise(None)
            .alias("score")
        )
        .select(*scoring.ANSWER_SCHEMA)
    )


CHUNK = 2_000  # organisations generated at a time, so that 50 M answers fit in memory


def write_population(folder: Path, organisations: int, seed: int) -> int:
    """The population as the Parquet files of ``survey analyse --items``; the number of
    answers. Answers are generated :data:`CHUNK` organisations at a time (the same rows
    as in one piece) and joined into one file by a streaming sink."""
    items = items_frame()
    population = organisations_frame(organisations)
    files = process.paths(folder)
    parts, answers = [], 0
    for start in range(0, organisations, CHUNK):
        chunk = answers_frame(population.slice(start, CHUNK), items, RESPONDENTS, seed)
        parts.append(folder / f"answers-{start}.parquet")
        chunk.write_parquet(parts[-1])
        answers += chunk.height
    pl.scan_parquet(parts).sink_parquet(files["answers"])
    for part in parts:
        part.unlink()
    items.drop("offset").write_parquet(files["items"])
    population.select("organisation_id", "sector", "size_band", "country").write_parquet(
        files["organisations"]
    )
    return answers


# --- our engine ---------------------------------------------------------------------------


def results_frame(dimensions: pl.DataFrame, organisations: pl.DataFrame) -> pl.DataFrame:
    return (
        dimensions.join(organisations, on="organisation_id")
        .with_columns(
            pl.lit("batch").alias("round_id"),
            pl.lit("batch").alias("instrument_version"),
            pl.lit(CLOSED_AT).alias("closed_at"),
        )
        .select(pl.col(c).cast(t) for c, t in benchmark.RESULTS_SCHEMA.items())
    )


def ours_full(answers, items, organisations) -> tuple[pl.DataFrame, pl.DataFrame]:  # type: ignore[no-untyped-def]
    """scoring.score (every analysis) + benchmark_all."""
    dimensions = scoring.score(answers, items).dimensions
    reps = benchmark.representatives(results_frame(dimensions, organisations))
    return dimensions, benchmark.benchmark_all(reps)


def ours_dimensions(answers, items, organisations) -> tuple[pl.DataFrame, pl.DataFrame]:  # type: ignore[no-untyped-def]
    """The dimension chain of the scoring engine + benchmark_all (what DuckDB computes)."""
    respondent = scoring.respondent_dimension_scores(answers, items)
    role = scoring.role_dimension_scores(respondent)
    dimensions = scoring.organisation_dimension_scores(role)
    reps = benchmark.representatives(results_frame(dimensions, organisations))
    return dimensions, benchmark.benchmark_all(reps)


# --- the DuckDB reference -------------------------------------------------------------


def _clean(expression: str) -> str:
    """Clip to 0-100 and round to 9 decimals, like the engine; NULL stays NULL (DuckDB's
    greatest/least would skip it)."""
    return (
        f"round_even(CASE WHEN {expression} < 0 THEN 0 WHEN {expression} > 100 THEN 100 "
        f"ELSE {expression} END, {scoring.SCORE_DECIMALS})"
    )


SCORES_SQL = f"""
CREATE OR REPLACE TEMP TABLE org_scores AS
WITH
item_counts AS (
    SELECT instrument_id, dimension_id, count(*) AS item_count FROM items GROUP BY ALL
),
org_instruments AS (SELECT DISTINCT organisation_id, instrument_id FROM answers),
people AS (SELECT DISTINCT organisation_id, respondent_id, role FROM answers),
skeleton AS (
    SELECT p.organisation_id, p.respondent_id, p.role, c.instrument_id, c.dimension_id,
           c.item_count
    FROM people p
    JOIN org_instruments o USING (organisation_id)
    JOIN item_counts c USING (instrument_id)
),
scored AS (
    SELECT a.respondent_id, a.instrument_id, i.dimension_id,
           sum(a.score * i.weight) AS weighted, sum(i.weight) AS weights,
           count(*) AS scored_items
    FROM answers a JOIN items i USING (instrument_id, item_id)
    WHERE a.kind = 'scored'
    GROUP BY ALL
),
respondent AS (
    SELECT s.organisation_id, s.role, s.instrument_id, s.dimension_id,
           CASE WHEN 2 * coalesce(x.scored_items, 0) >= s.item_count
                THEN {_clean("x.weighted / x.weights")} END AS score
    FROM skeleton s
    LEFT JOIN scored x USING (respondent_id, instrument_id, dimension_id)
),
role_group AS (
    SELECT organisation_id, role, instrument_id, dimension_id,
           {_clean("avg(score)")} AS score, count(score) AS respondents
    FROM respondent GROUP BY ALL
)
SELECT organisation_id, instrument_id, dimension_id,
       {_clean("avg(score)")} AS score,
       CAST(sum(respondents) AS BIGINT) AS respondents,
       count(score) AS role_groups
FROM role_group GROUP BY ALL
"""


def _group_key(columns: Sequence[str], table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return ", ".join(f"{prefix}{c}" for c in ["synthetic", *columns, *benchmark.SCOPE])


def _benchmark_sql(min_role_group: int, source: str = "results") -> str:
    """Representatives, bands, counts, forms, band quantiles and positions per peer
    group (the rules of :mod:`survey.disclosure`), from the results table ``source``."""
    width, top = rules.BAND_WIDTH, rules.TOP_BAND
    selects = []
    for name, cols in benchmark.PEER_GROUPS.items():
        key = _group_key(cols)
        partition = _group_key(cols, "r")
        on = " AND ".join(
            f"r.{c} IS NOT DISTINCT FROM c.{c}" for c in ["synthetic", *cols, *benchmark.SCOPE]
        )
        ranks = ", ".join(
            f"list_sort(list(band) FILTER (WHERE band IS NOT NULL))"
            f"[greatest(1, ({num} * count(band) + {den} - 1) // {den})] AS {stat}_band"
            for stat, (num, den) in peers.QUANTILES.items()
        )
        selects.append(
            f"""
SELECT '{name}' AS peer_group, r.organisation_id, r.instrument_id, r.instrument_version,
       r.dimension_id, r.score AS raw_score, r.band, r.respondents, c.peer_count, c.sharers,
       c.median_band, c.q1_band, c.q3_band, c.top_decile_band,
       (rank() OVER w) - 1 AS lower,
       count(r.band) OVER (PARTITION BY {partition}, r.band) AS same
FROM reps r
JOIN (
    SELECT {key}, count(band) AS peer_count,
           count(band) FILTER (WHERE shares) AS sharers, {ranks}
    FROM reps GROUP BY ALL
) c ON {on}
WINDOW w AS (PARTITION BY {partition} ORDER BY r.band)"""
        )
    known = "CASE WHEN sharers = peer_count THEN 1 ELSE greatest(sharers, 1) END"
    unknown = f"greatest(peer_count - ({known}), 0)"
    form = (
        f"CASE WHEN {unknown} >= {rules.MIN_UNKNOWN_QUARTILES} THEN 'quartiles' "
        f"WHEN {unknown} >= {rules.MIN_UNKNOWN_MEDIAN} THEN 'median' ELSE 'count' END"
    )
    bands = ", ".join(
        f"CASE WHEN form {'!=' if stat == 'median' else '='} "
        f"'{'count' if stat == 'median' else 'quartiles'}' "
        f"THEN {stat}_band * {width} + {offset} END AS {stat}_{end}"
        for stat in peers.STATISTICS
        for end, offset in (("low", 0), ("high", width))
    )
    own = f"raw_score IS NOT NULL AND respondents >= {min_role_group}"
    return f"""
WITH
reps AS (
    SELECT *, least(CAST(floor(score / {width}) AS BIGINT), {top}) AS band FROM {source}
    QUALIFY round_id = last(round_id ORDER BY closed_at, round_id)
        OVER (PARTITION BY organisation_id, instrument_id, instrument_version)
),
ranked AS (
{" UNION ALL ".join(selects)}
),
formed AS (SELECT *, {unknown} AS unknown, {form} AS form FROM ranked)
SELECT peer_group, organisation_id, instrument_id, instrument_version, dimension_id,
       CASE WHEN respondents >= {min_role_group} THEN raw_score END AS score,
       peer_count, unknown, form, form = 'count' AS suppressed, {bands},
       CASE WHEN {own} AND form != 'count' THEN
            CASE WHEN band < median_band THEN 'below' WHEN band > median_band THEN 'above'
                 ELSE 'in' END END AS position,
       CASE WHEN {own} AND form = 'quartiles'
            THEN (100 * (2 * lower + same) + peer_count) // (2 * peer_count) END AS percentile
FROM formed
"""


def _ident(name: str) -> str:
    return name.replace(",", "_")


RESULTS_SQL = """
CREATE OR REPLACE TEMP TABLE results AS
SELECT s.organisation_id, 'batch' AS round_id, s.instrument_id,
       'batch' AS instrument_version, s.dimension_id, s.score, s.respondents,
       CAST(? AS TIMESTAMPTZ) AS closed_at, o.sector, o.size_band, o.country, o.synthetic,
       o.shares
FROM org_scores s JOIN organisations o USING (organisation_id)
"""


def duckdb_benchmark(con: duckdb.DuckDBPyConnection, source: str = "results") -> pl.DataFrame:
    sql = _benchmark_sql(MIN_ROLE_GROUP, source)
    return con.sql(sql).pl()


def duckdb_reference(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Answers → organisation scores → benchmark, all in DuckDB."""
    con.execute(SCORES_SQL)
    con.execute(RESULTS_SQL, [CLOSED_AT])
    bench = duckdb_benchmark(con)
    return con.sql("SELECT * FROM org_scores").pl(), bench


# --- agreement --------------------------------------------------------------------------


def _close(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    both_null = left.is_null() & right.is_null()
    return both_null | ((left - right).abs() <= TOLERANCE + FLOAT_SLACK).fill_null(False)


def score_disagreements(ours: pl.DataFrame, reference: pl.DataFrame) -> list[str]:
    """Organisation scores: equal counts, scores within the tolerance."""
    problems = []
    if ours.height != reference.height:
        problems.append(f"scores: {ours.height} rows vs {reference.height}")
    key = ["organisation_id", "instrument_id", "dimension_id"]
    joined = ours.join(reference, on=key, how="full", suffix="_ref")
    checks = {
        "score": _close(pl.col("score"), pl.col("score_ref")),
        "respondents": pl.col("respondents").eq_missing(pl.col("respondents_ref")),
        "role_groups": pl.col("role_groups").eq_missing(pl.col("role_groups_ref")),
    }
    for name, ok in checks.items():
        bad = joined.filter(~ok).height
        if bad:
            problems.append(f"scores: {bad} rows differ in {name}")
    return problems


def benchmark_disagreements(
    ours: pl.DataFrame, reference: pl.DataFrame, *, percentiles: bool = True
) -> list[str]:
    """Benchmarks: counts and forms exactly, scores within the tolerance.

    Bands, positions and percentiles are compared (exactly) only when both rest on the
    very same scores: two engines' scores may differ in the 9th decimal, which can move
    a score at a band edge into the next band.
    """
    problems = []
    key = ["organisation_id", "instrument_id", "instrument_version", "dimension_id", "peer_group"]
    if ours.height != reference.height:
        problems.append(f"benchmark: {ours.height} rows vs {reference.height}")
    joined = ours.join(reference, on=key, how="full", suffix="_ref")
    exact = (
        "peer_count",
        "unknown",
        "form",
        "suppressed",
        *((*benchmark.BAND_COLUMNS, "position", "percentile") if percentiles else ()),
    )
    close = ("score",)
    for name in exact:
        bad = joined.filter(~pl.col(name).eq_missing(pl.col(f"{name}_ref"))).height
        if bad:
            problems.append(f"benchmark: {bad} rows differ in {name}")
    for name in close:
        bad = joined.filter(~_close(pl.col(name), pl.col(f"{name}_ref"))).height
        if bad:
            problems.append(f"benchmark: {bad} rows differ in {name}")
    return problems


# --- running ----------------------------------------------------------------------------------


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


@dataclass(frozen=True)
class WholeProcess:
    answers: int
    ours: process.Run
    duck: process.Run
    load: str
    problems: list[str]

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.duck.seconds

    @property
    def cpu_ratio(self) -> float:
        """The ratio of CPU seconds, which the machine's load moves less than wall time."""
        return self.ours.cpu_seconds / self.duck.cpu_seconds


def whole_process(
    organisations: int, seed: int, repeat: int, *, steps: bool = False, profile: Path | None = None
) -> tuple[WholeProcess, dict[str, tuple[float, float, float]]]:
    """``survey analyse`` and the DuckDB reference as whole processes on the same files
    (best of ``repeat`` interleaved runs) and whether their files agree; with ``steps``
    also the seconds of each step of ours (under pyinstrument with ``profile``, whose
    report is written there)."""
    with tempfile.TemporaryDirectory(prefix="bench-analyse-") as temporary:
        folder = Path(temporary)
        answers = write_population(folder, organisations, seed)
        runs: dict[str, list[process.Run]] = {"ours": [], "duck": []}
        for _ in range(repeat):
            runs["ours"].append(process.ours(folder, folder / "ours"))
            runs["duck"].append(process.reference(folder, folder / "duck"))
        load = process.load()
        problems = process.agreement(folder / "ours", folder / "duck")
        seconds = process.breakdown(folder, folder / "steps", profile) if steps else {}
    best = {name: min(done, key=lambda run: run.seconds) for name, done in runs.items()}
    return WholeProcess(answers, best["ours"], best["duck"], load, problems), seconds


def growth(sizes: Sequence[int], seed: int, repeat: int) -> int:
    """The README's growth table: time and peak memory of both engines per size."""
    print(
        "| answers | survey analyse: s | CPU s | GB | DuckDB: s | CPU s | GB | ratio | CPU ratio "
        "| load average |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    failed = 0
    for size in sizes:
        run, _ = whole_process(size, seed, repeat)
        failed += bool(run.problems)
        print(
            f"| {run.answers / 1e6:.2f} M | {run.ours.seconds:.1f} | {run.ours.cpu_seconds:.1f} | "
            f"{run.ours.peak_gb:.2f} | {run.duck.seconds:.1f} | {run.duck.cpu_seconds:.1f} | "
            f"{run.duck.peak_gb:.2f} | {run.ratio:.2f} | {run.cpu_ratio:.2f} | "
            f"{run.load.removeprefix('load average ')} |",
            flush=True,
        )
        for problem in run.problems:
            print(f"  DISAGREE at {size:,} organisations: {problem}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench.bench_benchmark", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--small", action="store_true", help=f"{SMALL} organisations")
    parser.add_argument("--organisations", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs per engine, interleaved; best time counts"
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="write pyinstrument's profile of the steps here"
    )
    parser.add_argument(
        "--growth",
        default=None,
        help="comma-separated numbers of organisations: only the whole-process growth table",
    )
    args, _unknown = parser.parse_known_args(argv)
    if args.growth:
        sizes = [int(n) for n in args.growth.split(",")]
        return growth(sizes, args.seed, args.repeat)
    size = args.organisations or (SMALL if args.small else FULL)

    started = time.perf_counter()
    items = items_frame()
    organisations = organisations_frame(size)
    answers = answers_frame(organisations, items, RESPONDENTS, args.seed)
    items = items.drop("offset")
    organisations = organisations.drop("n", "maturity")
    generated = time.perf_counter() - started
    population = (
        f"population: {size:,} organisations × {RESPONDENTS} respondents × {items.height} "
        f"items = {answers.height:,} answers (generated in {generated:.1f} s, seed {args.seed}); "
        f"best of {args.repeat} interleaved runs"
    )

    con = duckdb.connect()
    con.register("answers", answers)
    con.register("items", items)
    con.register("organisations", organisations)

    # interleaved repeats, best time of each: other work on the machine slows whichever
    # engine happens to run at that moment
    runs = {
        "chain": lambda: ours_dimensions(answers, items, organisations),
        "full": lambda: ours_full(answers, items, organisations),
        "duck": lambda: duckdb_reference(con),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    outputs: dict[str, Any] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            gc.collect()
            elapsed, outputs[name] = _timed(run)
            times[name].append(elapsed)
    chain, full, reference = outputs["chain"], outputs["full"], outputs["duck"]
    chain_time, full_time, duck_time = (min(times[name]) for name in runs)
    engine_load = process.load()
    # the benchmark layer alone, both engines on our organisation scores
    reps = benchmark.representatives(results_frame(chain[0], organisations))
    con.register("our_results", reps)
    layer_times, duck_layer_times = [], []
    for _ in range(args.repeat):
        elapsed, _ = _timed(lambda: benchmark.benchmark_all(reps))
        layer_times.append(elapsed)
        elapsed, duck_layer = _timed(lambda: duckdb_benchmark(con, "our_results"))
        duck_layer_times.append(elapsed)
    layer_time, duck_layer_time = min(layer_times), min(duck_layer_times)
    con.close()

    problems = [
        *score_disagreements(chain[0], reference[0]),
        *score_disagreements(full[0], reference[0]),
        *benchmark_disagreements(chain[1], reference[1], percentiles=False),
        *benchmark_disagreements(full[1], reference[1], percentiles=False),
        *benchmark_disagreements(chain[1], duck_layer),
    ]
    whole, steps = whole_process(size, args.seed, args.repeat, steps=True, profile=args.profile)
    problems += whole.problems

    engine_ratio = chain_time / duck_time
    print(
        f"HEADLINE ratio, whole process (survey analyse / DuckDB, Parquet in and out; "
        f"target <= 1.0): {whole.ratio:.2f} (CPU seconds {whole.cpu_ratio:.2f}); engine only: "
        f"{engine_ratio:.2f}; peak memory "
        f"{whole.ours.peak_gb:.2f} GB vs {whole.duck.peak_gb:.2f} GB (target < 1 GB); "
        f"{whole.load}"
    )
    print(population)
    width = 52
    print("whole process, each engine in a process of its own, from the same files:")
    for name, run in (("survey analyse", whole.ours), ("DuckDB, the same job", whole.duck)):
        print(
            f"  {name:<{width}}{run.seconds:8.2f} s {run.cpu_seconds:8.2f} s CPU "
            f"{run.peak_gb:6.2f} GB peak"
        )
    print(f"  {'ratio, whole process (target <= 1.0)':<{width}}{whole.ratio:8.2f}")
    print(f"  {'ratio of CPU seconds':<{width}}{whole.cpu_ratio:8.2f}")
    under = " under pyinstrument" if args.profile else ""
    total = sum(seconds for seconds, _cpu, _gb in steps.values())
    cpu = sum(cpu for _seconds, cpu, _gb in steps.values())
    print(
        f"  steps of survey analyse{under} ({total:.2f} s, {cpu:.2f} s CPU in-process; "
        "peak resident memory in each step):"
    )
    for name, (seconds, step_cpu, gb) in steps.items():
        print(f"    {name:<{width - 2}}{seconds:8.2f} s {step_cpu:8.2f} s CPU {gb:6.2f} GB peak")
    if args.profile:
        print(f"  pyinstrument profile of the steps: {args.profile}")
    print(f"engine only, in this process from the same frames ({engine_load}):")
    print(f"  {'ours: scoring dimension chain + benchmark_all':<{width}}{chain_time:8.2f} s")
    print(f"  {'ours: scoring.score (every analysis) + benchmark_all':<{width}}{full_time:8.2f} s")
    print(f"  {'DuckDB: the same computation (dimension chain)':<{width}}{duck_time:8.2f} s")
    print(f"  {'ratio, same computation (target <= 1.0)':<{width}}{engine_ratio:8.2f}")
    print(f"  {'ratio, scoring.score / DuckDB':<{width}}{full_time / duck_time:8.2f}")
    print(f"  {'benchmark layer alone: ours (benchmark_all)':<{width}}{layer_time:8.2f} s")
    print(f"  {'benchmark layer alone: DuckDB':<{width}}{duck_layer_time:8.2f} s")
    print(f"  {'ratio, benchmark layer':<{width}}{layer_time / duck_layer_time:8.2f}")
    suppressed = chain[1].get_column("suppressed").sum()
    print(f"  {chain[1].height:,} benchmark rows, {suppressed:,} of them suppressed")
    if problems:
        for problem in problems:
            print(f"  DISAGREE: {problem}")
        return 1
    print(
        "  agree: counts and forms exactly, scores within 1e-9; on the same scores, bands, "
        "positions and percentiles exactly; the two engines' files agree likewise"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
