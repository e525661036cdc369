"""The benchmark corpus generator: deterministic, every format, and every article loads once, repaired."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import reex_research as rr
from benchmarks.generate import (
    add_article,
    generate_corpus,
    make_article,
    read_manifest,
    render_html,
)

N = 20
THAI = re.compile(r"[\u0e00-\u0e7f]")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate_corpus(tmp_path_factory.mktemp("bench") / "corpus", N, seed=0)


@pytest.fixture(scope="module")
def loaded(generated) -> rr.Corpus:
    return rr.load_corpus(generated, workers=1, as_of="2026-01-01")


def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(generated, tmp_path):
    again = generate_corpus(tmp_path / "again", N, seed=0)
    other = generate_corpus(tmp_path / "other", N, seed=1)
    assert _files(again) == _files(generated)
    assert _files(other) != _files(generated)


def test_generator_refuses_to_write_into_a_folder_with_files(generated):
    with pytest.raises(FileExistsError):
        generate_corpus(generated, N)


def test_generator_writes_txt_md_html_and_multi_article_jsonl_in_subfolders(generated):
    files = [p for p in generated.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert {p.suffix for p in files} == {".txt", ".md", ".html", ".jsonl"}
    assert {p.parent.name for p in files} == {"part-000"}
    manifest = read_manifest(generated)
    counts = manifest["articles_by_format"]
    assert sum(counts.values()) == N and all(counts[f] >= 1 for f in ("txt", "md", "html", "jsonl"))
    jsonl_records = [json.loads(line) for p in files if p.suffix == ".jsonl"
                     for line in p.read_text(encoding="utf-8").splitlines()]
    assert len(jsonl_records) == counts["jsonl"]
    assert all(len(p.read_text(encoding="utf-8").splitlines()) > 1 for p in files if p.suffix == ".jsonl")
    page = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    for tag in ("<html", "<nav>", "<article>", "<h2>", "<p>", "<footer>"):
        assert tag in page
    assert manifest["mojibake_articles"] >= 1
    assert any(THAI.search(p.read_text(encoding="utf-8")) for p in files)


def test_every_generated_article_loads_once_without_problems(loaded):
    articles = loaded.articles
    assert len(articles) == N
    assert articles["article_id"].is_unique
    assert loaded.problems.empty
    assert set(articles["format"]) == {"txt", "md", "html", "jsonl"}


def test_each_article_keeps_its_own_unique_sentence(loaded):
    codes = loaded.articles["text"].str.extract(r"shipment (RX-0-\d{7})")[0]
    assert codes.notna().all()
    assert codes.is_unique


def test_mojibake_is_repaired_in_the_loaded_text(generated, loaded):
    assert read_manifest(generated)["mojibake_articles"] >= 1
    assert (loaded.articles["repairs"] > 0).sum() >= read_manifest(generated)["mojibake_articles"]
    for table, column in (("articles", "text"), ("articles", "title"), ("articles", "headline"),
                          ("paragraphs", "text"), ("sentences", "text"), ("highlights", "text")):
        texts = loaded.frames[table][column].dropna()
        assert not texts.str.contains(THAI).any(), (table, column)


def test_an_added_article_loads_as_one_more(generated, tmp_path):
    corpus = generate_corpus(tmp_path / "corpus", 4, seed=0)
    added = add_article(corpus, 4, seed=0)
    assert added.parent.name == "extra"
    assert len(rr.load_corpus(corpus, workers=1).articles) == 5


def test_title_of_a_mojibake_html_page_is_repaired(tmp_path):
    """The page's <title> is mis-decoded like its body; the title column must not keep the mojibake."""
    article = next(a for a in map(make_article, range(200))
                   if a.mojibake and THAI.search(a.title))
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "page.html").write_text(render_html(article), encoding="utf-8")
    title = rr.load_corpus(folder, workers=1).articles["title"].iloc[0]
    assert not THAI.search(title)
