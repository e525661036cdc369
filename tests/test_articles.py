"""Each bundled article, checked against what a reader sees in it (tests/cases/articles.yaml)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd
import pytest

from reex_research import paths

from .conftest import article_cases

CASES = article_cases()
IDS = [case["file"][:3] for case in CASES]


def _paragraph_text(corpus, article_id: str) -> str:
    paragraphs = corpus.paragraphs
    return "\n".join(paragraphs.loc[paragraphs["article_id"] == article_id, "text"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bundled_file_is_byte_identical(case):
    data = (paths.bundled_corpus() / case["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == case["sha256"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_title_or_its_absence(case, article_by_file):
    row = article_by_file(case["file"])
    if case["title"] is None:
        assert pd.isna(row["title"])
    else:
        assert row["title"] == case["title"]
    assert row["title_source"] == case["title_source"]
    assert row["headline"].startswith(case["headline_starts"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_published_date_and_its_source(case, article_by_file):
    row = article_by_file(case["file"])
    if case["published"] is None:
        assert pd.isna(row["published"]) and pd.isna(row["published_source"])
    else:
        assert row["published"].date() == case["published"]
        assert row["published_source"] == case["published_source"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_author(case, article_by_file):
    row = article_by_file(case["file"])
    assert (pd.isna(row["author"]) if case["author"] is None else row["author"] == case["author"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_highlights(case, corpus, article_by_file):
    article_id = article_by_file(case["file"])["article_id"]
    highlights = corpus.highlights[corpus.highlights["article_id"] == article_id]
    assert len(highlights) == case["highlights"]
    assert highlights["text"].iloc[0] == case["first_highlight"]
    assert highlights["text"].iloc[-1] == case["last_highlight"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_section_headings_are_rows_of_their_own(case, corpus, article_by_file):
    article_id = article_by_file(case["file"])["article_id"]
    p = corpus.paragraphs
    headings = p.loc[(p["article_id"] == article_id) & (p["kind"] == "heading"), "text"].tolist()
    assert headings == case["headings"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_state_media_flag(case, article_by_file):
    assert bool(article_by_file(case["file"])["is_state_media_sourced"]) is case["state_media"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_mojibake_is_repaired_and_no_thai_remains(case, article_by_file):
    row = article_by_file(case["file"])
    raw = (paths.bundled_corpus() / case["file"]).read_text(encoding="utf-8")
    for broken, fixed in case["repaired"]:
        assert broken in raw
        assert fixed in row["text"]
    assert not re.search(r"[\u0e00-\u0e7f]", row["text"])
    assert bool(row["repairs"] == 0) is case["unchanged"]


@pytest.mark.parametrize("case", [c for c in CASES if c["unchanged"]], ids=lambda c: c["file"][:3])
def test_clean_articles_come_out_unchanged(case, corpus, article_by_file):
    raw = (paths.bundled_corpus() / case["file"]).read_text(encoding="utf-8")
    article_id = article_by_file(case["file"])["article_id"]
    for text in corpus.paragraphs.loc[corpus.paragraphs["article_id"] == article_id, "text"]:
        assert text in raw


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_body_keeps_the_article(case, corpus, article_by_file):
    body = _paragraph_text(corpus, article_by_file(case["file"])["article_id"])
    for phrase in case["must_contain"]:
        assert phrase in body


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_boilerplate_in_paragraphs(case, corpus, article_by_file):
    row = article_by_file(case["file"])
    body = _paragraph_text(corpus, row["article_id"])
    for phrase in case["must_not_contain"]:
        assert phrase not in body
        assert phrase not in row["text"]


def test_002_heading_glued_to_paragraph_is_split(corpus, article_by_file):
    article_id = article_by_file("002_aeceeba1a2b0ee0a.txt")["article_id"]
    p = corpus.paragraphs[corpus.paragraphs["article_id"] == article_id]
    after = p.set_index("position")
    supply = p[p["text"] == "Beijing Tightens Its Grip on Global Supply"]
    assert supply["kind"].tolist() == ["heading"]
    following = after.loc[supply["position"].iloc[0] + 1]
    assert following["kind"] == "paragraph"
    assert following["text"].startswith("With China already producing over 60%")
    assert following["section"] == "Beijing Tightens Its Grip on Global Supply"
    squeeze = p[p["text"] == "Price War and Western Industry Squeeze"]
    assert after.loc[squeeze["position"].iloc[0] + 1, "text"].startswith("CNRE’s investment")


def test_002_markdown_table_becomes_a_dataframe(corpus, article_by_file):
    article_id = article_by_file("002_aeceeba1a2b0ee0a.txt")["article_id"]
    tables = corpus.tables[corpus.tables["article_id"] == article_id]
    assert len(tables) == 1
    frame = corpus.table_frame(tables["table_id"].iloc[0])
    assert list(frame.columns) == ["Expansion Project", "Summary"]
    assert frame["Expansion Project"].tolist() == [
        "Green Refining Mega-Project",
        "8000-Ton Rare Earth Metal Production Expansion",
        "Automated Rare Earth Processing and Recycling",
    ]
    assert frame["Summary"].iloc[2].startswith("CNRE is rolling out a fully automated 3000-ton")
    assert len(corpus.tables) == 1  # no other article holds a table


def test_boilerplate_is_kept_not_lost(corpus, article_by_file):
    bp = corpus.boilerplate
    a000 = article_by_file("000_d1dcb6a243fed3e5.txt")["article_id"]
    kinds = set(bp.loc[bp["article_id"] == a000, "kind"])
    assert {"copyright", "related_news", "author_bio", "comments", "newsletter"} <= kinds
    texts = bp["text"].tolist()
    assert "Table of Contents" in texts and "(opens in a new tab)" in texts
    assert "Spread the word:" in texts and "CATEGORIES:" in texts
    assert any(t.startswith("Join the full discussion at the Rare Earth Exchanges Forum") for t in texts)


def test_disclaimers_are_a_column(article_by_file):
    assert article_by_file("001_5239a195ca1deb34.txt")["disclaimer"].startswith(
        "Disclaimer: This news item originates from Chinese state-affiliated media")
    assert article_by_file("004_221cbb48ccfd2a52.txt")["disclaimer"].startswith(
        "This news item originates from the media department of a state-owned entity")
    assert pd.isna(article_by_file("000_d1dcb6a243fed3e5.txt")["disclaimer"])


def test_003_source_line_gives_source_and_date(article_by_file):
    row = article_by_file("003_98db33bcaf5e9f5b.txt")
    assert row["source"] == "China Rare Earth Group, Guangxi State Media"
    assert row["published"].date() == dt.date(2025, 5, 23)


def test_offsets_are_exact(corpus):
    texts = corpus.articles.set_index("article_id")["text"]
    for table in ("paragraphs", "sentences", "highlights"):
        frame = corpus.frames[table]
        for row in frame.itertuples():
            assert texts[row.article_id][row.start:row.end] == row.text


def test_article_ids_are_stable_and_derived_from_content(corpus):
    from reex_research import load_corpus

    second = load_corpus(corpus.root)  # a second load gives the same ids
    assert second.articles["article_id"].tolist() == corpus.articles["article_id"].tolist()
    for row in corpus.articles.itertuples():
        assert row.article_id == hashlib.sha1(row.text.encode()).hexdigest()[:16]


def test_sentences_are_split_as_a_reader_would(corpus, article_by_file):
    article_id = article_by_file("002_aeceeba1a2b0ee0a.txt")["article_id"]
    s = corpus.sentences[corpus.sentences["article_id"] == article_id]["text"].tolist()
    assert "Suppose the U.S. and its allies do not accelerate domestic rare earth refining and processing efforts." in s
    assert "Propaganda?" in s
    a001 = article_by_file("001_5239a195ca1deb34.txt")["article_id"]
    s001 = corpus.sentences[corpus.sentences["article_id"] == a001]["text"].tolist()
    assert "Some measures are suspended until late 2026." in s001
    assert any(t.startswith("Enforcement intensified as well.") and t.endswith("well.") for t in s001)
