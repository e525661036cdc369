"""Corpus: load a folder of articles into tidy dataframes, and export them.

:func:`load_corpus` is the one entry point: it lists the files, runs the per-file pipeline
(ingest → repair → parse → extract), gathers the rows into schema-checked dataframes and
returns a :class:`Corpus`. Files that cannot be read become rows of ``corpus.problems``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import schema
from .assemble import assemble_frames
from .engine import Engine, EngineOptions, get_engine
from .engine.cache import CorpusCache, file_key, open_cache
from .engine.collector import collector_for_load
from .engine.order import combine
from .engine.work import raise_if_strict
from .errors import InvalidArgumentError, ReexError
from .kb import entities_frame, load_kb
from .pipeline import Toolkit, build_toolkit, toolkit_version
from .read.datetext import YEAR_MAX, YEAR_MIN
from .read.ingest import corpus_entries
from .read.metadata import metadata_row, read_metadata_csv
from .read.parse import table_from_cells

ExportFormat = Literal["parquet", "csv"]
CORPUS_INFO = "corpus.json"
"""What :meth:`Corpus.export` writes beside the tables: the corpus folder, ``as_of`` and toolkit version."""


@dataclass
class Corpus:
    """The dataframes of one loaded corpus; every derived row points at a sentence."""

    root: Path
    frames: Mapping[str, pd.DataFrame] = field(default_factory=dict)
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
            raise InvalidArgumentError(f"no table '{table_id}' in this corpus; see corpus.tables.table_id")
        return table_from_cells(match.iloc[0])

    def summary(self) -> str:
        """One line: what was loaded and what went wrong."""
        f = self.frames
        rows = f.rows if isinstance(f, ParquetTables) else (lambda name: len(f[name]))
        repairs = f.column("articles", "repairs") if isinstance(f, ParquetTables) else f["articles"]["repairs"]
        problems = f["problems"]
        kinds = problems["kind"].value_counts().sort_index()
        detail = ", ".join(f"{k}: {n}" for k, n in kinds.items())
        parts = [
            f"{rows('articles')} articles",
            f"{rows('sentences')} sentences",
            f"{int(repairs.sum())} text repairs",
            f"{rows('boilerplate')} boilerplate lines removed",
        ]
        for name, label in (("mentions", "mentions"), ("events", "dated events"), ("figures", "figures")):
            if name in f:
                parts.append(f"{rows(name)} {label}")
        parts.append(f"{len(problems)} problems" + (f" ({detail})" if detail else ""))
        return f"{self.root}: " + ", ".join(parts)

    def export(self, out: Path | str, *, format: ExportFormat = "parquet") -> list[Path]:
        """Write every dataframe to ``out`` as Parquet or CSV, and ``corpus.json``; return the files written.

        A Parquet export reads back whole with :meth:`Corpus.read`.
        """
        if format not in ("parquet", "csv"):
            raise InvalidArgumentError(f"unknown export format '{format}'; use 'parquet' or 'csv'")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.frames.items():
            path = out / f"{name}.{format}"
            if format == "parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
            written.append(path)
        about = {"root": self.root.as_posix(), "as_of": self.as_of.isoformat() if self.as_of else None,
                 "toolkit_version": self.toolkit_version}
        info = out / CORPUS_INFO
        info.write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
        return [*written, info]

    @classmethod
    def read(cls, folder: Path | str) -> Corpus:
        """Return the corpus a Parquet :meth:`export` wrote to ``folder``.

        Each table is read (and checked against its schema) when first used, so a notebook that
        needs four tables reads four.
        """
        folder = Path(folder)
        missing = [name for name in schema.TABLES if not (folder / f"{name}.parquet").is_file()]
        try:
            if missing:
                raise FileNotFoundError(f"missing {', '.join(missing)}")
            about = json.loads((folder / CORPUS_INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidArgumentError(
                f"{folder} holds no complete corpus export ({exc}); write one with "
                f"corpus.export(folder, format='parquet')") from exc
        as_of = dt.date.fromisoformat(about["as_of"]) if about.get("as_of") else None
        return cls(root=Path(about.get("root") or folder), frames=ParquetTables(folder), as_of=as_of,
                   toolkit_version=about.get("toolkit_version"))


class ParquetTables(Mapping[str, pd.DataFrame]):
    """The tables of a Parquet export, each read and schema-checked on first use."""

    def __init__(self, folder: Path) -> None:
        """Tables of ``folder`` (one ``<table>.parquet`` per table of the schema)."""
        self.folder = folder
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in schema.TABLES:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = schema.validate(name, pd.read_parquet(self.folder / f"{name}.parquet"))
        return self._read[name]

    def rows(self, name: str) -> int:
        """The number of rows of table ``name``, from the file's footer when it is not read yet."""
        if name in self._read:
            return len(self._read[name])
        return int(pq.ParquetFile(self.folder / f"{name}.parquet").metadata.num_rows)

    def column(self, name: str, column: str) -> pd.Series:
        """One column of table ``name``, read alone when the table is not read yet."""
        if name in self._read:
            return self._read[name][column]
        return pd.read_parquet(self.folder / f"{name}.parquet", columns=[column])[column]

    def __iter__(self) -> Iterator[str]:
        return iter(schema.TABLES)

    def __len__(self) -> int:
        return len(schema.TABLES)


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
    engine: str = "local",
    client: Any = None,
    dataset_dir: Path | str | None = None,
    follow_links_outside: bool = False,
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
    :mod:`reex_research.engine`.

    Links inside the folder to files inside it are read. A link to a file outside the folder is
    left out (a ``link_outside`` problem) unless ``follow_links_outside=True``, so that a corpus
    unpacked from someone's archive cannot pull private files into a report; links to folders,
    link loops, dangling links, pipes and devices are never read.
    """
    run = get_engine(engine)
    root = Path(path)
    as_of_day = _as_of(as_of)
    with collector_for_load():
        return _load(root, run, as_of_day, strict=strict, kb_path=kb_path, rules_path=rules_path, toolkit=toolkit,
                     cache=cache, options=EngineOptions(strict=strict, progress=progress, workers=workers,
                                                        client=client, dataset_dir=dataset_dir),
                     follow_links_outside=follow_links_outside)


def _load(root: Path, run: Engine, as_of_day: dt.date, *, strict: bool, kb_path: Path | str | None,
          rules_path: Path | str | None, toolkit: Toolkit | None, cache: bool | Path | str | None,
          options: EngineOptions, follow_links_outside: bool) -> Corpus:
    """:func:`load_corpus` once its arguments are checked."""
    listing = corpus_entries(root, follow_links_outside=follow_links_outside)
    listed = listing.entries
    metadata, metadata_problems = read_metadata_csv(root, files=[name for name, _ in listed])
    raise_if_strict([*listing.problems, *metadata_problems], strict, root)
    kb_folder = Path(kb_path) if kb_path else None
    rules_folder = Path(rules_path) if rules_path else None
    version = toolkit.version if toolkit else toolkit_version(kb_path=kb_folder, rules_path=rules_folder)
    store = open_cache(cache, root, version)
    with store if store is not None else contextlib.nullcontext():  # loads sharing a cache take turns
        if store is None:
            keys = [hashlib.sha256(name.encode("utf-8")).hexdigest()[:32] for name, _ in listed]
        else:
            keys = [file_key(store, entry, name, metadata_row(metadata, name, entry.name))
                    for name, entry in listed]
        cached = store.read(store.hits(keys)) if store is not None else None
        todo = [(Path(entry.path), k) for (_, entry), k in zip(listed, keys)
                if cached is None or k not in cached.keys]
        if toolkit is None and todo:  # a reload of unchanged files compiles nothing
            toolkit = build_toolkit(kb_path=kb_folder, rules_path=rules_folder)
        if toolkit is not None and toolkit.as_of != as_of_day:
            toolkit = dataclasses.replace(toolkit, as_of=as_of_day)
        fresh = run(todo, root, metadata, toolkit, options)
        raw = combine(cached.tables if cached is not None else None, fresh, keys)
        if store is not None:
            if store.needs_compaction(new=bool(todo)):
                store.compact(raw, keys)
            else:
                store.write(fresh, keys)
        entities = _entities(store, toolkit, kb_folder)
    frames = assemble_frames(raw, entities, as_of_day, [*listing.problems, *metadata_problems])
    return Corpus(root=root, frames=frames, as_of=as_of_day, toolkit_version=version)


def _entities(store: CorpusCache | None, toolkit: Toolkit | None, kb_folder: Path | None) -> pd.DataFrame:
    """The ``entities`` table: from the cache when it holds it (no knowledge base to read), else built."""
    stored = store.read_entities() if store is not None else None
    if stored is not None:
        try:
            return schema.validate("entities", schema.frame(
                "entities", {name: stored[name].to_pylist() for name in schema.columns("entities")}))
        except (KeyError, ValueError, pa.ArrowException, ReexError):
            pass  # not what this version writes: built again below
    entities = entities_frame(toolkit.kb if toolkit is not None else load_kb(kb_folder))
    if store is not None:
        store.write_entities(pa.Table.from_pandas(entities, preserve_index=False))
    return entities


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return today()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidArgumentError(f"as_of must be a date or YYYY-MM-DD text, got {value!r}") from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise InvalidArgumentError(f"as_of must be a day from {YEAR_MIN}-01-01 to {YEAR_MAX}-12-31, got {value!r}")
    return day


def today() -> dt.date:
    """Today's date (one place to read the clock)."""
    return dt.date.today()
