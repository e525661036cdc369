"""The Dask engine: run the per-file pipeline on a cluster and write a partitioned Parquet dataset.

``load_corpus(folder, engine="dask")`` (or ``client=`` a :class:`distributed.Client`, or the address
of a scheduler) calls :func:`run_files_dask`. The files are split, in order, into chunks of up to
:data:`CHUNK_SIZE` files. Each chunk is one task: a worker runs the local engine's
:func:`reex_research.engine.work.process_chunk` on it (every file through :func:`pipeline.process_file`, the rows as
Arrow tables) and writes one Parquet file per table. The driver then reads the parts back in chunk
order, so the tables it returns, and the :class:`~reex_research.corpus.Corpus` built from them,
equal the local engine's.

Layout of the dataset (``dataset_dir``)::

    <table>/part-00000.parquet   rows of the files of chunk 0, in file order
    <table>/part-00001.parquet   rows of chunk 1, ...

one folder per per-document table: ``articles``, ``highlights``, ``paragraphs``, ``sentences``,
``tables``, ``boilerplate``, ``mentions``, ``relations``, ``theme_hits``, ``themes``, ``events``,
``figures``, ``candidate_rows`` and ``problems``. Every chunk writes every table (an empty file when it has no
rows), every part of a table has the same columns and types, and reading the part files in name
order gives the rows in file order. Columns are those of :mod:`reex_research.schema` plus two
private ones: ``_key`` (the file's key) and ``_doc`` (one document of that file, ``key:line``).
These are raw per-file rows: duplicate articles are still in, ``events.is_future`` (which depends
on the load's ``as_of``) is not there, dates are Parquet dates, and ``tables.cells`` holds each
parsed table as JSON text (``{"columns": [...], "data": [[...], ...]}``), as in the corpus. Read it
with::

    pd.read_parquet("dataset/sentences")                              # pandas
    duckdb.sql("SELECT * FROM 'dataset/sentences/*.parquet'")        # DuckDB
    spark.read.parquet("dataset/sentences")                           # Spark
    read_dataset("dataset")                                           # typed frames

The corpus-level tables (``entities``, ``candidates``) and columns are computed by the driver from
these rows (:func:`reex_research.assemble.assemble_frames`); they are in the
returned Corpus, and ``corpus.export(folder)`` writes every finished table.

A dataset is written into a hidden staging folder inside ``dataset_dir`` and each table folder
is moved into place only when the whole run succeeded, replacing that table's previous parts; a
failed run leaves an earlier dataset as it was. With ``cache=True`` only new or changed files are
processed, so the dataset holds only their rows. Without ``dataset_dir`` the parts go to a temporary
folder that is deleted afterwards.

On a cluster of several machines the package must be installed on every worker, and the corpus
folder and ``dataset_dir`` must be on storage that the driver and every worker see under the same
path; keep ``dataset_dir`` outside the corpus folder, or the next load lists its Parquet files as
problems. The knowledge base and rules need not be shared: the compiled :class:`Toolkit` (a few
hundred kB pickled) is sent to every worker once per run with ``client.scatter(...,
broadcast=True)``, so a worker deserialises it once and every chunk on that worker uses that object.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd
import pyarrow as pa

from .. import schema
from ..errors import ClusterError, InvalidArgumentError
from ..pipeline import Toolkit
from ..read.problem import Problem
from . import columnar
from .work import first_failure, process_chunk, progress_bar, raise_if_strict

if TYPE_CHECKING:
    from distributed import Client

CHUNK_SIZE = 200
"""Most files one task processes (smaller chunks are used when that spreads a small corpus)."""

LOCAL_WORKERS_MAX = 8
PART = "part-{index:05d}.parquet"


@dataclass
class ChunkReport:
    """What one chunk task sends back to the driver (its rows stay in the dataset)."""

    index: int
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def first_failure(self) -> Problem | None:
        """The first problem that strict mode does not forgive, or None."""
        return first_failure(self.problems)


def run_files_dask(
    tasks: list[tuple[Path, str]],
    root: Path,
    metadata: dict[str, dict[str, str]],
    toolkit: Toolkit | None,
    *,
    client: Client | str | None = None,
    dataset_dir: Path | str | None = None,
    strict: bool = False,
    progress: bool = False,
    chunk_size: int | None = None,
) -> dict[str, pa.Table]:
    """Process ``tasks`` on a Dask cluster; return one Arrow table per row table, as ``run_files`` does.

    ``client`` is a :class:`distributed.Client`, a scheduler address, or None for a local cluster
    started (and closed) for this call. The rows are written to ``dataset_dir`` (see the module
    docstring for the layout) or to a temporary folder. In strict mode the first file, in file
    order, with a problem that is not lenient raises :class:`IngestError`. ``toolkit`` may be None
    only when there are no tasks.
    """
    root = Path(root)
    target = Path(dataset_dir).absolute() if dataset_dir is not None else None
    with _dataset_folder(target) as folder:
        if not tasks:  # nothing to distribute: write the (empty) parts here, no cluster needed
            _write_parts({t: columnar.empty_arrow(t) for t in schema.ROW_TABLES}, folder.parts_dir, 0)
            reports = [ChunkReport(index=0)]
        else:
            if toolkit is None:
                raise InvalidArgumentError("a toolkit is needed to process files; see pipeline.build_toolkit")
            with _connected(client) as active:
                with _cluster_errors("asking the cluster for its workers"):
                    threads = sum(active.nthreads().values()) or 1
                chunks = _chunks(tasks, chunk_size or _chunk_size(len(tasks), threads))
                reports = _run_chunks(active, chunks, root, metadata, toolkit, folder.parts_dir,
                                      strict=strict, progress=progress, total=len(tasks))
        tables = read_tables(folder.parts_dir, chunks=len(reports))
        folder.commit()
    return tables


def read_dataset(dataset_dir: Path | str, *, chunks: int | None = None) -> dict[str, pd.DataFrame]:
    """Read a dataset written by :func:`run_files_dask` into one typed frame per table.

    The frames have the schema's columns and dtypes plus the private ``_key`` and ``_doc``.
    ``chunks`` (the number of parts each table must have) makes a missing part an error instead of
    fewer rows.
    """
    tables = read_tables(dataset_dir, chunks=chunks)
    return {table: columnar.to_pandas(table, data, private=True) for table, data in tables.items()}


def read_tables(dataset_dir: Path | str, *, chunks: int | None = None) -> dict[str, pa.Table]:
    """Read a dataset written by :func:`run_files_dask` into one Arrow table per row table."""
    import pyarrow.parquet as pq

    folder = Path(dataset_dir)
    out = {}
    for table in schema.ROW_TABLES:
        if chunks is None:
            parts = sorted((folder / table).glob("part-*.parquet"))
        else:
            parts = [folder / table / PART.format(index=i) for i in range(chunks)]
        if not parts:
            raise ClusterError(f"no dataset parts in {folder / table}; pass the dataset_dir= folder of "
                               f"load_corpus(..., engine='dask')")
        missing = [p for p in parts if not p.is_file()]
        if missing:
            raise ClusterError(
                f"dataset part not found: {missing[0]} — the workers wrote the dataset where this "
                f"process cannot see it; pass dataset_dir= a folder on storage shared by the driver "
                f"and every worker (same path everywhere)")
        try:
            target = columnar.arrow_schema(table)
            out[table] = columnar.concat(table, [pq.read_table(p).select(target.names).cast(target) for p in parts])
        except (OSError, KeyError, pa.ArrowException) as exc:
            raise ClusterError(f"cannot read the dataset table {folder / table} ({exc}); it is damaged or "
                               f"was written by another version of reex-research — delete the folder "
                               f"and load again") from exc
    return out


# --- the task that runs on a worker --------------------------------------------------------------


def _run_chunk(index: int, tasks: list[tuple[str, str]], root: str, metadata: dict[str, dict[str, str]],
               toolkit: Toolkit, parts_dir: str, strict: bool) -> ChunkReport:
    """Process one chunk of files and write its rows as ``<table>/part-<index>.parquet``."""
    chunk = process_chunk([(Path(p), k) for p, k in tasks], Path(root), metadata, toolkit)
    report = ChunkReport(index=index, files=chunk.files, problems=chunk.problems)
    if strict and report.first_failure() is not None:
        return report  # the run will raise: no need to write the rows
    _write_parts(chunk.tables, Path(parts_dir), index)
    return report


def _write_parts(tables: dict[str, pa.Table], parts_dir: Path, index: int) -> None:
    import pyarrow.parquet as pq

    for table, data in tables.items():
        folder = parts_dir / table
        final = folder / PART.format(index=index)
        tmp = folder / f".{final.name}.{uuid.uuid4().hex[:8]}.tmp"  # a retried task never clobbers
        try:
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(data, tmp)
            os.replace(tmp, final)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ClusterError(f"worker cannot write {final} ({exc}); pass dataset_dir= a folder every "
                               f"worker can write to") from exc


# --- the driver ----------------------------------------------------------------------------------


def _chunk_size(n_files: int, threads: int) -> int:
    """Up to CHUNK_SIZE files, but at least two chunks per worker thread when the corpus is small."""
    return max(1, min(CHUNK_SIZE, math.ceil(n_files / (2 * max(1, threads)))))


def _chunks(tasks: list[tuple[Path, str]], size: int) -> list[list[tuple[Path, str]]]:
    if size < 1:
        raise InvalidArgumentError(f"chunk_size must be at least 1, got {size}")
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _chunk_metadata(chunk: list[tuple[Path, str]], root: Path,
                    metadata: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The metadata rows the files of one chunk can use (so a task does not carry the whole CSV)."""
    out = {}
    for path, _ in chunk:
        for name in (Path(path).relative_to(root).as_posix(), Path(path).name):
            if name in metadata:
                out[name] = metadata[name]
    return out


