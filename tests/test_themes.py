"""Theme hits and scores: rules on invented sentences, then the reader's top themes of real articles."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from reex_research import schema
from reex_research.extract.themes import ThemeMatcher, extract_theme_hits, theme_score_columns
from reex_research.kb import KnowledgeBase, load_kb
from tests.helpers import make_article

THEMES = """\
- id: export_controls
  label: Export controls
  terms: [export control*, dual-use, licensing regime]
- id: standards
  label: Standards
  terms: [standard*]
  exclude: [environmental standard*, gold standard]
- id: environment
  label: Environment
  terms: [environment*, tailings]
- id: recycling
  label: Recycling
  terms: [recycl*, closed-loop, recycled magnets, tailings]
"""
ENTITIES = """\
- id: china
  name: China
  type: place
  subtype: country
  country: CN
"""


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory) -> KnowledgeBase:
    """A four-theme knowledge base written for these rules."""
    folder = tmp_path_factory.mktemp("kb")
    (folder / "places.yaml").write_text(ENTITIES, encoding="utf-8")
    (folder / "themes.yaml").write_text(THEMES, encoding="utf-8")
    return load_kb(folder)


@pytest.fixture(scope="module")
def matcher(small_kb) -> ThemeMatcher:
    """The matcher of ``small_kb``, built once."""
    return ThemeMatcher.from_kb(small_kb)


def hits(text: str, matcher: ThemeMatcher) -> list[tuple[str, str, str]]:
    """Return ``(theme_id, term, surface)`` for every hit in ``text``."""
    cols = extract_theme_hits(make_article(text), matcher)
    return [(t, term, text[s:e]) for t, term, s, e in zip(cols["theme_id"], cols["term"], cols["start"], cols["end"])]


# ---------------------------------------------------------------- matching rules


def test_terms_ignore_case_and_wildcard_extends_the_word(matcher):
    assert hits("EXPORT CONTROLS and export-controlled items.", matcher) == [
        ("export_controls", "export control*", "EXPORT CONTROLS"),
        ("export_controls", "export control*", "export-controlled"),
    ]


def test_terms_need_word_boundaries(matcher):
    assert hits("Nonrecyclable dual-used parts.", matcher) == []
    assert hits("Recycling of dual-use parts.", matcher) == [
        ("recycling", "recycl*", "Recycling"), ("export_controls", "dual-use", "dual-use"),
    ]


def test_hyphen_and_space_are_interchangeable(matcher):
    assert [h[2] for h in hits("A closed loop, a closed-loop and a closed–loop.", matcher)] == [
        "closed loop", "closed-loop", "closed–loop",
    ]


def test_longest_term_wins_within_a_theme(matcher):
    assert hits("They sell recycled magnets.", matcher) == [("recycling", "recycled magnets", "recycled magnets")]


def test_one_phrase_may_count_for_two_themes(matcher):
    assert hits("Tailings are a risk.", matcher) == [
        ("environment", "tailings", "Tailings"), ("recycling", "tailings", "Tailings"),
    ]


def test_exclusions_veto_overlapping_hits_of_their_theme(matcher):
    assert hits("Environmental standards were tightened.", matcher) == [
        ("environment", "environment*", "Environmental"),
    ]
    assert hits("It is the gold standard.", matcher) == []
    assert hits("China issued two international standards.", matcher) == [
        ("standards", "standard*", "standards"),
    ]


def test_hits_point_into_article_text_and_sentences(matcher):
    text = "Title\n\nNew export controls bite.\n  A licensing regime and recycling."
    article = make_article(text)
    cols = schema.validate("theme_hits", schema.frame("theme_hits", extract_theme_hits(article, matcher)))
    assert cols["sentence_id"].tolist() == ["test0001:s0001", "test0001:s0002", "test0001:s0002"]
    assert cols["term"].tolist() == ["export control*", "licensing regime", "recycl*"]
    for start, end, term in zip(cols["start"], cols["end"], cols["term"]):
        assert text[start:end].lower().startswith(term.rstrip("*").split()[0])


def test_no_hits_outside_sentences(matcher):
    article = make_article("Recycling.\nExport controls.")
    article = dataclasses.replace(article, sentences=article.sentences[1:])
    assert extract_theme_hits(article, matcher)["theme_id"] == ["export_controls"]


def test_a_match_across_two_sentences_neither_wins_over_nor_vetoes_a_hit_inside_one(matcher):
    # each line is a sentence: "recycled magnets" and "environmental standards" run across the break
    assert hits("They sell recycled\nmagnets and recycling.", matcher) == [
        ("recycling", "recycl*", "recycled"), ("recycling", "recycl*", "recycling"),
    ]
    assert hits("Rules on the environmental\nstandards tightened.", matcher) == [
        ("environment", "environment*", "environmental"), ("standards", "standard*", "standards"),
    ]


def test_matcher_records_the_kb_version(small_kb, matcher):
    assert matcher.kb_version == small_kb.version and matcher.theme_ids[0] == "export_controls"


# ---------------------------------------------------------------- scoring


def sentence_rows(counts: dict[str, int], blocks: dict[str, str | None] | None = None) -> list[tuple]:
    """Return ``(article_id, sentence_id, block)`` rows, ``counts[article]`` sentences per article."""
    blocks = blocks or {}
    return [(a, f"{a}:s{i}", blocks.get(f"{a}:s{i}", "paragraph")) for a, n in counts.items() for i in range(n)]


def score(hits: list[tuple[str, str, str]], sentences: list[tuple], kb: KnowledgeBase) -> pd.DataFrame:
    """Return the ``themes`` table the pipeline builds from ``(article_id, sentence_id, theme_id)`` hits."""
    labels = {theme.id: theme.label for theme in kb.themes}
    return schema.frame("themes", theme_score_columns(hits, sentences, labels))


def test_score_is_share_of_sentences_touching_the_theme(small_kb):
    theme_hits = [
        ("a", "a:s0", "recycling"), ("a", "a:s0", "recycling"), ("a", "a:s1", "recycling"),
        ("b", "b:s0", "recycling"), ("b", "b:s5", "recycling"),
    ]
    table = schema.validate("themes", score(theme_hits, sentence_rows({"a": 4, "b": 10}), small_kb))
    assert table[["article_id", "theme_id", "theme", "hits"]].values.tolist() == [
        ["a", "recycling", "Recycling", 3], ["b", "recycling", "Recycling", 2],
    ]
    assert table["score"].tolist() == pytest.approx([50.0, 20.0])


def test_title_and_highlights_weigh_more(small_kb):
    theme_hits = [("a", "a:s0", "recycling"), ("a", "a:s1", "standards"), ("a", "a:s2", "environment")]
    blocks = {"a:s0": "title", "a:s1": "highlight"}
    table = score(theme_hits, sentence_rows({"a": 4}, blocks), small_kb)
    # weights 3 + 2 + 1 + 1 = 7
    assert table["theme_id"].tolist() == ["recycling", "standards", "environment"]
    assert table["score"].tolist() == pytest.approx([300 / 7, 200 / 7, 100 / 7])


def test_rows_ordered_by_article_then_score_then_hits_then_id(small_kb):
    theme_hits = [
        ("b", "b:s0", "standards"), ("a", "a:s0", "standards"), ("a", "a:s1", "recycling"),
        ("a", "a:s1", "recycling"), ("a", "a:s2", "environment"), ("a", "a:s2", "export_controls"),
    ]
    table = score(theme_hits, sentence_rows({"a": 5, "b": 2}), small_kb)
    assert list(zip(table["article_id"], table["theme_id"])) == [
        ("a", "recycling"), ("a", "environment"), ("a", "export_controls"), ("a", "standards"), ("b", "standards"),
    ]
    shuffled = [theme_hits[i] for i in (4, 1, 5, 0, 3, 2)]
    assert score(shuffled, sentence_rows({"b": 2, "a": 5}), small_kb).equals(table)


def test_sentences_without_a_block_weigh_one(small_kb):
    sentences = sentence_rows({"a": 4}, {f"a:s{i}": None for i in range(4)})
    assert score([("a", "a:s0", "recycling")], sentences, small_kb)["score"].tolist() == pytest.approx([25.0])


def test_no_hits_give_an_empty_table(small_kb):
    table = score([], sentence_rows({"a": 3}), small_kb)
    assert schema.validate("themes", table).empty


def test_bundled_kb_themes_compile_and_match():
    matcher = ThemeMatcher.from_kb(load_kb())
    text = "China tightened export licensing and launched a crackdown on smuggling of rare-earth scrap."
    assert hits(text, matcher) == [
        ("export_controls", "export licen*", "export licensing"),
        ("smuggling_enforcement", "crackdown", "crackdown"),
        ("smuggling_enforcement", "smuggl*", "smuggling"),
        ("recycling", "scrap", "scrap"),
    ]


# ---------------------------------------------------------------- the bundled articles

ARTICLE_FILES = {"000": "000_d1dcb6a243fed3e5.txt", "001": "001_5239a195ca1deb34.txt",
                 "002": "002_aeceeba1a2b0ee0a.txt", "003": "003_98db33bcaf5e9f5b.txt",
                 "004": "004_221cbb48ccfd2a52.txt"}


@pytest.fixture(scope="module")
def real_themes(corpus) -> pd.DataFrame:
    """The themes table of the five bundled articles, with article ids replaced by file prefixes."""
    prefix = {row.article_id: row.file[:3] for row in corpus.articles.itertuples()}
    themes = corpus.themes.copy()
    themes["article_id"] = themes["article_id"].map(prefix)
    return themes


@pytest.mark.parametrize(
    ("article_id", "top_theme"),
    [
        ("000", "recycling"),            # CREG + China Resources Recycling: "rare-earth recycling" throughout
        ("001", "export_controls"),      # year review led by "sweeping export controls", "most consequential"
        ("003", "overseas_expansion"),   # CREG at the China-ASEAN conference: "resource diplomacy", Belt and Road
        ("004", "consolidation"),        # Baogang and CREIA "deepen integration", "coordinated industrial system"
    ],
)
def test_real_article_top_theme(real_themes, article_id, top_theme):
    rows = real_themes[real_themes["article_id"] == article_id]
    assert rows["theme_id"].iloc[0] == top_theme


def test_real_001_touches_smuggling_quotas_and_standards(real_themes):
    themes = set(real_themes.loc[real_themes["article_id"] == "001", "theme_id"])
    assert {"smuggling_enforcement", "quotas_traceability", "standards", "overseas_expansion"} <= themes


def test_real_003_has_no_export_control_theme(real_themes):
    assert "export_controls" not in set(real_themes.loc[real_themes["article_id"] == "003", "theme_id"])


def test_real_scores_are_percentages(real_themes):
    assert real_themes["score"].between(0, 100).all() and (real_themes["hits"] >= 1).all()
