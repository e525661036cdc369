"""Noun phrases around a figure: read forwards from a position, or backwards over the tokens
before it (a short window first), for the measure and the claimant."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from .rules import FigureRules

_T = TypeVar("_T")


class _NotRead(Exception):
    """Raised when a reader of tokens needs one that the shortened window did not read."""


class _Unread:
    """Stands at index 0 of a shortened token list for the tokens not read: any use raises."""

    def __getattr__(self, name: str) -> Any:
        raise _NotRead(name)


_UNREAD = cast("re.Match[str]", _Unread())  # typed as the token it stands in for
_SHORT_REACH = 40  # characters read first before a position; most readers need no more


def read_back(text: str, end: int, reach: int, rules: FigureRules,
               read: Callable[[str, list[re.Match[str]], FigureRules], _T],
               short: int = _SHORT_REACH) -> _T:
    """Return ``read(text, tokens, rules)`` for the tokens of ``text[max(0, end - reach):end]``.

    Most readers only look at the last few tokens, so the tokens after a space in the last
    ``short`` characters are read first, behind a stand-in for the earlier ones (a ``short`` of
    ``reach`` or more reads the whole window at once, for readers that often need it). Words
    never hold spaces, so when no bracketed token can span that space, these are exactly the
    last tokens of the whole window; a reader that reaches the stand-in (index 0) raises and
    gets the whole window instead.
    """
    start = max(0, end - reach)
    if end - short > start:
        cut = text.find(" ", end - short, end)
        if cut > 0 and "(" not in text[max(start, cut - 41):cut]:
            try:
                return read(text, [_UNREAD, *rules.token.finditer(text, cut, end)], rules)
            except _NotRead:
                pass
    return read(text, list(rules.token.finditer(text, start, end)), rules)


def skip_back(toks: list[re.Match[str]], index: int, rules: FigureRules) -> int:
    """Return the index of the last token at or before ``index`` that is not a skip word."""
    while index >= 0 and toks[index].group().lower() in rules.skip_words:
        index -= 1
    return index


def phrase_after(text: str, pos: int, max_words: int, keep: frozenset[str],
                  rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the noun phrase starting at ``pos`` (leading determiners skipped)."""
    spans: list[tuple[int, int]] = []
    previous = pos
    for tok in rules.token.finditer(text, pos, pos + 200):  # endpos is cut to the text's length
        start, end = span = tok.span()
        if len(spans) >= max_words or (spans and not text[previous:start].isspace()):
            break
        kind, low = tok.lastgroup, text[start:end].lower()
        if kind == "word" and low in rules.determiners:
            if spans:
                break
        elif kind == "paren" and spans:
            spans.append(span)
        elif kind != "word" or (low in rules.stop_words and low not in keep):
            break
        else:
            spans.append(span)
        previous = end
    return _trim(text, spans, keep)


def phrase_before(text: str, toks: list[re.Match[str]], index: int,
                   rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the noun phrase ending at token ``index`` (joiners "of"/"and" kept)."""
    spans: list[tuple[int, int]] = []
    for j in range(index, -1, -1):
        tok = toks[j]
        low = tok.group().lower()
        if len(spans) >= rules.max_words or low in rules.determiners or (
                low in rules.stop_words and low not in rules.joiners):
            break
        if tok.lastgroup != "word" and not (tok.lastgroup == "paren" and spans):
            break
        if spans and not text[tok.end():spans[-1][0]].isspace():
            break
        if j > 0 and low in rules.units and toks[j - 1].group()[0].isdigit():
            break  # the unit of another figure ("5,000 tonnes and prices rose")
        spans.append(tok.span())
    return _trim(text, spans[::-1], rules.joiners)


def _trim(text: str, spans: list[tuple[int, int]],
          joiners: frozenset[str]) -> tuple[int, int] | None:
    """Return the span covering ``spans`` without joiner words or brackets at either edge."""
    while spans and (text[slice(*spans[-1])].lower() in joiners or text[spans[-1][0]] == "("):
        spans.pop()
    while spans and (text[slice(*spans[0])].lower() in joiners or text[spans[0][0]] == "("):
        spans.pop(0)
    return (spans[0][0], spans[-1][1]) if spans else None
