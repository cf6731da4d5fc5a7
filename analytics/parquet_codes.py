"""A Parquet file's text columns read as codes, without decoding a row's text.

Parquet stores a text column as a small dictionary of values per row group and an
index per row into it. Reading it as text and then casting to an enum or category
hashes every row's text (about 0.2 s of CPU per column at 11 million rows); here each
row group's dictionary is cast instead (a few thousand values) and its codes gathered
by the indices. A column stored without a dictionary is dictionary-encoded by the
reader, which costs what the cast would.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 1 << 20


def _coded(column: pa.Array | pa.ChunkedArray, dtype: pl.DataType) -> pl.Series | None:
    """The column as ``dtype`` (an enum or a category); None when a stored value is no
    member of the enum."""
    dictionary = pl.Series(column.dictionary).cast(pl.String)
    codes = dictionary.cast(dtype, strict=False)
    if codes.null_count() > dictionary.null_count():
        return None
    return codes.gather(pl.Series(column.indices))


def read_coded(path: Path, types: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """The columns of ``types``: text columns (enums and categories) coded, a column
    whose enum has no categories yet as an enum of the values the file holds (sorted),
    the others cast to their types; None when a value is no member of its enum.
    Raises OSError or ``pyarrow.ArrowException`` for a file that cannot be read."""
    text = {c: t for c, t in types.items() if isinstance(t, pl.Enum | pl.Categorical)}
    numbers = {c: t for c, t in types.items() if c not in text}
    parquet = pq.ParquetFile(path, read_dictionary=list(text))
    open_enums = [c for c, t in text.items() if isinstance(t, pl.Enum) and not t.categories.len()]
    held: dict[str, list[pa.DictionaryArray]] = {c: [] for c in open_enums}
    parts: list[pl.DataFrame] = []
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=list(types)):
        columns = {}
        for name, category in text.items():
            if name in held:
                held[name].append(batch.column(name))
                continue
            coded = _coded(batch.column(name), category)
            if coded is None:
                return None
            columns[name] = coded.alias(name)
        for name, number in numbers.items():
            columns[name] = pl.Series(name, batch.column(name)).cast(number)
        parts.append(pl.DataFrame(columns))
    if not parts:
        return pl.DataFrame(schema=dict(types))
    frame = pl.concat(parts, rechunk=False)
    del parts
    for name, chunks in held.items():
        values = pl.concat(pl.Series(c.dictionary).cast(pl.String) for c in chunks)
        members = pl.Enum(values.drop_nulls().unique().sort())
        coded_chunks = [_coded(chunk, members) for chunk in chunks]
        frame = frame.with_columns(
            pl.concat([c for c in coded_chunks if c is not None], rechunk=False).alias(name)
        )
    # the pages of the decoded batches go back to the system (Arrow's pool is the
    # system allocator, see ``survey/__init__.py``; this trims its heap)
    pa.default_memory_pool().release_unused()
    return frame.select(*types)
