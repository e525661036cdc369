"""Sentence segmentation with exact character offsets.

Splits after ``.``, ``!``, ``?`` or ``…`` (and any closing quotes or brackets) when whitespace and
a capital, digit, quote or bullet follow — except after abbreviations ("U.S.", "Jan.", "Inc."),
initials ("J. Smith") and inside decimals ("3.5"), which never have whitespace after the dot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "[.!?…][.!?…]*" rather than "[.!?…]+": a pattern that opens with a character class lets the
# regex engine skip ahead to the next punctuation mark instead of trying the pattern at every position.
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"'”’)\]]*(?=\s+[\"'“‘(\[•\-–—]?\s*[A-Z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?(\w+)")
_OPENERS = "\"'“‘(["
_CLOSERS = "\"'”’)]"
_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class SentenceRules:
    """Abbreviations that do not end a sentence, and words that start one even after them."""

    abbreviations: frozenset[str]
    sentence_starters: frozenset[str]


def split_spans(text: str, start: int, end: int, rules: SentenceRules) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence in ``text[start:end]``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    segment_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _ends_sentence(text, segment_start, match, end, rules):
            # A sentence ends on its mark (never whitespace), so only its start needs trimming.
            first = segment_start
            while text[first].isspace():
                first += 1
            segment_start = match.end()
            spans.append((first, segment_start))
    # The last sentence, whitespace trimmed (trimmed here rather than in a helper: one call less
    # for each paragraph).
    while segment_start < end and text[segment_start].isspace():
        segment_start += 1
    while end > segment_start and text[end - 1].isspace():
        end -= 1
    if end > segment_start:
        spans.append((segment_start, end))
    return spans


def _ends_sentence(text: str, segment_start: int, match: re.Match[str], end: int,
                   rules: SentenceRules) -> bool:
    punct = match.group()
    if punct[0] != "." or punct[-1] in _CLOSERS:
        return True
    token = _token_before(text, segment_start, match.start()).lstrip(_OPENERS)
    if not token:
        return True
    if len(token) == 1 and "A" <= token <= "Z":  # an initial
        return False
    if token in rules.abbreviations:
        next_word = _NEXT_WORD.match(text, match.end(), min(end, match.end() + 60))
        return (next_word.group(1) if next_word else "") in rules.sentence_starters
    return True


def _token_before(text: str, floor: int, end: int) -> str:
    """The run of non-space characters that ends at ``end`` (not before ``floor``)."""
    start = max(text.rfind(" ", floor, end) + 1, floor)
    token = text[start:end]
    if not _SPACE.search(token):
        return token
    start = end  # another kind of whitespace (tab, no-break space...) inside
    while start > floor and not text[start - 1].isspace():
        start -= 1
    return text[start:end]
