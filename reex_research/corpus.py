"""Corpus: load a folder of articles into tidy dataframes, and export them.

:func:`load_corpus` is the one entry point: it lists the files, runs the per-file pipeline
(ingest → repair → parse → extract), gathers the rows into schema-checked dataframes and
returns a :class:`Corpus`. Files that cannot be read become rows of ``corpus.problems``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import columnar, schema
from .cache import CorpusCache, default_cache_dir
from .columnar import CANDIDATE_ROWS, ROW_TABLES
from .errors import IngestError, ReexError
from .extract.entities import aggregate_candidates
from .ingest import Problem, corpus_entries, metadata_row, read_metadata_csv
from .kb import entities_frame, load_kb
from .parse import table_from_cells
from .pipeline import (
    Toolkit,
    build_toolkit,
    content_key,
    problems_of,
    process_file,
    to_tables,
    toolkit_version,
)

ExportFormat = Literal["parquet", "csv"]
LENIENT_KINDS = frozenset({"unsupported_format", "duplicate"})


@dataclass
class Corpus:
    """The dataframes of one loaded corpus; every derived row points at a sentence."""

    root: Path
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    as_of: dt.date | None = None
    toolkit_version: str | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"Corpus has no table '{name}'; tables: {', '.join(frames)}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.frames))

    @property
    def names(self) -> list[str]:
        """Names of the dataframes this corpus holds."""
        return list(self.frames)

    def table_frame(self, table_id: str) -> pd.DataFrame:
        """Return the parsed table ``table_id`` as a dataframe of strings."""
        match = self.frames["tables"].loc[self.frames["tables"]["table_id"] == table_id, "cells"]
        if match.empty:
            raise ReexError(f"no table '{table_id}' in this corpus; see corpus.tables.table_id")
        return table_from_cells(match.iloc[0])

    def summary(self) -> str:
        """One line: what was loaded and what went wrong."""
        f = self.frames
        problems = f["problems"]
        kinds = problems["kind"].value_counts().sort_index()
        detail = ", ".join(f"{k}: {n}" for k, n in kinds.items())
        parts = [
            f"{len(f['articles'])} articles",
            f"{len(f['sentences'])} sentences",
            f"{int(f['articles']['repairs'].sum())} text repairs",
            f"{len(f['boilerplate'])} boilerplate lines removed",
        ]
        for name, label in (("mentions", "mentions"), ("events", "dated events"), ("figures", "figures")):
            if name in f:
                parts.append(f"{len(f[name])} {label}")
        parts.append(f"{len(problems)} problems" + (f" ({detail})" if detail else ""))
        return f"{self.root}: " + ", ".join(parts)

    def export(self, out: Path | str, *, format: ExportFormat = "parquet") -> list[Path]:
        """Write every dataframe to ``out`` as Parquet or CSV; return the files written."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.frames.items():
            path = out / f"{name}.{format}"
            if format == "parquet":
                frame.to_parquet(path, index=False)
            elif format == "csv":
                frame.to_csv(path, index=False)
            else:
                raise ReexError(f"unknown export format '{format}'; use 'parquet' or 'csv'")
            written.append(path)
        return written


def load_corpus(
    path: Path | str,
    *,
    strict: bool = False,
    as_of: dt.date | str | None = None,
    kb_path: Path | str | None = None,
    rules_path: Path | str | None = None,
    toolkit: Toolkit | None = None,
    cache: bool | Path | str | None = None,
    workers: int | None = None,
    progress: bool = False,
    engine: Literal["local", "dask"] = "local",
    client: Any = None,
    dataset_dir: Path | str | None = None,
) -> Corpus:
    """Load every article under ``path`` into a :class:`Corpus`.

    ``as_of`` (default today) decides which dated events are still to come. ``cache=True`` keeps
    per-file results under the user cache folder (or a folder you pass) so that a reload only
    processes new or changed files. ``workers`` processes files in parallel (default: the CPU
    count for large folders, one for small ones). With ``strict=True`` the first file that cannot
    be read raises an :class:`IngestError` naming it; otherwise it becomes a row of
    ``corpus.problems`` and the rest still loads.

    ``engine="dask"`` runs the same per-file functions on a Dask cluster (``client``, default a
    local one) and writes a partitioned Parquet dataset to ``dataset_dir``; see
    :mod:`reex_research.distributed`.
    """
    if engine not in ("local", "dask"):
        raise ReexError(f"unknown engine '{engine}'; use 'local' or 'dask'")
    root = Path(path)
    as_of_day = _as_of(as_of)
    listed = corpus_entries(root)
    metadata, metadata_problems = read_metadata_csv(root)
    _check(metadata_problems, strict, root)
    kb_folder = Path(kb_path) if kb_path else None
    rules_folder = Path(rules_path) if rules_path else None
    version = toolkit.version if toolkit else toolkit_version(kb_path=kb_folder, rules_path=rules_folder)
    store = _open_cache(cache, root, version)
    names = [name for name, _ in listed]
    if store is None:
        keys = [hashlib.sha256(n.encode("utf-8")).hexdigest()[:32] for n in names]
    else:
        keys = [_file_key(store, entry, name, metadata_row(metadata, name, entry.name)) for name, entry in listed]
    cached = store.read(store.hits(keys)) if store is not None else None
    todo = [(Path(entry.path), k) for (_, entry), k in zip(listed, keys) if cached is None or k not in cached.keys]
    if toolkit is None and (todo or engine == "dask"):  # a reload of unchanged files compiles nothing
        toolkit = build_toolkit(kb_path=kb_folder, rules_path=rules_folder)
    if engine == "dask":
        from .distributed import run_files_dask

        fresh = run_files_dask(todo, root, metadata, toolkit, client=client, dataset_dir=dataset_dir,
                               strict=strict, progress=progress)
    else:
        fresh = run_files(todo, root, metadata, toolkit, workers=workers, progress=progress, strict=strict)
    raw = _combine(cached.tables if cached is not None else None, fresh, keys)
    if store is not None:
        if store.needs_compaction(new=bool(todo)):
            store.compact(raw, keys)
        else:
            store.write(fresh, keys)
    entities = _entities(store, toolkit, kb_folder)
    frames = finalize(raw, entities, as_of_day, metadata_problems)
    return Corpus(root=root, frames=frames, as_of=as_of_day, toolkit_version=version)


