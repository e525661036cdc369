"""Engines: run the per-file pipeline over many files, and keep its results.

An engine takes the files to process (``(path, content key)`` pairs, in file order) and returns one
Arrow table per row table (:data:`reex_research.schema.ROW_TABLES`), rows in file order. Engines are
chosen by name with :func:`get_engine`:

- ``local`` (:mod:`.local`): this process, or forked worker processes for large folders;
- ``dask`` (:mod:`.dask`): a Dask cluster, writing a partitioned Parquet dataset as it goes.

Beside them: :mod:`.work` (a chunk of files through the pipeline, strict mode, the progress bar),
:mod:`.columnar` (rows as Arrow tables and back to pandas), :mod:`.order` (file order of cached
and fresh rows) and :mod:`.cache` (per-file results kept between loads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import InvalidArgumentError
from ..pipeline import Toolkit
from .work import Metadata, Task


@dataclass(frozen=True)
class EngineOptions:
    """How to run: shared switches and each engine's own settings (ignored by the others)."""

    strict: bool = False
    progress: bool = False
    workers: int | None = None  # local: worker processes (default: by folder size)
    client: Any = None  # dask: a distributed.Client, a scheduler address, or None for a local cluster
    dataset_dir: Path | str | None = None  # dask: where the Parquet dataset goes


Engine = Callable[[list[Task], Path, Metadata, "Toolkit | None", EngineOptions], dict[str, pa.Table]]
"""``engine(tasks, root, metadata, toolkit, options)``: the rows of ``tasks`` as Arrow tables."""


def _local(tasks: list[Task], root: Path, metadata: Metadata, toolkit: Toolkit | None,
           options: EngineOptions) -> dict[str, pa.Table]:
    from .local import run_files

    return run_files(tasks, root, metadata, toolkit, workers=options.workers,
                     progress=options.progress, strict=options.strict)


def _dask(tasks: list[Task], root: Path, metadata: Metadata, toolkit: Toolkit | None,
          options: EngineOptions) -> dict[str, pa.Table]:
    from .dask import run_files_dask

    return run_files_dask(tasks, root, metadata, toolkit, client=options.client,
                          dataset_dir=options.dataset_dir, strict=options.strict, progress=options.progress)


ENGINES: dict[str, Engine] = {"local": _local, "dask": _dask}
"""Engines by name."""


def get_engine(name: str) -> Engine:
    """The engine called ``name``; raise :class:`InvalidArgumentError` listing the valid names."""
    try:
        return ENGINES[name]
    except (KeyError, TypeError):
        raise InvalidArgumentError(f"unknown engine {name!r}; valid engines: {', '.join(ENGINES)}") from None
