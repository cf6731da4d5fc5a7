"""``survey serve --workers N``: each worker accepts on a socket of its own (cli/workers.py).

Real server processes on a free loopback port: which worker holds which connection is
read from the kernel (/proc), not from the app. The workers share the connections, a
worker killed with SIGKILL is replaced on the same socket, SIGTERM stops every process,
and a port that is taken is a clear error.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.loadgen import LOOPBACK, PROJECT_ROOT, Server, fresh_sqlite
from bench.workers import connections_per_worker, worker_pids

pytestmark = [pytest.mark.timeout(240), pytest.mark.xdist_group("serve-workers")]

WORKERS = 2
CONNECTIONS = 40
FEWEST = 8
"""Fewest of the 40 connections each worker holds: under a fair hash a worker gets
fewer than 8 with a probability of about 1 in 100,000 (binomial, n=40, p=1/2)."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with (
        fresh_sqlite(tmp_path / "db") as url,
        Server(url, data_dir=tmp_path / "data", workers=WORKERS) as running,
    ):
        yield running


def workers_of(server: Server) -> list[int]:
    assert server.process is not None
    return worker_pids(server.process.pid)


def held_by(server: Server) -> Counter[int]:
    assert server.process is not None
    return connections_per_worker(server.process.pid, server.port)


def spread(server: Server) -> Counter[int]:
    """Open 40 keep-alive connections, each answered once: how many each worker holds."""
    connections = keep_alive_connections(server.port, CONNECTIONS)
    try:
        return held_by(server)
    finally:
        for conn in connections:
            conn.close()


def keep_alive_connections(port: int, count: int) -> list[socket.socket]:
    """``count`` connections, each having been answered once (so a worker accepted it)."""
    connections = []
    for _ in range(count):
        conn = socket.create_connection((LOOPBACK, port), timeout=60)
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        connections.append(conn)
    return connections


def test_the_workers_share_the_connections(server: Server):
    pids = workers_of(server)
    assert len(pids) == WORKERS
    held = spread(server)
    assert sum(held.values()) == CONNECTIONS
    assert min(held[pid] for pid in pids) >= FEWEST, held


def test_a_killed_worker_is_replaced_on_its_socket(server: Server):
    victim, survivor = workers_of(server)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pids = workers_of(server)
        if len(pids) == WORKERS and victim not in pids:
            break
        time.sleep(0.2)
    assert survivor in pids and len(pids) == WORKERS, pids
    [replacement] = set(pids) - {survivor}
    # A new connection hashed to the dead worker's socket waits for its replacement, so
    # every one of them is answered, and the replacement takes its share.
    held = spread(server)
    assert held[replacement] >= FEWEST, held


def test_sigterm_stops_every_process(server: Server):
    assert server.process is not None
    pids = workers_of(server)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(30) == 0
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), pid


def test_a_port_in_use_is_a_clear_error(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with fresh_sqlite(tmp_path / "db") as url:
            env = Server(url, data_dir=tmp_path / "data").environment()
            command = ["serve", "--host", LOOPBACK, "--port", str(port), "--workers", "2"]
            done = subprocess.run(
                [sys.executable, "-m", "cli", *command],
                cwd=PROJECT_ROOT,
                env={**env, "LANG": "C.UTF-8"},
                capture_output=True,
                text=True,
                timeout=120,
            )
    assert done.returncode == 1
    assert f"cannot listen on {LOOPBACK}:{port}: " in done.stderr
    assert "Address already in use" in done.stderr
