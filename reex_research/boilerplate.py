"""Boilerplate rules (data/rules/boilerplate.yaml): which lines and phrases are not the article."""

from __future__ import annotations

import re
from dataclasses import dataclass
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

    def match_line(self, line: str) -> Rule | None:
        """Return the first line rule matching the stripped ``line``, if any."""
        return next((r for r in self.lines if r.pattern.search(line)), None)

    def match_trailer(self, line: str) -> Rule | None:
        """Return the trailer rule matching the stripped ``line``, if any."""
        return next((r for r in self.trailers if r.pattern.search(line)), None)

    def strip_inline(self, line: str) -> tuple[str, list[tuple[Rule, str]]]:
        """Cut inline boilerplate out of ``line``; return the line and what was removed."""
        removed: list[tuple[Rule, str]] = []
        for rule in self.inline:
            if rule.pattern.search(line):
                removed.extend((rule, m.group()) for m in rule.pattern.finditer(line))
                line = rule.pattern.sub("", line)
        return line, removed


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
    return BoilerplateRules(rules("lines"), rules("trailers"), rules("inline"), float(share))
