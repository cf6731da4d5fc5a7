"""The state that every worker shares: login sessions and rate-limit counters.

Redis when ``REDIS_URL`` is set (any number of workers on any number of hosts),
otherwise files under ``DATA_DIR`` (any number of workers on one host). Nothing
here lives only in one worker's memory.

Sessions use Litestar's ``Store`` (``RedisStore`` or ``FileStore``). Rate limits
need an atomic "add one and tell me the count", which the ``Store`` interface
cannot give (a read followed by a write loses hits when two workers interleave),
so each backend has a small counter next to its store: ``INCR`` in Redis, a
file locked with ``flock`` on disk.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import anyio.to_thread
from litestar.stores.base import NamespacedStore, Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import BlockingConnectionPool, Redis

from web.settings import WebSettings

SESSIONS = "sessions"
DEFAULT_NAMESPACE = "smbench"
# Per worker: requests beyond this many at once wait (up to REDIS_WAIT seconds) for a
# Redis connection instead of failing (redis-py's default pool refuses the 101st).
REDIS_CONNECTIONS = 50
REDIS_WAIT = 10.0


@dataclass(frozen=True)
class Hit:
    """One counted request: how many fell in the current window, and when it ends."""

    count: int
    reset_in: int


class Counter(Protocol):
    async def hit(self, key: str, window: int) -> Hit:
        """Count one request for ``key`` in the current fixed window of ``window`` seconds."""
        ...

    async def peek(self, key: str, window: int) -> Hit:
        """The count of ``key`` in the current window, without counting."""
        ...

    async def prune(self) -> None:
        """Forget windows that have ended."""
        ...


def current_window(window: int) -> tuple[int, int]:
    """The start of the current fixed window of ``window`` seconds, and the seconds left in it."""
    now = time.time()
    start = int(now // window) * window
    return start, max(1, int(start + window - now))


class RedisCounter:
    """Fixed-window counters as Redis keys that expire with their window."""

    def __init__(self, redis: Redis, namespace: str):
        self._redis = redis
        self._namespace = namespace

    async def hit(self, key: str, window: int) -> Hit:
        start, reset_in = current_window(window)
        name = f"{self._namespace}:{key}:{window}:{start}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window + 1)
            count, _ = await pipe.execute()
        return Hit(int(count), reset_in)

    async def peek(self, key: str, window: int) -> Hit:
        start, reset_in = current_window(window)
        count = await self._redis.get(f"{self._namespace}:{key}:{window}:{start}")
        return Hit(int(count or 0), reset_in)

    async def prune(self) -> None:
        """Nothing to do: every key expires with its window."""


class FileCounter:
    """Fixed-window counters in files, each updated under an exclusive ``flock``."""

    MAX_AGE = 2 * 86400

    def __init__(self, path: Path):
        self.path = path

    async def hit(self, key: str, window: int) -> Hit:
        return await anyio.to_thread.run_sync(self._hit, key, window)

    async def peek(self, key: str, window: int) -> Hit:
        return await anyio.to_thread.run_sync(self._peek, key, window)

    def _file(self, key: str, window: int) -> Path:
        return self.path / hashlib.blake2s(f"{key}:{window}".encode()).hexdigest()

    @staticmethod
    def _count(fd: int, start: int) -> int:
        stored = os.read(fd, 64).decode("ascii", "replace").split()
        if len(stored) == 2 and stored[0] == str(start) and stored[1].isdigit():
            return int(stored[1])
        return 0

    def _hit(self, key: str, window: int) -> Hit:
        start, reset_in = current_window(window)
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._file(key, window), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            count = self._count(fd, start) + 1
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f"{start} {count}".encode("ascii"))
        finally:
            os.close(fd)  # also releases the lock
        return Hit(count, reset_in)

    def _peek(self, key: str, window: int) -> Hit:
        start, reset_in = current_window(window)
        try:
            fd = os.open(self._file(key, window), os.O_RDONLY)
        except FileNotFoundError:
            return Hit(0, reset_in)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            return Hit(self._count(fd, start), reset_in)
        finally:
            os.close(fd)

    async def prune(self) -> None:
        await anyio.to_thread.run_sync(self._prune)

    def _prune(self) -> None:
        if not self.path.is_dir():
            return
        cutoff = time.time() - self.MAX_AGE
        for entry in self.path.iterdir():
            try:
                if entry.stat().st_mtime < cutoff:
                    entry.unlink()
            except FileNotFoundError:
                continue


@dataclass(frozen=True)
class SharedStores:
    """The stores one app uses; built once by the composition root."""

    root: NamespacedStore
    sessions: Store
    counter: Counter
    close: Callable[[], Awaitable[None]]

    def registry(self) -> StoreRegistry:
        """Named stores for Litestar; any other name gets its own part of the shared store."""
        return StoreRegistry({SESSIONS: self.sessions}, default_factory=self.namespaced)

    def namespaced(self, name: str) -> Store:
        return self.root.with_namespace("".join(c for c in name if c.isalnum()) or "default")

    async def clean_up(self) -> None:
        """Drop expired sessions and ended rate-limit windows (Redis expires them itself)."""
        if isinstance(self.sessions, FileStore):
            await self.sessions.delete_expired()
        await self.counter.prune()


async def _nothing() -> None:
    return None


def build_stores(settings: WebSettings, *, namespace: str = DEFAULT_NAMESPACE) -> SharedStores:
    """Redis when ``settings.redis_url`` is set, else files under ``settings.data_dir``.

    ``namespace`` separates apps that share one Redis (tests use one per test).
    """
    if settings.redis_url:
        redis = Redis.from_pool(
            BlockingConnectionPool.from_url(
                settings.redis_url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT
            )
        )
        redis_root = RedisStore(redis, namespace=namespace)
        return SharedStores(
            root=redis_root,
            sessions=redis_root.with_namespace(SESSIONS),
            counter=RedisCounter(redis, f"{namespace}_limits"),
            close=redis.aclose,
        )
    path = Path(settings.data_dir) / "store" / namespace
    (path / "kv" / SESSIONS).mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    root = FileStore(path / "kv", create_directories=True)
    return SharedStores(
        root=root,
        sessions=root.with_namespace(SESSIONS),
        counter=FileCounter(path / "limits"),
        close=_nothing,
    )
