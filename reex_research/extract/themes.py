"""Theme hits and per-article theme scores.

:class:`ThemeMatcher` compiles every term and exclusion of every theme into one Aho-Corasick
automaton, built once. Terms match case-insensitively on word boundaries; hyphens, dashes and
spaces are interchangeable; a trailing ``*`` extends the match to the end of the word. Within a
theme, overlapping hits keep the leftmost-longest one; a hit overlapping one of the theme's
``exclude`` phrases is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from .. import schema
from ..kb import KnowledgeBase, is_word_char, match_key, scan_form
from ..model import ParsedArticle, SentenceLocator

TERM, EXCLUDE = 0, 1


@dataclass(frozen=True)
class ThemeMatcher:
    """Compiled matcher over the themes of one knowledge base: one automaton for all terms."""

    automaton: Any
    theme_ids: tuple[str, ...]
    labels: tuple[str, ...]
    kb_version: str

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> ThemeMatcher:
        """Return a matcher compiled once from every term and exclusion of every theme in ``kb``."""
        table: dict[str, tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]] = {}
        for index, theme in enumerate(kb.themes):
            for kind, forms in ((TERM, theme.terms), (EXCLUDE, theme.exclude)):
                for form in forms:
                    wildcard = form.endswith("*")
                    key = match_key(form.rstrip("*"), exact=False)
                    whole, prefix = table.setdefault(key, ([], []))
                    (prefix if wildcard else whole).append((kind, index, form))
        automaton = ahocorasick.Automaton()
        for key, (whole, prefix) in table.items():
            automaton.add_word(key, (len(key) - 1, is_word_char(key[-1]), tuple(whole), tuple(prefix)))
        automaton.make_automaton()
        ids = tuple(theme.id for theme in kb.themes)
        labels = tuple(theme.label for theme in kb.themes)
        return cls(automaton, ids, labels, kb.version)


_WORD_REST = re.compile(r"\w*")


def _raw_hits(text: str, matcher: ThemeMatcher) -> tuple[list[tuple], dict[int, list]]:
    """Return term hits as ``(theme, start, -end, term)`` and exclusion spans per theme.

    Each automaton value is ``(length, in_word, whole, prefix)``: whether the key ends with a word
    character (then so does the text it matched: lower case and folding keep it), and entries
    ``(kind, theme, form)`` of the forms that must end a word and of the wildcard forms that
    extend to the end of the word.
    """
    hits: list[tuple] = []
    vetoes: dict[int, list] = {}
    n = len(text)
    word_rest = _WORD_REST.match
    for last, (length, in_word, whole, prefix) in matcher.automaton.iter(scan_form(text)):
        start = last - length
        word_follows = last < n and ((after := text[last]).isalnum() or after == "_")
        if whole and not (in_word and word_follows):
            for kind, theme, form in whole:
                if kind == TERM:
                    hits.append((theme, start, -last, form))
                else:
                    vetoes.setdefault(theme, []).append((start, last))
        if prefix:
            if word_follows:
                rest = word_rest(text, last)
                assert rest is not None  # \w* matches at any position
                end = rest.end()
            else:
                end = last
            for kind, theme, form in prefix:
                if kind == TERM:
                    hits.append((theme, start, -end, form))
                else:
                    vetoes.setdefault(theme, []).append((start, end))
    return hits, vetoes


def _kept(hits: list[tuple], vetoes: dict[int, list]) -> list[tuple]:
    """Return ``(start, end, theme, term, sentence)``: per theme leftmost-longest hits that no exclusion
    overlaps, from hits ``(theme, start, -end, term, sentence)``."""
    kept = []
    current, last_end = -1, -1
    hits.sort()
    for theme, start, neg_end, term, sentence in hits:
        end = -neg_end
        if theme != current:
            current, last_end = theme, -1
        if start < last_end:
            continue
        if theme in vetoes and any(vs < end and start < ve for vs, ve in vetoes[theme]):
            continue
        kept.append((start, end, theme, term, sentence))
        last_end = end
    kept.sort()
    return kept


def _in_sentences(hits: list[tuple], vetoes: dict[int, list],
                  locator: SentenceLocator) -> tuple[list[tuple], dict[int, list]]:
    """Keep the hits and exclusions that lie inside one sentence, each hit with its sentence index.

    This comes before overlaps are resolved, so that a match across a line break (between two
    highlights, say) can neither win over nor veto a hit inside a sentence.
    """
    locate = locator.locate
    located = []
    for theme, start, neg_end, term in hits:
        index = locate(start, -neg_end)
        if index >= 0:
            located.append((theme, start, neg_end, term, index))
    inside = {}
    for theme, spans in vetoes.items():
        within = [(vs, ve) for vs, ve in spans if locate(vs, ve) >= 0]
        if within:
            inside[theme] = within
    return located, inside


def extract_theme_hits(article: ParsedArticle, matcher: ThemeMatcher) -> dict[str, list]:
    """Return columns of the ``theme_hits`` table for ``article`` (exclusions applied)."""
    locator = SentenceLocator.of(article)
    sentences, theme_ids = locator.sentences, matcher.theme_ids
    sentence_col: list[str] = []
    theme_col: list[str] = []
    term_col: list[str] = []
    start_col: list[int] = []
    end_col: list[int] = []
    hits, vetoes = _raw_hits(article.text, matcher)
    for start, end, theme, term, index in _kept(*_in_sentences(hits, vetoes, locator)):
        sentence_col.append(sentences[index].sentence_id)
        theme_col.append(theme_ids[theme])
        term_col.append(term)
        start_col.append(start)
        end_col.append(end)
    found: dict[str, list[Any]] = {"sentence_id": sentence_col, "theme_id": theme_col, "term": term_col, "start": start_col,
             "end": end_col, "article_id": [article.article_id] * len(start_col)}
    return {name: found[name] for name in schema.columns("theme_hits")}


BLOCK_WEIGHTS: dict[str, float] = {"title": 3.0, "highlight": 2.0, "heading": 2.0}


def theme_score_columns(hits: Iterable[tuple[str, str, str]], sentences: Iterable[tuple[str, str, str | None]],
                        labels: dict[str, str]) -> dict[str, list]:
    """Return the columns of the ``themes`` table: hits and a length-normalised score per article and theme.

    The input is ``(article_id, sentence_id, theme_id)`` hit rows and ``(article_id, sentence_id,
    block)`` sentence rows; ``labels`` maps theme ids to labels.
    ``score = 100 * sum(w(s) for sentences s that mention the theme) / sum(w(s) for all sentences)``
    with ``w = 3`` for the title, ``2`` for highlights and headings and ``1`` for other sentences
    (``BLOCK_WEIGHTS``; 1 for a block of None). It is the weighted percentage of the article's
    sentences that touch the theme: counting sentences rather than hits stops one term-dense
    sentence from outweighing a theme the article keeps returning to, the weights reward what the
    title and highlights put first, and dividing by the article's own total makes short and long
    articles comparable. Rows are ordered by article, then score (ties: hits, then theme id), so
    the first row of each article is its top theme.
    """
    weight: dict[str, float] = {}
    totals: dict[str, float] = {}
    for article_id, sentence_id, block in sentences:
        w = weight[sentence_id] = BLOCK_WEIGHTS.get(block, 1.0) if block is not None else 1.0
        totals[article_id] = totals.get(article_id, 0.0) + w
    counts: dict[tuple[str, str], int] = {}
    touched: dict[tuple[str, str], float] = {}
    seen: set[tuple[str, str, str]] = set()
    for article_id, sentence_id, theme_id in hits:
        key = (article_id, theme_id)
        counts[key] = counts.get(key, 0) + 1
        if (article_id, theme_id, sentence_id) not in seen:
            seen.add((article_id, theme_id, sentence_id))
            touched[key] = touched.get(key, 0.0) + weight.get(sentence_id, 1.0)
    rows = []
    for (article_id, theme_id), count in counts.items():
        total = totals.get(article_id, 0.0)
        part = touched[(article_id, theme_id)]
        rows.append((article_id, theme_id, labels.get(theme_id), count, 100.0 * part / (total if total > 0 else part)))
    rows.sort(key=lambda r: (r[0], -r[4], -r[3], r[1]))
    names = ("article_id", "theme_id", "theme", "hits", "score")
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
