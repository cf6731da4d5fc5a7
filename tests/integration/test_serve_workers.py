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


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def workers_of(server: Server) -> list[int]:
    """The server's worker processes (uvicorn's spawn also starts a resource tracker,
    which holds no socket)."""
    assert server.process is not None
    return [pid for pid in children(server.process.pid) if _sockets_of(pid)]


def _sockets_of(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            link = os.readlink(fd)
            if link.startswith("socket:["):
                inodes.add(int(link[8:-1]))
    except OSError:
        pass
    return inodes


def holders(server_port: int, client_ports: list[int], pids: list[int]) -> Counter[int]:
    """How many of the clients' connections each process holds, from /proc/net/tcp."""
    owner = {inode: pid for pid in pids for inode in _sockets_of(pid)}
    wanted = set(client_ports)
    held: Counter[int] = Counter()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        inode = int(fields[9])
        if local_port == server_port and remote_port in wanted and inode in owner:
            held[owner[inode]] += 1
    return held


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
    connections = keep_alive_connections(server.port, CONNECTIONS)
    try:
        held = holders(server.port, [c.getsockname()[1] for c in connections], pids)
    finally:
        for conn in connections:
            conn.close()
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
    connections = keep_alive_connections(server.port, CONNECTIONS)
    try:
        held = holders(server.port, [c.getsockname()[1] for c in connections], pids)
    finally:
        for conn in connections:
            conn.close()
    assert held[replacement] >= FEWEST, held


def test_sigterm_stops_every_process(server: Server):
    assert server.process is not None
    pids = workers_of(server)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(30) == 0
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid), pid


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


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
