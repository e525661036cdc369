"""Corpus: load a folder of articles into tidy dataframes, and export them.

:func:`load_corpus` is the one entry point: it lists the files, runs the per-file pipeline
(ingest → repair → parse → extract), gathers the rows into schema-checked dataframes and
returns a :class:`Corpus`. Files that cannot be read become rows of ``corpus.problems``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import schema
from .cache import CorpusCache, default_cache_dir
from .errors import IngestError, ReexError
from .extract.entities import aggregate_candidates, relations_from_mentions
from .extract.themes import score_themes
from .ingest import Problem, list_corpus_files, read_metadata_csv
from .kb import ACTOR_TYPES, entities_frame
from .pipeline import (
    CANDIDATE_ROWS,
    PER_DOCUMENT,
    PRIVATE,
    FileOutput,
    Toolkit,
    build_toolkit,
    content_key,
    process_file,
    table_columns,
)

ExportFormat = Literal["parquet", "csv"]
LENIENT_KINDS = frozenset({"unsupported_format", "duplicate"})
ARTICLE_TABLES = ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate")


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
        match = self.frames["tables"].loc[self.frames["tables"]["table_id"] == table_id, "frame"]
        if match.empty:
            raise ReexError(f"no table '{table_id}' in this corpus; see corpus.tables.table_id")
        return match.iloc[0]

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
            frame = _serialisable(frame)
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
    files = list_corpus_files(root)
    metadata, metadata_problems = read_metadata_csv(root)
    _check(metadata_problems, strict, root)
    toolkit = toolkit or build_toolkit(kb_path=Path(kb_path) if kb_path else None,
                                       rules_path=Path(rules_path) if rules_path else None)
    store = _open_cache(cache, root, toolkit)
    names = [p.relative_to(root).as_posix() for p in files]
    if store is None:
        keys = [hashlib.sha256(n.encode("utf-8")).hexdigest()[:32] for n in names]
    else:
        keys = [content_key(n, _bytes_or_empty(p), _metadata_row(metadata, p, n)) for p, n in zip(files, names)]
    cached = _cached_frames(store, keys)
    todo = [(p, k) for p, k in zip(files, keys) if cached is None or k not in cached[1]]
    if engine == "dask":
        from .distributed import run_files_dask

        fresh = run_files_dask(todo, root, metadata, toolkit, client=client, dataset_dir=dataset_dir,
                               strict=strict, progress=progress)
    else:
        outputs = run_files(todo, root, metadata, toolkit, workers=workers, progress=progress, strict=strict)
        fresh = gather(outputs)
    if store is not None:
        store.write(to_storage(fresh), keys)
    raw = _combine(cached[0] if cached else None, fresh, keys)
    if store is not None and store.needs_compaction():
        store.compact(to_storage(raw), keys)
    frames = finalize(raw, toolkit, as_of_day, metadata_problems)
    return Corpus(root=root, frames=frames, as_of=as_of_day, toolkit_version=toolkit.version)


def _bytes_or_empty(path: Path) -> bytes:
    """The file's bytes for its cache key; an unreadable file keys as empty (the pipeline reports it)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _metadata_row(metadata: dict[str, dict[str, str]], path: Path, name: str) -> dict[str, str]:
    return metadata.get(name) or metadata.get(path.name) or {}


def _open_cache(cache: bool | Path | str | None, root: Path, toolkit: Toolkit) -> CorpusCache | None:
    if cache is None or cache is False:
        return None
    folder = default_cache_dir(root) if cache is True else Path(cache)
    return CorpusCache(folder, toolkit.version)


def _cached_frames(store: CorpusCache | None, keys: list[str]) -> tuple[dict[str, pd.DataFrame], set[str]] | None:
    if store is None:
        return None
    hits = store.hits(keys)
    if not hits:
        return {}, set()
    frames = store.read(hits, PER_DOCUMENT)
    if frames is None:
        return {}, set()
    return frames, hits


def run_files(tasks: list[tuple[Path, str]], root: Path, metadata: dict[str, dict[str, str]],
              toolkit: Toolkit, *, workers: int | None = None, progress: bool = False,
              strict: bool = False) -> list[FileOutput]:
    """Process files in order, in parallel when worth it; raise early in strict mode."""
    workers = _worker_count(workers, len(tasks))
    bar = _progress_bar(len(tasks), progress)
    outputs: list[FileOutput] = []
    try:
        for output in _map_files(tasks, root, metadata, toolkit, workers):
            _check_output(output, strict, root)
            outputs.append(output)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return outputs


