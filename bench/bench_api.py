"""The benchmark API's speed with thousands of organisations in the database.

Builds a temporary SQLite database (or a fresh PostgreSQL one with ``--postgres-url``):
a few organisations made by :mod:`survey.demo` for realism (full answers, scored by
the app), then ``--organisations`` more whose stored closed-round results are
bulk-inserted directly (1-3 closed rounds each, the maturity test in every round
and the CTG questionnaires in about half of them; scores drawn from a latent maturity
per organisation with an uneven profile over dimensions; a few results resting on too
few respondents). Then, with the real app behind Litestar's test client:

1. the first request (it builds the cached read model of :mod:`analytics.service`);
2. ``--warmup`` requests, untimed;
3. ``--requests`` timed ``GET /api/rounds/{id}/benchmark`` requests, each for a random
   organisation's latest round with a random peer group;
4. a smaller timed sample on earlier (not latest) rounds, which are benchmarked from
   the cached frames on the fly;
5. timed ``GET /api/benchmarks`` requests (integrity office).

Prints p50/p95/max per kind and the target: p95 under 50 ms for the round benchmark.

    python -m bench.bench_api [--organisations=N] [--requests=N] [--warmup=N]
        [--seed=N] [--postgres-url=URL] [--strict]

Exits non-zero with ``--strict`` when the target is missed.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bootstrap import build_root
from instruments import InstrumentLibrary, default_library, vocabularies
from survey.db import Database, normalise_url
from survey.demo import COUNTRIES, create_demo
from survey.migrate import upgrade
from survey.models import DimensionResult, Organisation, Round, RoundInstrument
from survey.services import users
from survey.tokens import hash_token, new_token
from web.app import create_app
from web.settings import WebSettings
from web.stores import build_stores

ORGANISATIONS = 5_000
REQUESTS = 200
WARMUP = 20
TARGET_P95_MS = 50.0
DEMO_ORGANISATIONS = 12
PEER_GROUPS = ("all", "sector", "size_band", "country", "sector,size_band", "sector,country")
BATCH = 20_000


@dataclass
class Population:
    """The bulk-inserted organisations' tokens and rounds (latest last)."""

    tokens: dict[str, str]
    rounds: dict[str, list[str]]
    result_rows: int
    every_instrument: list[str]


def _chunks(rows: list[dict], size: int = BATCH) -> list[list[dict]]:
    return [rows[n : n + size] for n in range(0, len(rows), size)]


