"""Boilerplate rules (data/rules/boilerplate.yaml): which lines and phrases are not the article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..datafile import read_data_file
from ..errors import KnowledgeBaseError
from .textfix import lower_same_length


@dataclass(frozen=True, slots=True)
class Rule:
    """One named pattern and the kind of boilerplate it marks."""

    rule: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """Line rules, trailer markers and inline phrases, compiled once.

    Patterns are written in lower case and matched against the lower-cased line: matching
    without the IGNORECASE flag lets the regex engine jump to a literal prefix, several times faster.
    """

    lines: tuple[Rule, ...]
    trailers: tuple[Rule, ...]
    inline: tuple[Rule, ...]
    trailer_min_share: float
    max_line_length: int
    _seen: dict[str, Rule | None] = field(default_factory=dict, repr=False, compare=False)
    _seen_trailers: dict[str, Rule | None] = field(default_factory=dict, repr=False, compare=False)

    def match_line(self, lowered: str) -> Rule | None:
        """Return the first line rule matching the stripped, lower-cased line, if any."""
        if len(lowered) > self.max_line_length:
            return None
        return _remembered(self._seen, self.lines, lowered)

    def match_trailer(self, lowered: str) -> Rule | None:
        """Return the trailer rule matching the stripped, lower-cased line, if any."""
        if len(lowered) > self.max_line_length:
            return None
        return _remembered(self._seen_trailers, self.trailers, lowered)

    def may_cut_inline(self, lowered_text: str) -> bool:
        """False when :meth:`strip_inline` leaves every stripped line of ``lowered_text`` (a whole
        text, lower-cased) as it is.

        A phrase found in a line is found at the same place in the whole text, unless its pattern
        reads what surrounds the line (anchors, lookarounds, word boundaries): such a pattern
        always answers True.
        """
        return any(not _reads_phrase_only(rule.pattern) or rule.pattern.search(lowered_text)
                   for rule in self.inline)

    def strip_inline(self, line: str, lowered: str | None = None) -> tuple[str, list[tuple[Rule, str]]]:
        """Cut inline boilerplate (and the whitespace before it) out of ``line``.

        ``lowered`` is ``line`` lower-cased with the same length, when the caller has it already.
        """
        removed: list[tuple[Rule, str]] = []
        if lowered is None:
            lowered = lower_same_length(line)
        for rule in self.inline:
            if not rule.pattern.search(lowered):
                continue
            pieces: list[str] = []
            last = 0
            for match in rule.pattern.finditer(lowered):
                start = match.start()
                while start > last and line[start - 1].isspace():
                    start -= 1
                pieces.append(line[last:start])
                removed.append((rule, line[match.start():match.end()]))
                last = match.end()
            pieces.append(line[last:])
            line = "".join(pieces)
            lowered = lower_same_length(line)
        return line, removed


_SEEN_MAX = 50_000
# What lets a pattern look past the phrase it matches: anchors, word boundaries, lookarounds,
# conditionals, and atomic groups or possessive quantifiers, which may swallow what follows a line.
_CONTEXT_SYNTAX = re.compile(r"[\^$]|\\[AZzbB]|\(\?[=!<(>]|[*+?}]\+")


def _remembered(seen: dict[str, Rule | None], rules: tuple[Rule, ...], lowered: str) -> Rule | None:
    """The first of ``rules`` matching ``lowered``; site chrome repeats from page to page, so the
    verdict on a line is kept in ``seen``."""
    try:
        return seen[lowered]
    except KeyError:
        rule = _first(rules, lowered)
        if len(seen) < _SEEN_MAX:
            seen[lowered] = rule
        return rule


@lru_cache(maxsize=256)
def _reads_phrase_only(pattern: re.Pattern[str]) -> bool:
    """True when nothing in ``pattern`` reads beyond the characters it matches (judged from its
    source, erring towards False)."""
    return _CONTEXT_SYNTAX.search(pattern.pattern) is None


def _first(rules: tuple[Rule, ...], lowered: str) -> Rule | None:
    for rule in rules:
        if rule.pattern.search(lowered):
            return rule
    return None


def load_boilerplate_rules(path: Path | None = None) -> BoilerplateRules:
    """Read and compile the boilerplate rules (default ``data/rules/boilerplate.yaml``)."""
    doc = read_data_file(Path(path) if path else paths.rules_dir() / "boilerplate.yaml")
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(doc.path, "expected a mapping with 'lines', 'trailers' and 'inline'")
    names: set[str] = set()

    def rules(section: str) -> tuple[Rule, ...]:
        out = []
        for index in range(len(doc.get(section, kind=list, default=[]))):
            name = doc.get(section, index, "rule", kind=str)
            if name in names:
                doc.fail((section, index, "rule"), f"duplicate rule name '{name}'")
            names.add(name)
            out.append(Rule(name, doc.get(section, index, "kind", kind=str),
                            doc.pattern(section, index, "pattern", flags=0)))
        return tuple(out)

    share = doc.get("trailer_min_share", kind=(int, float), default=0.4)
    if not 0 <= share <= 1:
        doc.fail(("trailer_min_share",), "must be a number between 0 and 1")
    limit = doc.get("max_line_length", kind=int, default=300)
    if limit <= 0:
        doc.fail(("max_line_length",), "must be a positive whole number")
    return BoilerplateRules(rules("lines"), rules("trailers"), rules("inline"), float(share), limit)
