"""The domain: organisations, rounds, respondents, answers, scoring; models, services, CLI."""

import os

# Polars' allocator (jemalloc) keeps freed pages for 0.5 s (dirty) and 1 s (muzzy) before
# returning them; returning them after 0.25 s keeps `survey analyse --items` near 0.85 GB
# instead of 1.0 GB at 11.25 M answers, at the same speed (README, "Performance"). It
# must be set before Polars is imported; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:250,muzzy_decay_ms:0")
# Arrow's default pool (mimalloc) keeps the pages its Parquet reader threads freed for
# their next allocation, which never comes: about 0.2 GB more for the whole of
# `survey analyse --items` at 11.25 M answers, even after ``release_unused``. The
# system allocator returns large blocks at once. Read when Arrow first allocates.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
