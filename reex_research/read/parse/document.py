"""One document → article: repair the text, sort lines into blocks, rebuild a clean text from the
blocks that belong to the article, and return every row the corpus tables need, each with offsets
into that clean text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from ...model import ParsedArticle, Sentence
from ..ingest import Problem, RawDocument
from ..datetext import parse_day
from ..sentences import split_spans
from ..textfix import repair_text
from .lines import sort_lines
from .metadata import Metadata, any_search
from .rules import ParseRules
from .structure import Block, assemble, classify, group
from .tables import table_row
from .yearless import infer_year

_HEADLINE_MAX = 140


@dataclass(slots=True)
class ArticleRecord:
    """All rows one article contributes to the corpus tables, plus what extractors read."""

    article: dict[str, Any]
    highlights: dict[str, list[Any]]  # columns
    paragraphs: dict[str, list[Any]]  # columns
    sentences: dict[str, list[Any]]  # columns
    tables: list[dict[str, Any]]
    boilerplate: dict[str, list[Any]]  # columns
    problems: list[Problem]
    parsed: ParsedArticle


def parse_document(doc: RawDocument, rules: ParseRules, *, as_of: dt.date | None = None) -> ArticleRecord | None:
    """Parse one document; return None when nothing of the article is left after cleaning.

    ``as_of`` (the load's day) is the last evidence for the year of a dateline written without one
    (:func:`~.yearless.infer_year`)."""
    repaired = repair_text(doc.text)
    lines = sort_lines(repaired.text, rules)
    blocks, found = classify(group(lines.content, rules), rules)
    meta = lines.meta
    meta.add(found)
    if not any(b.kind in ("paragraph", "highlight", "table", "heading", "title") for b in blocks):
        return None
    text, spans = assemble(blocks)
    article_id = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    record = _rows(doc, article_id, text, blocks, spans, rules, meta, as_of)
    record.article["repairs"] = repaired.count
    record.article["repair_kinds"] = repaired.kinds
    record.boilerplate = _boilerplate_columns(article_id, doc.file, lines.removed)
    record.article["n_boilerplate"] = len(lines.removed)
    return record


def _boilerplate_columns(article_id: str, file: str,
                         removed: list[tuple[int, str, str, str]]) -> dict[str, list[Any]]:
    """The rows of the boilerplate table, as columns, from the ``(line, rule, kind, text)`` removed."""
    count = len(removed)
    return {"article_id": [article_id] * count, "file": [file] * count,
            "line": [r[0] for r in removed], "rule": [r[1] for r in removed],
            "kind": [r[2] for r in removed], "text": [r[3] for r in removed]}


def _rows(doc: RawDocument, article_id: str, text: str, blocks: list[Block], starts: list[int],
          rules: ParseRules, meta: Metadata, as_of: dt.date | None) -> ArticleRecord:
    """Return the rows of one article from its blocks and their starts in the clean text."""
    paragraph_ids = _ids(f"{article_id}:p", 3, len(blocks))
    paragraphs = _SpanColumns()
    kinds: list[str] = []
    sections: list[str | None] = []
    highlights = _SpanColumns()
    sentences = _SentenceColumns()
    tables: list[dict[str, Any]] = []
    section: str | None = None
    title: str | None = None
    sentence_rules = rules.sentences

    for paragraph_id, block, base in zip(paragraph_ids, blocks, starts):
        kind = block.kind
        start = base + block.content_start
        end = base + len(block.text)
        block_text = text[start:end]
        if kind == "heading":
            section = block_text
        if kind == "title" and title is None:
            title = block_text
        paragraphs.add(start, end, block_text)
        kinds.append(kind)
        sections.append(None if kind in ("title", "heading") else section)
        if kind == "highlight":
            highlights.add(start, end, block_text)
            sentences.add(paragraph_id, kind, split_spans(text, start, end, sentence_rules))
        elif kind == "paragraph":
            sentences.add(paragraph_id, kind, split_spans(text, start, end, sentence_rules))
        elif kind in ("title", "heading"):
            sentences.add(paragraph_id, kind, [(start, end)])
        elif kind == "table":
            tables.append(table_row(article_id, len(tables), text, base, len(block.text), block.cells))
            for row in block.cells[1:]:
                for s, e in row:
                    if e > s:
                        sentences.add(paragraph_id, kind, split_spans(text, base + s, base + e, sentence_rules))

    sentence_rows = sentences.columns(article_id, text)
    lead = next((t for k, t in zip(kinds, paragraphs.texts) if k == "paragraph"), "")
    first_highlight = highlights.texts[0] if highlights.texts else None
    article, problems = _article_row(doc, article_id, text, title, first_highlight, meta, rules, lead, as_of)
    article.update(n_highlights=len(highlights.texts), n_paragraphs=kinds.count("paragraph"),
                   n_sentences=len(sentence_rows["start"]))
    parsed = ParsedArticle(article_id=article_id, text=text, sentences=_sentence_objects(sentence_rows),
                           published=_as_date(article["published"]), title=title,
                           source=article["source"] or article["publisher"], author=article["author"])
    paragraph_rows = {**paragraphs.columns(article_id, "paragraph_id", paragraph_ids),
                      "kind": kinds, "section": sections}
    highlight_rows = highlights.columns(article_id, "highlight_id",
                                        _ids(f"{article_id}:h", 2, len(highlights.texts)))
    return ArticleRecord(article, highlight_rows, paragraph_rows, sentence_rows, tables, {}, problems, parsed)


# Row positions written once for each width ids use: formatting each number anew is several times
# slower than joining it to the prefix, and most articles have fewer rows than this.
_POSITIONS = {digits: tuple(f"{i:0{digits}d}" for i in range(1000)) for digits in (2, 3, 4)}


def _ids(prefix: str, digits: int, count: int) -> list[str]:
    """``count`` row ids: ``prefix`` and the row's position written with at least ``digits`` digits."""
    written = _POSITIONS.get(digits, ())
    if count <= len(written):
        return [prefix + position for position in written[:count]]
    return [f"{prefix}{i:0{digits}d}" for i in range(count)]


@dataclass(slots=True)
class _SpanColumns:
    """Rows that are spans of the clean text (paragraphs, highlights), column by column, in order."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, start: int, end: int, text: str) -> None:
        """Append the row of ``text``, found at ``start:end`` of the clean text."""
        self.starts.append(start)
        self.ends.append(end)
        self.texts.append(text)

    def columns(self, article_id: str, id_column: str, ids: list[str]) -> dict[str, list[Any]]:
        """The rows as columns: the article, ``ids`` in ``id_column``, position, start, end, text."""
        count = len(self.texts)
        return {"article_id": [article_id] * count, id_column: ids, "position": list(range(count)),
                "start": self.starts, "end": self.ends, "text": self.texts}


@dataclass(slots=True)
class _SentenceColumns:
    """Sentence spans gathered column by column, in document order."""

    paragraph_ids: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, paragraph_id: str, block: str, spans: list[tuple[int, int]]) -> None:
        """Append the sentences ``spans`` of one paragraph (or table cell) of kind ``block``."""
        count = len(spans)
        self.paragraph_ids += [paragraph_id] * count
        self.blocks += [block] * count
        self.spans += spans

    def columns(self, article_id: str, text: str) -> dict[str, list[Any]]:
        """The rows of the sentences table, as columns."""
        spans = self.spans
        count = len(spans)
        return {
            "article_id": [article_id] * count,
            "sentence_id": _ids(f"{article_id}:s", 4, count),
            "paragraph_id": self.paragraph_ids,
            "position": list(range(count)),
            "block": self.blocks,
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "text": [text[s:e] for s, e in spans],
        }


def _sentence_objects(rows: dict[str, list[Any]]) -> tuple[Sentence, ...]:
    # tuple.__new__ on each row is what Sentence(...) does, without a Python call per sentence.
    fields = zip(rows["sentence_id"], rows["paragraph_id"], rows["position"], rows["block"],
                 rows["start"], rows["end"], rows["text"])
    return tuple(map(tuple.__new__, repeat(Sentence), fields))


def _article_row(doc: RawDocument, article_id: str, text: str, title: str | None,
                 first_highlight: str | None, meta: Metadata,
                 rules: ParseRules, lead: str, as_of: dt.date | None) -> tuple[dict[str, Any], list[Problem]]:
    """Return the ``articles`` row of one article and the problems met making it."""
    supplied = {key: repair_text(value).text for key, value in doc.metadata.items()}
    title_source = "text" if title else None
    if supplied.get("title"):
        title, title_source = supplied["title"], "metadata"
    headline = title or _headline(first_highlight)
    if not title:
        title_source = "headline_fallback" if headline else "missing"
    published, published_source, problem = _published(doc, meta, text, lead, as_of)
    source = supplied.get("source") or meta.source or meta.agency
    disclaimer = " ".join(meta.disclaimers) or None
    evidence = " ".join(filter(None, [disclaimer, meta.source]))
    return {
        "article_id": article_id, "file": doc.file, "line": doc.line, "format": doc.format,
        "encoding": doc.encoding, "title": title, "title_source": title_source, "headline": headline,
        "published": published, "published_source": published_source,
        "author": supplied.get("author") or meta.author, "url": supplied.get("url"),
        "source": source, "publisher": meta.publisher, "disclaimer": disclaimer,
        "is_state_media_sourced": any_search(rules.state_media, evidence.lower()),
        "n_chars": len(text), "text": text,
    }, [problem] if problem else []


def _headline(first: str | None) -> str | None:
    """The first highlight as a headline, shortened at a word when it is too long."""
    if first is None:
        return None
    if len(first) <= _HEADLINE_MAX:
        return first
    cut = first[:_HEADLINE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _published(doc: RawDocument, meta: Metadata, text: str, lead: str,
               as_of: dt.date | None) -> tuple[dt.date | None, str | None, Problem | None]:
    """Return the publication day, where it was read, and the problem of a bad metadata date.

    A dateline or byline day without its year takes the year :func:`~.yearless.infer_year` finds
    in the file (``inferred_year: <reason>``), or stays missing with the reason.
    """
    value = doc.metadata.get("date")
    problem = None
    if value:
        day = parse_day(value) or _iso_day(value)
        if day:
            return day, "metadata", None
        problem = Problem(doc.file, doc.line, "bad_date",
                          f"metadata date {value!r} is not a full date; use YYYY-MM-DD")
    if meta.published:
        return meta.published, "text", problem
    if meta.source_date:
        return meta.source_date, "text", problem
    if meta.month_day:
        day, source = infer_year(meta.month_day, value, lead, text, as_of=as_of)
        return day, source, problem
    return None, None, problem


def _iso_day(value: str) -> dt.date | None:
    match = re.match(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", value)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _as_date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None
