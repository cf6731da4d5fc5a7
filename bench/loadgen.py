"""A small load generator: concurrent respondents doing whole journeys through the API.

Each simulated respondent starts a response through the round's invitation code,
saves every page (one dimension per request) of every instrument of the round and
submits, then starts over while time remains. Every request is timed per step
(``start``, ``save-page``, ``submit``, and ``resume`` after a fault); ``GET /health``
is measured on its own with the same concurrency. Each simulated respondent keeps one
keep-alive connection (:class:`Connection`, a minimal HTTP/1.1 client on asyncio
streams: httpx would cost the client more CPU than the server spends). Everything stays
on the loopback interface and every loop is bounded in count and time.

Fault runs (``resilient=True``): a request that fails at the transport level (the
server was killed) is retried after a pause until the server answers again; the
respondent then resumes with its respondent token (``GET /api/responses/{id}``) and
carries on from the first page the server does not hold. Every answer and submit
the client saw acknowledged (2xx) is kept in a :class:`Journey`, so that
:func:`verify` can compare them with what the database holds afterwards.

Also here: :class:`Server`, the app as a ``survey serve`` subprocess in its own
process group (so that a SIGKILL takes all its workers), and helpers for a fresh
PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as json_module
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from survey.db import Database, normalise_url
from survey.migrate import upgrade
from survey.models import Answer, Response

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
STEPS = ("start", "save-page", "submit", "resume", "health")
ROLES = ("management", "hr", "communications", "it", "legal", "integrity", "staff")
REQUEST_TIMEOUT = 30.0
RETRY_PAUSE = 0.25
RETRYABLE_STATUS = {502, 503, 504}
STARTUP_COMPLETE = "Application startup complete."  # uvicorn's line, once per worker


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """``survey serve`` as a subprocess on a free loopback port, in its own process group."""

    database_url: str
    data_dir: Path
    workers: int = 1
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: f"load-{uuid.uuid4().hex}")
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            DATABASE_URL=self.database_url,
            DATA_DIR=str(self.data_dir),
            SECRET_KEY=self.secret_key,
            BASE_URL=self.base_url,
            PYTHONUNBUFFERED="1",
            **self.settings,
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    def start(self, timeout: float = 90.0) -> Server:
        """Start the server and wait until ``GET /health`` answers 200."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the server is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_path or self.data_dir / f"server-{self.port}.log"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cli",
                    "serve",
                    "--host",
                    LOOPBACK,
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                cwd=PROJECT_ROOT,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout, log_path)
        return self

    def wait_ready(self, timeout: float, log_path: Path) -> None:
        """Until ``GET /health`` answers 200 and every worker has finished starting (the
        first to start answers while the others still start, on the same CPUs)."""
        deadline = time.monotonic() + timeout
        started = log_path.read_text(errors="replace").count(STARTUP_COMPLETE)
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the server exited while starting:\n{tail}")
                with contextlib.suppress(httpx.HTTPError):
                    log = log_path.read_text(errors="replace")
                    if (
                        log.count(STARTUP_COMPLETE) - started >= self.workers
                        and client.get(self.base_url + "/health").status_code == 200
                    ):
                        return
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /health within {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL the server and all its workers at once (no chance to clean up)."""
        self._signal_group(signal.SIGKILL)
        self._reap(10)

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it has not exited after 15 s."""
        if self.process is None or self.process.poll() is not None:
            self._signal_group(signal.SIGKILL)  # stray workers of a dead master
            return
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        self._signal_group(signal.SIGKILL)
        self._reap(10)

    def _signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)  # the group this server's start created

    def _reap(self, timeout: float) -> None:
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


# --- databases -------------------------------------------------------------------------


def _admin_engine(admin_url: str):  # type: ignore[no-untyped-def]
    return create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")


def postgres_available(admin_url: str | None) -> bool:
    if not admin_url:
        return False
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def fresh_postgres(admin_url: str, prefix: str = "smbench_load") -> Iterator[str]:
    """A new, migrated PostgreSQL database (dropped afterwards); yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(admin_url)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(admin_url)).set(database=name).render_as_string(False)
    try:
        upgrade(url)
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextlib.contextmanager
def fresh_sqlite(directory: Path) -> Iterator[str]:
    """A new, migrated SQLite database file in ``directory``; yields its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / 'load.sqlite3'}"
    upgrade(url)
    yield url


