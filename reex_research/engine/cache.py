"""A cache of per-file pipeline output as Arrow files, keyed by file content and toolkit version.

Layout of a cache folder::

    manifest.json            {"format": 2, "toolkit": "<version>", "segments": [...],
                              "keys": {key: segment}, "files": {name: [size, mtime_ns, meta, key]}}
    seg-<n>/<table>.arrow    rows of the files processed in one run, with their ``_key`` column
    entities.arrow           the knowledge base's ``entities`` table (it depends on the toolkit only)

A run reads the rows of unchanged files from the segments that hold them, processes only new or
changed files, and writes those as one new segment. A file whose size and modification time are
those recorded (and not so recent that a write within the same clock tick could hide) keeps its
recorded key without being read again; any other file is read and hashed. A changed knowledge
base, rule set or package version changes the toolkit version and starts the cache afresh. A cache
that cannot be read is deleted and rebuilt, never trusted.

The files are uncompressed Arrow IPC files, memory-mapped on reading: a reload maps the stored
columns instead of decoding them, and the dataframes share their text with the mapped files.
They take more disk than Parquet would (about eight times the size of the corpus's text); Parquet
is the format of exports (:meth:`Corpus.export`) and of the Dask engine's dataset.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..errors import CacheError
from ..pipeline import content_key
from . import columnar

FORMAT = 3
MAX_SEGMENTS = 16
MANIFEST = "manifest.json"
ENTITIES = "entities.arrow"
UNREADABLE = (OSError, KeyError, ValueError, pa.ArrowException)
"""What reading a damaged or foreign Arrow file raises."""
RACY_NS = 2_000_000_000
"""A file modified this close to the moment its size and mtime were read is always re-read."""


def default_cache_dir(corpus_root: Path) -> Path:
    """The user cache folder for one corpus folder."""
    digest = hashlib.sha1(str(Path(corpus_root).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("reex-research")) / digest


@dataclass
class CachedRows:
    """The rows a cache holds for some files: one Arrow table per row table, and their keys."""

    tables: dict[str, pa.Table]
    keys: set[str]


class CorpusCache:
    """Per-file rows stored as segments of Arrow files; see the module docstring for the layout."""

    def __init__(self, folder: Path, toolkit_version: str) -> None:
        self.folder = Path(folder)
        self.toolkit_version = toolkit_version
        self.manifest = self._read_manifest()
        self._changed = False

    def hits(self, keys: list[str]) -> set[str]:
        """The keys whose rows the cache holds."""
        known = self.manifest["keys"]
        return {k for k in keys if k in known}

    def known_key(self, name: str, stat: os.stat_result | None, metadata: dict[str, str]) -> str | None:
        """The recorded content key of file ``name`` if its size, mtime and metadata row are unchanged."""
        entry = self.manifest["files"].get(name)
        if entry is None or stat is None:
            return None
        size, mtime_ns, meta, key = entry
        if size != stat.st_size or mtime_ns != stat.st_mtime_ns or meta != _digest(metadata):
            return None
        return key

    def remember(self, name: str, stat: os.stat_result | None, metadata: dict[str, str], key: str) -> None:
        """Record the key of file ``name`` under its size and mtime (saved by the next write)."""
        self._changed = True
        if stat is None or stat.st_mtime_ns > time.time_ns() - RACY_NS:
            self.manifest["files"].pop(name, None)
            return
        self.manifest["files"][name] = [stat.st_size, stat.st_mtime_ns, _digest(metadata), key]

    def read(self, keys: set[str]) -> CachedRows:
        """Rows of ``keys`` per row table; an unreadable segment drops the cache (no rows)."""
        segments = sorted({self.manifest["keys"][k] for k in keys})
        wanted = pa.array(sorted(keys), type=pa.string())
        pieces = [(segment, table) for segment in segments for table in schema.ROW_TABLES]
        try:
            read = [self._read_piece(segment, table, wanted) for segment, table in pieces]
        except UNREADABLE as exc:  # any unreadable piece means the cache is not to be trusted
            self._drop(f"segment unreadable ({type(exc).__name__}: {exc})")
            return CachedRows({t: columnar.empty_arrow(t) for t in schema.ROW_TABLES}, set())
        parts: dict[str, list[pa.Table]] = {t: [] for t in schema.ROW_TABLES}
        for (_, table), data in zip(pieces, read):
            parts[table].append(data)
        return CachedRows({t: columnar.concat(t, p) for t, p in parts.items()}, set(keys))

    def _read_piece(self, segment: str, table: str, wanted: pa.Array) -> pa.Table:
        """The rows of ``wanted`` keys that one segment holds for one table."""
        data = _read_arrow(self.folder / segment / f"{table}.arrow")
        data = data.select(columnar.row_columns(table)).cast(columnar.arrow_schema(table))
        if _all_wanted(data["_key"], wanted):
            return data
        return data.filter(pc.is_in(data["_key"], value_set=wanted))

    def write(self, tables: dict[str, pa.Table], current_keys: list[str]) -> None:
        """Store ``tables`` (rows of newly processed files) as a segment; forget vanished keys."""
        keys = self.manifest["keys"]
        new_keys = set()
        if any(t.num_rows for t in tables.values()):
            name = self._next_segment()
            tmp = self.folder / f".{name}.tmp"
            try:
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                for table, data in tables.items():
                    # one chunk: a reload then looks each table's keys up once
                    _write_arrow(data.unify_dictionaries().combine_chunks(), tmp / f"{table}.arrow")
                    new_keys.update(pc.unique(data["_key"]).to_pylist())
                os.replace(tmp, self.folder / name)
            except OSError as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                raise CacheError(self.folder, f"cannot write the cache ({exc}); pass another --cache "
                                 "folder or load without a cache") from exc
            self.manifest["segments"].append(name)
            for key in new_keys:
                keys[key] = name
        current = set(current_keys)
        kept_keys = {k: v for k, v in keys.items() if k in current}
        kept_files = {n: e for n, e in self.manifest["files"].items() if e[3] in current}
        if new_keys or self._changed or kept_keys != keys or kept_files != self.manifest["files"]:
            self.manifest["keys"], self.manifest["files"] = kept_keys, kept_files
            self._write_manifest()

    def read_entities(self) -> pa.Table | None:
        """The stored ``entities`` table, or None when there is none or it cannot be read."""
        path = self.folder / ENTITIES
        if not path.exists():
            return None
        try:
            return _read_arrow(path)
        except UNREADABLE:  # rebuilt from the knowledge base and stored again
            return None

    def write_entities(self, entities: pa.Table) -> None:
        """Store the ``entities`` table of this toolkit's knowledge base."""
        tmp = self.folder / f".{ENTITIES}.tmp"
        try:
            _write_arrow(entities, tmp)
            os.replace(tmp, self.folder / ENTITIES)
        except OSError as exc:
            raise CacheError(self.folder, f"cannot write the cache ({exc}); pass another --cache "
                             "folder or load without a cache") from exc

    def needs_compaction(self, *, new: bool) -> bool:
        """True when writing ``new`` rows would leave more segments than reading them is worth."""
        return len(self.manifest["segments"]) + int(new) > MAX_SEGMENTS

    def compact(self, tables: dict[str, pa.Table], current_keys: list[str]) -> None:
        """Replace every segment by one holding ``tables`` (the rows of all current files)."""
        old = list(self.manifest["segments"])
        files = self.manifest["files"]
        self.manifest = self._empty()
        self.manifest["files"] = files
        self._changed = True
        self.write(tables, current_keys)
        for segment in old:
            shutil.rmtree(self.folder / segment, ignore_errors=True)

    def _read_manifest(self) -> dict:
        path = self.folder / MANIFEST
        if not path.exists():
            return self._fresh()
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            valid = (manifest.get("format") == FORMAT and isinstance(manifest.get("keys"), dict)
                     and isinstance(manifest.get("segments"), list) and isinstance(manifest.get("files"), dict))
        except (OSError, ValueError, AttributeError) as exc:
            self._drop(f"manifest unreadable ({exc})")
            return self._fresh()
        if not valid:
            self._drop("manifest has an unknown format")
            return self._fresh()
        if manifest.get("toolkit") != self.toolkit_version:
            shutil.rmtree(self.folder, ignore_errors=True)  # knowledge base, rules or package changed
            return self._fresh()
        return manifest

    def _fresh(self) -> dict:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(self.folder, f"cannot create the cache folder ({exc})") from exc
        return self._empty()

    def _empty(self) -> dict:
        return {"format": FORMAT, "toolkit": self.toolkit_version, "segments": [], "keys": {}, "files": {}}

    def _drop(self, reason: str) -> None:
        warnings.warn(f"cache {self.folder}: {reason}; rebuilding it", stacklevel=3)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.manifest = self._fresh()

    def _next_segment(self) -> str:
        numbers = [int(s.split("-")[1]) for s in self.manifest["segments"] if s.startswith("seg-")]
        return f"seg-{(max(numbers) + 1) if numbers else 1:05d}"

    def _write_manifest(self) -> None:
        tmp = self.folder / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(self.manifest, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)
        self._changed = False


