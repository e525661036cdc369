"""Text → article structure: title, dateline, byline, highlights, headings, paragraphs, tables,
source and disclaimer lines, and the boilerplate that is not the article.

:func:`parse_document` repairs a :class:`~reex_research.ingest.RawDocument`'s text, sorts its lines
into blocks, rebuilds a clean text from the blocks that belong to the article, and returns every
row the corpus tables need, each with offsets into that clean text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths, schema
from .boilerplate import BoilerplateRules, load_boilerplate_rules
from ..datafile import read_data_file
from .datetext import find_dates, find_numeric_days, parse_day
from ..errors import KnowledgeBaseError
from .ingest import Problem, RawDocument
from ..model import ParsedArticle, Sentence
from .sentences import SentenceRules, split_spans
from .textfix import repair_text

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_ROW = re.compile(r"^\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Markdown emphasis at the edges of words ("*By Jane Doe*", "**Source:**"), not in "a*b" or "snake_case".
_MD_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(?<![\w*])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*])")
# The capital of a lower-upper pair ("SupplyWith"); searching for the capital first is fast.
_GLUE = re.compile(r"[A-Z](?<=[a-z][A-Z])")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_HEADLINE_MAX = 140
_DATELINE_MAX = 120
_DATELINE_LOOSE_MAX = 80
_LEAD_DATELINE_BLOCKS = 8  # a dateline opening a paragraph is looked for in the first blocks only
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?|\b[ap]\.m\.", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_DATELINE_WORDS = frozenset({"published", "posted", "updated", "on", "at", "last", "modified", "date",
                             "am", "pm", "ago", "hours", "hour", "minutes", "gmt", "utc", "et", "est",
                             "edt", "pt", "cet", "bst", "jst", "cst", "sgt", "hkt"})


@dataclass(frozen=True, slots=True)
class ParseRules:
    """Everything the parser reads from data/rules, compiled once."""

    boilerplate: BoilerplateRules
    sentences: SentenceRules
    highlight_labels: frozenset[str]
    bullet: re.Pattern[str]
    dateline_prefix: re.Pattern[str]
    lead_dateline: re.Pattern[str]
    wire_agencies: frozenset[str]  # lower case
    byline: re.Pattern[str]
    byline_max_words: int
    source: re.Pattern[str]
    disclaimers: tuple[re.Pattern[str], ...]  # matched against the lower-cased line
    state_media: tuple[re.Pattern[str], ...]
    publisher: re.Pattern[str]
    title_max_words: int
    heading_max_words: int
    camel_case_names: frozenset[str]


def load_parse_rules(rules_dir: Path | None = None) -> ParseRules:
    """Read parse.yaml and boilerplate.yaml from ``rules_dir`` (default ``data/rules``)."""
    folder = Path(rules_dir) if rules_dir else paths.rules_dir()
    doc = read_data_file(folder / "parse.yaml")
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(doc.path, "expected a mapping of parsing rules")

    def words(key: str) -> frozenset[str]:
        return frozenset(doc.strings(key, name_item=False))

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(doc.pattern(key, index, flags=0) for index in range(len(doc.get(key, kind=list))))

    return ParseRules(
        boilerplate=load_boilerplate_rules(folder / "boilerplate.yaml"),
        sentences=SentenceRules(
            abbreviations=words("abbreviations"),
            sentence_starters=words("sentence_starters"),
        ),
        highlight_labels=frozenset(x.lower() for x in words("highlight_labels")),
        bullet=doc.pattern("bullet_pattern"),
        dateline_prefix=doc.pattern("dateline_prefix"),
        lead_dateline=doc.pattern("lead_dateline_pattern", flags=0),
        wire_agencies=frozenset(x.lower() for x in words("wire_agencies")),
        byline=doc.pattern("byline_pattern", flags=0),
        byline_max_words=doc.get("byline_max_words", kind=int),
        source=doc.pattern("source_pattern"),
        disclaimers=patterns("disclaimer_patterns"),
        state_media=patterns("state_media_patterns"),
        publisher=doc.pattern("publisher_pattern"),
        title_max_words=doc.get("title_max_words", kind=int),
        heading_max_words=doc.get("heading_max_words", kind=int),
        camel_case_names=words("camel_case_names"),
    )


@dataclass(slots=True)
class Block:
    """A piece of the article as it will appear in the clean text."""

    kind: str
    text: str
    line: int
    content_start: int = 0  # where the content starts inside ``text`` (after a bullet marker)
    cells: list[list[tuple[int, int]]] = field(default_factory=list)  # table rows: cell spans


@dataclass(slots=True)
class ArticleRecord:
    """All rows one article contributes to the corpus tables, plus what extractors read."""

    article: dict[str, Any]
    highlights: list[dict[str, Any]]
    paragraphs: list[dict[str, Any]]
    sentences: dict[str, list[Any]]  # columns
    tables: list[dict[str, Any]]
    boilerplate: list[dict[str, Any]]
    problems: list[Problem]
    parsed: ParsedArticle


@dataclass(slots=True)
class _Meta:
    """Metadata found in the text while sorting lines."""

    author: str | None = None
    published: dt.date | None = None
    source: str | None = None
    source_date: dt.date | None = None
    agency: str | None = None  # named in a dateline opening the text: "(Reuters)"
    publisher: str | None = None
    disclaimers: list[str] = field(default_factory=list)


def parse_document(doc: RawDocument, rules: ParseRules) -> ArticleRecord | None:
    """Parse one document; return None when nothing of the article is left after cleaning."""
    repaired = repair_text(doc.text)
    meta = _Meta()
    removed: list[tuple[int, str, str, str]] = []  # (line, rule, kind, text)
    content = _sort_lines(repaired.text, rules, meta, removed)
    blocks = _classify(_group(content), rules, meta)
    if not any(b.kind in ("paragraph", "highlight", "table", "heading", "title") for b in blocks):
        return None
    text, spans = _assemble(blocks)
    article_id = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    problems: list[Problem] = []
    record = _rows(doc, article_id, text, blocks, spans, rules, meta, problems)
    record.article["repairs"] = repaired.count
    record.article["repair_kinds"] = repaired.kinds
    record.boilerplate = [
        {"article_id": article_id, "file": doc.file, "line": line, "rule": rule, "kind": kind, "text": t}
        for line, rule, kind, t in removed
    ]
    record.article["n_boilerplate"] = len(removed)
    return record


# --- lines -> content lines ---------------------------------------------------------------


def _sort_lines(text: str, rules: ParseRules, meta: _Meta,
                removed: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str]]:
    """Return content lines ``(line_number, stripped_text, lowered)``; record boilerplate and metadata."""
    bp = rules.boilerplate
    total = max(1, len(text))
    offset = 0
    trailer_kind: str | None = None
    content: list[tuple[int, str, str]] = []
    lowered_lines = _lowered_lines(text)
    for number, raw in enumerate(text.split("\n"), start=1):
        share = offset / total
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            content.append((number, "", ""))
            continue
        lowered = lowered_lines[number - 1].strip() if lowered_lines else None
        line, cut = bp.strip_inline(line, lowered)
        if cut:
            removed.extend((number, rule.rule, rule.kind, phrase.strip()) for rule, phrase in cut)
            line = line.strip()
            if not line:
                continue
            lowered = None
        if lowered is None:
            lowered = line.lower()
        if not meta.publisher:
            publisher = rules.publisher.match(line)
            if publisher:
                meta.publisher = publisher.group("publisher").strip() or None
        plain = _rule_form(lowered)
        marker = bp.match_trailer(plain) if share >= bp.trailer_min_share else None
        if marker:
            trailer_kind = marker.kind
        if trailer_kind is not None:
            if _is_metadata_line(line, lowered, rules):
                content.append((number, line, lowered))
                continue
            byline = _byline(line, rules)
            if byline:
                meta.author = meta.author or byline
                trailer_kind = "author_bio"
            rule = bp.match_line(plain)
            name, kind = (rule.rule, rule.kind) if rule else ((marker.rule if marker else "trailer"), trailer_kind)
            removed.append((number, name, kind, line))
            continue
        rule = bp.match_line(plain)
        if rule:
            removed.append((number, rule.rule, rule.kind, line))
            continue
        content.append((number, line, lowered))
    return content


def _rule_form(lowered: str) -> str:
    """A lower-cased line as the boilerplate rules read it: without Markdown heading marks or emphasis
    ("## About Neo", "**For further information:**")."""
    if lowered.startswith("#"):
        lowered = _MD_HEADING_MARK.sub("", lowered, count=1)
    if "*" in lowered or "_" in lowered:
        lowered = _MD_EMPHASIS.sub("", lowered)
    return lowered


def _lowered_lines(text: str) -> list[str] | None:
    """The lines of ``text`` lower-cased, when lower-casing keeps every character's offset.

    Each stripped line of the result then equals the stripped line lower-cased on its own: case
    mappings never turn whitespace into text or back, and a line break ends the context of a final
    sigma. Otherwise (a character such as "İ" lower-cases to two) return None.
    """
    lowered = text.lower()
    return lowered.split("\n") if len(lowered) == len(text) else None


def _is_metadata_line(line: str, lowered: str, rules: ParseRules) -> bool:
    return bool(rules.source.match(line) or _any_search(rules.disclaimers, lowered))


def _any_search(patterns: tuple[re.Pattern[str], ...], lowered: str) -> bool:
    for pattern in patterns:
        if pattern.search(lowered):
            return True
    return False


def _byline(line: str, rules: ParseRules) -> str | None:
    match = rules.byline.match(line)
    if not match or len(match.group("author").split()) > rules.byline_max_words:
        return None
    return match.group("author").strip()


# --- content lines -> raw blocks -----------------------------------------------------------


def _group(content: list[tuple[int, str, str]]) -> list[tuple[int, list[str], list[str]]]:
    """Group content lines into blocks: one line each, or joined when the text is hard-wrapped.

    Each block is ``(line_number, lines, lowered_lines)``.
    """
    wrapped = _is_hard_wrapped(content)
    blocks: list[tuple[int, list[str], list[str]]] = []
    previous = ""
    for number, line, lowered in content:
        if not line:
            previous = ""
            continue
        is_table = bool(_TABLE_ROW.match(line))
        if blocks and is_table and _TABLE_ROW.match(previous):
            blocks[-1][1].append(line)
            blocks[-1][2].append(lowered)
        elif blocks and wrapped and previous and _continues(previous, line):
            blocks[-1][1][-1] += " " + line
            blocks[-1][2][-1] += " " + lowered
        else:
            blocks.append((number, [line], [lowered]))
        previous = line
    return blocks


def _is_hard_wrapped(content: list[tuple[int, str, str]]) -> bool:
    """True when paragraphs were broken into lines of a fixed width (e-mail, wire copy)."""
    lengths = [len(line) for _, line, _ in content if line]
    if len(lengths) < 6 or max(lengths) > 100:
        return False
    long_lines = [line for _, line, _ in content if len(line) >= 40]
    open_ended = sum(1 for line in long_lines if not _SENTENCE_END.search(line))
    return len(long_lines) >= 4 and open_ended / len(long_lines) >= 0.5


def _continues(previous: str, line: str) -> bool:
    return (
        len(previous) >= 40
        and not _SENTENCE_END.search(previous)
        and not previous.endswith(":")
        and not _TABLE_ROW.match(previous)
        and not _TABLE_ROW.match(line)
        and not _MD_HEADING.match(line)
        and not re.match(r"^\s*(?:[•\-\*–·▪●◦‣])\s+", line)
    )


# --- raw blocks -> typed blocks ------------------------------------------------------------


def _classify(raw: list[tuple[int, list[str], list[str]]], rules: ParseRules, meta: _Meta) -> list[Block]:
    """Give each block its kind; pull dateline, byline, source and disclaimer into ``meta``."""
    blocks: list[Block] = []
    in_highlights = False
    for index, (number, lines, lowered_lines) in enumerate(raw):
        line = lines[0]
        if len(lines) > 1:
            blocks.append(_table_block(number, lines))
            in_highlights = False
            continue
        lowered = lowered_lines[0]
        is_last = index == len(raw) - 1
        md = _MD_HEADING.match(line)
        heading_text = md.group(2) if md else line
        label = heading_text.rstrip(":").strip().lower() if md else lowered.rstrip(":").strip()
        if label in rules.highlight_labels:
            blocks.append(Block("label", line, number, content_start=line.index(heading_text)))
            in_highlights = True
            continue
        bullet = rules.bullet.match(line)
        if bullet and len(line) > bullet.end():
            blocks.append(Block("highlight" if in_highlights else "paragraph", line, number, bullet.end()))
            continue
        in_highlights = False
        if md:
            kind = "title" if (md.group(1) == "#" and not blocks) else "heading"
            blocks.append(Block(kind, line, number, content_start=md.start(2)))
            continue
        if not blocks and not is_last and _is_title(line, rules):
            blocks.append(Block("title", line, number))
            continue
        meta_kind = _metadata_kind(line, lowered, index, rules, meta)
        if meta_kind:
            blocks.append(Block(meta_kind, line, number))
            continue
        glued = _split_glued_heading(line, rules)
        if glued:
            head, rest = glued
            blocks.append(Block("heading", head, number))
            blocks.append(Block("paragraph", rest, number))
            continue
        if not is_last and _is_heading(line, rules):
            blocks.append(Block("heading", line, number))
            continue
        if index <= _LEAD_DATELINE_BLOCKS and meta.agency is None:
            day, meta.agency = _lead_dateline(line, rules)
            if meta.published is None:
                meta.published = day
        blocks.append(Block("paragraph", line, number))
    return blocks


def _metadata_kind(line: str, lowered: str, index: int, rules: ParseRules, meta: _Meta) -> str | None:
    line = _MD_EMPHASIS.sub("", line) if ("*" in line or "_" in line) else line  # "**Source:** …"
    source = rules.source.match(line)
    if source and len(line) <= 300:
        meta.source = meta.source or source.group("source").strip(" ,;")
        day = _dateline(source.group("date"), rules) if source.group("date") else None
        if day and meta.source_date is None:
            meta.source_date = day
        return "source"
    if index <= 6:
        author = _byline(line, rules)
        if author:
            meta.author = meta.author or author
            rest = rules.byline.match(line).group("rest")
            day = _dateline(rest, rules) if rest else None
            if day and meta.published is None:
                meta.published = day
            return "byline"
        day = _dateline(line, rules)
        if day:
            if meta.published is None:
                meta.published = day
            return "dateline"
    if _any_search(rules.disclaimers, lowered):
        meta.disclaimers.append(line)
        return "disclaimer"
    return None


def _dateline(text: str, rules: ParseRules) -> dt.date | None:
    """A line that is a date, possibly behind 'Published:', beside a time or '|'-separated parts."""
    if len(text) > _DATELINE_MAX:
        return None
    candidate = rules.dateline_prefix.sub("", text.strip(), count=1)
    for part in [candidate, *re.split(r"\s*[|•·/]\s*", candidate)]:
        day = parse_day(part)
        if day:
            return day
    if len(candidate) > _DATELINE_LOOSE_MAX or _SENTENCE_END.search(candidate):
        return None
    days = _days_in(candidate)
    if len(days) != 1:
        return None
    start, end, day = days[0]
    rest = candidate[:start] + " " + candidate[end:]
    words = [w for w in _WORD.findall(_TIME.sub(" ", rest)) if w.lower() not in _DATELINE_WORDS]
    return day if len(words) <= 3 else None


def _days_in(text: str) -> list[tuple[int, int, dt.date]]:
    """``(start, end, day)`` of every full calendar day written in ``text``, worded or numeric."""
    days = [(m.start, m.end, m.date_start) for m in find_dates(text) if m.precision == "day"]
    days += [d for d in find_numeric_days(text) if not any(s < d[1] and d[0] < e for s, e, _ in days)]
    return sorted(days)


def _lead_dateline(line: str, rules: ParseRules) -> tuple[dt.date | None, str | None]:
    """The day and the agency of a dateline that opens a paragraph, as wire copy and press releases
    write it: "LONDON, 9 October 2025 (Reuters) -", "PERTH, Australia, 9 October 2025 /PRNewswire/
    --", "LAS VEGAS--(BUSINESS WIRE)--", "(Bloomberg) --", "Oct. 9, 2025 — ".

    ``(None, None)`` when the opening is not such a dateline: its head must be capitalised place
    names and at most one day, its agency one of ``wire_agencies``.
    """
    m = rules.lead_dateline.match(line)
    if m is None:
        return None, None
    head = m["head"]
    agency = next((a.strip() for a in (m["agency"], m["wire"], m["agency_after"]) if a), None)
    if agency is not None and agency.lower() not in rules.wire_agencies:
        agency = None
    if not head:  # "(Bloomberg) --"
        return None, agency
    days = _days_in(head)
    if len(days) > 1:
        return None, None
    rest = head[:days[0][0]] + " " + head[days[0][1]:] if days else head
    places = [w for w in _WORD.findall(_TIME.sub(" ", rest)) if w.lower() not in _DATELINE_WORDS]
    if not (places or days) or len(places) > 6 or not all(w[0].isupper() for w in places):
        return None, None
    return (days[0][2] if days else None), agency


def _is_title(line: str, rules: ParseRules) -> bool:
    words = line.split()
    return (
        0 < len(words) <= rules.title_max_words
        and not line.endswith((".", ",", ";", ":"))
        and any(c.isalpha() for c in line)
        and _dateline(line, rules) is None
        and not rules.bullet.match(line)
        and not _byline(line, rules)
    )


def _is_heading(line: str, rules: ParseRules) -> bool:
    first = line[0]
    return (
        not line.endswith((".", ",", ";", ":", "…"))
        and (first.isupper() or first.isdigit() or first in "\"'“‘")
        and 0 < len(line.split()) <= rules.heading_max_words
        and any(c.isalpha() for c in line)
    )


def _split_glued_heading(line: str, rules: ParseRules) -> tuple[str, str] | None:
    """Split "…Global SupplyWith China…" into the heading and the paragraph glued to it."""
    match = _GLUE.search(line, 0, 160)
    if not match:
        return None
    head, rest = line[: match.start()], line[match.start():]
    words = head.split()
    junction = words[-1] + re.match(r"[A-Za-z]*", rest).group() if words else ""
    if junction in rules.camel_case_names or any(junction.startswith(n) for n in rules.camel_case_names):
        return None
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    if not (3 <= len(words) <= rules.heading_max_words) or re.search(r"[.,;:!?]", head):
        return None
    if not all(w[0].isupper() for w in long_words):
        return None
    if len(rest.split()) < 6 or not _SENTENCE_END.search(rest):
        return None
    return head, rest


def _table_block(number: int, lines: list[str]) -> Block:
    text = "\n".join(lines)
    block = Block("table", text, number)
    offset = 0
    for line in lines:
        if not _TABLE_RULE.match(line):
            block.cells.append(_cell_spans(line, offset))
        offset += len(line) + 1
    return block


def _cell_spans(line: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    inner_start = line.index("|") + 1
    inner_end = line.rindex("|")
    position = inner_start
    for cell in line[inner_start:inner_end].split("|"):
        lead = len(cell) - len(cell.lstrip())
        stripped = cell.strip()
        spans.append((offset + position + lead, offset + position + lead + len(stripped)))
        position += len(cell) + 1
    return spans


# --- blocks -> clean text and rows ---------------------------------------------------------


def _assemble(blocks: list[Block]) -> tuple[str, list[int]]:
    """Join blocks into the clean text; consecutive bullets share lines. Return text and starts."""
    parts: list[str] = []
    starts: list[int] = []
    position = 0
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            separator = "\n" if block.kind == previous.kind and block.kind == "highlight" else "\n\n"
            parts.append(separator)
            position += len(separator)
        starts.append(position)
        parts.append(block.text)
        position += len(block.text)
        previous = block
    return "".join(parts), starts


def _rows(doc: RawDocument, article_id: str, text: str, blocks: list[Block], starts: list[int],
          rules: ParseRules, meta: _Meta, problems: list[Problem]) -> ArticleRecord:
    highlights: list[dict[str, Any]] = []
    paragraphs: list[dict[str, Any]] = []
    sentences = _SentenceColumns()
    tables: list[dict[str, Any]] = []
    section: str | None = None
    title: str | None = None
    sentence_rules = rules.sentences

    for block, base in zip(blocks, starts):
        kind = block.kind
        start = base + block.content_start
        end = base + len(block.text)
        block_text = text[start:end]
        paragraph_id = f"{article_id}:p{len(paragraphs):03d}"
        if kind == "heading":
            section = block_text
        if kind == "title" and title is None:
            title = block_text
        paragraphs.append({"article_id": article_id, "paragraph_id": paragraph_id,
                           "position": len(paragraphs), "kind": kind,
                           "section": None if kind in ("title", "heading") else section,
                           "start": start, "end": end, "text": block_text})
        if kind == "highlight":
            highlights.append({"article_id": article_id, "highlight_id": f"{article_id}:h{len(highlights):02d}",
                               "position": len(highlights), "start": start, "end": end,
                               "text": block_text})
            sentences.add(paragraph_id, kind, split_spans(text, start, end, sentence_rules))
        elif kind == "paragraph":
            sentences.add(paragraph_id, kind, split_spans(text, start, end, sentence_rules))
        elif kind in ("title", "heading"):
            sentences.add(paragraph_id, kind, [(start, end)])
        elif kind == "table":
            tables.append(_table_row(article_id, len(tables), text, base, block))
            for row in block.cells[1:]:
                for s, e in row:
                    if e > s:
                        sentences.add(paragraph_id, kind, split_spans(text, base + s, base + e, sentence_rules))

    sentence_rows = sentences.columns(article_id, text)
    article = _article_row(doc, article_id, text, title, highlights, meta, rules, problems)
    article.update(n_highlights=len(highlights), n_paragraphs=sum(p["kind"] == "paragraph" for p in paragraphs),
                   n_sentences=len(sentence_rows["start"]))
    parsed = ParsedArticle(article_id=article_id, text=text, sentences=_sentence_objects(sentence_rows),
                           published=_as_date(article["published"]), title=title,
                           source=article["source"] or article["publisher"], author=article["author"])
    return ArticleRecord(article, highlights, paragraphs, sentence_rows, tables, [], problems, parsed)


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
        prefix = f"{article_id}:s"
        return {
            "article_id": [article_id] * count,
            "sentence_id": [f"{prefix}{i:04d}" for i in range(count)],
            "paragraph_id": self.paragraph_ids,
            "position": list(range(count)),
            "block": self.blocks,
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "text": [text[s:e] for s, e in spans],
        }


def _sentence_objects(rows: dict[str, list[Any]]) -> tuple[Sentence, ...]:
    return tuple(map(Sentence, rows["sentence_id"], rows["paragraph_id"], rows["position"], rows["block"],
                     rows["start"], rows["end"], rows["text"]))


def _table_row(article_id: str, index: int, text: str, base: int, block: Block) -> dict[str, Any]:
    rows = [[text[base + s: base + e] for s, e in row] for row in block.cells]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    width = max([len(header), *(len(r) for r in body)])
    header = [h or f"column_{i + 1}" for i, h in enumerate(header + [""] * (width - len(header)))]
    body = [r + [""] * (width - len(r)) for r in body]
    return {"article_id": article_id, "table_id": f"{article_id}:t{index:02d}", "position": index,
            "start": base, "end": base + len(block.text), "n_rows": len(body), "n_cols": width,
            "columns": " | ".join(header),
            "cells": json.dumps({"columns": header, "data": body}, ensure_ascii=False)}


def table_from_cells(cells: str) -> pd.DataFrame:
    """A parsed table as a dataframe of strings, from its ``tables.cells`` JSON."""
    data = json.loads(cells)
    return pd.DataFrame(data["data"], columns=data["columns"], dtype=schema.STRING)


def _article_row(doc: RawDocument, article_id: str, text: str, title: str | None,
                 highlights: list[dict[str, Any]], meta: _Meta, rules: ParseRules,
                 problems: list[Problem]) -> dict[str, Any]:
    supplied = {key: repair_text(value).text for key, value in doc.metadata.items()}
    title_source = "text" if title else None
    if supplied.get("title"):
        title, title_source = supplied["title"], "metadata"
    headline = title or _headline(highlights)
    if not title:
        title_source = "headline_fallback" if headline else "missing"
    published, published_source = _published(doc, meta, problems)
    source = supplied.get("source") or meta.source or meta.agency
    disclaimer = " ".join(meta.disclaimers) or None
    evidence = " ".join(filter(None, [disclaimer, meta.source]))
    return {
        "article_id": article_id, "file": doc.file, "line": doc.line, "format": doc.format,
        "encoding": doc.encoding, "title": title, "title_source": title_source, "headline": headline,
        "published": published, "published_source": published_source,
        "author": supplied.get("author") or meta.author, "url": supplied.get("url"),
        "source": source, "publisher": meta.publisher, "disclaimer": disclaimer,
        "is_state_media_sourced": _any_search(rules.state_media, evidence.lower()),
        "n_chars": len(text), "text": text,
    }


def _headline(highlights: list[dict[str, Any]]) -> str | None:
    if not highlights:
        return None
    first = highlights[0]["text"]
    if len(first) <= _HEADLINE_MAX:
        return first
    cut = first[:_HEADLINE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _published(doc: RawDocument, meta: _Meta, problems: list[Problem]) -> tuple[dt.date | None, str | None]:
    value = doc.metadata.get("date")
    if value:
        day = parse_day(value) or _iso_day(value)
        if day:
            return day, "metadata"
        problems.append(Problem(doc.file, doc.line, "bad_date",
                                f"metadata date {value!r} is not a full date; use YYYY-MM-DD"))
    if meta.published:
        return meta.published, "text"
    if meta.source_date:
        return meta.source_date, "text"
    return None, None


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
