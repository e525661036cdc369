"""What a figure measures: the noun phrase after "of", the noun phrase it modifies, a gerund or the
subject of the clause (see the package docstring for the rules, in order)."""

from __future__ import annotations

import re

from .phrases import phrase_after, phrase_before, read_back, skip_back
from .rules import FigureRules


def count_noun(text: str, pos: int, separated: bool, rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the counted noun phrase after ``pos`` (≤3 modifiers), or None."""
    if not text[pos:pos + 1].isspace():
        return None  # both patterns open with ``\s+`` (see rules._count_pattern): spare the calls
    found = rules.count_tail.match(text, pos)
    if found is None and separated:
        found = rules.plural_tail.match(text, pos)
        if found is not None and found["noun"].lower() in rules.not_countable:
            return None
    return (found.start("mods"), found.end("noun")) if found else None


def separated(m: re.Match[str]) -> bool:
    """Return True when either number of the match (a range has two) has thousands separators."""
    return "," in m["num"] or "," in (m["num2"] or "")


def measure_of(text: str, start: int, end: int, m: re.Match[str], unit: str,
             rules: FigureRules) -> str:
    """Return what the figure measures (see the package docstring for the rules, in order)."""
    if unit == "count" and not m["scale"]:
        span = count_noun(text, m.end(), separated(m), rules)
        return text[span[0]:span[1]] if span else ""
    link = rules.of_link.match(text, end)
    if link:
        span = phrase_after(text, link.end(), rules.max_words, frozenset(), rules)
        if span:
            return f"{text[span[0]:span[1]]} {_gerund(text, start, rules)}".strip()
    if text[end:end + 1].isspace():  # else no phrase can start after nothing but spaces
        span = phrase_after(text, end, rules.max_words, frozenset(), rules)
        if span and text[end:span[0]].isspace():
            return text[span[0]:span[1]]
    return read_back(text, start, 100, rules, _gerund_or_subject)


def _gerund(text: str, start: int, rules: FigureRules) -> str:
    """Return the noun for a gerund just before ``start`` ("producing" -> "production"), or ""."""
    return read_back(text, start, 60, rules, _last_gerund, short=16)  # one word, or a few short ones


def _last_gerund(text: str, before: list[re.Match[str]], rules: FigureRules) -> str:
    """Return the noun for the last token of ``before`` that is not a skip word, if a gerund."""
    index = skip_back(before, len(before) - 1, rules)
    return rules.nominalise.get(before[index].group().lower(), "") if index >= 0 else ""


def _gerund_or_subject(text: str, before: list[re.Match[str]], rules: FigureRules) -> str:
    """Return the gerund ending ``before`` as a noun, else the subject of its clause's verb."""
    return (_last_gerund(text, before, rules)
            or _subject_measure(text, before, len(before) - 1, rules))


def _subject_measure(text: str, toks: list[re.Match[str]], index: int, rules: FigureRules) -> str:
    """Return the subject before the nearest known verb in the clause (+ "growth"/"decline")."""
    for j in range(index, max(-1, index - 12), -1):
        low = toks[j].group().lower()
        if low in rules.change_verbs or low in rules.subject_verbs:
            span = phrase_before(text, toks, skip_back(toks, j - 1, rules), rules)
            subject = text[span[0]:span[1]] if span else ""
            return f"{subject} {rules.change_verbs.get(low, '')}".strip()
        if low in rules.skip_words:
            continue
        if toks[j].lastgroup != "word" or (low in rules.stop_words and low not in rules.joiners):
            return ""
    return ""
