"""Load: concurrent respondents answering through the API, against real server processes.

For each target (PostgreSQL with several workers, Redis when ``BENCH_REDIS_URL`` or
``TEST_REDIS_URL`` names one; the embedded SQLite default with one worker) on a
fresh database, in one run (see :mod:`bench.loadgen` for the clients):

1. ``GET /health`` from as many concurrent clients as there are respondents;
2. the respondents' journeys back to back, without pauses (saturation): what the
   server can do at most; save-page throughput here over ``GET /health`` throughput
   is the ratio the target speaks of (at least 0.25), and the save's p99 here must
   stay under 250 ms as well;
3. the journeys at a respondent's pace, a mean pause of ``--think`` seconds (default
   2, uniform between half and one and a half of it) between steps, for 60 s:
   the targets zero errors and save-page p99 under 250 ms apply here.

A journey starts a response through the invitation code, saves every page (one
dimension per request) of all five instruments and submits. Throughput, p50/p95/p99
latency and errors are printed per step and phase, then the ratio and the targets.

The per-client rate limit is raised for the run by configuration
(``RATE_LIMIT_PER_MINUTE``), although it counts failed token lookups only and a run
has none; the rate-limit middleware reads the count once a second per address and
worker, as it would under any limit while the failures stay under half of it.

After these runs (and alone with ``--kill``) comes the fault run: the server is
SIGKILLed a third into the load and restarted on the same database; the clients
resume with their respondent tokens, finish their journeys, and every acknowledged
answer and submit is checked in the database (``--no-fault`` skips it).

    python -m bench.bench_load [--short] [--kill] [--no-fault] [--targets=postgres,sqlite]
        [--respondents=N] [--duration=S] [--think=S] [--saturation-duration=S]
        [--health-duration=S] [--workers=N] [--postgres-url=URL] [--redis-url=URL]
        [--strict]

(Through ``python -m bench load`` give option values with ``=``.) The exit status is
non-zero on any error or lost answer, and with ``--strict`` also on a missed target.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.loadgen import (
    STEPS,
    Load,
    LoadOptions,
    Server,
    Stats,
    StepFigures,
    Verdict,
    error_samples,
    format_table,
    fresh_postgres,
    fresh_sqlite,
    health_load,
    postgres_available,
    prepare,
    setup_client,
    verify,
)
from bench.workers import connections_per_worker
from survey.settings import Settings

P99_TARGET_MS = 250.0
RATIO_TARGET = 0.25
FULL_RESPONDENTS = 200
FULL_DURATION = 60.0
DEFAULT_THINK = 2.0
FAULT_RESPONDENTS = 50
FAULT_DURATION = 20.0
FAULT_THINK = 0.1
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
BENCH_SETTINGS = {
    "RATE_LIMIT_PER_MINUTE": str(10**9),  # the count is still read, once a second
    "REGISTRATION_LIMIT_PER_HOUR": "100",
}


@dataclass
class Outcome:
    target: str
    health: Stats
    paced: Stats
    completed: int
    saturated: Stats | None = None
    verdict: Verdict | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Save-page throughput at saturation over GET /health throughput at saturation."""
        journeys = self.saturated or self.paced
        health = self.health.figures("health").throughput
        return journeys.figures("save-page").throughput / health if health else 0.0

    @property
    def errors(self) -> int:
        phases = (self.health, self.paced, self.saturated)
        return sum(p.error_count for p in phases if p is not None)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__)
    parser.add_argument("--short", action="store_true", help="a small, quick run (for tests)")
    parser.add_argument("--kill", action="store_true", help="SIGKILL and restart mid-load")
    parser.add_argument("--targets", default="postgres,sqlite")
    parser.add_argument("--respondents", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None, help="seconds of paced load")
    parser.add_argument("--think", type=float, default=None, help="mean pause between steps")
    parser.add_argument("--saturation-duration", type=float, default=None)
    parser.add_argument("--health-duration", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2, help="workers on PostgreSQL")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL")
        or os.environ.get("TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES,
        help="a server database to create the bench database from",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL"),
        help="shared store for the PostgreSQL target (default: files under DATA_DIR)",
    )
    parser.add_argument("--no-fault", action="store_true", help="skip the fault run")
    parser.add_argument("--strict", action="store_true", help="fail on a missed target")
    options, _ = parser.parse_known_args(list(argv))
    short = options.short

    def pick(value: float | None, quick: float, full: float) -> float:
        return value if value is not None else (quick if short else full)

    options.respondents = int(pick(options.respondents, 20, FULL_RESPONDENTS))
    options.duration = pick(options.duration, 6.0, FULL_DURATION)
    options.think = pick(options.think, 0.1, DEFAULT_THINK)
    options.saturation_duration = pick(options.saturation_duration, 3.0, 20.0)
    options.health_duration = pick(options.health_duration, 2.0, 15.0)
    options.finish = short or options.kill  # complete the journeys under way at the end
    if options.kill:
        options.saturation_duration = 0.0
    return options


