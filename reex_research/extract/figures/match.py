"""Finding figures: anchors (digits, number words) found cheaply, the figure regex run at each,
candidates accepted or not, and the rows of table ``figures`` per sentence."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ...model import ParsedArticle, Sentence, SentenceLocator
from ...read.datetext import YEAR_MAX, YEAR_MIN
from ...schema import columns
from .claimant import claim
from .measure import count_noun, measure_of, separated
from .rules import FigureRules, fold_words

_DIGITS = "0123456789"
_ONE = Decimal(1)


class _Figure(NamedTuple):
    """One figure inside a sentence, offsets relative to the sentence text."""

    start: int
    end: int
    surface: str
    value: float
    unit: str
    currency: str
    scale: str
    qualifier: str
    measure: str
    currency_source: str | None  # "text", "default" (a bare form: see extract_figures), None
    bare: str  # the bare currency form the context may decide ("$", "dollars"), or ""


def extract_figures(article: ParsedArticle, rules: FigureRules) -> dict[str, list]:
    """Return the columns of table ``figures`` for one article: a row per figure, two per range."""
    rows: list[tuple] = []
    contexts: dict[int, tuple[str, str] | None] = {}
    for sentence, anchors in _anchors_by_sentence(article, _anchors(article.text, rules)):
        figures = _sentence_figures(sentence.text, anchors, rules)
        if not figures:
            continue
        claimed_by, claim_source = claim(sentence.text, article.source, rules)
        offset = sentence.start
        for fig in figures:
            currency, currency_source = fig.currency, fig.currency_source
            if fig.bare:  # forms with the same cues ("$", "dollars") share one search
                cues = rules.currency_context[fig.bare]
                found = contexts[id(cues)] if id(cues) in contexts else contexts.setdefault(
                    id(cues), _context(article, cues))
                if found is not None:
                    currency, currency_source = found[0], f"context: {found[1]}"
            rows.append((sentence.sentence_id, fig.surface, offset + fig.start, offset + fig.end,
                         fig.value, fig.unit, currency, currency_source, fig.scale, fig.qualifier,
                         fig.measure, claimed_by, claim_source))
    found_cols = dict(zip(_ROW, map(list, zip(*rows)))) if rows else {name: [] for name in _ROW}
    found_cols["article_id"] = [article.article_id] * len(rows)
    return {name: found_cols[name] for name in columns("figures")}


_ROW = ("sentence_id", "surface", "start", "end", "value", "unit", "currency", "currency_source",
        "scale", "qualifier", "measure", "claimed_by", "claim_source")  # the article's rows, as built


def _context(article: ParsedArticle, cues: tuple[tuple[re.Pattern[str], str, str], ...]
             ) -> tuple[str, str] | None:
    """Return (currency, cue name) of the first cue in the article's source, then its text, or None.

    Each cue is searched alone: a regex that starts with a literal ("ASX-listed") is found by a fast
    substring search, where one union of every cue would be tried at every place of the text.
    """
    for text in (article.source, article.text):
        if not text:
            continue
        found = [(match.start(), index) for index, (regex, _, _) in enumerate(cues)
                 if (match := regex.search(text)) is not None]
        if found:
            _, iso, name = cues[min(found)[1]]
            return iso, name
    return None


def _anchors(text: str, rules: FigureRules) -> list[int]:
    """Return the sorted positions where a number may start: digit runs and number words.

    This is the cheap pre-check: ``str.find`` per digit and a literal-prefixed scan for number
    words after a space or a line break; the full figure regex then runs only at these positions.
    """
    found = []
    for digit in _DIGITS:
        at = text.find(digit)
        while at >= 0:
            if at == 0 or text[at - 1] not in _DIGITS:
                found.append(at)
            at = text.find(digit, at + 1)
    found += [m.start() + 1 for m in rules.words_after_space.finditer(text)]
    found += [m.start() + 1 for m in rules.words_after_newline.finditer(text)]
    if rules.words_at_start.match(text):
        found.append(0)
    found.sort()
    return found


def _anchors_by_sentence(article: ParsedArticle,
                         anchors: list[int]) -> Iterator[tuple[Sentence, list[int]]]:
    """Yield each sentence that holds anchors, with those anchors relative to the sentence.

    The sentence of an anchor is found as ``SentenceLocator.locate`` finds it, inlined: this runs
    once per anchor. The anchors are sorted, so their sentences come in order of index.
    """
    if not anchors:
        return
    locator = SentenceLocator.of(article)
    sentences, starts, ends = locator.sentences, locator.starts, locator.ends
    groups: dict[int, list[int]] = {}
    for anchor in anchors:
        index = bisect_right(starts, anchor) - 1
        if index >= 0 and anchor < ends[index]:
            groups.setdefault(index, []).append(anchor - starts[index])
    for index, group in groups.items():
        yield sentences[index], group


def _sentence_figures(text: str, anchors: list[int], rules: FigureRules) -> list[_Figure]:
    """Return the figures of one sentence, trying the figure regex at each anchor in order."""
    found: list[_Figure] = []
    done = 0
    backwards = text[::-1]  # reversed once: prefixes and qualifiers are read leftwards in it
    for anchor in anchors:
        if anchor < done:
            continue
        begin = _candidate_start(backwards, anchor, rules)
        match = rules.figure.match(text, begin)
        if begin < anchor and (match is None or match.start("num") != anchor):
            match = rules.figure.match(text, anchor)
        if match is None or match.start("num") != anchor:
            continue
        figures = _accept(text, backwards, match, rules)
        found += figures
        done = match.end() if figures else match.end("num")
    return found


def _candidate_start(backwards: str, anchor: int, rules: FigureRules) -> int:
    """Return where a figure at ``anchor`` may begin: before a currency, "between" or a sign.

    ``backwards`` is the sentence reversed; the prefix is matched in the 16 characters before the
    anchor (see :func:`_match_leftwards`).
    """
    at, prefix = _match_leftwards(rules.prefix, backwards, anchor, 16)
    assert prefix is not None  # every part of the pattern is optional: it matches at any position
    return anchor - (prefix.end() - at)


def _match_leftwards(regex: re.Pattern[str], backwards: str, before: int,
                     reach: int) -> tuple[int, re.Match[str] | None]:
    """Return (``before`` in ``backwards``, the match of ``regex`` read leftwards from it).

    ``backwards`` is a text reversed. The match is bounded to ``reach`` characters by ``endpos``,
    which is the same as matching the reversed window ``text[before - reach:before][::-1]`` for a
    regex that only looks ahead (no lookbehind, ``\\b`` or ``^``), as the prefix and qualifier
    patterns do; it spares a slice and a reversal per call.
    """
    at = len(backwards) - before
    return at, regex.match(backwards, at, at + reach)


def _accept(text: str, backwards: str, m: re.Match[str], rules: FigureRules) -> list[_Figure]:
    """Return the figure(s) a candidate match stands for, or [] if it is not a figure.

    ``backwards`` is ``text`` reversed, for reading a qualifier leftwards."""
    bare = not (m["unit"] or m["scale"] or m["cpre"] or m["cpost"])
    if bare and not _is_count(text, m, rules):
        return []
    currency, bare_form = _currency(m, rules)
    currency_source = ("default" if bare_form else "text") if currency else None
    unit, unit_factor = _unit(m, currency, rules)
    scale, scale_factor = _scale(m["scale"], rules)
    end = m.start("per") if m["per"] and not currency else m.end()
    numbers = [m["num"], m["num2"]] if m["num2"] else [m["num"]]
    values = [_number(n, rules) * scale_factor * unit_factor for n in numbers]
    if m["neg"]:
        values[0] = -values[0]
    if m["num2"]:
        start, qualifiers = m.start(), ["from", "to"]
    else:
        start, qualifier = _qualifier(backwards, m.end("rw") if m["rw"] else m.start(), rules)
        qualifiers = [qualifier]
    measure = measure_of(text, start, end, m, unit, rules)
    surface = text[start:end]
    return [_Figure(start, end, surface, float(v), unit, currency, scale, q, measure, currency_source, bare_form)
            for v, q in zip(values, qualifiers)]


def _unit(m: re.Match[str], currency: str, rules: FigureRules) -> tuple[str, Decimal]:
    """Return (canonical unit, factor into it); "count" when nothing else names the unit."""
    if currency:
        per = f"/{_written(rules.per_units, m['perunit'])}" if m["per"] else ""
        return f"currency{per}", _ONE
    if m["unit"]:
        return _written(rules.units, m["unit"])
    return "count", _ONE


def _scale(written: str | None, rules: FigureRules) -> tuple[str, Decimal]:
    """Return (scale name, factor) for a written scale word, or ("", 1)."""
    if not written:
        return "", _ONE
    return _written(rules.scales, written)


def _currency(m: re.Match[str], rules: FigureRules) -> tuple[str, str]:
    """Return the ISO code written before or after the number (or ""), and the written form when it
    is bare ("$", "dollars": its currency may come from the article's context), else ""."""
    for written in (m["cpre"], m["cpost"]):
        if written:
            key = written if written in rules.currencies else fold_words(written)
            return rules.currencies.get(key, ""), (key if key in rules.currency_context else "")
    return "", ""


def _number(written: str, rules: FigureRules) -> Decimal:
    """Return the value of a written number ("1,200.5", "twenty-five")."""
    try:
        return Decimal(written.replace(",", ""))
    except InvalidOperation:
        return Decimal(rules.number_words[fold_words(written)])


def _is_count(text: str, m: re.Match[str], rules: FigureRules) -> bool:
    """Return True when a bare number is followed by a countable noun (and is not a year)."""
    num, num2 = m["num"], m["num2"]
    if "." in num or _is_year(num) or (num2 is not None and ("." in num2 or _is_year(num2))):
        return False
    return count_noun(text, m.end(), separated(m), rules) is not None


def _is_year(written: str) -> bool:
    """Return True for a four-digit number without separators in the range of years."""
    return len(written) == 4 and written.isdigit() and YEAR_MIN <= int(written) <= YEAR_MAX


def _qualifier(backwards: str, start: int, rules: FigureRules) -> tuple[int, str]:
    """Return (new start, canonical qualifier) for a qualifier written in the 30 characters just
    before ``start``; ``backwards`` is the sentence reversed (see :func:`_match_leftwards`)."""
    at, found = _match_leftwards(rules.qualifier, backwards, start, 30)
    if found is None:
        return start, ""
    written = found.group().strip()[::-1]
    return start - (found.end() - at), rules.qualifiers.get(fold_words(written), "")


def _written(table: Mapping[str, Any], written: str) -> Any:
    """The entry of ``table`` (keyed by forms as written and folded) for a form read in the text,
    whose words may be joined by hyphens instead of spaces ("ton-per-year")."""
    found = table.get(written)
    if found is None:
        found = table.get(fold_words(written))
    return found if found is not None else table[fold_words(written.replace("-", " "))]
