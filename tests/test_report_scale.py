"""Real reports at the two ends: an empty corpus, and about a thousand generated articles."""

from __future__ import annotations

import re

import nbformat
import pytest

import reex_research as rr
from tests.report_helpers import (
    PAGE_LIMIT,
    STEMS,
)
from tests.report_helpers import render as _render


SCALE_ARTICLES = 1000


@pytest.fixture(scope="module")
def empty_render(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("empty")
    return _render(corpus, tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("cache"), progress=None)


def test_an_empty_corpus_renders_a_short_report_that_says_so(empty_render):
    index = (empty_render / "index.html").read_text(encoding="utf-8")
    assert "0 articles" in index and "There is nothing to show" in index
    for stem in STEMS:
        nb = nbformat.read(empty_render / f"{stem}.ipynb", as_version=4)
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"], stem
        assert (empty_render / f"{stem}.html").stat().st_size < PAGE_LIMIT


@pytest.fixture(scope="module")
def scale_render(tmp_path_factory):
    from benchmarks.generate import generate_corpus

    corpus = generate_corpus(tmp_path_factory.mktemp("generated") / "corpus", SCALE_ARTICLES, seed=3)
    return _render(corpus, tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("cache"), progress=None)


def test_every_page_of_a_thousand_article_report_stays_under_three_megabytes(scale_render):
    pages = sorted(scale_render.glob("*.html"))
    assert len(pages) == 6
    for page in pages:
        assert page.stat().st_size < PAGE_LIMIT, (page.name, page.stat().st_size)
    events = rr.Corpus.read(scale_render / "tables" / "corpus").events
    assert len(events) > 1000  # the full table is beside the page, not in it
    timeline = (scale_render / "04_timeline.html").read_text(encoding="utf-8")
    assert re.search(r"[\d,]+ more rows: see <a href=\"tables/events.csv\"", timeline)
