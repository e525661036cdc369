"""Text → content lines: boilerplate lines and phrases cut out, metadata read on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .metadata import Metadata, byline, is_metadata_line
from .rules import MD_EMPHASIS, ParseRules

_MD_HEADING_MARK = re.compile(r"^#{1,6}\s+")


@dataclass(slots=True)
class SortedLines:
    """The lines of a text sorted: content lines, removed boilerplate, and the metadata met."""

    content: list[tuple[int, str, str]]  # (line_number, stripped_text, lowered)
    removed: list[tuple[int, str, str, str]]  # (line, rule, kind, text)
    meta: Metadata  # the publisher (copyright line) and an author (trailer byline)


def sort_lines(text: str, rules: ParseRules) -> SortedLines:
    """Return the content lines of ``text``, the boilerplate cut out of it and the metadata met."""
    meta = Metadata()
    removed: list[tuple[int, str, str, str]] = []
    bp = rules.boilerplate
    total = max(1, len(text))
    offset = 0
    trailer_kind: str | None = None
    content: list[tuple[int, str, str]] = []
    lowered_text = _lowered(text)
    lowered_lines = lowered_text.split("\n") if lowered_text is not None else None
    # Most texts hold no inline boilerplate at all: one search of the whole text tells.
    cuts_inline = lowered_text is None or bp.may_cut_inline(lowered_text)
    for number, raw in enumerate(text.split("\n"), start=1):
        share = offset / total
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            content.append((number, "", ""))
            continue
        lowered = lowered_lines[number - 1].strip() if lowered_lines else None
        if cuts_inline:
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
            if is_metadata_line(line, lowered, rules):
                content.append((number, line, lowered))
                continue
            author = byline(line, rules)
            if author:
                meta.author = meta.author or author
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
    return SortedLines(content, removed, meta)


def _rule_form(lowered: str) -> str:
    """A lower-cased line as the boilerplate rules read it: without Markdown heading marks or emphasis
    ("## About Neo", "**For further information:**")."""
    if lowered.startswith("#"):
        lowered = _MD_HEADING_MARK.sub("", lowered, count=1)
    if "*" in lowered or "_" in lowered:
        lowered = MD_EMPHASIS.sub("", lowered)
    return lowered


def _lowered(text: str) -> str | None:
    """``text`` lower-cased, when lower-casing keeps every character's offset.

    Each stripped line of the result then equals the stripped line lower-cased on its own: case
    mappings never turn whitespace into text or back, and a line break ends the context of a final
    sigma. Otherwise (a character such as "İ" lower-cases to two) return None.
    """
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None
