"""Theme hits and per-article theme scores.

:class:`ThemeMatcher` compiles every term and exclusion of every theme into one Aho-Corasick
automaton, built once. Terms match case-insensitively on word boundaries; hyphens, dashes and
spaces are interchangeable; a trailing ``*`` extends the match to the end of the word. Within a
theme, overlapping hits keep the leftmost-longest one; a hit overlapping one of the theme's
``exclude`` phrases is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
            automaton.add_word(key, (len(key) - 1, is_word_char(key[-1]), _by_kind(whole), _by_kind(prefix)))
        automaton.make_automaton()
        ids = tuple(theme.id for theme in kb.themes)
        labels = tuple(theme.label for theme in kb.themes)
        return cls(automaton, ids, labels, kb.version)


def _by_kind(entries: list[tuple[int, int, str]]) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...]] | None:
    """Return entries ``(kind, theme, form)`` as ``(terms (theme, form), themes excluded)``, None if none."""
    if not entries:
        return None
    return (tuple((theme, form) for kind, theme, form in entries if kind == TERM),
            tuple(theme for kind, theme, _ in entries if kind == EXCLUDE))


_WORD_REST = re.compile(r"\w*")


def _raw_hits(text: str, matcher: ThemeMatcher,
              locator: SentenceLocator) -> tuple[list[tuple], dict[int, list]]:
    """Return the term hits inside one sentence as ``(theme, start, -end, term, sentence index)``
    and the exclusion spans inside one sentence per theme.

    Each automaton value is ``(length, in_word, whole, prefix)``: whether the key ends with a word
    character (then so does the text it matched: lower case and folding keep it), and the entries
    of the forms that must end a word and of the wildcard forms that extend to the end of the word,
    each ``(terms (theme, form), themes excluded)`` or None. Matches are kept to one sentence before
    overlaps are resolved, so that a match across a line break (between two highlights, say) can
    neither win over nor veto a hit inside a sentence.
    """
    hits: list[tuple] = []
    vetoes: dict[int, list] = {}
    n = len(text)
    word_rest = _WORD_REST.match
    starts, ends = locator.starts, locator.ends
    for last, (length, in_word, whole, prefix) in matcher.automaton.iter(scan_form(text)):
        start = last - length
        index = bisect_right(starts, start) - 1  # the sentence holding start, if any
        if index < 0:
            continue
        word_follows = last < n and ((after := text[last]).isalnum() or after == "_")
        if whole is not None and last <= ends[index] and not (in_word and word_follows):
            terms, excluded = whole
            for theme, form in terms:
                hits.append((theme, start, -last, form, index))
            for theme in excluded:
                vetoes.setdefault(theme, []).append((start, last))
        if prefix is not None:
            if word_follows:
                rest = word_rest(text, last)
                assert rest is not None  # \w* matches at any position
                end = rest.end()
            else:
                end = last
            if end <= ends[index]:
                terms, excluded = prefix
                for theme, form in terms:
                    hits.append((theme, start, -end, form, index))
                for theme in excluded:
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


def extract_theme_hits(article: ParsedArticle, matcher: ThemeMatcher) -> dict[str, list]:
    """Return columns of the ``theme_hits`` table for ``article`` (exclusions applied)."""
    locator = SentenceLocator.of(article)
    kept = _kept(*_raw_hits(article.text, matcher, locator))
    sentences, theme_ids = locator.sentences, matcher.theme_ids
    starts, ends, themes, terms, positions = (list(column) for column in zip(*kept)) if kept else ([] for _ in range(5))
    found: dict[str, list[Any]] = {
        "sentence_id": [sentences[i].sentence_id for i in positions],
        "theme_id": [theme_ids[i] for i in themes],
        "term": terms,
        "start": starts,
        "end": ends,
        "article_id": [article.article_id] * len(kept),
    }
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
