"""Plain value objects passed between pipeline stages.

A :class:`ParsedArticle` is what the parser hands to the extractors: the clean text plus the
sentence spans that every derived row points back at. Extractors never see files or dataframes;
they find the sentence holding a span with the article's :class:`SentenceLocator`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple


class Sentence(NamedTuple):
    """One sentence: ``article.text[start:end] == text``; ``block`` names where it sits.

    A named tuple: immutable, and built several times faster than a frozen dataclass (an article
    has dozens, a corpus millions)."""

    sentence_id: str
    paragraph_id: str
    position: int
    block: str  # title | highlight | heading | paragraph | table
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """The clean text of one article, its metadata and its sentences."""

    article_id: str
    text: str
    sentences: tuple[Sentence, ...]
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None
    author: str | None = None
    metadata: dict = field(default_factory=dict)


class SentenceLocator:
    """Finds the sentence of an article that wholly holds a character span (bisect over starts)."""

    __slots__ = ("ends", "sentences", "starts")

    def __init__(self, article: ParsedArticle) -> None:
        """Index the sentences of ``article`` by start offset (sorted, should they not be)."""
        sentences = article.sentences
        starts = [s.start for s in sentences]
        if starts != sorted(starts):  # they usually are in text order already
            sentences = tuple(sorted(sentences, key=lambda s: s.start))
            starts = [s.start for s in sentences]
        self.starts = starts
        self.sentences = sentences
        self.ends = [s.end for s in sentences]

    @classmethod
    def of(cls, article: ParsedArticle) -> SentenceLocator:
        """Return the locator of ``article``, built once: the last one built is remembered."""
        global _last_locator
        last = _last_locator
        if last[0] is article and last[1] is not None:
            return last[1]
        locator = cls(article)
        _last_locator = (article, locator)
        return locator

    def locate(self, start: int, end: int) -> int:
        """Return the index in ``sentences`` of the sentence holding ``[start, end)``, or -1 if none does."""
        i = bisect_right(self.starts, start) - 1
        return i if i >= 0 and end <= self.ends[i] else -1


_last_locator: tuple[object, SentenceLocator | None] = (None, None)
