"""What every engine shares: a chunk of files through the pipeline, strict mode and the progress bar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import IngestError
from ..pipeline import Toolkit, problems_of, process_file
from ..read.problem import Problem
from .columnar import from_stream, to_stream, to_tables

Task = tuple[Path, str]
"""One file to process: its path and its content key."""
Metadata = dict[str, dict[str, str]]
"""Rows of ``metadata.csv`` by file name."""

LENIENT_KINDS = frozenset({"unsupported_format", "duplicate", "linked_folder"})
"""Problem kinds that strict mode forgives: nothing of the corpus is lost or changed by them (a
linked folder of the corpus is read from the folder itself). Every other kind raises, repairs too:
``repaired_bytes`` and ``repaired_escapes`` load a text that differs from the file, and
``link_outside`` leaves out a file the folder names."""


@dataclass
class Chunk:
    """What processing a run of files gives: their rows as Arrow tables, and their problems.

    A chunk travels from a worker process as one Arrow IPC stream per table: written and read in
    one piece each, where pickling a table handles every column's buffers one by one.
    """

    files: int
    tables: dict[str, pa.Table]
    problems: list[Problem]

    def __reduce__(self) -> tuple[Any, tuple[int, dict[str, pa.Buffer], list[Problem]]]:
        return _chunk_from_streams, (self.files, {name: to_stream(table) for name, table in self.tables.items()},
                                     self.problems)


def _chunk_from_streams(files: int, streams: dict[str, pa.Buffer], problems: list[Problem]) -> Chunk:
    """The chunk :meth:`Chunk.__reduce__` sent."""
    return Chunk(files, {name: from_stream(stream) for name, stream in streams.items()}, problems)


def process_chunk(tasks: list[Task], root: Path, metadata: Metadata, toolkit: Toolkit) -> Chunk:
    """Run the pipeline on each ``(path, key)`` in order; rows of all of them, as Arrow tables."""
    outputs = [process_file(path, root, metadata, toolkit, key) for path, key in tasks]
    return Chunk(len(tasks), to_tables(outputs), [p for output in outputs for p in problems_of(output)])


def first_failure(problems: Iterable[Problem]) -> Problem | None:
    """The first problem that strict mode does not forgive, or None."""
    return next((p for p in problems if p.kind not in LENIENT_KINDS), None)


def raise_if_strict(problems: Iterable[Problem], strict: bool, root: Path) -> None:
    """In strict mode, raise :class:`IngestError` for the first problem strict mode does not forgive."""
    if not strict:
        return
    problem = first_failure(problems)
    if problem is not None:
        raise IngestError(root / problem.file, problem.kind,
                          f"{problem.message} (fix or remove the file, or load without strict=True)",
                          line=problem.line)


def progress_bar(total: int, enabled: bool) -> Any:
    """A tqdm bar counting files, or None when not ``enabled``."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="loading articles", unit="file")
