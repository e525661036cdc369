"""Plain value objects passed between pipeline stages.

A :class:`ParsedArticle` is what the parser hands to the extractors: the clean text plus the
sentence spans that every derived row points back at. Extractors never see files or dataframes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``article.text[start:end] == text``; ``block`` names where it sits."""

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
