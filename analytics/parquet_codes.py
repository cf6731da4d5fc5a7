"""A Parquet file's text columns read as codes, without decoding a row's text.

Parquet stores a text column as a small dictionary of values per row group and an
index per row into it. Reading it as text and then casting to an enum or category
hashes every row's text (about 0.2 s of CPU per column at 11 million rows); here each
row group's dictionary is cast instead (a few thousand values) and its codes gathered
by the indices. A column stored without a dictionary is dictionary-encoded by the
reader, which costs what the cast would.

The row groups are read in as many contiguous runs as there are processors, one
thread each (Arrow's decoding and Polars' gathers release the interpreter), and the
runs joined in file order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 1 << 20


class _NotMember(Exception):
    """A stored value that is no member of its column's enum."""


def _coded(column: pa.Array | pa.ChunkedArray, dtype: pl.DataType) -> pl.Series:
    """The column as ``dtype`` (an enum or a category); _NotMember when a stored value is
    no member of the enum."""
    dictionary = pl.Series(column.dictionary).cast(pl.String)
    codes = dictionary.cast(dtype, strict=False)
    if codes.null_count() > dictionary.null_count():
        raise _NotMember
    return codes.gather(pl.Series(column.indices))


@dataclass
class _Run:
    """The frames of one run of row groups, and the chunks of its open enums' columns."""

    parts: list[pl.DataFrame] = field(default_factory=list)
    held: dict[str, list[pa.DictionaryArray]] = field(default_factory=dict)


def _read_run(
    path: Path, row_groups: Sequence[int], types: Mapping[str, pl.DataType], open_enums: list[str]
) -> _Run:
    text = {c: t for c, t in types.items() if isinstance(t, pl.Enum | pl.Categorical)}
    parquet = pq.ParquetFile(path, read_dictionary=list(text))
    run = _Run(held={c: [] for c in open_enums})
    batches = parquet.iter_batches(
        batch_size=BATCH_ROWS, row_groups=row_groups, columns=list(types), use_threads=False
    )
    for batch in batches:
        columns = {}
        for name, dtype in types.items():
            if name in run.held:
                run.held[name].append(batch.column(name))
            elif name in text:
                columns[name] = _coded(batch.column(name), dtype).alias(name)
            else:
                columns[name] = pl.Series(name, batch.column(name)).cast(dtype)
        run.parts.append(pl.DataFrame(columns))
    return run


def _runs(row_groups: int, workers: int) -> list[range]:
    """``row_groups`` split into at most ``workers`` contiguous runs of near-equal length."""
    count = max(1, min(workers, row_groups))
    bounds = [row_groups * n // count for n in range(count + 1)]
    return [range(start, end) for start, end in pairwise(bounds)]


def read_coded(path: Path, types: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """The columns of ``types``: text columns (enums and categories) coded, a column
    whose enum has no categories yet as an enum of the values the file holds (sorted),
    the others cast to their types; None when a value is no member of its enum.
    Raises OSError or ``pyarrow.ArrowException`` for a file that cannot be read."""
    open_enums = [c for c, t in types.items() if isinstance(t, pl.Enum) and not t.categories.len()]
    row_groups = pq.ParquetFile(path).metadata.num_row_groups
    runs = _runs(row_groups, os.cpu_count() or 1)
    try:
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            done = list(pool.map(lambda run: _read_run(path, run, types, open_enums), runs))
    except _NotMember:
        return None
    parts = [part for run in done for part in run.parts]
    if not parts:
        return pl.DataFrame(schema=dict(types))
    frame = pl.concat(parts, rechunk=False)
    del parts
    for name in open_enums:
        chunks = [chunk for run in done for chunk in run.held[name]]
        values = pl.concat(pl.Series(c.dictionary).cast(pl.String) for c in chunks)
        members = pl.Enum(values.drop_nulls().unique().sort())
        frame = frame.with_columns(
            pl.concat([_coded(chunk, members) for chunk in chunks], rechunk=False).alias(name)
        )
    del done
    # the pages of the decoded batches go back to the system (Arrow's pool is the
    # system allocator, see ``survey/__init__.py``; this trims its heap)
    pa.default_memory_pool().release_unused()
    return frame.select(*types)
