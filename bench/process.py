"""Whole processes on files: ``survey analyse`` against DuckDB doing the same job.

Each engine runs in a process of its own, from the same Parquet files to Parquet
files, so the times include starting Python, reading, checking and writing, and the
peak memory is that process's own maximum resident set (``os.wait4``). A third
process runs :func:`analytics.batch.analyse` in-process and times its steps (read,
validate, score, benchmark, write), optionally under pyinstrument.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
FILES = ("answers", "items", "organisations")
STEP_NAMES = {
    "reading": "read",
    "checking": "validate",
    "scoring": "score",
    "benchmarking": "benchmark",
    "writing": "write",
}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_gb: float
    cpu_seconds: float
    """User and system time of the process: what a loaded machine moves least."""


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def paths(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.parquet" for name in FILES}


def measure(argv: list[str]) -> Run:
    """Wall time and peak resident memory of one child process; raises when it fails.

    The child is started by a small Python process of its own (``python -m
    bench.process``): a child forked straight from this large process would inherit
    its resident set in its peak."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.process", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=_user_environment(),
    )
    if done.returncode:
        raise RuntimeError(f"{argv[:4]} failed: {done.stderr[-2000:]}")
    seconds, peak, cpu = json.loads(done.stdout.splitlines()[-1])
    return Run(seconds, peak, cpu)


POLARS_ALLOCATOR_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def _user_environment() -> dict[str, str]:
    """This process's environment as a user's shell has it: importing Polars here wrote
    its allocator default into ``_RJEM_MALLOC_CONF``, which a child must not inherit (the
    ``survey`` package sets its own, see ``survey/__init__.py``)."""
    env = dict(os.environ)
    if env.get("_RJEM_MALLOC_CONF") == POLARS_ALLOCATOR_DEFAULT:
        del env["_RJEM_MALLOC_CONF"]
    return env


def _run_measured(argv: list[str]) -> int:
    """Run ``argv``; print [seconds, peak GB, CPU seconds] as JSON; its exit status."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, env=_user_environment())
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps([elapsed, usage.ru_maxrss * 1024 / 1e9, cpu]))
    return child.returncode


def ours(folder: Path, out: Path) -> Run:
    """``survey analyse --items`` (the batch of long answers with scores)."""
    files = paths(folder)
    return measure(
        [
            sys.executable,
            "-m",
            "cli",
            "analyse",
            "--answers",
            str(files["answers"]),
            "--items",
            str(files["items"]),
            "--organisations",
            str(files["organisations"]),
            "--out",
            str(out),
        ]
    )


def reference(folder: Path, out: Path) -> Run:
    code = "import sys; from bench.process import duckdb_job; duckdb_job(sys.argv[1], sys.argv[2])"
    return measure([sys.executable, "-c", code, str(folder), str(out)])


def duckdb_job(folder: str, out: str) -> None:
    """The reference: DuckDB from the same files to scores and benchmark files (the
    organisations file carries no sharing and no synthetic flag: both false)."""
    from bench.bench_benchmark import CLOSED_AT, RESULTS_SQL, SCORES_SQL, _benchmark_sql
    from survey.disclosure.roles import MIN_ROLE_GROUP

    files = paths(Path(folder))
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name in ("answers", "items"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{files[name]}')")
    con.execute(
        "CREATE VIEW organisations AS SELECT *, false AS synthetic, false AS shares "
        f"FROM read_parquet('{files['organisations']}')"
    )
    con.execute(SCORES_SQL)
    con.execute(RESULTS_SQL, [CLOSED_AT])
    con.execute(f"COPY org_scores TO '{target / 'scores.parquet'}' (FORMAT parquet)")
    benchmark_sql = _benchmark_sql(MIN_ROLE_GROUP)
    con.execute(f"COPY ({benchmark_sql}) TO '{target / 'benchmark.parquet'}' (FORMAT parquet)")


def breakdown(
    folder: Path, out: Path, profile: Path | None
) -> dict[str, tuple[float, float, float]]:
    """Seconds, CPU seconds and peak resident GB of each step of :func:`analytics.batch.analyse`, in a
    process of its own (importing ``survey`` first, as the CLI does, so that its
    allocator setting applies)."""
    code = (
        "import survey, sys; from pathlib import Path; from bench.process import timed_steps; "
        "timed_steps(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(out), str(profile or "")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=_user_environment(),
    )
    found = json.loads(done.stdout.splitlines()[-1])
    return {name: (seconds, cpu, peak) for name, (seconds, cpu, peak) in found.items()}


def _resident_gb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def timed_steps(folder: Path, out: Path, profile: str | None) -> None:
    """Print the seconds, the CPU seconds of the process and the peak resident memory
    (sampled every 5 ms) of each step as JSON; with ``profile`` write pyinstrument's text report of the run there."""
    from analytics import batch

    files = paths(folder)
    marks: list[tuple[str, float, float]] = []
    peaks: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            if marks:
                name = marks[-1][0]
                peaks[name] = max(peaks.get(name, 0.0), _resident_gb())

    def step(name: str) -> None:
        if marks:
            previous = marks[-1][0]
            peaks[previous] = max(peaks.get(previous, 0.0), _resident_gb())
        marks.append((name, time.perf_counter(), time.process_time()))

    def run() -> None:
        batch.analyse(files["answers"], files["items"], files["organisations"], out, step=step)
        step("end")

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        with profiler:
            run()
        Path(profile).write_text(profiler.output_text(unicode=True, show_all=False))
    else:
        run()
    done.set()
    sampler.join()
    seconds = {
        STEP_NAMES[name]: (end - start, cpu_end - cpu, peaks.get(name, 0.0))
        for (name, start, cpu), (_next, end, cpu_end) in pairwise(marks)
    }
    print(json.dumps(seconds))


def agreement(ours_out: Path, reference_out: Path) -> list[str]:
    """Our files against DuckDB's: the scores shown (ours suppress too few respondents)
    and every benchmark row."""
    from bench.bench_benchmark import benchmark_disagreements, score_disagreements

    scores = pl.read_parquet(ours_out / "scores.parquet").filter(~pl.col("suppressed"))
    duck_scores = pl.read_parquet(reference_out / "scores.parquet").join(
        scores.select("organisation_id", "instrument_id", "dimension_id"),
        on=["organisation_id", "instrument_id", "dimension_id"],
        how="semi",
    )
    return [
        *score_disagreements(scores, duck_scores),
        *benchmark_disagreements(
            pl.read_parquet(ours_out / "benchmark.parquet"),
            pl.read_parquet(reference_out / "benchmark.parquet"),
            percentiles=False,
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(_run_measured(sys.argv[1:]))
