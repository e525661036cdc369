"""Articles from other kinds of sites (wire copy, a government notice, a saved trade-press page).

The five bundled articles are a sample; these check that the rules are general. Expectations are
in tests/fixtures/golden.yaml, written from reading the articles.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import reex_research as rr

FOLDER = Path(__file__).parent / "fixtures" / "golden"
CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "golden.yaml").read_text(encoding="utf-8"))
IDS = [case["file"] for case in CASES]


@pytest.fixture(scope="module")
def golden() -> rr.Corpus:
    return rr.load_corpus(FOLDER, as_of="2026-11-23")


def _article(golden: rr.Corpus, case: dict) -> pd.Series:
    return golden.articles.set_index("file").loc[case["file"]]


def _of(golden: rr.Corpus, table: str, case: dict) -> pd.DataFrame:
    frame = golden.frames[table]
    return frame[frame["article_id"] == _article(golden, case)["article_id"]]


def test_everything_loads_without_problems(golden):
    assert len(golden.articles) == len(CASES) and golden.problems.empty


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_title_date_author(golden, case):
    row = _article(golden, case)
    assert row["title"] == case["title"]
    assert row["published"].date() == case["published"]
    assert (pd.isna(row["author"]) if case["author"] is None else row["author"] == case["author"])
    if "source" in case:
        assert row["source"] == case["source"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_headings_and_highlights(golden, case):
    paragraphs = _of(golden, "paragraphs", case)
    assert paragraphs.loc[paragraphs["kind"] == "heading", "text"].tolist() == case["headings"]
    if "highlights" in case:
        assert _of(golden, "highlights", case)["text"].tolist() == case["highlights"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_body_without_boilerplate(golden, case):
    paragraphs = _of(golden, "paragraphs", case)
    body = "\n".join(paragraphs.loc[paragraphs["kind"].isin(["title", "heading", "paragraph", "highlight"]), "text"])
    for phrase in case["must_contain"]:
        assert phrase in body
    for phrase in case["must_not_contain"]:
        assert phrase not in body


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dates_figures_and_entities(golden, case):
    assert set(case["events"]) <= set(_of(golden, "events", case)["surface"])
    figures = _of(golden, "figures", case)
    assert sorted(zip(figures["value"], figures["unit"])) == sorted(tuple(f) for f in case["figures"])
    assert set(case["entities"]) <= set(_of(golden, "mentions", case)["entity_id"])
    if "top_theme" in case:
        assert _of(golden, "themes", case)["theme_id"].iloc[0] == case["top_theme"]


def test_windows_1252_page_is_decoded(golden):
    row = golden.articles.set_index("file").loc["trade_press.html"]
    assert row["encoding"] == "cp1252" and "company’s goal" in row["text"]


def test_site_chrome_of_news_sites_and_press_releases(tmp_path):
    (tmp_path / "mining.txt").write_text(
        "Iluka secures A$1.65 billion loan for Eneabba refinery\n\n"
        "By Staff Writer | March 3, 2025 | 10:15 am\n\nShare\nTweet\nEmail\n\nImage: Iluka Resources\n\n"
        "Iluka Resources has secured a A$1.65 billion loan to complete its Eneabba refinery.\n\n"
        "(Read more: Lynas posts record quarter)\n\nRelated: Arafura wins German offtake deal\n\n"
        "The refinery is due to start production in 2027.\n", encoding="utf-8")
    (tmp_path / "release.txt").write_text(
        "FOR IMMEDIATE RELEASE\n\nDepartment of Energy Announces $17 Million for Rare Earth Recovery\n\n"
        "WASHINGTON — The U.S. Department of Energy (DOE) today announced $17 million for three projects.\n\n"
        "Contact: DOE Press Office, press@hq.doe.gov\n\n###\n", encoding="utf-8")
    corpus = rr.load_corpus(tmp_path, as_of="2026-11-23")
    articles = corpus.articles.set_index("file")
    assert articles.loc["mining.txt", "author"] == "Staff Writer"
    assert articles.loc["mining.txt", "published"].date().isoformat() == "2025-03-03"
    assert articles.loc["release.txt", "title"].startswith("Department of Energy Announces")
    body = "\n".join(corpus.paragraphs.loc[corpus.paragraphs["kind"].isin(["paragraph", "heading"]), "text"])
    for chrome in ("Share", "Tweet", "Read more", "Related:", "Image:", "IMMEDIATE", "Contact:", "###"):
        assert chrome not in body
    figures = corpus.figures.set_index("surface")
    assert figures.loc["$17 million", "claimed_by"] == "U.S. Department of Energy (DOE)"