def machine() -> str:
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024**2:.1f} GiB RAM"
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return f"{os.cpu_count()} CPU(s) ({cpu}){memory}{load}; Python {platform.python_version()}"


@contextlib.contextmanager
def database_for(target: str, options: argparse.Namespace, tmp: Path) -> Iterator[str]:
    if target == "postgres":
        with fresh_postgres(options.postgres_url) as url:
            yield url
    else:
        with fresh_sqlite(tmp / "db") as url:
            yield url


def runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def run_target(target: str, options: argparse.Namespace) -> Outcome:
    workers = options.workers if target == "postgres" else 1
    with (
        tempfile.TemporaryDirectory(prefix="smbench-load-") as tmp_name,
        database_for(target, options, Path(tmp_name)) as url,
    ):
        server = Server(
            url,
            data_dir=Path(tmp_name) / "data",
            workers=workers,
            redis_url=options.redis_url if target == "postgres" else None,
            settings=BENCH_SETTINGS,
        )
        label = f"{target}, {workers} worker(s)" + (", Redis" if server.redis_url else "")
        if target == "sqlite":
            label += f", synchronous={Settings().sqlite_synchronous}"  # as the server reads it
        with server, runner() as loop:
            outcome = loop.run(measure(server, url, options, label))
        if outcome.errors:
            outcome.notes.extend(server_errors(Path(tmp_name) / "data"))
        return outcome


def server_errors(data_dir: Path, limit: int = 12) -> list[str]:
    """The last error lines of the server's logs (the files go with the run's folder)."""
    found: list[str] = []
    for log in sorted(data_dir.glob("server-*.log")):
        lines = log.read_text(errors="replace").splitlines()
        found.extend(
            f"server log: {line.strip()[:200]}"
            for line in lines
            if "Error" in line or "error" in line.split(":", 1)[0] or "Exception" in line
        )
    return found[-limit:]


async def measure(server: Server, url: str, options: argparse.Namespace, label: str) -> Outcome:
    async with setup_client(server.base_url) as client:
        scenario = await prepare(client)
    base = server.base_url
    await health_load(base, min(options.respondents, 20), 1.0)  # warm up
    health = await health_load(base, options.respondents, options.health_duration)
    saturated = None
    spread = None
    if options.saturation_duration > 0:
        spread = asyncio.create_task(connections_spread(server, options.saturation_duration / 2))
        saturated = await Load(
            base,
            scenario,
            LoadOptions(
                respondents=options.respondents,
                duration=options.saturation_duration,
                think=0.0,
                seed=2,
            ),
        ).run()
    load = Load(
        base,
        scenario,
        LoadOptions(
            respondents=options.respondents,
            duration=options.duration,
            think=options.think,
            resilient=options.kill,
            finish=options.finish,
        ),
    )
    counts = scenario.item_counts()
    notes = [
        f"{min(counts.values())}-{max(counts.values())} items per journey (routed by role), "
        f"{options.respondents} concurrent respondents"
    ]
    if spread is not None:
        notes.append(await spread)
    killer = asyncio.create_task(kill_and_restart(server, options)) if options.kill else None
    paced = await load.run()
    if killer is not None:
        notes.append(await killer)
    outcome = Outcome(
        label,
        health=health,
        paced=paced,
        saturated=saturated,
        completed=sum(j.completed for j in load.journeys),
        notes=notes,
    )
    if options.kill:
        outcome.verdict = verify(url, load.journeys, item_counts=scenario.item_counts())
    return outcome


async def connections_spread(server: Server, after: float) -> str:
    """How the respondents' keep-alive connections sit on the workers, ``after`` seconds
    into the saturation phase (from /proc, see :mod:`bench.workers`)."""
    await asyncio.sleep(after)
    assert server.process is not None
    held = connections_per_worker(server.process.pid, server.port)
    counts = "/".join(str(count) for count in sorted(held.values(), reverse=True))
    return f"connections per worker at saturation: {counts or 'one process'}"


