"""Per-file rows as Arrow tables: how they travel, are cached and become pandas dataframes.

Worker processes turn the column lists of the files they processed into one Arrow table per
table (:func:`to_arrow`); the parent concatenates them, the cache stores them as Arrow files and the
Dask engine writes them as Parquet dataset parts, all without touching a Python object per value. Only
:func:`to_pandas` builds dataframes, once per table, with the dtypes of :mod:`reex_research.schema`,
so a fresh load, a cached reload and a Dask run give identical frames by construction.

Row tables carry two private columns the corpus layer uses and drops: ``_key`` (the file's content
key) and ``_doc`` (one document of that file: ``key:line``), dictionary-encoded: a file's or a
document's rows share one entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema

if TYPE_CHECKING:
    from ..pipeline import FileOutput

PRIVATE = ("_key", "_doc")

_ARROW_TYPES = {
    schema.STR: pa.string(),
    schema.INT: pa.int64(),
    schema.OPT_INT: pa.int64(),
    schema.FLOAT: pa.float64(),
    schema.BOOL: pa.bool_(),
    schema.DATE: pa.date32(),
}
PRIVATE_TYPE = pa.dictionary(pa.int32(), pa.string())
_FIRST_DAY, _LAST_DAY = np.datetime64("1678-01-01"), np.datetime64("2261-12-31")  # datetime64[ns] range


@lru_cache(maxsize=None)
def row_columns(table: str) -> tuple[str, ...]:
    """Columns a row table is gathered with: its schema (less corpus-level columns) and PRIVATE."""
    return (*schema.row_columns(table), *PRIVATE)


def repeat_runs(values: Sequence[str], counts: Sequence[int]) -> pa.Array:
    """``values[i]`` repeated ``counts[i]`` times, in order, as a dictionary-encoded text array."""
    indices = np.repeat(np.arange(len(values), dtype=np.int32), np.asarray(counts, dtype=np.int64))
    return pa.DictionaryArray.from_arrays(pa.array(indices, type=pa.int32()), pa.array(values, type=pa.string()))


def _dtypes(table: str) -> dict[str, str]:
    if table in schema.INTERNAL_ROWS:
        types = dict.fromkeys(schema.INTERNAL_ROWS[table], schema.STR)
    else:
        types = dict(schema.SCHEMAS[table])
    types.update(dict.fromkeys(PRIVATE, schema.STR))
    return types


@lru_cache(maxsize=None)
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a row table (see :func:`row_columns`)."""
    types = _dtypes(table)
    return pa.schema([pa.field(name, PRIVATE_TYPE if name in PRIVATE else _ARROW_TYPES[types[name]])
                      for name in row_columns(table)])


def to_arrow(table: str, columns: Mapping[str, Sequence]) -> pa.Table:
    """One Arrow table from gathered column lists (every column of :func:`row_columns`)."""
    target = arrow_schema(table)
    arrays = []
    for field in target:
        values = columns[field.name]
        arrays.append(values if isinstance(values, pa.Array) else pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=target)


def to_stream(table: pa.Table) -> pa.Buffer:
    """``table`` as one Arrow IPC stream (its buffers written once, in one piece)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def from_stream(stream: pa.Buffer) -> pa.Table:
    """The table :func:`to_stream` wrote (its columns share ``stream``'s memory)."""
    return pa.ipc.open_stream(stream).read_all()


def empty_arrow(table: str) -> pa.Table:
    """A row table with no rows."""
    return arrow_schema(table).empty_table()


def concat(table: str, parts: Sequence[pa.Table]) -> pa.Table:
    """The parts of one row table, in order, as one table."""
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return empty_arrow(table)
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def to_pandas(table: str, data: pa.Table, *, private: bool = False) -> pd.DataFrame:
    """A row table as a dataframe with the schema's dtypes (``private``: keep ``_key``/``_doc``)."""
    types = _dtypes(table)
    names = [n for n in row_columns(table) if private or n not in PRIVATE]
    out = {}
    for name in names:
        out[name] = _column(data.column(name), types[name])
    return pd.DataFrame(out, index=pd.RangeIndex(data.num_rows))


def _column(values: pa.ChunkedArray, dtype: str):
    if dtype == schema.STR:
        if pa.types.is_dictionary(values.type):
            values = values.cast(pa.string())
        return pd.arrays.ArrowStringArray(values)
    if dtype == schema.DATE:
        days = values.to_numpy(zero_copy_only=False).astype("datetime64[D]")
        days[(days < _FIRST_DAY) | (days > _LAST_DAY)] = np.datetime64("NaT")
        return days.astype(schema.DATE)
    if dtype == schema.OPT_INT:
        return pd.array(values.to_pandas(), dtype=schema.OPT_INT)
    return values.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def to_tables(outputs: list[FileOutput]) -> dict[str, pa.Table]:
    """The rows of many files, in order, as one Arrow table per row table."""
    merged: dict[str, dict[str, list]] = {t: {c: [] for c in schema.row_columns(t)} for t in schema.ROW_TABLES}
    runs: dict[str, list[tuple[str, str, int]]] = {t: [] for t in schema.ROW_TABLES}
    for output in outputs:
        for table, columns in output.columns.items():
            target = merged[table]
            for name, values in columns.items():
                target[name].extend(values)
        for table, doc_runs in output.runs.items():
            runs[table].extend((output.key, doc, count) for doc, count in doc_runs)
    out = {}
    for table, columns in merged.items():
        keys, docs, counts = zip(*runs[table]) if runs[table] else ((), (), ())
        columns["_key"] = repeat_runs(keys, counts)
        columns["_doc"] = repeat_runs(docs, counts)
        out[table] = to_arrow(table, columns)
    return out
