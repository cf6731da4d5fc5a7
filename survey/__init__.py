"""The domain: organisations, rounds, respondents, answers, scoring; models, services, CLI."""

import os

# Both allocators read these when Polars and Arrow are imported, so this package must be
# imported first (the command line does, see ``cli/__init__.py``; Polars otherwise sets
# its own); an operator's own setting wins. Pinned by tests/unit/test_allocators.py.
#
# Polars' allocator (jemalloc) keeps freed pages for 0.5 s (dirty) and 1 s (muzzy) before
# returning them; here after 0.25 s. Arrow's default pool (mimalloc) keeps the pages its
# Parquet reader threads freed for their next allocation, which never comes; the system
# allocator returns them. Together about 0.1 GB less peak for `survey analyse --items`
# at 11.25 M answers, at the same CPU time (README, "Performance"; docs/scaling.md).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:250,muzzy_decay_ms:0")
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
