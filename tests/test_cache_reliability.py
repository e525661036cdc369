"""The cache owns only its own folder, trusts nothing it reads unchecked, and survives concurrent
and killed loads: every load gives the dataframes of a load without a cache."""

from __future__ import annotations

import json
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

import reex_research as rr
from reex_research import paths
from reex_research.engine import cache as cache_module
from reex_research.errors import CacheError
from reex_research.pipeline import build_toolkit

pytestmark = pytest.mark.reliability

TOOLKIT = build_toolkit()
AS_OF = "2026-11-23"
STORE = cache_module.STORE


def _load(folder: Path, **kwargs) -> rr.Corpus:
    return rr.load_corpus(folder, toolkit=kwargs.pop("toolkit", TOOLKIT), as_of=AS_OF, workers=1, **kwargs)


def _assert_same(expected: dict[str, pd.DataFrame], got: dict[str, pd.DataFrame]) -> None:
    assert list(expected) == list(got)
    for name in expected:
        pd.testing.assert_frame_equal(expected[name], got[name], obj=name)


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def folder(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(paths.bundled_corpus(), target)
    return target


@pytest.fixture(scope="module")
def uncached() -> dict[str, pd.DataFrame]:
    """The dataframes of the bundled corpus loaded without a cache."""
    return dict(rr.load_corpus(paths.bundled_corpus(), toolkit=TOOLKIT, as_of=AS_OF, workers=1).frames)


def _changed_toolkit(tmp_path: Path):
    """A toolkit whose knowledge base has one more organisation (so its version differs)."""
    kb = tmp_path / "kb"
    shutil.copytree(paths.kb_dir(), kb)
    with (kb / "organisations.yaml").open("a", encoding="utf-8") as file:
        file.write("\n- id: kestrel_magnetics\n  name: Kestrel Magnetics\n  type: organisation\n"
                   "  subtype: company\n  country: AU\n  aliases: []\n")
    return build_toolkit(kb_path=kb)


# --- the cache owns only what it creates -------------------------------------------------------

def test_the_corpus_folder_itself_is_refused_as_a_cache_and_left_untouched(folder):
    before = _tree(folder)
    with pytest.raises(CacheError, match="outside the corpus folder"):
        _load(folder, cache=folder)
    with pytest.raises(CacheError, match="outside the corpus folder"):
        _load(folder, cache=folder / "cache")
    assert _tree(folder) == before


def test_a_cache_folder_holding_the_corpus_never_touches_it(folder, tmp_path):
    before = _tree(folder)
    _load(folder, cache=tmp_path)
    reloaded = _load(folder, cache=tmp_path, toolkit=_changed_toolkit(tmp_path))  # a new toolkit clears the cache
    assert _tree(folder) == before
    assert len(reloaded.articles) == 5


def test_files_of_others_in_the_cache_folder_survive_every_invalidation(folder, tmp_path):
    cache = tmp_path / "shared"
    cache.mkdir()
    (cache / "manifest.json").write_text('{"someone": "else"}', encoding="utf-8")
    (cache / "seg-00001").mkdir()
    (cache / "seg-00001" / "notes.txt").write_text("mine", encoding="utf-8")
    (cache / "entities.arrow").write_bytes(b"not ours")
    before = _tree(cache)
    _load(folder, cache=cache)
    _load(folder, cache=cache, toolkit=_changed_toolkit(tmp_path))
    (cache / STORE / "manifest.json").write_text("{broken", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _load(folder, cache=cache)
    after = _tree(cache)
    assert {k: v for k, v in after.items() if not k.startswith(STORE + "/")} == before
    assert (cache / STORE / cache_module.MARKER).is_file()


def test_a_folder_of_the_cache_s_name_that_it_did_not_write_is_refused(folder, tmp_path):
    foreign = tmp_path / "cache" / STORE
    foreign.mkdir(parents=True)
    (foreign / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CacheError, match="not written by the cache"):
        _load(folder, cache=tmp_path / "cache")
    assert _tree(foreign) == {"manifest.json": b"{}"}


# --- nothing read unchecked --------------------------------------------------------------------

def _flip(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_changed_bytes_inside_a_cached_table_are_noticed_and_that_segment_rebuilt(folder, tmp_path, uncached):
    _load(folder, cache=tmp_path / "cache")
    segment = next((tmp_path / "cache" / STORE).glob("seg-*"))
    _flip(segment / "articles.arrow", b"China", b"CHINA")  # same size: only the checksum can tell
    with pytest.warns(UserWarning, match=f"segment {segment.name} is damaged"):
        rebuilt = _load(folder, cache=tmp_path / "cache")
    assert "CHINA" not in "".join(rebuilt.articles["text"])
    _assert_same(uncached, dict(rebuilt.frames))
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache" / STORE).glob("seg-*/articles.arrow"))
    assert b"China" in stored and b"CHINA" not in stored  # the damaged copy is gone, rewritten whole


def test_a_damaged_entities_table_is_rebuilt_from_the_knowledge_base(folder, tmp_path, uncached):
    _load(folder, cache=tmp_path / "cache")
    entities = tmp_path / "cache" / STORE / "entities.arrow"
    data = bytearray(entities.read_bytes())
    at = data.index(b"Shenghe")
    data[at:at + 2] = b"\xff\xfe"  # no longer UTF-8
    entities.write_bytes(bytes(data))
    _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))
    _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))