def _map_files(tasks, root, metadata, toolkit, workers):
    if workers <= 1:
        for path, key in tasks:
            yield process_file(path, root, metadata, toolkit, key)
        return
    global _WORKER_STATE
    _WORKER_STATE = (root, metadata, toolkit)
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, len(tasks) // (workers * 8) or 1))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_process_in_worker, tasks, chunksize=chunk)
    _WORKER_STATE = None


_WORKER_STATE: tuple | None = None
PARALLEL_THRESHOLD = 200


def _process_in_worker(task: tuple[Path, str]) -> FileOutput:
    root, metadata, toolkit = _WORKER_STATE
    return process_file(task[0], root, metadata, toolkit, task[1])


def _worker_count(workers: int | None, n_tasks: int) -> int:
    if workers is not None:
        return max(1, workers)
    if n_tasks < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _check_output(output: FileOutput, strict: bool, root: Path) -> None:
    if not strict or "problems" not in output.columns:
        return
    cols = output.columns["problems"]
    problems = [Problem(f, ln, k, m) for f, ln, k, m in zip(cols["file"], cols["line"], cols["kind"], cols["message"])]
    _check(problems, strict, root)


def gather(outputs: list[FileOutput]) -> dict[str, pd.DataFrame]:
    """Turn the column lists of many files into one typed dataframe per table."""
    merged: dict[str, dict[str, list]] = {t: {c: [] for c in table_columns(t)} for t in PER_DOCUMENT}
    for output in outputs:
        for table, columns in output.columns.items():
            target = merged[table]
            for name, values in columns.items():
                target[name].extend(values)
    return {table: _typed(table, columns) for table, columns in merged.items()}


def _typed(table: str, columns: dict[str, list]) -> pd.DataFrame:
    private = {name: pd.array(columns[name], dtype=schema.STRING) for name in PRIVATE}
    if table == "candidate_rows":
        frame = pd.DataFrame({c: pd.array(columns[c], dtype=schema.STRING) for c in CANDIDATE_ROWS})
    else:
        data = dict(columns)
        if table == "events":
            data["is_future"] = [False] * len(columns["_key"])
            data["actors"] = [None] * len(columns["_key"])
        frame = schema.frame(table, data)
    for name, values in private.items():
        frame[name] = values
    return frame


def _combine(cached: dict[str, pd.DataFrame] | None, fresh: dict[str, pd.DataFrame],
             keys: list[str]) -> dict[str, pd.DataFrame]:
    """Cached and fresh rows together, in the order of the files (as a fresh load gives them)."""
    if not cached:
        return fresh
    order = pd.Index(keys)
    out = {}
    for table, frame in fresh.items():
        old = cached.get(table)
        if old is None or old.empty:
            out[table] = frame
            continue
        old = _restore(table, old)
        both = pd.concat([old, frame], ignore_index=True) if len(frame) else old
        position = order.get_indexer(both["_key"])
        if len(position) > 1 and (position[1:] < position[:-1]).any():
            both = both.iloc[position.argsort(kind="stable")].reset_index(drop=True)
        out[table] = both
    return out


