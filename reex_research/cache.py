"""A Parquet cache of per-file pipeline output, keyed by file content and toolkit version.

Layout of a cache folder::

    manifest.json            {"format": 1, "toolkit": "<version>", "segments": [...], "keys": {key: segment}}
    seg-<n>/<table>.parquet  rows of the files processed in one run, with their ``_key`` column

A run reads the rows of unchanged files from the segments that hold them, processes only new or
changed files, and writes those as one new segment. A changed knowledge base, rule set or package
version changes the toolkit version and starts the cache afresh. A cache that cannot be read is
deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pandas as pd
import platformdirs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import CacheError

FORMAT = 1
MAX_SEGMENTS = 16
MANIFEST = "manifest.json"


def default_cache_dir(corpus_root: Path) -> Path:
    """The user cache folder for one corpus folder."""
    import hashlib

    digest = hashlib.sha1(str(Path(corpus_root).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("reex-research")) / digest


def _to_pandas(data: pa.Table) -> pd.DataFrame:
    """Arrow table → pandas, text columns as Python strings (the storage the corpus uses)."""
    python_strings = pd.StringDtype("python")
    return data.to_pandas(types_mapper={pa.string(): python_strings, pa.large_string(): python_strings}.get)


class CorpusCache:
    """Per-file rows stored as Parquet segments; see the module docstring for the layout."""

    def __init__(self, folder: Path, toolkit_version: str) -> None:
        self.folder = Path(folder)
        self.toolkit_version = toolkit_version
        self.manifest = self._read_manifest()

    def hits(self, keys: list[str]) -> set[str]:
        """The keys whose rows the cache holds."""
        known = self.manifest["keys"]
        return {k for k in keys if k in known}

    def read(self, keys: set[str], tables: tuple[str, ...]) -> dict[str, pd.DataFrame] | None:
        """Rows of ``keys`` per table, or None (cache dropped) when a segment cannot be read."""
        segments = sorted({self.manifest["keys"][k] for k in keys})
        frames: dict[str, list[pd.DataFrame]] = {t: [] for t in tables}
        wanted = pa.array(sorted(keys))
        try:
            for segment in segments:
                for table in tables:
                    data = pq.read_table(self.folder / segment / f"{table}.parquet")
                    mask = pc.is_in(data["_key"], value_set=wanted)
                    if not pc.all(mask).as_py():
                        data = data.filter(mask)
                    frames[table].append(_to_pandas(data))
        except Exception as exc:  # any unreadable piece means the cache is not to be trusted
            self._drop(f"segment unreadable ({type(exc).__name__}: {exc})")
            return None
        return {t: pd.concat(parts, ignore_index=True) if parts else None for t, parts in frames.items()}

    def write(self, frames: dict[str, pd.DataFrame], current_keys: list[str]) -> None:
        """Store ``frames`` (rows of newly processed files) as a segment; forget vanished keys."""
        keys = self.manifest["keys"]
        new_keys = set()
        if frames and any(len(f) for f in frames.values()):
            name = self._next_segment()
            tmp = self.folder / f".{name}.tmp"
            try:
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                for table, frame in frames.items():
                    frame.to_parquet(tmp / f"{table}.parquet", index=False)
                    new_keys.update(frame["_key"].unique().tolist())
                os.replace(tmp, self.folder / name)
            except OSError as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                raise CacheError(self.folder, f"cannot write the cache ({exc}); pass another --cache "
                                 "folder or load without a cache") from exc
            self.manifest["segments"].append(name)
            for key in new_keys:
                keys[key] = name
        current = set(current_keys)
        self.manifest["keys"] = {k: v for k, v in keys.items() if k in current}
        self._write_manifest()

    def needs_compaction(self) -> bool:
        """True when so many segments accumulated that reading them costs more than rewriting."""
        return len(self.manifest["segments"]) > MAX_SEGMENTS

    def compact(self, frames: dict[str, pd.DataFrame], current_keys: list[str]) -> None:
        """Replace every segment by one holding ``frames`` (the rows of all current files)."""
        old = list(self.manifest["segments"])
        self.manifest = self._empty()
        self.write(frames, current_keys)
        for segment in old:
            shutil.rmtree(self.folder / segment, ignore_errors=True)

    def _read_manifest(self) -> dict:
        path = self.folder / MANIFEST
        if not path.exists():
            return self._fresh()
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            valid = (manifest.get("format") == FORMAT and isinstance(manifest.get("keys"), dict)
                     and isinstance(manifest.get("segments"), list))
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
        return {"format": FORMAT, "toolkit": self.toolkit_version, "segments": [], "keys": {}}

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
