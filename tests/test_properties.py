"""Property-based: random bytes and random text never crash a load, and offsets always hold."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reex_research as rr
from reex_research.pipeline import build_toolkit

TOOLKIT = build_toolkit()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = st.sampled_from([
    "China", "U.S.", "Jan.", "3.5%", "“quoted”", "Highlights", "- bullet", "• dot", "|", "| a | b |",
    "|---|---|", "\n", "\n\n", " ", ".", "?", "Nov 27, 2025", "By Jane Doe", "Source: Xinhua | May 1, 2025",
    "0 Comments", "©", "Chinaโs", "โ€™", "ย ", "Rare Earth Group", "SupplyWith", "#", "## Heading",
    "Disclaimer: state media", "ภาษาไทย", "Größe", "\r\n", "\t", "(opens in a new tab)",
])


def _offsets_hold(corpus: rr.Corpus) -> None:
    texts = corpus.articles.set_index("article_id")["text"]
    for table in ("paragraphs", "sentences", "highlights"):
        for row in corpus.frames[table].itertuples():
            assert texts[row.article_id][row.start:row.end] == row.text
    for table in ("mentions", "events", "figures"):
        for row in corpus.frames[table].itertuples():
            assert texts[row.article_id][row.start:row.end] == row.surface
    for row in corpus.theme_hits.itertuples():
        assert row.end > row.start and row.sentence_id.startswith(row.article_id)


def _load_bytes(files: dict[str, bytes]) -> rr.Corpus:
    folder = Path(tempfile.mkdtemp())
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return rr.load_corpus(folder, toolkit=TOOLKIT)
    finally:
        shutil.rmtree(folder)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl", "a.bin"]))
def test_random_bytes_never_crash(data, name):
    corpus = _load_bytes({name: data})
    assert len(corpus.articles) + len(corpus.problems) >= 1 or not data.strip()
    _offsets_hold(corpus)


@SETTINGS
@given(st.text(max_size=1500))
def test_random_text_never_crashes_and_offsets_hold(text):
    _offsets_hold(_load_bytes({"a.txt": text.encode("utf-8", errors="surrogatepass")}))


@SETTINGS
@given(st.lists(_WORDS, min_size=1, max_size=80).map(" ".join))
def test_article_like_text_keeps_offsets(text):
    corpus = _load_bytes({"a.txt": text.encode("utf-8"), "b.md": text.encode("utf-16")})
    _offsets_hold(corpus)