def _run_chunks(client: Client, chunks: list[list[tuple[Path, str]]], root: Path,
                metadata: dict[str, dict[str, str]], toolkit: Toolkit, parts_dir: Path, *,
                strict: bool, progress: bool, total: int) -> list[ChunkReport]:
    """Submit every chunk, wait for them in any order, return the reports in chunk order."""
    from distributed import as_completed

    run = uuid.uuid4().hex[:12]
    absolute = Path(os.path.abspath(root))
    futures = []
    bar = progress_bar(total, progress)
    try:
        with _cluster_errors("running the pipeline on the cluster"):
            shipped = client.scatter({f"reex-toolkit-{toolkit.version}-{run}": toolkit}, broadcast=True)
            toolkit_future = next(iter(shipped.values()))
            futures.append(toolkit_future)
            for index, chunk in enumerate(chunks):
                args = [(os.path.abspath(p), k) for p, k in chunk]
                futures.append(client.submit(
                    _run_chunk, index, args, str(absolute), _chunk_metadata(chunk, root, metadata),
                    toolkit_future, str(parts_dir), strict, key=f"reex-chunk-{run}-{index:05d}"))
            reports: list[ChunkReport | None] = [None] * len(chunks)
            for future in as_completed(futures[1:]):
                report = future.result()
                reports[report.index] = report
                if bar is not None:
                    bar.update(report.files)
                if strict:
                    _raise_first_failure(reports, root)
    finally:
        if bar is not None:
            bar.close()
        with suppress(Exception):  # releasing must not hide the error that got us here
            client.cancel(futures)  # frees the toolkit and any chunk left, on a client the caller keeps
    return cast("list[ChunkReport]", reports)  # as_completed gave every chunk's report


