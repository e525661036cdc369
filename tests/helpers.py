"""Small builders for tests: invented articles without going through files."""

from __future__ import annotations

import datetime as dt

from reex_research.model import ParsedArticle, Sentence


def make_article(text: str, *, published: dt.date | None = None, source: str | None = None,
                 article_id: str = "test0001") -> ParsedArticle:
    """Return a ParsedArticle whose sentences are the non-empty lines of ``text``."""
    sentences = []
    offset = 0
    for position, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            sentences.append(
                Sentence(
                    sentence_id=f"{article_id}:s{len(sentences):04d}",
                    paragraph_id=f"{article_id}:p{position:03d}",
                    position=len(sentences),
                    block="paragraph",
                    start=start,
                    end=start + len(stripped),
                    text=stripped,
                )
            )
        offset += len(line) + 1
    return ParsedArticle(article_id=article_id, text=text, sentences=tuple(sentences),
                         published=published, source=source)