def to_storage(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Frames ready for Parquet: the table frames of ``tables`` become JSON text (see _restore)."""
    out = dict(frames)
    tables = out.get("tables")
    if tables is not None and len(tables):
        tables = tables.copy()
        tables["frame"] = [_frame_to_json(f) for f in tables["frame"]]
        out["tables"] = tables
    return out


def _frame_to_json(value) -> str | None:
    if not isinstance(value, pd.DataFrame):
        return value if isinstance(value, str) else None
    return json.dumps(value.to_dict(orient="split"), ensure_ascii=False)


def _restore(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Undo what Parquet storage changed: table frames come back from JSON."""
    if table == "tables" and "frame" in frame.columns:
        frame = frame.copy()
        frame["frame"] = pd.Series([_frame_from_json(v) for v in frame["frame"]], index=frame.index, dtype=object)
    return frame


def finalize(raw: dict[str, pd.DataFrame], toolkit: Toolkit, as_of: dt.date,
             extra_problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """Drop duplicate articles, add the corpus-level tables and columns, drop private columns."""
    raw = dict(raw)
    duplicates = _duplicates(raw["articles"])
    if duplicates:
        for table, frame in raw.items():
            if table != "problems":
                raw[table] = frame[~frame["_doc"].isin(duplicates)].reset_index(drop=True)
    mentions = raw["mentions"]
    events = raw["events"].copy()
    events["is_future"] = _is_future(events, as_of)
    actors = _actors_by_sentence(mentions, events["sentence_id"], toolkit)
    events["actors"] = pd.array([actors.get(s) for s in events["sentence_id"].tolist()], dtype=schema.STRING)
    problems = pd.concat(
        [schema.frame("problems", [_problem_row(p) for p in extra_problems]),
         raw["problems"].drop(columns=list(PRIVATE)),
         schema.frame("problems", list(duplicates.values()))],
        ignore_index=True,
    )
    candidate_rows = raw["candidate_rows"]
    frames = {name: raw[name] for name in ARTICLE_TABLES}
    frames.update(
        entities=entities_frame(toolkit.kb),
        mentions=mentions,
        candidates=aggregate_candidates(list(zip(*(candidate_rows[c].tolist() for c in CANDIDATE_ROWS)))),
        relations=relations_from_mentions(mentions),
        themes=score_themes(raw["theme_hits"], raw["sentences"], toolkit.kb),
        theme_hits=raw["theme_hits"],
        events=events,
        figures=raw["figures"],
        problems=problems,
    )
    out = {}
    for name in schema.TABLES:
        frame = frames[name]
        frame = frame.drop(columns=[c for c in PRIVATE if c in frame.columns]).reset_index(drop=True)
        out[name] = schema.validate(name, schema.conform(name, frame))
    return out


def _duplicates(articles: pd.DataFrame) -> dict[str, dict]:
    """Documents whose clean text repeats an earlier one: ``_doc`` → problem row."""
    repeated = articles["article_id"].duplicated(keep="first")
    if not repeated.any():
        return {}
    firsts = articles.drop_duplicates("article_id")
    where = dict(zip(firsts["article_id"], [
        f if pd.isna(line) else f"{f}:{line}" for f, line in zip(firsts["file"], firsts["line"])]))
    dups = articles[repeated]
    return {
        doc: {"file": file, "line": None if pd.isna(line) else int(line), "kind": "duplicate",
              "message": f"same clean text as {where[article_id]}; loaded once"}
        for doc, file, line, article_id in zip(dups["_doc"], dups["file"], dups["line"], dups["article_id"])
    }


def _is_future(events: pd.DataFrame, as_of: dt.date) -> pd.Series:
    end = events["date_end"].fillna(events["date_start"])
    return (end > pd.Timestamp(as_of)).fillna(False).astype(bool)


def _actors_by_sentence(mentions: pd.DataFrame, sentence_ids: pd.Series, toolkit: Toolkit) -> dict[str, str]:
    """Canonical names of the actors in each of ``sentence_ids``, sorted and joined by '; '."""
    wanted = mentions["sentence_id"].isin(sentence_ids) & mentions["entity_type"].isin(ACTOR_TYPES)
    pairs = mentions.loc[wanted, ["sentence_id", "entity_id"]].drop_duplicates()
    names = {e.id: e.name for e in toolkit.kb.entities}
    grouped: dict[str, set[str]] = {}
    for sentence_id, entity_id in zip(pairs["sentence_id"].tolist(), pairs["entity_id"].tolist()):
        grouped.setdefault(sentence_id, set()).add(names.get(entity_id, entity_id))
    return {sid: "; ".join(sorted(v)) for sid, v in grouped.items()}


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


def _frame_from_json(value) -> pd.DataFrame | None:
    if not isinstance(value, str):
        return value if isinstance(value, pd.DataFrame) else None
    data = json.loads(value)
    return pd.DataFrame(data["data"], columns=data["columns"], dtype=schema.STRING)


def _check(problems: Iterable[Problem], strict: bool, root: Path) -> None:
    if not strict:
        return
    for problem in problems:
        if problem.kind not in LENIENT_KINDS:
            raise IngestError(root / problem.file, problem.kind,
                              f"{problem.message} (fix or remove the file, or load without strict=True)",
                              line=problem.line)


def _serialisable(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace columns holding Python objects (table frames) with JSON text for export."""
    if "frame" not in frame.columns:
        return frame
    out = frame.copy()
    out["frame"] = [_frame_to_json(f) for f in out["frame"]]
    return out.rename(columns={"frame": "frame_json"})


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="loading articles", unit="file")


def today() -> dt.date:
    """Today's date (one place to read the clock)."""
    return dt.date.today()
