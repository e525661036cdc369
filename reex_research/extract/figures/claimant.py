"""Who claims a figure: "according to X", "X said" or ", said X" in the sentence, else the article's
source."""

from __future__ import annotations

import re

from .phrases import phrase_after, phrase_before, read_back, skip_back
from .rules import FigureRules, fold_words


def claim(text: str, source: str | None, rules: FigureRules) -> tuple[str, str]:
    """Return (claimed_by, claim_source) for a sentence: its own attribution, else the article's."""
    low = text.lower()
    who = ""
    if rules.claim_gate.search(low):  # most sentences name no claimant: one scan rules both out
        if rules.according_gate.search(low):
            who = _according_to(text, rules)
        if not who and rules.speech_gate.search(low):
            who = _speaker(text, rules)
    who = rules.claim_time_tail.sub("", who).strip() if who else who
    if who and fold_words(who) in rules.not_claimants:
        who = ""  # "The Company reported": the article's source says who that is
    if who:
        return who, "sentence"
    if source:
        return source, "article"
    return "", ""


def _according_to(text: str, rules: FigureRules) -> str:
    """Return X from "according to X" (or "according to a summary released by X"), or ""."""
    found = rules.according.search(text)
    if found is None:
        return ""
    span = phrase_after(text, found.end(), rules.claim_max_words, rules.joiners, rules)
    if span is None:
        return ""
    via = rules.via.match(text, span[1])
    if via:
        span = phrase_after(text, via.end(), rules.claim_max_words, rules.joiners, rules) or span
    return text[span[0]:span[1]]


def _speaker(text: str, rules: FigureRules) -> str:
    """Return X from "X said/reported/estimates" or ", said X", or ""."""
    for found in rules.speech.finditer(text):
        # a speaker's name often reaches past a short window: the whole window is read at once
        span, after_comma = read_back(text, found.start(), 120, rules, _speaker_before, short=120)
        if span is None and after_comma:
            span = phrase_after(text, found.end(), rules.claim_max_words, rules.joiners, rules)
        if span:
            return text[span[0]:span[1]]
    return ""


def _speaker_before(text: str, toks: list[re.Match[str]],
                    rules: FigureRules) -> tuple[tuple[int, int] | None, bool]:
    """Return (the noun phrase ending ``toks``, whether ``toks`` ends with a comma)."""
    span = phrase_before(text, toks, skip_back(toks, len(toks) - 1, rules), rules)
    return span, span is None and bool(toks) and toks[-1].group() == ","
