"""The server is SIGKILLed in the middle of the load and restarted on the same database.

Respondents keep answering through a ``python -m cli serve`` subprocess; a third
into the load the whole process group gets SIGKILL (no shutdown, no flush), and the
server is started again on the same database. The clients wait, resume with their
respondent tokens (``GET /api/responses/{id}``), re-save the pages the server does not
hold and submit. Then the database is compared with every answer and submit that a
client saw acknowledged (see :func:`bench.loadgen.verify`): nothing acknowledged may
be missing, and no response may be half-submitted.

The longer form runs in ``make bench`` (``python -m bench load --kill``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.loadgen import Load, LoadOptions, Server, prepare, setup_client, verify

RESPONDENTS = 12
DURATION = 6.0
KILL_AFTER = 2.0
THINK = 0.02
SETTINGS = {"RATE_LIMIT_PER_MINUTE": "1000000", "REGISTRATION_LIMIT_PER_HOUR": "1000"}

pytestmark = pytest.mark.timeout(240)


async def _load_with_a_kill(server: Server) -> tuple[Load, dict[str, int], list[str]]:
    async with setup_client(server.base_url) as client:
        scenario = await prepare(client)
    load = Load(
        server.base_url,
        scenario,
        LoadOptions(
            respondents=RESPONDENTS,
            duration=DURATION,
            think=THINK,
            resilient=True,
            finish=True,
            grace=150.0,
        ),
    )
    events: list[str] = []

    async def kill_and_restart() -> None:
        await asyncio.sleep(KILL_AFTER)
        acknowledged = sum(len(j.acknowledged) for j in load.journeys)
        events.append(f"killed with {acknowledged} answers acknowledged")
        await asyncio.to_thread(server.kill)
        await asyncio.to_thread(server.start)
        events.append("restarted")

    killer = asyncio.create_task(kill_and_restart())
    await load.run()
    await killer
    return load, scenario.item_counts(), events


def test_acknowledged_answers_survive_a_sigkill(db_url: str, tmp_path: Path):
    server = Server(db_url, data_dir=tmp_path / "data", settings=SETTINGS)
    try:
        server.start()
        load, item_counts, events = asyncio.run(_load_with_a_kill(server))
    finally:
        server.stop()
    stats, journeys = load.stats, load.journeys
    assert events[-1] == "restarted", events
    assert not stats.error_count, dict(stats.errors)
    # the kill hit the load: requests failed, and respondents resumed with their tokens
    assert sum(stats.unavailable.values()) > 0, "the kill did not interrupt any request"
    assert sum(j.resumed for j in journeys) > 0
    assert stats.figures("resume").count > 0
    # every journey under way finished after the restart
    started = [j for j in journeys if j.response_id is not None]
    assert started and all(j.completed and j.submitted for j in started), [
        (j.number, j.pages_saved, j.submitted) for j in started if not j.completed
    ]
    verdict = verify(db_url, journeys, item_counts=item_counts)
    assert verdict.ok, "\n".join(verdict.problems[:20])
    assert verdict.acknowledged_submits == len(started)
    # (fewer answers than items may be acknowledged: a save that committed just before
    # the kill was never acknowledged, and the resumed client found it held)
    assert 0 < verdict.acknowledged_answers <= sum(item_counts[j.role] for j in started)