async def kill_and_restart(server: Server, options: argparse.Namespace) -> str:
    await asyncio.sleep(options.duration / 3)
    killed_at = time.perf_counter()
    await asyncio.to_thread(server.kill)
    await asyncio.to_thread(server.start)
    return (
        f"SIGKILLed the server at {options.duration / 3:.1f} s; it answered again after "
        f"{time.perf_counter() - killed_at:.1f} s"
    )


def _phase(title: str, stats: Stats, extra: list[StepFigures] | None = None) -> None:
    figures = [stats.figures(step) for step in STEPS]
    figures = [f for f in figures if f.count or f.errors or f.unavailable] + (extra or [])
    print(f"   {title} ({stats.elapsed:.1f} s)")
    print(format_table(figures, indent="   "))
    for sample in error_samples(stats):
        print(f"   error: {sample}")


def report(outcome: Outcome, options: argparse.Namespace) -> list[str]:
    """Print the figures; return the targets missed."""
    print(f"-- {outcome.target}")
    for note in outcome.notes:
        print(f"   {note}")
    _phase(f"GET /health, {options.respondents} concurrent clients", outcome.health)
    if outcome.saturated is not None:
        _phase("journeys at saturation (no pause between steps)", outcome.saturated)
    _phase(
        f"journeys with a mean pause of {options.think:g} s between steps; "
        f"{outcome.completed} journeys completed",
        outcome.paced,
    )
    save = outcome.paced.figures("save-page")
    at_capacity = (outcome.saturated or outcome.paced).figures("save-page")
    if not options.kill:
        print(
            f"   save-page / health throughput: {at_capacity.throughput:.1f} / "
            f"{outcome.health.figures('health').throughput:.1f} req/s = {outcome.ratio:.2f} "
            f"(target >= {RATIO_TARGET:.2f})"
        )
    missed = []
    if outcome.errors:
        missed.append(f"{outcome.errors} error(s) (target: none)")
    if options.kill:
        started = outcome.paced.figures("start").count
        if outcome.completed < started:
            missed.append(f"{started - outcome.completed} journey(s) not completed after the fault")
    elif not save.p99 < P99_TARGET_MS:
        missed.append(f"save-page p99 {save.p99:.0f} ms (target < {P99_TARGET_MS:.0f} ms)")
    if outcome.saturated is not None and not at_capacity.p99 < P99_TARGET_MS:
        missed.append(
            f"save-page p99 at saturation {at_capacity.p99:.0f} ms "
            f"(target < {P99_TARGET_MS:.0f} ms)"
        )
    if not options.kill and outcome.ratio < RATIO_TARGET:
        missed.append(f"save-page/health {outcome.ratio:.2f} (target >= {RATIO_TARGET:.2f})")
    if not options.kill and (
        options.respondents < FULL_RESPONDENTS or options.duration < FULL_DURATION
    ):
        print("   (not the full form: the targets are for 200 respondents over 60 s)")
    if outcome.verdict is not None:
        v = outcome.verdict
        print(
            f"   after the fault: {v.responses} responses in the database; "
            f"{v.acknowledged_answers} acknowledged answers and {v.acknowledged_submits} "
            f"acknowledged submits checked: {'all held' if v.ok else 'PROBLEMS'}"
        )
        for problem in v.problems[:20]:
            print(f"   LOST: {problem}")
    for miss in missed:
        print(f"   MISSED: {miss}")
    if not missed:
        print("   all targets met")
    return missed


def fault_options(options: argparse.Namespace) -> argparse.Namespace:
    """The fault run that follows the load runs in the full form (``make bench``)."""
    return argparse.Namespace(
        **{
            **vars(options),
            "kill": True,
            "finish": True,
            "respondents": min(options.respondents, FAULT_RESPONDENTS),
            "duration": FAULT_DURATION,
            "think": FAULT_THINK,
            "saturation_duration": 0.0,
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv if argv is not None else [])
    print(f"machine: {machine()}")
    targets = [t.strip() for t in options.targets.split(",") if t.strip()]
    if unknown := [t for t in targets if t not in ("postgres", "sqlite")]:
        print(f"unknown target(s) {unknown} (use postgres and/or sqlite)")
        return 2
    runs = [options]
    if not options.kill and not options.short and not options.no_fault:
        runs.append(fault_options(options))
    status = 0
    for run in runs:
        for target in targets:
            if target == "postgres" and not postgres_available(run.postgres_url):
                print(f"-- postgres: skipped, no server at {run.postgres_url}")
                continue
            outcome = run_target(target, run)
            missed = report(outcome, run)
            if outcome.errors or (run.kill and not outcome.completed):
                status = 1
            if outcome.verdict is not None and not outcome.verdict.ok:
                status = 1
            if missed and options.strict:
                status = 1
    return status


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
