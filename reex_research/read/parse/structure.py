"""Content lines → typed blocks (title, heading, highlight, paragraph, table, metadata lines) and
the clean text they are joined into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .metadata import Metadata, byline, dateline, lead_dateline, metadata_kind, yearless_dateline
from .rules import SENTENCE_END, ParseRules
from .tables import TABLE_ROW, table_cells

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# The capital of a lower-upper pair ("SupplyWith"); searching for the capital first is fast.
_GLUE = re.compile(r"[A-Z](?<=[a-z][A-Z])")
_LEAD_DATELINE_BLOCKS = 8  # a dateline opening a paragraph is looked for in the first blocks only


@dataclass(slots=True)
class Block:
    """A piece of the article as it will appear in the clean text."""

    kind: str
    text: str
    line: int
    content_start: int = 0  # where the content starts inside ``text`` (after a bullet marker)
    cells: list[list[tuple[int, int]]] = field(default_factory=list)  # table rows: cell spans


def group(content: list[tuple[int, str, str]], rules: ParseRules) -> list[tuple[int, list[str], list[str]]]:
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
        is_table = bool(TABLE_ROW.match(line))
        if blocks and is_table and TABLE_ROW.match(previous):
            blocks[-1][1].append(line)
            blocks[-1][2].append(lowered)
        elif blocks and wrapped and previous and _continues(previous, line, rules):
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
    open_ended = sum(1 for line in long_lines if not SENTENCE_END.search(line))
    return len(long_lines) >= 4 and open_ended / len(long_lines) >= 0.5


def _continues(previous: str, line: str, rules: ParseRules) -> bool:
    return (
        len(previous) >= 40
        and not SENTENCE_END.search(previous)
        and not previous.endswith(":")
        and not TABLE_ROW.match(previous)
        and not TABLE_ROW.match(line)
        and not _MD_HEADING.match(line)
        and not rules.glyph_bullet.match(line)
    )


def classify(raw: list[tuple[int, list[str], list[str]]], rules: ParseRules) -> tuple[list[Block], Metadata]:
    """Give each block its kind; return the blocks and what the dateline, byline, source and
    disclaimer lines say."""
    meta = Metadata()
    blocks: list[Block] = []
    in_highlights = False
    for index, (number, lines, lowered_lines) in enumerate(raw):
        line = lines[0]
        if len(lines) > 1:
            blocks.append(Block("table", "\n".join(lines), number, cells=table_cells(lines)))
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
        found = metadata_kind(line, lowered, index, rules)
        if found:
            blocks.append(Block(found[0], line, number))
            meta.add(found[1])
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
            day, agency, partial = lead_dateline(line, rules)
            meta.add(Metadata(published=day, agency=agency, month_day=partial))
        blocks.append(Block("paragraph", line, number))
    return blocks, meta


def _is_title(line: str, rules: ParseRules) -> bool:
    words = line.split()
    return (
        0 < len(words) <= rules.title_max_words
        and not line.endswith((".", ",", ";", ":"))
        and any(c.isalpha() for c in line)
        and dateline(line, rules) is None
        and yearless_dateline(line, rules) is None
        and not rules.bullet.match(line)
        and not byline(line, rules)
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
    letters = re.match(r"[A-Za-z]*", rest)
    assert letters is not None  # "*" matches the empty string
    junction = words[-1] + letters.group() if words else ""
    if junction in rules.camel_case_names or any(junction.startswith(n) for n in rules.camel_case_names):
        return None
    if len(letters.group()) < 2:
        return None  # a glued paragraph opens with a word ("With", "CNRE"); the "H" of "GmbH," ends a name
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    if not (3 <= len(words) <= rules.heading_max_words) or re.search(r"[.,;:!?]", head):
        return None
    if not all(w[0].isupper() for w in long_words):
        return None
    if len(rest.split()) < 6 or not SENTENCE_END.search(rest):
        return None
    return head, rest


def assemble(blocks: list[Block]) -> tuple[str, list[int]]:
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
