"""The load benchmark in its short form: real server processes, whole journeys, no errors.

``python -m bench load`` (``make bench``) runs the full form: 200 respondents for 60 s
against PostgreSQL with two workers and against SQLite with one. Here 20 respondents
for a few seconds prove that the same run works end to end and that nothing fails.
"""

from __future__ import annotations

import os

import pytest

from bench import bench_load

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")

pytestmark = pytest.mark.timeout(180)


def _check(outcome: bench_load.Outcome) -> None:
    assert outcome.errors == 0, [
        sample
        for stats in (outcome.health, outcome.saturated, outcome.paced)
        if stats is not None
        for sample in bench_load.error_samples(stats)
    ]
    assert outcome.completed > 0
    for stats in (outcome.saturated, outcome.paced):
        assert stats is not None
        assert stats.figures("start").count > 0
        assert stats.figures("save-page").count > 0
    assert outcome.paced.figures("submit").count == outcome.completed
    assert outcome.health.figures("health").count > 0
    assert outcome.ratio > 0


@pytest.mark.parametrize(
    "target",
    [
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set"),
            ],
        ),
    ],
)
def test_short_load_has_no_errors(target, capsys):
    argv = ["--short", f"--targets={target}"]
    if POSTGRES_URL:
        argv.append(f"--postgres-url={POSTGRES_URL}")
    if REDIS_URL:
        argv.append(f"--redis-url={REDIS_URL}")
    options = bench_load.parse(argv)
    outcome = bench_load.run_target(target, options)
    bench_load.report(outcome, options)
    assert "save-page / health throughput" in capsys.readouterr().out
    _check(outcome)
    if target == "postgres":
        assert "2 worker(s)" in outcome.target
