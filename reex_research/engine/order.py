"""Row order: cached and fresh rows merged into file order, and cheap row selection."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from . import columnar

MAX_SLICES = 1000
"""Above this many runs of consecutive rows, selecting rows copies them instead of slicing."""


def combine(cached: dict[str, pa.Table] | None, fresh: dict[str, pa.Table],
            keys: list[str]) -> dict[str, pa.Table]:
    """Cached and fresh rows together, in the order of the files (as a fresh load gives them)."""
    if not cached:
        return fresh
    order = pa.array(keys, type=pa.string())
    out = {}
    for table in schema.ROW_TABLES:
        both = columnar.concat(table, [cached[table], fresh[table]])
        if both.num_rows > 1:
            both = _in_file_order(both, _positions(both["_key"], order))
        out[table] = both
    return out


def select_rows(data: pa.Table, rows: np.ndarray) -> pa.Table:
    """``data.take(rows)``, but runs of consecutive rows are sliced rather than copied when few."""
    if len(rows) == data.num_rows and not (np.diff(rows) != 1).any():
        return data
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    if len(breaks) >= MAX_SLICES or not len(rows):
        return data.take(rows)
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(rows)]))
    return pa.concat_tables([data.slice(int(rows[s]), int(e - s)) for s, e in zip(starts, ends)])


def _positions(keys: pa.ChunkedArray, order: pa.Array) -> np.ndarray:
    """Where each row's key stands in ``order``: looked up once per distinct key of each chunk."""
    parts = []
    for chunk in keys.chunks:
        if pa.types.is_dictionary(chunk.type):
            where = pc.index_in(chunk.dictionary, value_set=order).to_numpy(zero_copy_only=False)
            parts.append(where[chunk.indices.to_numpy(zero_copy_only=False)])
        else:
            parts.append(pc.index_in(chunk, value_set=order).to_numpy(zero_copy_only=False))
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _in_file_order(data: pa.Table, position: np.ndarray) -> pa.Table:
    """Rows stably sorted by their file's ``position``."""
    if not (np.diff(position) < 0).any():
        return data
    return select_rows(data, np.argsort(position, kind="stable"))