def _entities(store: CorpusCache | None, toolkit: Toolkit | None, kb_folder: Path | None) -> pd.DataFrame:
    """The ``entities`` table: from the cache when it holds it (no knowledge base to read), else built."""
    stored = store.read_entities() if store is not None else None
    if stored is not None:
        try:
            return schema.validate("entities", schema.frame(
                "entities", {name: stored[name].to_pylist() for name in schema.columns("entities")}))
        except (KeyError, ReexError):
            pass  # not what this version writes: built again below
    entities = entities_frame(toolkit.kb if toolkit is not None else load_kb(kb_folder))
    if store is not None:
        store.write_entities(pa.Table.from_pandas(entities, preserve_index=False))
    return entities


def _file_key(store: CorpusCache, entry: os.DirEntry, name: str, metadata: dict[str, str]) -> str:
    """The file's content key: remembered by the cache while size and mtime are unchanged."""
    try:
        stat = entry.stat()
    except OSError:
        stat = None
    key = store.known_key(name, stat, metadata)
    if key is None:
        key = content_key(name, _bytes_or_empty(entry.path), metadata)
        store.remember(name, stat, metadata, key)
    return key


def _bytes_or_empty(path: str) -> bytes:
    """The file's bytes for its cache key; an unreadable file keys as empty (the pipeline reports it)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""


def _open_cache(cache: bool | Path | str | None, root: Path, version: str) -> CorpusCache | None:
    if cache is None or cache is False:
        return None
    folder = default_cache_dir(root) if cache is True else Path(cache)
    return CorpusCache(folder, version)


@dataclass
class Chunk:
    """What processing a run of files gives: their rows as Arrow tables, and their problems."""

    files: int
    tables: dict[str, pa.Table]
    problems: list[Problem]


def process_chunk(tasks: list[tuple[Path, str]], root: Path, metadata: dict[str, dict[str, str]],
                  toolkit: Toolkit) -> Chunk:
    """Run the pipeline on each ``(path, key)`` in order; rows of all of them, as Arrow tables."""
    outputs = [process_file(path, root, metadata, toolkit, key) for path, key in tasks]
    return Chunk(len(tasks), to_tables(outputs), [p for output in outputs for p in problems_of(output)])


def run_files(tasks: list[tuple[Path, str]], root: Path, metadata: dict[str, dict[str, str]],
              toolkit: Toolkit, *, workers: int | None = None, progress: bool = False,
              strict: bool = False) -> dict[str, pa.Table]:
    """Process files in order, in parallel when worth it; one Arrow table per row table.

    In strict mode the first file (in file order) with a problem strict mode does not forgive
    raises :class:`IngestError`.
    """
    workers = _worker_count(workers, len(tasks))
    size = max(1, min(MAX_CHUNK, len(tasks) // (workers * 8) or 1)) if workers > 1 else MAX_CHUNK
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    bar = _progress_bar(len(tasks), progress and bool(tasks))
    parts: list[dict[str, pa.Table]] = []
    try:
        for chunk in _map_chunks(chunks, root, metadata, toolkit, workers):
            _check(chunk.problems, strict, root)
            parts.append(chunk.tables)
            if bar is not None:
                bar.update(chunk.files)
    finally:
        if bar is not None:
            bar.close()
    return {table: columnar.concat(table, [part[table] for part in parts]) for table in ROW_TABLES}


MAX_CHUNK = 64
"""Most files one worker task processes."""


def _map_chunks(chunks, root, metadata, toolkit, workers):
    if workers <= 1:
        for chunk in chunks:
            yield process_chunk(chunk, root, metadata, toolkit)
        return
    global _WORKER_STATE
    _WORKER_STATE = (root, metadata, toolkit)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_chunk_in_worker, chunks)
    _WORKER_STATE = None


_WORKER_STATE: tuple | None = None
PARALLEL_THRESHOLD = 200


def _chunk_in_worker(chunk: list[tuple[Path, str]]) -> Chunk:
    root, metadata, toolkit = _WORKER_STATE
    return process_chunk(chunk, root, metadata, toolkit)


def _worker_count(workers: int | None, n_tasks: int) -> int:
    if workers is not None:
        return max(1, workers)
    if n_tasks < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _combine(cached: dict[str, pa.Table] | None, fresh: dict[str, pa.Table],
             keys: list[str]) -> dict[str, pa.Table]:
    """Cached and fresh rows together, in the order of the files (as a fresh load gives them)."""
    if not cached:
        return fresh
    order = pa.array(keys, type=pa.string())
    out = {}
    for table in ROW_TABLES:
        both = columnar.concat(table, [cached[table], fresh[table]])
        if both.num_rows > 1:
            both = _in_file_order(both, _positions(both["_key"], order))
        out[table] = both
    return out


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


MAX_SLICES = 1000
"""Above this many runs of consecutive rows, selecting rows copies them instead of slicing."""


def _in_file_order(data: pa.Table, position: np.ndarray) -> pa.Table:
    """Rows stably sorted by their file's ``position``."""
    if not (np.diff(position) < 0).any():
        return data
    return _select(data, np.argsort(position, kind="stable"))