def _raise_first_failure(reports: list[ChunkReport | None], root: Path) -> None:
    """Raise the first strict failure in file order as soon as every earlier chunk is known."""
    for report in reports:
        if report is None:
            return
        problem = report.first_failure()
        if problem is not None:
            raise_if_strict([problem], True, root)


@contextmanager
def _cluster_errors(doing: str) -> Iterator[None]:
    """Turn failures of the cluster itself (not of our code) into a :class:`ClusterError`."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm import CommClosedError

    try:
        yield
    except KilledWorker as exc:
        raise ClusterError(
            f"a Dask worker died while {doing} ({exc}); it usually ran out of memory — give workers "
            f"more memory, or load with engine='local'") from exc
    except (CancelledError, CommClosedError, TimeoutError) as exc:
        raise ClusterError(
            f"the Dask cluster stopped answering while {doing} ({type(exc).__name__}: {exc}); check "
            f"that the scheduler and workers are running (client.dashboard_link), then load again"
        ) from exc


@contextmanager
def _connected(client: Client | str | None) -> Iterator[Client]:
    """The given client, a client of the given scheduler address, or a local cluster for this call."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("engine='dask' needs dask and distributed: pip install 'reex-research[dask]' "
                           "(or load with engine='local')") from exc
    if client is not None and not isinstance(client, str):
        if getattr(client, "status", "running") != "running":
            raise ClusterError(f"the Dask client is {client.status}, not running; pass an open "
                               f"distributed.Client, or client=None for a local cluster")
        yield client
        return
    cluster = None
    try:
        if client is None:
            cluster = LocalCluster(n_workers=_local_workers(), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            own = Client(cluster)
        else:
            own = Client(client)
    except (OSError, TimeoutError, RuntimeError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        what = f"connect to the Dask scheduler at {client}" if client else "start a local Dask cluster"
        raise ClusterError(f"cannot {what} ({type(exc).__name__}: {exc}); pass client= a running "
                           f"distributed.Client, or load with engine='local'") from exc
    try:
        yield own
    finally:
        own.close()
        if cluster is not None:
            cluster.close()


def _local_workers() -> int:
    return max(1, min(os.cpu_count() or 1, LOCAL_WORKERS_MAX))


class _Folder:
    """Where the workers write (``parts_dir``) and how the result is put in place (``commit``)."""

    def __init__(self, parts_dir: Path, final: Path | None) -> None:
        self.parts_dir = parts_dir
        self.final = final

    def commit(self) -> None:
        """Move each staged table folder into the dataset, replacing its previous parts."""
        if self.final is None:
            return
        for table in schema.ROW_TABLES:
            staged, target = self.parts_dir / table, self.final / table
            old = self.final / f".old-{table}-{uuid.uuid4().hex[:8]}"
            try:
                if target.exists():
                    os.replace(target, old)
                os.replace(staged, target)
            except OSError as exc:
                raise ClusterError(f"cannot move the new dataset table into {target} ({exc}); check "
                                   f"the permissions of {self.final}") from exc
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _dataset_folder(final: Path | None) -> Iterator[_Folder]:
    """A staging folder inside ``final`` (or a temporary folder), removed when the run ends."""
    try:
        if final is None:
            parts_dir = Path(tempfile.mkdtemp(prefix="reex-dask-"))
        else:
            parts_dir = final / f".staging-{uuid.uuid4().hex[:12]}"
            parts_dir.mkdir(parents=True)
    except OSError as exc:
        raise ClusterError(f"cannot create the dataset folder {final or tempfile.gettempdir()} ({exc}); "
                           f"pass dataset_dir= a writable folder") from exc
    try:
        yield _Folder(parts_dir, final)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
