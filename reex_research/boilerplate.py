"""Boilerplate rules (data/rules/boilerplate.yaml): which lines and phrases are not the article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .datafile import compile_pattern, read_yaml, require
from .errors import KnowledgeBaseError


@dataclass(frozen=True, slots=True)
class Rule:
    """One named pattern and the kind of boilerplate it marks."""

    rule: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """Line rules, trailer markers and inline phrases, compiled once."""

    lines: tuple[Rule, ...]
    trailers: tuple[Rule, ...]
    inline: tuple[Rule, ...]
    trailer_min_share: float
    max_line_length: int
    _line_matcher: RuleMatcher = field(repr=False)
    _trailer_matcher: RuleMatcher = field(repr=False)
    _inline_matcher: re.Pattern[str] = field(repr=False)

    def match_line(self, line: str) -> Rule | None:
        """Return the first line rule matching the stripped ``line``, if any."""
        return self._line_matcher.first(line) if len(line) <= self.max_line_length else None

    def match_trailer(self, line: str) -> Rule | None:
        """Return the trailer rule matching the stripped ``line``, if any."""
        return self._trailer_matcher.first(line) if len(line) <= self.max_line_length else None

    def strip_inline(self, line: str) -> tuple[str, list[tuple[Rule, str]]]:
        """Cut inline boilerplate (and the whitespace before it) out of ``line``."""
        removed: list[tuple[Rule, str]] = []
        if not self._inline_matcher.search(line):
            return line, removed
        for rule in self.inline:
            pieces: list[str] = []
            last = 0
            for match in rule.pattern.finditer(line):
                start = match.start()
                while start > last and line[start - 1].isspace():
                    start -= 1
                pieces.append(line[last:start])
                removed.append((rule, match.group()))
                last = match.end()
            pieces.append(line[last:])
            line = "".join(pieces)
        return line, removed


class RuleMatcher:
    """Many rules in two regexes: anchored ones (tried at the line start only) and the rest."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        anchored = [(i, r) for i, r in enumerate(rules) if r.pattern.pattern.startswith("^")]
        floating = [(i, r) for i, r in enumerate(rules) if not r.pattern.pattern.startswith("^")]
        self._anchored = _alternation(anchored)
        self._floating = _alternation(floating)

    def first(self, line: str) -> Rule | None:
        """Return the earliest-listed rule that matches ``line``, or None."""
        hits = [m for m in (self._anchored.match(line), self._floating.search(line)) if m]
        if not hits:
            return None
        return self.rules[min(int(m.lastgroup[1:]) for m in hits)]


def _alternation(rules: list[tuple[int, Rule]]) -> re.Pattern[str]:
    """One regex for many rules: alternatives named r<index>."""
    if not rules:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?P<r{i}>{r.pattern.pattern})" for i, r in rules), re.IGNORECASE)


def load_boilerplate_rules(path: Path | None = None) -> BoilerplateRules:
    """Read and compile the boilerplate rules (default ``data/rules/boilerplate.yaml``)."""
    path = Path(path) if path else paths.rules_dir() / "boilerplate.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeBaseError(path, "expected a mapping with 'lines', 'trailers' and 'inline'")
    names: set[str] = set()

    def rules(section: str) -> tuple[Rule, ...]:
        out = []
        for item in data.get(section) or []:
            name = require(item, "rule", path)
            if name in names:
                raise KnowledgeBaseError(path, f"duplicate rule name '{name}'", field="rule")
            names.add(name)
            pattern = compile_pattern(require(item, "pattern", path), path, f"{section}.{name}.pattern")
            out.append(Rule(name, require(item, "kind", path), pattern))
        return tuple(out)

    share = data.get("trailer_min_share", 0.4)
    if not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise KnowledgeBaseError(path, "must be a number between 0 and 1", field="trailer_min_share")
    limit = data.get("max_line_length", 300)
    if not isinstance(limit, int) or limit <= 0:
        raise KnowledgeBaseError(path, "must be a positive whole number", field="max_line_length")
    lines, trailers = rules("lines"), rules("trailers")
    inline = rules("inline")
    return BoilerplateRules(lines, trailers, inline, float(share), limit, RuleMatcher(lines),
                            RuleMatcher(trailers), _alternation(list(enumerate(inline))))
