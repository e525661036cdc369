"""A cache of per-file pipeline output as Arrow files, keyed by file content and toolkit version.

The cache owns one folder that it creates and marks, ``<cache>/reex-research-cache/``; it never
writes, replaces or deletes anything outside it, and refuses a cache folder that is the corpus
folder, lies inside it or holds it. Layout of that folder::

    CACHEDIR.TAG             the marker (the Cache Directory Tagging standard, so backups skip it)
    .lock                    held by the one load that uses the cache at a time
    manifest.json            {"format": 4, "toolkit": "<version>",
                              "segments": {segment: {table: [size, xxh3]}}, "entities": [size, xxh3],
                              "keys": {key: segment}, "files": {name: [size, mtime_ns, meta, key]}}
    seg-<n>/<table>.arrow    rows of the files processed in one run, with their ``_key`` column
    entities.arrow           the knowledge base's ``entities`` table (it depends on the toolkit only)

A run reads the rows of unchanged files from the segments that hold them, processes only new or
changed files, and writes those as one new segment. The rows of a file whose dateline took its year
from the load's ``as_of`` (``published_source`` "inferred_year: as-of …") depend on the load, not
the file: they are never stored, and such a file is processed again by every load. A file whose size and modification time are
those recorded (and not so recent that a write within the same clock tick could hide) keeps its
recorded key without being read again; any other file is read and hashed. A changed knowledge
base, rule set or package version changes the toolkit version and starts the cache afresh.

Nothing read from the cache is trusted blindly: every Arrow file's size and xxh3 checksum are
recorded in the manifest when it is written and checked before it is read, so a damaged segment is
removed and its files processed again (with a warning), and an unreadable manifest starts the cache
afresh. Loads that share a cache take turns through a file lock (:mod:`filelock`), held from reading
the manifest to writing it; every file is written under a temporary name and renamed into place,
and the manifest last, so a load killed at any moment leaves at worst unreferenced files, which the
next load removes.

The files are uncompressed Arrow IPC files, memory-mapped on reading: a reload maps the stored
columns instead of decoding them, and the dataframes share their text with the mapped files.
They take more disk than Parquet would (about eight times the size of the corpus's text); Parquet
is the format of exports (:meth:`Corpus.export`) and of the Dask engine's dataset.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import filelock
import platformdirs
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from .. import schema
from ..errors import CacheError
from ..pipeline import content_key
from ..read.parse.yearless import AS_OF_SOURCE
from . import columnar

FORMAT = 4
MAX_SEGMENTS = 16
STORE = "reex-research-cache"
"""The folder the cache owns inside the cache folder it is given."""
MARKER = "CACHEDIR.TAG"
MARKER_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
               "# This folder is a cache written by reex-research; deleting it only costs a slower load.\n")
LOCK = ".lock"
MANIFEST = "manifest.json"
ENTITIES = "entities.arrow"
SEGMENT = re.compile(r"seg-\d{5,}")
TEMPORARY = re.compile(r"\.(?:seg-\d{5,}|manifest\.json|entities\.arrow)\.tmp")
"""Names of what a write in progress leaves when it is killed."""
UNREADABLE = (OSError, KeyError, ValueError, pa.ArrowException)
"""What reading a damaged or foreign Arrow file raises."""
RACY_NS = 2_000_000_000
"""A file modified this close to the moment its size and mtime were read is always re-read."""
WAIT_NOTICE_S = 5.0
"""How long a load waits for the cache's lock before it says that it is waiting."""
Checksum = list  # [size in bytes, xxh3 hex digest]


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
    """Per-file rows stored as segments of Arrow files; see the module docstring for the layout.

    Use it as a context manager: entering takes the lock, claims the folder and reads the
    manifest; leaving releases the lock.
    """

    def __init__(self, folder: Path, toolkit_version: str) -> None:
        self.folder = Path(folder) / STORE
        self.toolkit_version = toolkit_version
        self.manifest = self._empty()
        self._changed = False
        self._lock: filelock.BaseFileLock | None = None

    def __enter__(self) -> CorpusCache:
        self._claim()
        self._lock = filelock.FileLock(self.folder / LOCK, thread_local=False)
        try:
            self._lock.acquire(timeout=WAIT_NOTICE_S)
        except filelock.Timeout:
            warnings.warn(f"cache {self.folder}: another load is using it; waiting for it to finish",
                          stacklevel=2)
            self._lock.acquire()
        except OSError as exc:
            raise CacheError(self.folder, f"cannot lock the cache ({exc}); pass another --cache "
                             "folder or load without a cache") from exc
        try:
            self.manifest = self._read_manifest()
            self._remove_leftovers()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

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
        """Rows of ``keys`` per row table. A segment that fails its checksum or cannot be read is
        removed (with a warning): its keys are left out, so their files are processed again."""
        wanted = pa.array(sorted(keys), type=pa.string())
        parts: dict[str, list[pa.Table]] = {t: [] for t in schema.ROW_TABLES}
        found: set[str] = set()
        for segment in sorted({self.manifest["keys"][k] for k in keys}):
            try:
                pieces = {table: self._read_piece(segment, table, wanted) for table in schema.ROW_TABLES}
            except UNREADABLE as exc:  # any damaged piece means the segment is not to be trusted
                self._discard(segment, f"{type(exc).__name__}: {exc}")
                continue
            for table, data in pieces.items():
                parts[table].append(data)
            found.update(k for k in keys if self.manifest["keys"][k] == segment)
        return CachedRows({t: columnar.concat(t, p) for t, p in parts.items()}, found)

    def _read_piece(self, segment: str, table: str, wanted: pa.Array) -> pa.Table:
        """The rows of ``wanted`` keys that one segment holds for one table."""
        data = _read_arrow(self.folder / segment / f"{table}.arrow", self.manifest["segments"][segment][table])
        data = data.select(columnar.row_columns(table)).cast(columnar.arrow_schema(table))
        if _all_wanted(data["_key"], wanted):
            return data
        return data.filter(pc.is_in(data["_key"], value_set=wanted))

    def write(self, tables: dict[str, pa.Table], current_keys: list[str]) -> None:
        """Store ``tables`` (rows of newly processed files) as a segment; forget vanished keys.
        Rows that depend on the load's ``as_of`` are left out (see the module docstring)."""
        tables = _load_independent(tables)
        keys = self.manifest["keys"]
        new_keys = set()
        if any(t.num_rows for t in tables.values()):
            name = self._next_segment()
            tmp = self.folder / f".{name}.tmp"
            checksums: dict[str, Checksum] = {}
            try:
                tmp.mkdir()
                for table, data in tables.items():
                    # one chunk: a reload then looks each table's keys up once
                    checksums[table] = _write_arrow(data.unify_dictionaries().combine_chunks(),
                                                    tmp / f"{table}.arrow")
                    new_keys.update(pc.unique(data["_key"]).to_pylist())
                os.rename(tmp, self.folder / name)
            except OSError as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                raise self._write_error(exc) from exc
            self.manifest["segments"][name] = checksums
            for key in new_keys:
                keys[key] = name
        current = set(current_keys)
        kept_keys = {k: v for k, v in keys.items() if k in current}
        kept_files = {n: e for n, e in self.manifest["files"].items() if e[3] in current}
        if new_keys or self._changed or kept_keys != keys or kept_files != self.manifest["files"]:
            self.manifest["keys"], self.manifest["files"] = kept_keys, kept_files
            self._write_manifest()

    def read_entities(self) -> pa.Table | None:
        """The stored ``entities`` table, or None when there is none or it fails its checksum."""
        checksum = self.manifest["entities"]
        if checksum is None:
            return None
        try:
            return _read_arrow(self.folder / ENTITIES, checksum)
        except UNREADABLE:  # rebuilt from the knowledge base and stored again
            return None

    def write_entities(self, entities: pa.Table) -> None:
        """Store the ``entities`` table of this toolkit's knowledge base."""
        tmp = self.folder / f".{ENTITIES}.tmp"
        try:
            checksum = _write_arrow(entities, tmp)
            os.replace(tmp, self.folder / ENTITIES)
            self.manifest["entities"] = checksum
            self._write_manifest()
        except OSError as exc:
            raise self._write_error(exc) from exc

    def needs_compaction(self, *, new: bool) -> bool:
        """True when writing ``new`` rows would leave more segments than reading them is worth."""
        return len(self.manifest["segments"]) + int(new) > MAX_SEGMENTS

    def compact(self, tables: dict[str, pa.Table], current_keys: list[str]) -> None:
        """Replace every segment by one holding ``tables`` (the rows of all current files)."""
        old = list(self.manifest["segments"])
        files, entities = self.manifest["files"], self.manifest["entities"]
        self.manifest = self._empty()
        self.manifest["files"], self.manifest["entities"] = files, entities
        self._changed = True
        self.write(tables, current_keys)
        for segment in old:
            shutil.rmtree(self.folder / segment, ignore_errors=True)

    def _claim(self) -> None:
        """Create the cache's own folder with its marker, or check that an existing one is ours.

        The folder is made under a temporary name, marked, and renamed into place, so no load
        ever sees it unmarked.
        """
        try:
            if not self.folder.exists():
                self.folder.parent.mkdir(parents=True, exist_ok=True)
                made = Path(tempfile.mkdtemp(prefix=f".{STORE}.", dir=self.folder.parent))
                (made / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
                try:
                    os.rename(made, self.folder)
                except OSError:  # another load made it first
                    shutil.rmtree(made, ignore_errors=True)
            marker = self.folder / MARKER
            ours = marker.is_file() and marker.read_text(encoding="utf-8") == MARKER_TEXT
        except OSError as exc:
            raise CacheError(self.folder, f"cannot create the cache folder ({exc}); pass another --cache "
                             "folder or load without a cache") from exc
        if not ours:
            raise CacheError(self.folder, "the folder exists but was not written by the cache, so "
                             "nothing in it is touched; pass another --cache folder")

    def _read_manifest(self) -> dict:
        path = self.folder / MANIFEST
        if not path.exists():
            return self._empty()
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return self._drop(f"manifest unreadable ({exc})")
        if not _valid_manifest(manifest):
            return self._drop("manifest has an unknown format")
        if manifest["toolkit"] != self.toolkit_version:
            self._clear()  # knowledge base, rules or package changed
            return self._empty()
        return manifest

    def _remove_leftovers(self) -> None:
        """Remove what loads killed mid-write left: temporaries and segments no manifest names."""
        for entry in os.scandir(self.folder):
            if TEMPORARY.fullmatch(entry.name) or (
                    SEGMENT.fullmatch(entry.name) and entry.name not in self.manifest["segments"]):
                _remove(Path(entry.path))

    def _empty(self) -> dict:
        return {"format": FORMAT, "toolkit": self.toolkit_version, "segments": {}, "entities": None,
                "keys": {}, "files": {}}

    def _drop(self, reason: str) -> dict:
        warnings.warn(f"cache {self.folder}: {reason}; rebuilding it", stacklevel=4)
        self._clear()
        return self._empty()

    def _clear(self) -> None:
        """Remove every file of the cache's own (the marker and the lock stay)."""
        for entry in os.scandir(self.folder):
            if (entry.name in (MANIFEST, ENTITIES) or SEGMENT.fullmatch(entry.name)
                    or TEMPORARY.fullmatch(entry.name)):
                _remove(Path(entry.path))
        self._changed = True

    def _discard(self, segment: str, reason: str) -> None:
        """Forget and remove one damaged segment; its files are processed again."""
        warnings.warn(f"cache {self.folder}: segment {segment} is damaged ({reason}); rebuilding its rows",
                      stacklevel=3)
        self.manifest["segments"].pop(segment, None)
        self.manifest["keys"] = {k: v for k, v in self.manifest["keys"].items() if v != segment}
        self._changed = True
        shutil.rmtree(self.folder / segment, ignore_errors=True)

    def _next_segment(self) -> str:
        numbers = [int(s.split("-")[1]) for s in self.manifest["segments"]]
        return f"seg-{(max(numbers) + 1) if numbers else 1:05d}"

    def _write_manifest(self) -> None:
        try:
            _write_atomically(self.folder / MANIFEST, json.dumps(self.manifest, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            raise self._write_error(exc) from exc
        self._changed = False

    def _write_error(self, exc: OSError) -> CacheError:
        return CacheError(self.folder, f"cannot write the cache ({exc}); pass another --cache folder or "
                          "load without a cache")


def _valid_manifest(manifest: object) -> bool:
    """True when ``manifest`` has the shape this version writes (any other shape is rebuilt)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return False
    segments, keys, files = manifest.get("segments"), manifest.get("keys"), manifest.get("files")
    if not (isinstance(manifest.get("toolkit"), str) and isinstance(segments, dict)
            and isinstance(keys, dict) and isinstance(files, dict)):
        return False
    entities = manifest.get("entities")
    return (
        (entities is None or _is_checksum(entities))
        and all(isinstance(name, str) and SEGMENT.fullmatch(name) and isinstance(tables, dict)
                and set(tables) == set(schema.ROW_TABLES) and all(map(_is_checksum, tables.values()))
                for name, tables in segments.items())
        and all(isinstance(segment, str) and segment in segments for segment in keys.values())
        and all(isinstance(entry, list) and len(entry) == 4 and all(isinstance(v, int) for v in entry[:2])
                and all(isinstance(v, str) for v in entry[2:]) for entry in files.values())
    )


def _is_checksum(value: object) -> bool:
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str))


def _remove(path: Path) -> None:
    """Remove a file or folder of the cache's own, whatever state a killed write left it in."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_arrow(path: Path, checksum: Checksum) -> pa.Table:
    """A table from an Arrow file, memory-mapped, after its size and checksum are checked.

    Raises ValueError when they differ from ``checksum`` (the file is damaged), OSError or an
    Arrow error when it cannot be read.
    """
    if _checksum(path) != checksum:
        raise ValueError(f"{path.name} does not match its checksum")
    data = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    data.validate()
    return data


def _write_arrow(data: pa.Table, path: Path) -> Checksum:
    """Write ``data`` as an uncompressed Arrow IPC file; return its size and checksum."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)
    return _checksum(path)


def _checksum(path: Path) -> Checksum:
    """Size and xxh3 digest of a file's bytes, read in blocks into one buffer: the file's pages are
    not mapped into the process, so a reload's memory holds only the columns it uses."""
    digest = xxhash.xxh3_64()
    block = bytearray(_BLOCK)
    view = memoryview(block)
    size = 0
    with open(path, "rb", buffering=0) as file:
        while count := file.readinto(block):
            digest.update(view[:count])
            size += count
    return [size, digest.hexdigest() if size else ""]


_BLOCK = 1 << 20


def _load_independent(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """``tables`` without the rows of files whose dateline year came from the load's ``as_of``."""
    articles = tables["articles"]
    if not articles.num_rows:
        return tables
    dependent = articles.filter(pc.starts_with(pc.fill_null(articles["published_source"], ""), AS_OF_SOURCE))
    if not dependent.num_rows:
        return tables
    gone = pc.unique(dependent["_key"].cast(pa.string()).combine_chunks())
    return {table: data.filter(pc.invert(pc.is_in(data["_key"].cast(pa.string()), value_set=gone)))
            for table, data in tables.items()}


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
    """The cache a load asked for: None (no cache), True (the user cache folder) or a folder.

    Raises :class:`CacheError` for a folder that is the corpus folder or lies inside it (or whose
    own cache folder would hold the corpus).
    """
    if cache is None or cache is False:
        return None
    folder = default_cache_dir(root) if cache is True else Path(cache)
    store, corpus = (folder / STORE).resolve(), Path(root).resolve()
    if store == corpus or corpus in store.parents or store in corpus.parents:
        raise CacheError(folder, f"the cache folder must lie outside the corpus folder {root}: pass "
                         "another --cache folder, or none for the user cache folder")
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
