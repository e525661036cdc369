"""The local engine: the per-file pipeline in this process, or in forked worker processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa

from .. import schema
from ..errors import InvalidArgumentError
from ..pipeline import Toolkit
from . import columnar
from .collector import collector_for_load, freeze_now
from .work import Chunk, Metadata, Task, process_chunk, progress_bar, raise_if_strict

MAX_CHUNK = 64
"""Most files one worker task processes."""
MIN_CHUNK = 4
"""Fewest files a worker task processes, but for the very last one."""
PARALLEL_THRESHOLD = 200
"""Below this many files, one process does the work (forking costs more than it saves)."""


def run_files(tasks: list[Task], root: Path, metadata: Metadata, toolkit: Toolkit | None, *,
              workers: int | None = None, progress: bool = False,
              strict: bool = False) -> dict[str, pa.Table]:
    """Process files in order, in parallel when worth it; one Arrow table per row table.

    In strict mode the first file (in file order) with a problem strict mode does not forgive
    raises :class:`~reex_research.errors.IngestError`. ``toolkit`` may be None only when there
    are no tasks.
    """
    if not tasks:
        return {table: columnar.empty_arrow(table) for table in schema.ROW_TABLES}
    if toolkit is None:
        raise InvalidArgumentError("a toolkit is needed to process files; see pipeline.build_toolkit")
    workers = _worker_count(workers, len(tasks))
    chunks = _chunks(tasks, workers)
    bar = progress_bar(len(tasks), progress)
    parts: list[dict[str, pa.Table]] = []
    try:
        for chunk in _map_chunks(chunks, root, metadata, toolkit, workers):
            raise_if_strict(chunk.problems, strict, root)
            parts.append(chunk.tables)
            if bar is not None:
                bar.update(chunk.files)
    finally:
        if bar is not None:
            bar.close()
    return {table: columnar.concat(table, [part[table] for part in parts]) for table in schema.ROW_TABLES}


def _chunks(tasks: list[Task], workers: int) -> list[list[Task]]:
    """``tasks`` cut into consecutive chunks for ``workers`` processes.

    One process takes :data:`MAX_CHUNK` files at a time. With several, chunks are cut smaller as
    fewer files are left (a share of what is left, between :data:`MIN_CHUNK` and :data:`MAX_CHUNK`),
    so that the workers run out of work at about the same time rather than one of them finishing
    a large last chunk alone.
    """
    if workers <= 1:
        return [tasks[i:i + MAX_CHUNK] for i in range(0, len(tasks), MAX_CHUNK)]
    chunks = []
    start = 0
    while start < len(tasks):
        size = max(MIN_CHUNK, min(MAX_CHUNK, (len(tasks) - start) // (workers * 2)))
        chunks.append(tasks[start:start + size])
        start += size
    return chunks


def _map_chunks(chunks: list[list[Task]], root: Path, metadata: Metadata, toolkit: Toolkit,
                workers: int) -> Iterator[Chunk]:
    if workers <= 1:
        with collector_for_load():
            freeze_now()  # the toolkit, built since the load began: collections leave it alone
            for chunk in chunks:
                yield process_chunk(chunk, root, metadata, toolkit)
        return
    global _WORKER_STATE
    _WORKER_STATE = (root, metadata, toolkit)  # inherited by the forked workers, never pickled
    context = multiprocessing.get_context("fork")
    with collector_for_load():
        freeze_now()  # the toolkit, built since the load began: the workers' collections leave it alone
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from pool.map(_chunk_in_worker, chunks)
    _WORKER_STATE = None


_WORKER_STATE: tuple[Path, Metadata, Toolkit] | None = None


def _chunk_in_worker(chunk: list[Task]) -> Chunk:
    assert _WORKER_STATE is not None, "set by _map_chunks before the fork"
    root, metadata, toolkit = _WORKER_STATE
    return process_chunk(chunk, root, metadata, toolkit)


def _worker_count(workers: int | None, n_tasks: int) -> int:
    if workers is not None:
        return max(1, workers)
    if n_tasks < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))