# --- the scenario ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One dimension of one instrument: the item keys, the options each offers and the
    roles each is asked of (empty: every role)."""

    instrument_id: str
    dimension_id: str
    options: dict[str, tuple[str, ...]]
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def for_role(self, role: str) -> Page:
        """The page as a respondent in ``role`` sees it (routing by role)."""
        asked = {
            key: options
            for key, options in self.options.items()
            if not self.roles.get(key) or role in self.roles[key]
        }
        return Page(self.instrument_id, self.dimension_id, asked, self.roles)


@dataclass(frozen=True)
class Scenario:
    round_id: str
    invite_code: str
    coordinator_token: str
    pages: tuple[Page, ...]

    def pages_for(self, role: str) -> tuple[Page, ...]:
        """The pages a respondent in ``role`` answers: those that ask the role anything."""
        routed = (page.for_role(role) for page in self.pages)
        return tuple(page for page in routed if page.options)

    def item_count(self, role: str) -> int:
        return sum(len(p.options) for p in self.pages_for(role))

    def item_counts(self) -> dict[str, int]:
        """The number of items each role answers."""
        return {role: self.item_count(role) for role in ROLES}


async def prepare(client: httpx.AsyncClient, instruments: list[str] | None = None) -> Scenario:
    """Register an organisation and open a round with every instrument (or the given ones)."""
    registered = await _ok(
        client.post(
            "/api/organisations",
            json={
                "name": f"Load test {uuid.uuid4().hex[:8]}",
                "sector": "municipalities",
                "size_band": "1000-4999",
                "country": "NL",
            },
        )
    )
    org_id, token = registered["id"], registered["coordinator_token"]
    ids = instruments or [i["id"] for i in await _ok(client.get("/api/instruments"))]
    opened = await _ok(
        client.post(
            f"/api/organisations/{org_id}/rounds",
            json={"label": "Load test", "instruments": ids},
            headers=_bearer(token),
        )
    )
    round_ = await _ok(client.get(f"/api/rounds/{opened['id']}", headers=_bearer(token)))
    details = [
        await _ok(
            client.get(f"/api/instruments/{pinned['id']}", params={"version": pinned["version"]})
        )
        for pinned in round_["instruments"]
    ]
    owners = Counter(item["id"] for detail in details for item in detail["items"])
    pages = []
    for detail in details:
        for dimension in detail["dimensions"]:
            items = {
                (item["id"] if owners[item["id"]] == 1 else f"{detail['id']}/{item['id']}"): item
                for item in detail["items"]
                if item["dimension"] == dimension["id"]
            }
            options = {
                key: tuple(o["value"] for o in item["options"]) for key, item in items.items()
            }
            roles = {key: tuple(item["roles"]) for key, item in items.items()}
            pages.append(Page(detail["id"], dimension["id"], options, roles))
    return Scenario(opened["id"], opened["invite_code"], token, tuple(pages))


async def _ok(request: Any) -> Any:
    response = await request
    if response.status_code >= 300:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- what the clients saw ----------------------------------------------------------------


@dataclass
class Journey:
    """One respondent's journey and everything the server acknowledged of it."""

    number: int
    role: str
    pages: tuple[Page, ...]
    """The pages asked of the role, in order."""
    answers: dict[str, str]
    response_id: str | None = None
    token: str | None = None
    acknowledged: dict[str, str] = field(default_factory=dict)
    pages_saved: int = 0
    submitted: bool = False
    resumed: int = 0
    completed: bool = False


def planned_answers(pages: tuple[Page, ...], seed: str) -> dict[str, str]:
    """The answers one respondent gives: the same for the same seed, so a retry is a replay."""
    rng = random.Random(seed)  # simulated answers, not secrets
    chosen = {}
    for page in pages:
        for key, options in page.options.items():
            scored = [o for o in options if o not in ("dont_know", "not_applicable")]
            chosen[key] = rng.choice(options) if rng.random() < 0.08 else rng.choice(scored)
    return chosen


# --- measurements ------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (nan when there are none)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class StepFigures:
    step: str
    count: int
    throughput: float
    p50: float
    p95: float
    p99: float
    max: float
    errors: int
    unavailable: int


