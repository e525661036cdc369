"""The cache and parallel workers give exactly the dataframes of a plain fresh load."""

from __future__ import annotations

import gc
import os
import shutil
import time
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import reex_research as rr
from reex_research.engine import cache as cache_module
from reex_research import corpus as corpus_module
from reex_research.engine import collector, order, work
from reex_research import paths
from reex_research.pipeline import build_toolkit

TOOLKIT = build_toolkit()


def _assert_same(a: rr.Corpus, b: rr.Corpus) -> None:
    assert list(a.frames) == list(b.frames)
    for name in a.frames:
        left, right = a.frames[name], b.frames[name]
        pd.testing.assert_frame_equal(left, right, obj=name)


@pytest.fixture()
def folder(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(paths.bundled_corpus(), target)
    (target / "extra.md").write_text(
        "# Lynas Opens Texas Plant\n\nJune 2, 2025\n\nLynas Rare Earths opened its Texas plant on June 1, "
        "2025, with output of 5,000 tonnes a year by late 2026.\n", encoding="utf-8")
    (target / "broken.jsonl").write_text('{"text": "MP Materials ships magnets."}\n{oops\n', encoding="utf-8")
    return target


@pytest.fixture()
def counted(monkeypatch):
    """Count the files the pipeline really processes."""
    seen: list[str] = []
    original = work.process_file

    def process_file(path, *args, **kwargs):
        seen.append(Path(path).name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(work, "process_file", process_file)
    return seen


def _load(folder: Path, **kwargs) -> rr.Corpus:
    return rr.load_corpus(folder, toolkit=kwargs.pop("toolkit", TOOLKIT), as_of="2026-11-23", workers=1, **kwargs)


def test_cached_reload_equals_a_fresh_load_and_processes_nothing(folder, tmp_path, counted):
    fresh = _load(folder)
    counted.clear()
    first = _load(folder, cache=tmp_path / "cache")
    assert len(counted) == 7
    counted.clear()
    again = _load(folder, cache=tmp_path / "cache")
    assert counted == []
    _assert_same(fresh, first)
    _assert_same(fresh, again)


def test_a_changed_file_is_the_only_one_reprocessed(folder, tmp_path, counted):
    _load(folder, cache=tmp_path / "cache")
    (folder / "extra.md").write_text("# Iluka Starts Eneabba\n\nIluka began building Eneabba in 2024.\n",
                                     encoding="utf-8")
    (folder / "004_221cbb48ccfd2a52.txt").unlink()
    counted.clear()
    updated = _load(folder, cache=tmp_path / "cache")
    assert counted == ["extra.md"]
    _assert_same(updated, _load(folder))
    assert updated.articles["title"].eq("Iluka Starts Eneabba").any()
    assert not updated.articles["file"].eq("004_221cbb48ccfd2a52.txt").any()


def test_a_changed_knowledge_base_re_extracts_everything(folder, tmp_path, counted):
    _load(folder, cache=tmp_path / "cache")
    kb = tmp_path / "kb"
    shutil.copytree(paths.kb_dir(), kb)
    with (kb / "organisations.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n- id: asian_metal_dispatch_desk\n  name: Asian Metal Dispatch Desk\n"
                     "  type: organisation\n  subtype: media\n  country: CN\n  aliases: []\n")
    other = build_toolkit(kb_path=kb)
    assert other.version != TOOLKIT.version
    counted.clear()
    reloaded = _load(folder, cache=tmp_path / "cache", toolkit=other)
    assert len(counted) == 7
    assert "asian_metal_dispatch_desk" in set(reloaded.entities["entity_id"])


@pytest.mark.parametrize("damage", ["manifest", "segment", "truncated", "entities", "entities-columns"])
def test_a_corrupt_cache_is_rebuilt_not_trusted(folder, tmp_path, damage):
    fresh = _load(folder, cache=tmp_path / "cache")
    cache = tmp_path / "cache" / cache_module.STORE
    segment = next(cache.glob("seg-*")) / "sentences.arrow"
    if damage == "manifest":
        (cache / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "segment":
        segment.write_bytes(b"garbage")
    elif damage == "truncated":
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    elif damage == "entities":
        (cache / "entities.arrow").write_bytes(b"garbage")
    else:
        with pa.OSFile(str(cache / "entities.arrow"), "wb") as sink:
            table = pa.table({"entity_id": ["x"]})
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rebuilt = _load(folder, cache=tmp_path / "cache")
    if damage in ("manifest", "segment", "truncated"):
        assert any("rebuilding" in str(w.message) for w in caught)
    _assert_same(fresh, rebuilt)
    _assert_same(fresh, _load(folder, cache=tmp_path / "cache"))


def test_is_future_follows_as_of_even_from_the_cache(folder, tmp_path):
    _load(folder, cache=tmp_path / "cache")
    early = rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2025-01-01", cache=tmp_path / "cache", workers=1)
    late = rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2030-01-01", cache=tmp_path / "cache", workers=1)
    assert early.events["is_future"].sum() > late.events["is_future"].sum() == 0


def test_parallel_workers_give_the_same_rows_in_the_same_order(folder):
    serial = _load(folder)
    parallel = rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2026-11-23", workers=2)
    _assert_same(serial, parallel)


def test_a_load_leaves_the_garbage_collector_as_it_found_it(folder, monkeypatch):
    # files are processed with the toolkit frozen out of the collector's sight and fewer young
    # collections; afterwards the caller's settings hold again, serial or parallel
    before = gc.get_threshold()
    seen = []
    original = work.process_file

    def spy(*args, **kwargs):
        seen.append((gc.get_freeze_count() > 0, gc.get_threshold()[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(work, "process_file", spy)
    rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2026-11-23", workers=1)
    assert seen and all(frozen and young >= collector.YOUNG_OBJECTS for frozen, young in seen)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
    rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2026-11-23", workers=2)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_a_caller_that_froze_objects_keeps_its_own_settings(folder, monkeypatch):
    thresholds = []
    original = work.process_file

    def spy(*args, **kwargs):
        thresholds.append(gc.get_threshold())
        return original(*args, **kwargs)

    monkeypatch.setattr(work, "process_file", spy)
    before = gc.get_threshold()
    gc.freeze()
    try:
        rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2026-11-23", workers=1)
        assert gc.get_freeze_count() > 0  # not unfrozen behind the caller's back
        assert thresholds and set(thresholds) == {before}
    finally:
        gc.unfreeze()


def test_bad_as_of_is_a_clear_error(folder):
    with pytest.raises(rr.ReexError, match="as_of must be a date"):
        rr.load_corpus(folder, toolkit=TOOLKIT, as_of="next tuesday")


def test_an_unreadable_file_is_a_problem_with_the_cache_too(folder, tmp_path, monkeypatch):
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == "extra.md":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = _load(folder, cache=tmp_path / "cache")
    assert dict(zip(corpus.problems["file"], corpus.problems["kind"]))["extra.md"] == "unreadable"
    assert len(corpus.articles) == 6  # five bundled articles and the good line of broken.jsonl


def _age(folder: Path, seconds: int = 3600) -> None:
    """Give every file an mtime well in the past (files just written are always re-read)."""
    past = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


@pytest.fixture()
def reads(monkeypatch):
    """Names of the files whose bytes are read to compute their cache key."""
    seen: list[str] = []
    original = cache_module._bytes_or_empty

    def read(path):
        seen.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(cache_module, "_bytes_or_empty", read)
    return seen


def test_unchanged_files_are_not_even_read_on_reload(folder, tmp_path, counted, reads):
    _age(folder)
    first = _load(folder, cache=tmp_path / "cache")
    assert len(reads) == 7
    reads.clear()
    counted.clear()
    again = _load(folder, cache=tmp_path / "cache")
    assert reads == [] and counted == []
    _assert_same(first, again)


def test_a_same_size_edit_is_noticed_by_its_mtime(folder, tmp_path, counted, reads):
    _age(folder)
    _load(folder, cache=tmp_path / "cache")
    path = folder / "extra.md"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("5,000 tonnes", "6,000 tonnes")
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    past = time.time() - 1800
    os.utime(path, (past, past))
    reads.clear()
    counted.clear()
    updated = _load(folder, cache=tmp_path / "cache")
    assert reads == ["extra.md"] and counted == ["extra.md"]
    assert updated.figures["surface"].str.contains("6,000 tonnes").any()
    assert not updated.figures["surface"].str.contains("5,000 tonnes").any()


def test_a_file_written_just_now_is_read_on_every_load(folder, tmp_path, counted, reads):
    _age(folder)
    (folder / "extra.md").write_text("# Iluka Starts Eneabba\n\nIluka began building Eneabba in 2024.\n",
                                     encoding="utf-8")  # its mtime is now: a same-tick edit could hide
    _load(folder, cache=tmp_path / "cache")
    reads.clear()
    counted.clear()
    _load(folder, cache=tmp_path / "cache")
    assert reads == ["extra.md"]  # hashed again to be sure ...
    assert counted == []  # ... and, being unchanged, not processed again


def test_a_changed_metadata_row_reprocesses_that_file(folder, tmp_path, counted):
    (folder / "metadata.csv").write_text("file,source\nextra.md,Mining Weekly\n", encoding="utf-8")
    _age(folder)
    _load(folder, cache=tmp_path / "cache")
    (folder / "metadata.csv").write_text("file,source\nextra.md,Fastmarkets\n", encoding="utf-8")
    counted.clear()
    updated = _load(folder, cache=tmp_path / "cache")
    assert counted == ["extra.md"]
    assert updated.articles.set_index("file").loc["extra.md", "source"] == "Fastmarkets"


def test_toolkit_version_needs_no_compiling_and_matches_the_built_toolkit(tmp_path):
    from reex_research.pipeline import toolkit_version

    assert toolkit_version() == TOOLKIT.version
    kb = tmp_path / "kb"
    shutil.copytree(paths.kb_dir(), kb)
    with (kb / "organisations.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n- id: example_metals\n  name: Example Metals\n  type: organisation\n"
                     "  subtype: company\n  country: AU\n  aliases: []\n")
    assert toolkit_version(kb_path=kb) == build_toolkit(kb_path=kb).version != TOOLKIT.version


def test_a_reload_of_unchanged_files_compiles_no_matcher_and_reads_no_knowledge_base(folder, tmp_path, monkeypatch):
    _age(folder)
    first = rr.load_corpus(folder, as_of="2026-11-23", cache=tmp_path / "cache", workers=1)

    def refuse(*args, **kwargs):
        raise AssertionError("nothing to process, nothing to compile")

    monkeypatch.setattr(corpus_module, "build_toolkit", refuse)
    monkeypatch.setattr(corpus_module, "load_kb", refuse)  # the entities table comes from the cache
    again = rr.load_corpus(folder, as_of="2026-11-23", cache=tmp_path / "cache", workers=1)
    _assert_same(first, again)
    assert again.toolkit_version == TOOLKIT.version


@pytest.mark.parametrize("name", ["0-first.md", "zzz_last.md"])
def test_a_new_file_lands_in_file_order_whatever_its_name(folder, tmp_path, counted, name):
    _load(folder, cache=tmp_path / "cache")
    (folder / name).write_text("# Iluka Starts Eneabba\n\nIluka began building Eneabba in 2024.\n", encoding="utf-8")
    counted.clear()
    updated = _load(folder, cache=tmp_path / "cache")
    assert counted == [name]
    _assert_same(updated, _load(folder))
    files = updated.articles["file"].tolist()
    assert files.index(name) == (0 if name.startswith("0-") else len(files) - 1)


def test_a_new_copy_of_a_cached_article_is_a_duplicate_as_in_a_fresh_load(folder, tmp_path):
    _load(folder, cache=tmp_path / "cache")
    original = sorted(folder.glob("00*.txt"))[1]
    shutil.copy(original, folder / "000_copy.txt")
    updated = _load(folder, cache=tmp_path / "cache")
    _assert_same(updated, _load(folder))
    problems = updated.problems.set_index("file")
    assert problems.loc[original.name, "kind"] == "duplicate"  # the copy sorts first and is kept
    assert "000_copy.txt" in updated.articles["file"].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_selecting_rows_by_slices_equals_taking_them(seed):
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    data = pa.table({"n": np.arange(3000), "s": [f"row {i}" for i in range(3000)]})
    runs = [np.arange(a, a + rng.integers(1, 50)) for a in rng.integers(0, 2900, size=rng.integers(1, 40))]
    for rows in (np.concatenate(runs), rng.permutation(3000), np.arange(3000), np.array([], dtype=int)):
        assert order.select_rows(data, rows).equals(data.take(rows))


def test_row_positions_by_dictionary_equal_a_lookup_of_every_row():
    import numpy as np
    import pyarrow.compute as pc

    wanted = pa.array([f"k{i}" for i in range(50)])
    rng = np.random.default_rng(0)
    keys = [[f"k{i}" for i in rng.integers(0, 50, size=n)] for n in (30, 0, 70)]
    plain = pa.chunked_array([pa.array(k, type=pa.string()) for k in keys])
    encoded = pa.chunked_array([chunk.dictionary_encode() for chunk in plain.chunks])
    expected = pc.index_in(plain, value_set=wanted).to_numpy()
    assert len(expected) == 100
    for chunks in (plain, encoded):
        assert np.array_equal(order._positions(chunks, wanted), expected)


def test_the_progress_bar_counts_files_to_process_and_is_absent_when_there_are_none(folder, tmp_path, capsys):
    _load(folder, cache=tmp_path / "cache", progress=True)
    assert "loading articles" in capsys.readouterr().err
    _load(folder, cache=tmp_path / "cache", progress=True)
    assert "loading articles" not in capsys.readouterr().err


def test_a_reload_with_nothing_new_leaves_the_manifest_untouched(folder, tmp_path):
    _age(folder)
    _load(folder, cache=tmp_path / "cache")
    manifest = tmp_path / "cache" / cache_module.STORE / "manifest.json"
    before = manifest.stat().st_mtime_ns, manifest.read_bytes()
    _load(folder, cache=tmp_path / "cache")
    assert (manifest.stat().st_mtime_ns, manifest.read_bytes()) == before
    (folder / "extra.md").unlink()
    _load(folder, cache=tmp_path / "cache")
    assert manifest.read_bytes() != before[1]  # a vanished file is forgotten


def test_an_edited_source_file_gives_a_new_toolkit_version(monkeypatch):
    from reex_research import pipeline

    before = pipeline.toolkit_version()
    monkeypatch.setattr(pipeline, "_code_digest", lambda: "an edited extractor")
    assert pipeline.toolkit_version() != before


def test_a_year_taken_from_as_of_is_never_cached(tmp_path):
    # the dateline has no year and nothing in the file gives one: the load's as_of does, so the
    # rows depend on the load, and each load with a cache processes the file again
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "kyodo.txt").write_text("Japan to stockpile\n\nTOKYO, Dec 9 (Kyodo) -- Japan said it will stockpile "
                                      "more rare earths from next month.\n", encoding="utf-8")
    (folder / "dated.txt").write_text("Lynas output\n\nPERTH, 9 October 2025 (Reuters) - Lynas said output rose.\n",
                                      encoding="utf-8")
    cache = tmp_path / "cache"
    early = rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2026-11-27", cache=cache, workers=1)
    late = rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2027-01-15", cache=cache, workers=1)
    early_days, late_days = (dict(zip(c.articles["file"], c.articles["published"].dt.date.astype(str)))
                             for c in (early, late))
    assert early_days == {"dated.txt": "2025-10-09", "kyodo.txt": "2025-12-09"}
    assert late_days == {"dated.txt": "2025-10-09", "kyodo.txt": "2026-12-09"}
    assert set(late.articles["published_source"]) == {"text", "inferred_year: as-of 2027-01-15"}
    assert late.events.loc[late.events["surface"] == "next month", "date_start"].dt.date.astype(str).tolist() == [
        "2027-01-01"]
    _assert_same(late, rr.load_corpus(folder, toolkit=TOOLKIT, as_of="2027-01-15", workers=1))
