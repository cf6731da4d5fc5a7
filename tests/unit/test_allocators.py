"""The command line sets the allocators before Polars and Arrow load (survey/__init__.py)."""

import json
import os
import subprocess
import sys

PROBE = """
import json, os
import cli, analytics.batch
import pyarrow as pa
print(json.dumps([os.environ["_RJEM_MALLOC_CONF"], pa.default_memory_pool().backend_name]))
"""


def test_cli_sets_allocators_before_polars_and_arrow_load() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("_RJEM_MALLOC_CONF", "ARROW_DEFAULT_MEMORY_POOL")
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    jemalloc, pool = json.loads(done.stdout.splitlines()[-1])
    # jemalloc reads its options left to right, the last one of a name wins
    assert jemalloc.endswith("dirty_decay_ms:250,muzzy_decay_ms:0")
    assert pool == "system"