@dataclass
class Stats:
    """Latencies (of 2xx answers) and failures per step, over one measured phase."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unavailable: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    def ok(self, step: str, seconds: float) -> None:
        self.latencies[step].append(seconds)

    def error(self, step: str, what: str) -> None:
        self.errors[step][what] += 1

    def down(self, step: str) -> None:
        """A transport failure or a 502-504 in a fault run: the server is down."""
        self.unavailable[step] += 1

    def stop(self) -> None:
        self.finished = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def figures(self, step: str) -> StepFigures:
        values = sorted(self.latencies.get(step, []))
        return StepFigures(
            step=step,
            count=len(values),
            throughput=len(values) / self.elapsed if self.elapsed > 0 else 0.0,
            p50=percentile(values, 50) * 1000,
            p95=percentile(values, 95) * 1000,
            p99=percentile(values, 99) * 1000,
            max=(values[-1] * 1000) if values else math.nan,
            errors=sum(self.errors.get(step, Counter()).values()),
            unavailable=self.unavailable.get(step, 0),
        )

    @property
    def error_count(self) -> int:
        return sum(sum(c.values()) for c in self.errors.values())


class Unavailable(Exception):
    """The server did not answer (killed or restarting)."""


class Failed(Exception):
    """The server answered with an error where the journey expected success."""


# --- the wire --------------------------------------------------------------------------


class TransportFailure(Exception):
    """The connection failed: refused, reset, closed early, or timed out."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json_module.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, as a browser tab keeps one.

    Deliberately minimal (``Content-Length`` and chunked bodies, nothing else): the
    measured requests must cost the client next to nothing, since on a small machine
    the client shares the CPU with the server. httpx's pool costs 2-5 ms of CPU per
    request at these concurrencies, more than a ``GET /health`` costs the server.
    A connection idle longer than the server's keep-alive timeout is replaced before
    use, so no request races the server closing it.
    """

    IDLE_LIMIT = 3.0  # uvicorn closes idle keep-alive connections after 5 s

    def __init__(self, base_url: str, *, timeout: float = REQUEST_TIMEOUT):
        parts = urlsplit(base_url)
        self.host = parts.hostname or LOOPBACK
        self.port = parts.port or 80
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._used = 0.0

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        try:
            return await asyncio.wait_for(self._exchange(method, path, json, headers), self.timeout)
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError, TimeoutError) as exc:  # fmt: skip
            self.close()
            raise TransportFailure(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(
        self, method: str, path: str, json: Any, headers: dict[str, str] | None
    ) -> Reply:
        if self._writer is None or time.monotonic() - self._used > self.IDLE_LIMIT:
            self.close()
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        body = b"" if json is None else json_module.dumps(json).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "Accept: application/json", f"Content-Length: {len(body)}"]  # fmt: skip
        if json is not None:
            lines.append("Content-Type: application/json")
        lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            content = await self._chunked(reader)
        elif "content-length" in fields:
            content = await reader.readexactly(int(fields["content-length"]))
        else:
            content = await reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        self._used = time.monotonic()
        return Reply(status, content)

    @staticmethod
    async def _chunked(reader: asyncio.StreamReader) -> bytes:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


# --- the load ----------------------------------------------------------------------------


@dataclass
class LoadOptions:
    respondents: int = 200
    duration: float = 60.0
    think: float = 0.0
    seed: int = 1
    resilient: bool = False
    finish: bool = False
    grace: float = 120.0


class Load:
    """``respondents`` concurrent journeys against ``base_url`` for ``duration`` seconds.

    With ``finish`` the journeys under way at the end are completed (within
    ``grace`` seconds) instead of abandoned; with ``resilient`` transport failures
    are waited out and the journey resumes with its token.
    """

    def __init__(self, base_url: str, scenario: Scenario, options: LoadOptions):
        self.base_url = base_url
        self.scenario = scenario
        self.options = options
        self.stats = Stats()
        self.journeys: list[Journey] = []
        self._deadline = 0.0
        self._hard_deadline = 0.0
        self._numbers = iter(range(10**9))

    async def run(self) -> Stats:
        self.stats = Stats()
        self._deadline = time.monotonic() + self.options.duration
        self._hard_deadline = self._deadline + self.options.grace
        users = [asyncio.create_task(self._respondent(n)) for n in range(self.options.respondents)]
        try:
            await asyncio.wait_for(
                asyncio.gather(*users), timeout=self.options.duration + self.options.grace + 30
            )
        finally:
            for task in users:
                task.cancel()
            await asyncio.gather(*users, return_exceptions=True)
            self.stats.stop()
        return self.stats

    async def _respondent(self, user: int) -> None:
        rng = random.Random(f"{self.options.seed}:{user}")  # think times
        connection = Connection(self.base_url)
        try:
            await self._journeys(connection, rng)
        finally:
            connection.close()

    async def _journeys(self, connection: Connection, rng: random.Random) -> None:
        if self.options.think:  # spread the first requests over one think time
            await asyncio.sleep(rng.uniform(0, self.options.think))
        while time.monotonic() < self._deadline:
            number = next(self._numbers)
            role = ROLES[number % len(ROLES)]
            pages = self.scenario.pages_for(role)
            journey = Journey(
                number=number,
                role=role,
                pages=pages,
                answers=planned_answers(pages, f"{self.options.seed}:{number}"),
            )
            self.journeys.append(journey)
            try:
                await self._journey(connection, journey, rng)
            except (Failed, Unavailable):
                continue  # counted in the stats; the next journey starts
            except _TimeUp:
                return

    def _time_left(self) -> bool:
        limit = self._hard_deadline if self.options.finish else self._deadline
        return time.monotonic() < limit

    async def _think(self, rng: random.Random) -> None:
        if self.options.think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * self.options.think)

    async def _journey(self, connection: Connection, journey: Journey, rng: random.Random) -> None:
        scenario = self.scenario
        started = await self._call(
            connection,
            "start",
            "POST",
            f"/api/invites/{scenario.invite_code}/responses",
            json={"role": journey.role, "lang": "en"},
            expect=201,
        )
        journey.response_id, journey.token = started["id"], started["token"]
        await self._think(rng)
        page = 0
        while page < len(journey.pages):
            answers = {k: journey.answers[k] for k in journey.pages[page].options}
            try:
                await self._call(
                    connection,
                    "save-page",
                    "PUT",
                    f"/api/responses/{journey.response_id}/answers",
                    json={"answers": answers, "page": page},
                    token=journey.token,
                )
            except Unavailable:
                page = await self._resume(connection, journey)
                continue
            journey.acknowledged.update(answers)
            journey.pages_saved = max(journey.pages_saved, page + 1)
            page += 1
            await self._think(rng)
        while True:
            try:
                await self._call(
                    connection,
                    "submit",
                    "POST",
                    f"/api/responses/{journey.response_id}/submit",
                    token=journey.token,
                )
                break
            except Unavailable:
                if await self._resume(connection, journey) < len(journey.pages):
                    self.stats.error("submit", "acknowledged pages missing after resuming")
                    raise Failed(f"journey {journey.number} lost pages") from None
        journey.submitted = True
        journey.completed = True

    async def _resume(self, connection: Connection, journey: Journey) -> int:
        """Wait for the server, read the response back with its token, and return the
        first page whose answers the server does not hold."""
        while True:
            try:
                held = await self._call(
                    connection,
                    "resume",
                    "GET",
                    f"/api/responses/{journey.response_id}",
                    token=journey.token,
                )
                break
            except Unavailable:
                continue
        journey.resumed += 1
        answers: dict[str, str] = held["answers"]
        if any(answers.get(k) != v for k, v in journey.acknowledged.items()):
            self.stats.error("resume", "an acknowledged answer is missing")
        for number, page in enumerate(journey.pages):
            if any(answers.get(key) != journey.answers[key] for key in page.options):
                return number
        return len(journey.pages)

    async def _call(
        self,
        connection: Connection,
        step: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        token: str | None = None,
        expect: int = 200,
    ) -> Any:
        """One request, timed; transport failures are retried in resilient runs (the
        caller resumes) and are errors otherwise."""
        headers = _bearer(token) if token else None
        while True:
            if not self._time_left():
                raise _TimeUp
            began = time.perf_counter()
            try:
                response = await connection.request(method, path, json=json, headers=headers)
            except TransportFailure as exc:
                if not self.options.resilient:
                    self.stats.error(step, str(exc).split(":", 1)[0])
                    raise Failed(step) from exc
                self.stats.down(step)
                await asyncio.sleep(RETRY_PAUSE)
                raise Unavailable(step) from exc
            elapsed = time.perf_counter() - began
            if response.status == expect:
                self.stats.ok(step, elapsed)
                return response.json()
            if self.options.resilient and response.status in RETRYABLE_STATUS:
                self.stats.down(step)
                await asyncio.sleep(RETRY_PAUSE)
                raise Unavailable(step)
            self.stats.error(step, f"HTTP {response.status}: {response.text[:120]}")
            raise Failed(step)


class _TimeUp(Exception):
    """The measured time (or the grace for finishing) is over."""


async def health_load(
    base_url: str, concurrency: int, duration: float, *, count_limit: int = 10**7
) -> Stats:
    """``GET /health`` from ``concurrency`` connections for ``duration`` seconds."""
    stats = Stats()
    deadline = time.monotonic() + duration
    budget = iter(range(count_limit))

    async def loop() -> None:
        connection = Connection(base_url)
        try:
            while time.monotonic() < deadline and next(budget, None) is not None:
                began = time.perf_counter()
                try:
                    response = await connection.request("GET", "/health")
                except TransportFailure as exc:
                    stats.error("health", str(exc).split(":", 1)[0])
                    await asyncio.sleep(RETRY_PAUSE)
                    continue
                if response.status == 200:
                    stats.ok("health", time.perf_counter() - began)
                else:
                    stats.error("health", f"HTTP {response.status}")
        finally:
            connection.close()

    await asyncio.wait_for(
        asyncio.gather(*(loop() for _ in range(concurrency))), timeout=duration + 60
    )
    stats.stop()
    return stats


def setup_client(base_url: str) -> httpx.AsyncClient:
    """An httpx client for setting the scenario up (not for the measured requests)."""
    return httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT)


# --- verification ------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the database holds compared with what the clients saw acknowledged."""

    responses: int = 0
    acknowledged_answers: int = 0
    acknowledged_submits: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(database_url: str, journeys: list[Journey], *, item_counts: dict[str, int]) -> Verdict:
    """Nothing acknowledged is missing, no response is half-submitted.

    * every acknowledged answer is in the database with the acknowledged value;
    * every acknowledged submit left its response submitted, with ``submitted_at``;
    * for every response: ``status == "submitted"`` exactly when ``submitted_at`` is
      set, and a submitted response of these clients (who submit only after every
      page was acknowledged) holds an answer to every item asked of its role
      (``item_counts``).
    """
    verdict = Verdict()
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Response.id, Response.status, Response.submitted_at, Response.role)
            ).all()
            answers: dict[str, dict[str, str]] = defaultdict(dict)
            for response_id, item_id, value in session.execute(
                select(Answer.response_id, Answer.item_id, Answer.option_value)
            ):
                answers[response_id][item_id] = value
    finally:
        database.dispose()
    verdict.responses = len(rows)
    status = {response_id: (state, at) for response_id, state, at, _ in rows}
    roles = {response_id: role for response_id, _, _, role in rows}
    for response_id, (state, submitted_at) in status.items():
        item_count = item_counts[roles[response_id]]
        if (state == "submitted") != (submitted_at is not None):
            verdict.problems.append(
                f"response {response_id} is half-submitted: status {state!r}, "
                f"submitted_at {submitted_at}"
            )
        if state == "submitted" and len(answers.get(response_id, {})) != item_count:
            verdict.problems.append(
                f"response {response_id} was submitted with "
                f"{len(answers.get(response_id, {}))} of {item_count} answers"
            )
    for journey in journeys:
        if journey.response_id is None:
            continue
        if journey.response_id not in status:
            verdict.problems.append(f"acknowledged response {journey.response_id} is missing")
            continue
        held = answers.get(journey.response_id, {})
        for key, value in journey.acknowledged.items():
            verdict.acknowledged_answers += 1
            item_id = key.split("/", 1)[-1]
            if held.get(item_id) != value:
                verdict.problems.append(
                    f"response {journey.response_id}: acknowledged answer {key}={value} "
                    f"is {held.get(item_id)!r} in the database"
                )
        if journey.submitted:
            verdict.acknowledged_submits += 1
            state, submitted_at = status[journey.response_id]
            if state != "submitted" or submitted_at is None:
                verdict.problems.append(
                    f"response {journey.response_id}: the submit was acknowledged but it is "
                    f"{state!r} (submitted_at {submitted_at})"
                )
    return verdict


# --- reporting ---------------------------------------------------------------------------


def format_table(figures: list[StepFigures], indent: str = "") -> str:
    head = (
        f"{'step':<10} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'errors':>15}"
    )
    lines = [head, "-" * len(head)]
    for f in figures:
        errors = f"{f.errors}" + (f" (+{f.unavailable} down)" if f.unavailable else "")
        lines.append(
            f"{f.step:<10} {f.count:>7} {f.throughput:>8.1f} {f.p50:>8.1f} {f.p95:>8.1f} "
            f"{f.p99:>8.1f} {f.max:>8.1f} {errors:>15}"
        )
    return "\n".join(indent + line for line in lines)


def error_samples(stats: Stats, limit: int = 5) -> list[str]:
    samples = []
    for step, counter in stats.errors.items():
        for what, count in counter.most_common(limit):
            samples.append(f"{step}: {count} × {what}")
    return samples
