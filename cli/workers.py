"""Several uvicorn workers, each accepting connections on a listening socket of its own.

uvicorn's own supervisor hands one socket to every worker, and a keep-alive connection
stays with the worker that won the race to accept it: under load one of two workers
held 42 or 48 of 50 connections for a whole phase while the other idled, and the
saves' p99 doubled (docs/scaling.md, "The web tier under load"). Here every worker
gets a socket of its own on the same address (``SO_REUSEPORT``, Linux), and the kernel
spreads new connections over the sockets by a hash of their addresses.

The supervisor is uvicorn's in miniature, built from its worker processes: it starts
one worker per socket, replaces a worker that dies or stops answering its health
check on the same socket (connections the kernel queued there wait for the
replacement), stops for good when a worker fails before it started serving (a broken
app would fail the same way again), and stops every worker on SIGINT or SIGTERM (other
signals keep the disposition they came with: ``nohup`` still works). The parent keeps
the sockets open for its whole life.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Process

logger = logging.getLogger("uvicorn.error")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
CHECK_EVERY = 0.5
"""Seconds between two rounds of health checks, as in uvicorn."""


def shared_port_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """``count`` listening sockets on one address, each with an accept queue of its own.

    With port 0 the first socket's port, chosen by the system, is taken by the others.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Workers:
    """One uvicorn worker process per socket, kept alive until a stop signal."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        self.processes: list[Process] = []
        self.should_exit = threading.Event()
        self.failed = False

    def run(self) -> bool:
        """Serve until stopped; whether every worker could start."""
        for stop in STOP_SIGNALS:
            signal.signal(stop, lambda *_: self.should_exit.set())
        logger.info("Started parent process [%d]", os.getpid())
        self.processes = [self._start(sock) for sock in self.sockets]
        while not self.should_exit.wait(CHECK_EVERY):
            self._replace_the_dead()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        logger.info("Stopping parent process [%d]", os.getpid())
        return not self.failed

    def _start(self, sock: socket.socket) -> Process:
        process = Process(self.config, [sock])
        process.start()
        return process

    def _replace_the_dead(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Child process [%s] failed to start, stopping.", process.pid)
                self.failed = True
                self.should_exit.set()
            if self.should_exit.is_set():
                return
            logger.info("Child process [%s] died, starting another", process.pid)
            self.processes[index] = self._start(self.sockets[index])
