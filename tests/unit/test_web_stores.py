"""The shared store: atomic rate-limit counters on files and in Redis, store selection."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore

from web.settings import WebSettings
from web.stores import FileCounter, build_stores

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _hit(path: str, key: str) -> int:
    return anyio.run(FileCounter(Path(path)).hit, key, 3600).count


def test_file_counter_counts_per_key_and_window(tmp_path):
    counter = FileCounter(tmp_path)

    async def run():
        return [await counter.hit("a", 60) for _ in range(3)], await counter.hit("b", 60)

    counts, other = anyio.run(run)
    assert [h.count for h in counts] == [1, 2, 3]
    assert other.count == 1
    assert 1 <= counts[-1].reset_in <= 60


def test_file_counter_loses_no_hit_across_processes(tmp_path):
    """Several workers (processes) hitting the same key at once: every hit is counted."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        counts = pool.starmap(_hit, [(str(tmp_path), "shared")] * 40)
    assert sorted(counts) == list(range(1, 41))


def test_file_counter_loses_no_hit_across_threads(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: _hit(str(tmp_path), "k"), range(50)))
    assert sorted(counts) == list(range(1, 51))


def test_file_counter_prune_removes_old_windows(tmp_path):
    counter = FileCounter(tmp_path)
    anyio.run(counter.hit, "old", 60)
    [path] = list(tmp_path.iterdir())
    os.utime(path, (0, 0))
    anyio.run(counter.prune)
    assert not path.exists()


def test_file_stores_without_redis(tmp_path):
    stores = build_stores(WebSettings(data_dir=tmp_path, redis_url=None))
    assert isinstance(stores.sessions, FileStore)
    assert isinstance(stores.counter, FileCounter)
    assert Path(stores.sessions.path).is_relative_to(tmp_path)
    other = stores.registry().get("response_cache")
    assert isinstance(other, FileStore)
    assert Path(other.path).is_relative_to(tmp_path)

    async def roundtrip():
        await stores.sessions.set("k", b"v", expires_in=60)
        return await stores.sessions.get("k")

    assert anyio.run(roundtrip) == b"v"


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_redis_stores_and_atomic_counter():
    namespace = f"unit{uuid.uuid4().hex}"

    async def run():
        stores = build_stores(WebSettings(redis_url=REDIS_URL), namespace=namespace)
        assert isinstance(stores.sessions, RedisStore)
        try:
            with anyio.fail_after(10):
                async with anyio.create_task_group() as tg:
                    counts: list[int] = []

                    async def hit():
                        counts.append((await stores.counter.hit("k", 60)).count)

                    for _ in range(30):
                        tg.start_soon(hit)
            await stores.sessions.set("s", b"data", expires_in=60)
            return counts, await stores.sessions.get("s"), await stores.root.exists("s")
        finally:
            await stores.root.delete_all()
            await stores.close()

    counts, value, at_root = anyio.run(run)
    assert sorted(counts) == list(range(1, 31))
    assert value == b"data"
    assert at_root is False  # sessions live in their own namespace