def _read_arrow(path: Path) -> pa.Table:
    """A table from an Arrow file, memory-mapped, its structure checked (raises if damaged)."""
    data = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    data.validate()
    return data


def _write_arrow(data: pa.Table, path: Path) -> None:
    """Write ``data`` as an uncompressed Arrow IPC file."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)


def _all_wanted(keys: pa.ChunkedArray, wanted: pa.Array) -> bool:
    """True when every key is wanted, checked on the distinct keys of dictionary-encoded chunks."""
    for chunk in keys.chunks:
        values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
        if not pc.all(pc.is_in(values, value_set=wanted)).as_py():
            return False
    return True


def _digest(metadata: dict[str, str]) -> str:
    if not metadata:
        return ""
    return hashlib.sha1(json.dumps(metadata, sort_keys=True).encode("utf-8")).hexdigest()[:12]


def open_cache(cache: bool | Path | str | None, root: Path, version: str) -> CorpusCache | None:
    """The cache a load asked for: None (no cache), True (the user cache folder) or a folder."""
    if cache is None or cache is False:
        return None
    folder = default_cache_dir(root) if cache is True else Path(cache)
    return CorpusCache(folder, version)


def file_key(store: CorpusCache, entry: os.DirEntry[str], name: str, metadata: dict[str, str]) -> str:
    """The file's content key: remembered by the cache while size and mtime are unchanged."""
    try:
        stat: os.stat_result | None = entry.stat()
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
