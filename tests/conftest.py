"""Shared fixtures: the bundled corpus loaded once, and the hand-written article cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import reex_research as rr
from reex_research import paths

CASES_DIR = Path(__file__).parent / "cases"
AS_OF = "2026-11-23"  # the reference date the expectations below were written against


def article_cases() -> list[dict]:
    """The per-article expectations written from reading the bundled articles."""
    return yaml.safe_load((CASES_DIR / "articles.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus() -> rr.Corpus:
    """The bundled five-article corpus, loaded once per test session."""
    return rr.load_corpus(paths.bundled_corpus(), as_of=AS_OF)


@pytest.fixture(scope="session")
def article_id(corpus):
    """Look up the article id of a bundled file by its three-digit prefix ("000"…"004")."""
    ids = {row.file[:3]: row.article_id for row in corpus.articles.itertuples()}
    return ids.__getitem__


@pytest.fixture(scope="session")
def article_by_file(corpus):
    """Look up the articles row of a bundled file by its name."""
    articles = corpus.articles.set_index("file")
    return lambda name: articles.loc[name]
