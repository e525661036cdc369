"""The parser's rules: ``data/rules/parse.yaml`` (and ``boilerplate.yaml``) read once into
:class:`ParseRules`, and the structural patterns the parsing stages share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ... import paths
from ...datafile import DataFile, read_data_file
from ...errors import KnowledgeBaseError
from ..boilerplate import BoilerplateRules, load_boilerplate_rules
from ..decode import TextLimits, read_text_limits
from ..sentences import SentenceRules

# Markdown emphasis at the edges of words ("*By Jane Doe*", "**Source:**"), not in "a*b" or "snake_case".
MD_EMPHASIS = re.compile(r"(?<![\w*])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*])")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class ParseRules:
    """Everything the parser reads from data/rules, compiled once."""

    boilerplate: BoilerplateRules
    sentences: SentenceRules
    highlight_labels: frozenset[str]
    bullet: re.Pattern[str]  # a glyph or a number marking an item, then a space
    glyph_bullet: re.Pattern[str]  # a glyph marking an item, then a space
    dateline_prefix: re.Pattern[str]
    lead_dateline: re.Pattern[str]
    wire_agencies: frozenset[str]  # lower case
    byline: re.Pattern[str]
    byline_max_words: int
    source: re.Pattern[str]
    disclaimers: tuple[re.Pattern[str], ...]  # matched against the lower-cased line
    state_media: tuple[re.Pattern[str], ...]
    publisher: re.Pattern[str]
    title_max_words: int
    heading_max_words: int
    camel_case_names: frozenset[str]
    text_limits: TextLimits  # how damaged a file may be and still load as text


def load_parse_rules(rules_dir: Path | None = None) -> ParseRules:
    """Read parse.yaml and boilerplate.yaml from ``rules_dir`` (default ``data/rules``)."""
    folder = Path(rules_dir) if rules_dir else paths.rules_dir()
    doc = read_data_file(folder / "parse.yaml")
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(doc.path, "expected a mapping of parsing rules")

    def words(key: str) -> frozenset[str]:
        return frozenset(doc.strings(key, name_item=False))

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(doc.pattern(key, index, flags=0) for index in range(len(doc.get(key, kind=list))))

    return ParseRules(
        boilerplate=load_boilerplate_rules(folder / "boilerplate.yaml"),
        sentences=SentenceRules(
            abbreviations=words("abbreviations"),
            sentence_starters=words("sentence_starters"),
        ),
        highlight_labels=frozenset(x.lower() for x in words("highlight_labels")),
        **_bullets(doc),
        dateline_prefix=doc.pattern("dateline_prefix"),
        lead_dateline=doc.pattern("lead_dateline_pattern", flags=0),
        wire_agencies=frozenset(x.lower() for x in words("wire_agencies")),
        byline=doc.pattern("byline_pattern", flags=0),
        byline_max_words=doc.get("byline_max_words", kind=int),
        source=doc.pattern("source_pattern"),
        disclaimers=patterns("disclaimer_patterns"),
        state_media=patterns("state_media_patterns"),
        publisher=doc.pattern("publisher_pattern"),
        title_max_words=doc.get("title_max_words", kind=int),
        heading_max_words=doc.get("heading_max_words", kind=int),
        camel_case_names=words("camel_case_names"),
        text_limits=read_text_limits(doc),
    )


def _bullets(doc: DataFile) -> dict[str, re.Pattern[str]]:
    """Return the bullet patterns built from ``bullet_glyphs`` and ``numbered_bullet_pattern``."""
    glyphs = doc.strings("bullet_glyphs")
    for index, glyph in enumerate(glyphs):
        if len(glyph) != 1 or glyph.isspace() or glyph.isalnum():
            doc.fail(("bullet_glyphs", index), f"{glyph!r} is not a bullet glyph: write one character, "
                     "not a letter, digit or space")
    glyph_class = "[" + "".join(re.escape(glyph) for glyph in glyphs) + "]"
    numbered = doc.pattern("numbered_bullet_pattern").pattern
    return {
        "bullet": re.compile(rf"^\s*(?:{glyph_class}|{numbered})\s+", re.IGNORECASE),
        "glyph_bullet": re.compile(rf"^\s*(?:{glyph_class})\s+"),
    }