@pytest.mark.parametrize("manifest", [
    [], {"format": cache_module.FORMAT}, 42,
    {"format": cache_module.FORMAT, "toolkit": "x", "segments": [], "keys": {}, "files": {}, "entities": None},
    "files-of-the-wrong-shape",
])
def test_a_manifest_of_the_wrong_shape_is_rebuilt(folder, tmp_path, uncached, manifest):
    _load(folder, cache=tmp_path / "cache")
    path = tmp_path / "cache" / STORE / "manifest.json"
    if manifest == "files-of-the-wrong-shape":
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["files"] = {name: "oops" for name in manifest["files"]}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.warns(UserWarning, match="rebuilding"):
        rebuilt = _load(folder, cache=tmp_path / "cache")
    _assert_same(uncached, dict(rebuilt.frames))


def test_a_segment_left_by_a_killed_load_is_removed_and_the_cache_keeps_working(folder, tmp_path, uncached):
    store = tmp_path / "cache" / STORE
    _load(folder, cache=tmp_path / "cache")
    shutil.rmtree(store)
    _load(folder, cache=tmp_path / "cache")
    (store / "manifest.json").unlink()  # as if killed after the segment but before the manifest
    (store / ".seg-00002.tmp").mkdir()
    (store / ".seg-00002.tmp" / "articles.arrow").write_bytes(b"half")
    (store / ".manifest.json.tmp").write_text("{", encoding="utf-8")
    _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))
    assert sorted(p.name for p in store.iterdir()) == sorted(
        [".lock", cache_module.MARKER, "entities.arrow", "manifest.json", "seg-00001"])
    _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))


# --- concurrent and killed loads ---------------------------------------------------------------

LOADER = textwrap.dedent("""
    import os, pickle, signal, sys
    from pathlib import Path
    import reex_research as rr
    from reex_research.engine import cache

    folder, store, out, kill = sys.argv[1:5]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if kill == "mid-table":  # a segment's Arrow file half written
        def half(data, path):
            Path(path).write_bytes(b"ARROW1" + b"\\0" * 100)
            die()
        cache._write_arrow = half
    elif kill == "after-segment":  # the segment renamed into place, the manifest not yet written
        rename = os.rename
        def rename_then_die(src, dst):
            rename(src, dst)
            die()
        cache.os.rename = rename_then_die
    elif kill == "mid-manifest":  # the manifest's temporary written, not yet renamed
        def half_written(path, data):
            path.with_name("." + path.name + ".tmp").write_bytes(data[: len(data) // 2])
            die()
        cache._write_atomically = half_written
    elif kill == "before-entities":
        cache.CorpusCache.write_entities = die
    corpus = rr.load_corpus(folder, as_of="2026-11-23", cache=store, workers=1)
    with open(out, "wb") as file:
        pickle.dump(dict(corpus.frames), file)
""")


def _start(folder: Path, cache: Path, out: Path, kill: str = "none") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOADER, str(folder), str(cache), str(out), kill],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _frames(out: Path) -> dict[str, pd.DataFrame]:
    with out.open("rb") as file:
        return pickle.load(file)


@pytest.mark.parametrize("kill", ["mid-table", "after-segment", "mid-manifest", "before-entities"])
def test_a_load_killed_mid_write_leaves_a_cache_the_next_load_repairs(folder, tmp_path, uncached, kill):
    process = _start(folder, tmp_path / "cache", tmp_path / "killed.pickle", kill)
    process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))
    _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))


def test_loads_killed_at_any_moment_never_break_the_cache(folder, tmp_path, uncached):
    for delay in (0.5, 1.5, 2.5, 3.5):
        process = _start(folder, tmp_path / "cache", tmp_path / "any.pickle")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=300)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _assert_same(uncached, dict(_load(folder, cache=tmp_path / "cache").frames))
        shutil.rmtree(tmp_path / "cache" / STORE / "seg-00001", ignore_errors=True)  # the next round writes again


def test_processes_sharing_one_cache_each_get_the_uncached_dataframes(folder, tmp_path, uncached):
    edited = folder / "kestrel.md"
    for round_ in range(2):
        if round_:  # a second round: one new file, the rest from the cache the first round wrote
            edited.write_text("# Kestrel Magnetics signs offtake\n\nMay 2, 2026\n\nKestrel Magnetics signed an "
                              "offtake with Lynas Rare Earths.\n", encoding="utf-8")
        outs = [tmp_path / f"round{round_}-{n}.pickle" for n in range(3)]
        processes = [_start(folder, tmp_path / "cache", out) for out in outs]
        for process in processes:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err.decode()
        expected = uncached if not round_ else dict(
            rr.load_corpus(folder, toolkit=TOOLKIT, as_of=AS_OF, workers=1).frames)
        for out in outs:
            _assert_same(expected, _frames(out))
    assert not list((tmp_path / "cache" / STORE).glob(".*.tmp"))