def populate(
    database: Database, library: InstrumentLibrary, organisations: int, seed: int
) -> Population:
    """Insert ``organisations`` organisations with stored closed-round results."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    vocab = vocabularies()
    sectors, sizes = vocab.sectors.ids(), vocab.size_bands.ids()
    maturity_test = library.get("sm-maturity")
    assert maturity_test is not None
    ctg = [i for i in library.latest_versions() if i.id != maturity_test.id]
    orgs, rounds_, pinned, results = [], [], [], []
    tokens: dict[str, str] = {}
    round_ids: dict[str, list[str]] = {}
    every_instrument: list[str] = []
    for n in range(organisations):
        org_id = str(uuid.uuid4())
        token = new_token()
        tokens[org_id] = token
        orgs.append(
            {
                "id": org_id,
                "name": f"Organisation {n + 1}",
                "sector": rng.choices(sectors, weights=range(len(sectors), 0, -1))[0],
                "size_band": rng.choice(sizes),
                "country": rng.choice(COUNTRIES),
                "created_at": now - timedelta(days=1500),
                "share_with_integrity_office": rng.random() < 0.3,
                "synthetic": False,
                "coordinator_token_hash": hash_token(token),
            }
        )
        maturity = rng.betavariate(2.2, 2.2) * 100
        growth = rng.uniform(-3, 9)
        count = rng.choice((1, 1, 2, 3))
        instruments = [maturity_test, *(ctg if rng.random() < 0.5 else [])]
        profile = {(i.id, d.id): rng.gauss(0, 12) for i in instruments for d in i.dimensions}
        for r in range(count):
            round_id = str(uuid.uuid4())
            round_ids.setdefault(org_id, []).append(round_id)
            if r == count - 1 and len(instruments) > 1:
                every_instrument.append(org_id)
            closed_at = now - timedelta(days=365 * (count - 1 - r) + rng.randint(20, 200))
            respondents = rng.choice((2, *range(4, 30)))
            level = maturity + growth * r
            rounds_.append(
                {
                    "id": round_id,
                    "organisation_id": org_id,
                    "label": f"Self-assessment {closed_at.year}",
                    "status": "closed",
                    "opened_at": closed_at - timedelta(days=30),
                    "closed_at": closed_at,
                    "invite_code_hash": hash_token(new_token()),
                    "control_score": _clip(level + rng.gauss(0, 12)),
                    "enablement_score": _clip(level + rng.gauss(0, 12)),
                    "quadrant": None,
                    "control_respondents": respondents,
                    "enablement_respondents": respondents,
                    "coherent": None,
                    "submitted_count": respondents,
                }
            )
            for position, instrument in enumerate(instruments):
                pinned.append(
                    {
                        "round_id": round_id,
                        "instrument_id": instrument.id,
                        "instrument_version": instrument.version,
                        "position": position,
                    }
                )
                for dimension in instrument.dimensions:
                    offset = profile[(instrument.id, dimension.id)]
                    score = _clip(level + offset + rng.gauss(0, 6))
                    results.append(
                        {
                            "round_id": round_id,
                            "instrument_id": instrument.id,
                            "dimension_id": dimension.id,
                            "organisation_id": org_id,
                            "instrument_version": instrument.version,
                            "score": None if rng.random() < 0.01 else round(score, 4),
                            "level": min(5, int(score // 20) + 1),
                            "respondents": respondents,
                            "role_groups": min(respondents, 5),
                            "dont_know_rate": round(rng.uniform(0, 0.3), 4),
                            "answered": respondents * 6,
                            "answering_respondents": respondents,
                            "closed_at": closed_at,
                        }
                    )
    with database.session() as session:
        for table, rows in (
            (Organisation, orgs),
            (Round, rounds_),
            (RoundInstrument, pinned),
            (DimensionResult, results),
        ):
            for chunk in _chunks(rows):
                session.execute(insert(table), chunk)
    return Population(tokens, round_ids, len(results), every_instrument)


def _clip(value: float) -> float:
    return min(100.0, max(0.0, value))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _time(call: Callable[[], None], times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _line(name: str, spent: list[float]) -> str:
    return (
        f"{name:<44} n={len(spent):>4}  p50 {_percentile(spent, 0.5):7.1f} ms  "
        f"p95 {_percentile(spent, 0.95):7.1f} ms  max {max(spent):7.1f} ms"
    )


def _fresh_postgres(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"smbench_api_{uuid.uuid4().hex[:10]}"
    engine = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(admin_url)).set(database=name).render_as_string(False)

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return url, drop


def run(args: argparse.Namespace, folder: Path) -> int:
    library = default_library()
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if args.postgres_url:
        url, drop = _fresh_postgres(args.postgres_url)
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        return _measure(args, folder, url, library)
    finally:
        drop()


def _measure(args: argparse.Namespace, folder: Path, url: str, library: InstrumentLibrary) -> int:
    started = time.perf_counter()
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        create_demo(session, library, organisations=DEMO_ORGANISATIONS, seed=args.seed)
        office_token = users.create_api_token(session, "bench")
    population = populate(database, library, args.organisations, args.seed)
    database.dispose()
    print(
        f"database: {make_url(url).get_backend_name()}, {args.organisations:,} organisations "
        f"(+{DEMO_ORGANISATIONS} demo), {population.result_rows:,} stored dimension results "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )

    settings = WebSettings(
        database_url=url,
        data_dir=folder / "data",
        secret_key="bench-secret",
        rate_limit_per_minute=1_000_000,
    )
    app = create_app(
        build_root(settings, library=library), stores=build_stores(settings, namespace="bench")
    )
    rng = random.Random(args.seed + 1)
    org_ids = list(population.rounds)
    with_history = [o for o in org_ids if len(population.rounds[o]) > 1]

    def latest() -> tuple[str, str, str]:
        org = rng.choice(org_ids)
        return population.tokens[org], population.rounds[org][-1], rng.choice(PEER_GROUPS)

    def earlier() -> tuple[str, str, str]:
        org = rng.choice(with_history)
        rounds_ = population.rounds[org][:-1]
        return population.tokens[org], rng.choice(rounds_), rng.choice(PEER_GROUPS)

    with TestClient(app) as client:

        def ask(pick: Callable[[], tuple[str, str, str]]) -> Callable[[], None]:
            def call() -> None:
                token, round_id, peers = pick()
                response = client.get(
                    f"/api/rounds/{round_id}/benchmark",
                    params={"peers": peers},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.status_code == 200, response.text
                assert response.json()["dimensions"], response.text

            return call

        def office() -> None:
            response = client.get(
                "/api/benchmarks",
                params={"instrument": "sm-maturity", "by": rng.choice(("sector", "size_band"))},
                headers={"Authorization": f"Bearer {office_token}"},
            )
            assert response.status_code == 200, response.text

        cold = _time(ask(latest), 1)
        # every instrument version's frames are built once, then requests only read them
        primer = population.every_instrument[0]
        token, round_id = population.tokens[primer], population.rounds[primer][-1]
        _time(ask(lambda: (token, round_id, "all")), 1)
        _time(ask(latest), args.warmup)
        timed = _time(ask(latest), args.requests)
        older = _time(ask(earlier), max(args.requests // 4, 10))
        _time(office, 2)
        office_times = _time(office, max(args.requests // 4, 10))

    print(f"first request (builds the cache): {cold[0]:.0f} ms")
    print(_line("GET /api/rounds/{id}/benchmark (latest round)", timed))
    print(_line("GET /api/rounds/{id}/benchmark (earlier round)", older))
    print(_line("GET /api/benchmarks (integrity office)", office_times))
    p95 = _percentile(timed, 0.95)
    met = p95 < TARGET_P95_MS
    verdict = "met" if met else "MISSED"
    print(
        f"target: p95 < {TARGET_P95_MS:.0f} ms: {verdict} "
        f"(p50 {statistics.median(timed):.1f} ms, p95 {p95:.1f} ms)"
    )
    return 0 if met or not args.strict else 1


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="bench.bench_api", description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args, _unknown = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        return run(args, Path(folder))


if __name__ == "__main__":
    raise SystemExit(main())