def _select(data: pa.Table, rows: np.ndarray) -> pa.Table:
    """``data.take(rows)``, but runs of consecutive rows are sliced rather than copied when few."""
    if len(rows) == data.num_rows and not (np.diff(rows) != 1).any():
        return data
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    if len(breaks) >= MAX_SLICES or not len(rows):
        return data.take(rows)
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(rows)]))
    return pa.concat_tables([data.slice(int(rows[s]), int(e - s)) for s, e in zip(starts, ends)])


def finalize(raw: dict[str, pa.Table], entities: pd.DataFrame, as_of: dt.date,
             extra_problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """Drop duplicate articles, add the corpus-level tables and columns, return the dataframes."""
    duplicates = _duplicates(raw["articles"])
    if duplicates:
        repeated = pa.array(sorted(duplicates), type=pa.string())
        raw = {table: data if table == "problems" else
               _select(data, np.flatnonzero(~pc.is_in(data["_doc"], value_set=repeated).to_numpy(zero_copy_only=False)))
               for table, data in raw.items()}
    frames = {name: columnar.to_pandas(name, raw[name]) for name in ROW_TABLES
              if name not in ("candidate_rows", "problems")}
    events = frames["events"]
    events.insert(schema.columns("events").index("is_future"), "is_future", _is_future(events, as_of))
    candidate_rows = raw["candidate_rows"]
    frames["candidates"] = aggregate_candidates(list(zip(*(candidate_rows[c].to_pylist() for c in CANDIDATE_ROWS))))
    frames["entities"] = entities
    frames["problems"] = pd.concat(
        [schema.frame("problems", [_problem_row(p) for p in extra_problems]),
         columnar.to_pandas("problems", raw["problems"]),
         schema.frame("problems", list(duplicates.values()))],
        ignore_index=True,
    )
    return {name: schema.validate(name, frames[name]) for name in schema.TABLES}


def _duplicates(articles: pa.Table) -> dict[str, dict]:
    """Documents whose clean text repeats an earlier one: ``_doc`` → problem row."""
    ids = articles["article_id"].to_pylist()
    if len(set(ids)) == len(ids):
        return {}
    first: dict[str, str] = {}
    out = {}
    rows = zip(ids, articles["file"].to_pylist(), articles["line"].to_pylist(), articles["_doc"].to_pylist())
    for article_id, file, line, doc in rows:
        if article_id not in first:
            first[article_id] = file if line is None else f"{file}:{line}"
        else:
            out[doc] = {"file": file, "line": line, "kind": "duplicate",
                        "message": f"same clean text as {first[article_id]}; loaded once"}
    return out


def _is_future(events: pd.DataFrame, as_of: dt.date) -> pd.Series:
    end = events["date_end"].fillna(events["date_start"])
    return (end > pd.Timestamp(as_of)).fillna(False).astype(bool)


def _problem_row(problem: Problem) -> dict:
    return {"file": problem.file, "line": problem.line, "kind": problem.kind, "message": problem.message}


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ReexError(f"as_of must be a date or YYYY-MM-DD text, got {value!r}") from None


def _check(problems: Iterable[Problem], strict: bool, root: Path) -> None:
    if not strict:
        return
    for problem in problems:
        if problem.kind not in LENIENT_KINDS:
            raise IngestError(root / problem.file, problem.kind,
                              f"{problem.message} (fix or remove the file, or load without strict=True)",
                              line=problem.line)


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="loading articles", unit="file")


def today() -> dt.date:
    """Today's date (one place to read the clock)."""
    return dt.date.today()
