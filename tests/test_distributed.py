"""The Dask engine gives the local engine's dataframes and writes a readable Parquet dataset."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from types import SimpleNamespace

import pandas as pd
import pytest

import reex_research as rr
from reex_research import paths, schema
from reex_research.engine import columnar
from reex_research.engine import dask as rd
from reex_research.engine.local import run_files
from reex_research.read.ingest import list_corpus_files
from reex_research.read.metadata import read_metadata_csv
from reex_research.pipeline import build_toolkit

distributed = pytest.importorskip("distributed")

AS_OF = "2026-01-01"
GENERATED = {
    "gen_a_lynas.txt": (
        "Lynas opens a heavy rare earths line in Malaysia\n\nMar 3, 2026\n\n"
        "Lynas Rare Earths said on Tuesday it had produced its first dysprosium oxide at Kuantan.\n\n"
        "The company expects to process 1,500 tonnes of heavy rare earth feedstock a year by mid-2027.\n"
    ),
    "gen_b_mp.md": (
        "# MP Materials signs magnet supply deal\n\nJan 12, 2026\n\n"
        "MP Materials agreed to supply NdPr magnets to General Motors from its Texas plant.\n\n"
        "The deal is worth $400 million over five years, the company said.\n"
    ),
    "gen_c_iluka.txt": (
        "Iluka refinery cost rises\n\nFeb 20, 2026\n\n"
        "Iluka Resources said the Eneabba refinery in Western Australia would cost A$1.7 billion.\n\n"
        "Commissioning is planned for the second half of 2027.\n"
    ),
}
FEED = [
    json.dumps({"text": "Shenghe Resources bought a stake in the Ngualla project in Tanzania.",
                "title": "Shenghe deal", "date": "2025-02-01", "source": "Wire"}),
    "{not json",
    json.dumps({"text": "Arafura secured funding for its Nolans project in the Northern Territory."}),
]


@pytest.fixture(scope="module")
def client():
    """One two-process local cluster for the whole module (it takes seconds to start)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """The bundled articles, three invented ones, a copy of one (a duplicate) and two bad files."""
    root = tmp_path_factory.mktemp("corpus")
    for path in paths.bundled_corpus().iterdir():
        shutil.copy(path, root / path.name)
    for name, text in GENERATED.items():
        (root / name).write_text(text, encoding="utf-8")
    first = min(paths.bundled_corpus().glob("*.txt"))
    shutil.copy(first, root / "zz_copy_of_first.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "feed.jsonl").write_text("\n".join(FEED), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def loaded(client, corpus_dir, tmp_path_factory):
    """The same folder loaded by the local engine and by the Dask engine (with a dataset)."""
    dataset = tmp_path_factory.mktemp("out") / "ds"
    local = rr.load_corpus(corpus_dir, as_of=AS_OF)
    dask = rr.load_corpus(corpus_dir, as_of=AS_OF, engine="dask", client=client, dataset_dir=dataset)
    return local, dask, dataset


def test_dask_engine_gives_the_same_frames_as_the_local_engine(loaded):
    local, dask, _ = loaded
    assert dask.names == local.names
    for name in local.names:
        expected, got = local.frames[name], dask.frames[name]
        pd.testing.assert_frame_equal(expected, got, obj=name)


def test_the_corpus_exercises_every_path(loaded):
    local, _, dataset = loaded
    assert len(local.articles) == 5 + 3 + 2  # bundled, invented, two good feed lines
    assert len(local.tables) >= 1 and len(local.mentions) > 0 and len(local.events) > 0
    kinds = dict(zip(local.problems["file"], local.problems["kind"]))
    assert kinds == {"empty.txt": "empty", "feed.jsonl": "bad_json", "zz_copy_of_first.txt": "duplicate"}
    assert len(list((dataset / "sentences").glob("part-*.parquet"))) > 1  # several chunks ran


def test_dataset_has_one_folder_per_table_and_raw_rows(loaded):
    local, _, dataset = loaded
    assert sorted(p.name for p in dataset.iterdir()) == sorted(schema.ROW_TABLES)  # staging folder gone
    sentences = pd.read_parquet(dataset / "sentences")
    original = local.articles.set_index("file").loc[min(paths.bundled_corpus().glob("*.txt")).name]
    assert len(sentences) == len(local.sentences) + original["n_sentences"]  # the duplicate's are still in
    assert {"_key", "_doc"} <= set(sentences.columns)
    tables = pd.read_parquet(dataset / "tables")
    assert json.loads(tables["cells"].iloc[0])["columns"]


def test_dataset_is_readable_by_pandas_and_pyarrow_in_file_order(loaded):
    local, _, dataset = loaded
    import pyarrow.dataset as pads

    articles = pd.read_parquet(dataset / "articles")
    assert articles["file"].tolist()[: len(local.articles)] == local.articles["file"].tolist()
    by_pandas = pd.read_parquet(dataset / "sentences")
    by_arrow = pads.dataset(dataset / "sentences", format="parquet").to_table()
    assert by_arrow.num_rows == len(by_pandas)
    deduped = by_pandas[by_pandas["article_id"].isin(local.articles["article_id"])]
    first_copies = deduped.drop_duplicates("sentence_id")
    assert first_copies["sentence_id"].tolist() == local.sentences["sentence_id"].tolist()


def test_dataset_is_readable_by_duckdb(loaded):
    duckdb = pytest.importorskip("duckdb")
    local, _, dataset = loaded
    count = duckdb.sql(f"SELECT count(*) FROM '{dataset / 'articles'}/*.parquet'").fetchall()[0][0]
    assert count == len(local.articles) + 1  # plus the duplicate, dropped by the driver


def test_read_dataset_gives_what_the_local_engine_gives(loaded, corpus_dir):
    _, _, dataset = loaded
    toolkit = build_toolkit()
    files = list_corpus_files(corpus_dir)
    names = [p.relative_to(corpus_dir).as_posix() for p in files]
    tasks = [(p, hashlib.sha256(n.encode()).hexdigest()[:32]) for p, n in zip(files, names)]  # as load_corpus
    rows = run_files(tasks, corpus_dir, read_metadata_csv(corpus_dir, files=names)[0], toolkit, workers=1)
    got = rd.read_dataset(dataset)
    for table in schema.ROW_TABLES:
        e, g = columnar.to_pandas(table, rows[table], private=True), got[table]
        pd.testing.assert_frame_equal(e, g, obj=table)


def test_strict_mode_raises_naming_the_first_bad_file(client, corpus_dir):
    with pytest.raises(rr.IngestError) as info:
        rr.load_corpus(corpus_dir, as_of=AS_OF, strict=True, engine="dask", client=client)
    assert info.value.path.name == "empty.txt"  # first in file order; feed.jsonl comes later
    assert "empty.txt: empty" in str(info.value)


def test_strict_mode_failure_leaves_an_earlier_dataset_alone(client, tmp_path):
    (tmp_path / "good.txt").write_text(GENERATED["gen_a_lynas.txt"], encoding="utf-8")
    dataset = tmp_path / "ds"
    rr.load_corpus(tmp_path, as_of=AS_OF, engine="dask", client=client, dataset_dir=dataset)
    before = sorted(p.relative_to(dataset) for p in dataset.rglob("*"))
    (tmp_path / "feed.jsonl").write_text("\n".join(FEED), encoding="utf-8")
    with pytest.raises(rr.IngestError, match=r"feed.jsonl, line 2: bad_json"):
        rr.load_corpus(tmp_path, as_of=AS_OF, strict=True, engine="dask", client=client, dataset_dir=dataset)
    assert sorted(p.relative_to(dataset) for p in dataset.rglob("*")) == before


def test_a_second_run_replaces_the_parts_of_the_first(client, corpus_dir, tmp_path):
    dataset = tmp_path / "ds"
    rr.load_corpus(corpus_dir, as_of=AS_OF, engine="dask", client=client, dataset_dir=dataset)
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text(GENERATED["gen_b_mp.md"], encoding="utf-8")
    corpus = rr.load_corpus(small, as_of=AS_OF, engine="dask", client=client, dataset_dir=dataset)
    assert [p.name for p in (dataset / "articles").iterdir()] == ["part-00000.parquet"]
    assert pd.read_parquet(dataset / "articles")["file"].tolist() == ["a.txt"]
    assert corpus.articles["file"].tolist() == ["a.txt"]


def test_without_dataset_dir_the_temporary_folder_is_removed(client, corpus_dir, tmp_path, monkeypatch,
                                                            capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    corpus = rr.load_corpus(corpus_dir, as_of=AS_OF, engine="dask", client=client, progress=True)
    assert len(corpus.articles) == 10
    assert list(tmp_path.iterdir()) == []
    assert "loading articles" in capsys.readouterr().err


def test_empty_folder_needs_no_cluster(tmp_path):
    corpus = rr.load_corpus(tmp_path, as_of=AS_OF, engine="dask", dataset_dir=tmp_path / "ds")
    assert corpus.articles.empty and corpus.sentences.empty
    assert pd.read_parquet(tmp_path / "ds" / "sentences").empty


def test_a_missing_part_is_a_clear_error(loaded, tmp_path):
    _, _, dataset = loaded
    copy = shutil.copytree(dataset, tmp_path / "ds")
    (copy / "mentions" / "part-00001.parquet").unlink()
    with pytest.raises(rd.ClusterError, match=r"part-00001.parquet.*dataset_dir="):
        rd.read_dataset(copy, chunks=len(list((copy / "articles").iterdir())))


def test_a_closed_client_is_a_cluster_error(client, corpus_dir):
    with distributed.Client(client.scheduler.address) as c:
        pass
    with pytest.raises(rd.ClusterError, match="client is closed"):
        rr.load_corpus(corpus_dir, as_of=AS_OF, engine="dask", client=c)


def test_a_dead_worker_is_a_cluster_error_with_advice():
    with (pytest.raises(rd.ClusterError, match="worker died.*engine='local'") as info,
          rd._cluster_errors("running the pipeline")):
        raise distributed.KilledWorker("reex-chunk-00001", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)
    assert isinstance(info.value, rr.ReexError)
    assert isinstance(info.value.__cause__, distributed.KilledWorker)
