"""Entity mentions, unknown-name candidates and co-occurrence relations.

:class:`EntityMatcher` compiles every name and alias of a knowledge base into one Aho-Corasick
automaton, built once. :func:`extract_mentions` scans an article's whole text once, keeps matches
on word boundaries ("Laos" not in "Laosian"; "China's", "Baogang-backed" and "China-ASEAN" still
match) and inside one sentence, prefers the leftmost-longest match ("China Rare Earth Group" beats
"China"), and returns columns of the ``mentions`` table with exact offsets into ``article.text``.

:func:`extract_candidates` lists capitalised names and acronyms the knowledge base misses. Its word
lists (connectors, months, stop words, generic and institution words, common acronyms) are data:
``data/rules/candidates.yaml``, read by :func:`load_candidate_rules` into a :class:`CandidateRules`
that the matcher keeps. Nothing is read at import time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import combinations, groupby
from pathlib import Path
from typing import Any

import ahocorasick
import pandas as pd

from .. import paths, schema
from ..datafile import read_yaml
from ..errors import KnowledgeBaseError
from ..kb import ACTOR_TYPES, KnowledgeBase, fold, match_key, normalise_form, scan_form
from ..model import ParsedArticle, Sentence

Span = tuple[int, int, int]  # start, end, entity index
_WORD = re.compile(r"\w\w")  # matched at end - 1: the match would stop inside a word

CANDIDATE_RULES_FILE = "candidates.yaml"


@dataclass(frozen=True, slots=True)
class CandidateRules:
    """The word lists of the candidate-name heuristics (``data/rules/candidates.yaml``), as sets.

    Every list is lower case except ``acronym_stop``, which is compared exactly as written.
    """

    connectors: frozenset[str]  # may join the words of one name: "Ministry of Commerce"
    split_words: frozenset[str]  # split a run in two unless after an institution word
    months: frozenset[str]  # month and weekday names: a run is cut at them
    leading_stop: frozenset[str]  # trimmed from the start of a name: "The", "President"
    generic: frozenset[str]  # a name needs one capitalised word not in this list
    institutions: frozenset[str]  # keep a following "of"/"for" inside the name
    title_noise: frozenset[str]  # a name never contains these: "Straight Into Your Inbox"
    acronym_stop: frozenset[str]  # acronyms that are not names: "CEO", "GDP"


_CASE_SENSITIVE = frozenset({"acronym_stop"})


def load_candidate_rules(path: Path | None = None) -> CandidateRules:
    """Return the candidate word lists read from ``path`` (default ``data/rules/candidates.yaml``)."""
    path = Path(path) if path is not None else paths.rules_dir() / CANDIDATE_RULES_FILE
    data = read_yaml(path)
    keys = [f.name for f in fields(CandidateRules)]
    if not isinstance(data, dict):
        raise KnowledgeBaseError(path, f"expected a mapping with one word list per key ({', '.join(keys)}); "
                                 "see the bundled data/rules/candidates.yaml")
    unknown = [key for key in data if key not in keys]
    if unknown:
        raise KnowledgeBaseError(path, f"unknown key; check its spelling — allowed keys: {', '.join(keys)}",
                                 field=str(unknown[0]))
    lists: dict[str, frozenset[str]] = {}
    for key in keys:
        if key not in data:
            raise KnowledgeBaseError(path, "required word list is missing; add it (write [] for an "
                                     "empty list)", field=key)
        values = data[key]
        if not isinstance(values, list):
            got = "nothing" if values is None else type(values).__name__
            raise KnowledgeBaseError(path, f"expected a list of words, got {got} (write [] for an "
                                     "empty list)", field=key)
        wrong = [v for v in values if not isinstance(v, str)]
        if wrong:
            raise KnowledgeBaseError(path, f"entries {wrong} are not text; quote them: YAML reads "
                                     "unquoted no, off, yes, on as false/true and digits as numbers",
                                     field=key)
        spaced = [v for v in values if not v or v != v.strip() or len(v.split()) != 1]
        if spaced:
            raise KnowledgeBaseError(path, f"entries {spaced} are not single words; write one word "
                                     "per entry, without spaces", field=key)
        lists[key] = frozenset(values if key in _CASE_SENSITIVE else (v.lower() for v in values))
    return CandidateRules(**lists)


@dataclass(frozen=True)
class EntityMatcher:
    """Compiled matcher over one knowledge base: one automaton for all names and aliases.

    It also keeps the :class:`CandidateRules` that :func:`extract_candidates` reads.
    """

    automaton: Any
    entity_ids: tuple[str, ...]
    entity_types: tuple[str, ...]
    kb_version: str
    candidates: CandidateRules

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, candidates: CandidateRules | None = None) -> EntityMatcher:
        """Return a matcher compiled once from every name, alias and exact alias in ``kb``.

        ``candidates`` defaults to the bundled ``data/rules/candidates.yaml``, read now.
        """
        if candidates is None:
            candidates = load_candidate_rules()
        table: dict[str, list[tuple[int, str | None]]] = {}
        for index, entity in enumerate(kb.entities):
            for form, exact in entity.forms():
                entries = table.setdefault(match_key(form, exact=False), [])
                entry = (index, normalise_form(form) if exact else None)
                if entry not in entries:
                    entries.append(entry)
        automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            # case-insensitive entries last: an exact-case form is checked first
            ordered = sorted(entries, key=lambda entry: entry[1] is None)
            automaton.add_word(key, (len(key) - 1, tuple(ordered)))
        automaton.make_automaton()
        ids = tuple(entity.id for entity in kb.entities)
        types = tuple(entity.type for entity in kb.entities)
        return cls(automaton, ids, types, kb.version, candidates)


class SentenceLocator:
    """Maps character spans of an article to the sentence that wholly contains them."""

    __slots__ = ("ends", "sentences", "starts")

    def __init__(self, article: ParsedArticle) -> None:
        """Index the sentences of ``article`` by start offset."""
        sentences = article.sentences
        self.starts = [s.start for s in sentences]
        if any(a > b for a, b in zip(self.starts, self.starts[1:])):
            sentences = tuple(sorted(sentences, key=lambda s: s.start))
            self.starts = [s.start for s in sentences]
        self.sentences = sentences
        self.ends = [s.end for s in self.sentences]

    def locate(self, start: int, end: int) -> int:
        """Return the index of the sentence holding ``[start, end)``, or -1 if none does."""
        i = bisect_right(self.starts, start) - 1
        return i if i >= 0 and end <= self.ends[i] else -1


def ends_word(text: str, end: int) -> bool:
    """Return True if a match ending at ``end`` does not stop inside a word."""
    return end >= len(text) or _WORD.match(text, end - 1, end + 1) is None


def _scan(article: ParsedArticle, matcher: EntityMatcher, locator: SentenceLocator) -> list[tuple[Span, int]]:
    """Return ``((start, end, entity_index), sentence_index)`` for every kept match, in text order."""
    text = article.text
    n = len(text)
    starts, ends = locator.starts, locator.ends
    raw: list[tuple[int, int, int]] = []
    # keys start with a space, so every hit starts a word; check that it ends one, inside a sentence
    for end, (length, entries) in matcher.automaton.iter(scan_form(text)):
        if end < n and _WORD.match(text, end - 1, end + 1):  # inlined ends_word(): hot loop
            continue
        start = end - length
        i = bisect_right(starts, start) - 1
        if i < 0 or end > ends[i]:
            continue
        for index, exact in entries:
            if exact is None or text[start:end] == exact or fold(text[start:end]) == fold(exact):
                raw.append((start, -end, index))
                break
    kept: list[tuple[Span, int]] = []
    last_end = -1
    for start, neg_end, index in sorted(raw):
        if start >= last_end:
            last_end = -neg_end
            kept.append(((start, last_end, index), bisect_right(starts, start) - 1))
    return kept


def extract_mentions(article: ParsedArticle, matcher: EntityMatcher) -> dict[str, list]:
    """Return columns of the ``mentions`` table for every knowledge-base match in ``article``."""
    locator = SentenceLocator(article)
    found = _scan(article, matcher, locator)
    text, sentences = article.text, locator.sentences
    return {
        "article_id": [article.article_id] * len(found),
        "sentence_id": [sentences[i].sentence_id for _, i in found],
        "entity_id": [matcher.entity_ids[span[2]] for span, _ in found],
        "entity_type": [matcher.entity_types[span[2]] for span, _ in found],
        "surface": [text[span[0]:span[1]] for span, _ in found],
        "start": [span[0] for span, _ in found],
        "end": [span[1] for span, _ in found],
    }


# ---------------------------------------------------------------- candidates

_TOKEN = r"[A-ZÀ-ÖØ-Þ][A-Za-z0-9_À-ÖØ-öø-ÿ&'’\-]*"  # explicit classes: twice as fast as \w
_SEP = r"[ \t\u00a0]+"
_GLUED = re.compile(r"[\w&'’\-]")
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{2,6}s?$")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_POSSESSIVE = re.compile(r"(?:['’]s?|[\-'’]+)$")


@lru_cache(maxsize=16)
def _run_pattern(connectors: frozenset[str]) -> re.Pattern[str]:
    """Return the regex of one capitalised run: words joined by at most two ``connectors`` at a time."""
    if not connectors:
        return re.compile(rf"{_TOKEN}(?:{_SEP}{_TOKEN})*")
    # connectors hold no spaces and are followed by one, so at most one alternative fits: order is free
    joined = "|".join(re.escape(word) for word in sorted(connectors, key=lambda word: (-len(word), word)))
    return re.compile(rf"{_TOKEN}(?:{_SEP}(?:(?:{joined}){_SEP}){{0,2}}{_TOKEN})*")


def extract_candidates(
    article: ParsedArticle, matcher: EntityMatcher, *, mentions: dict[str, list] | None = None
) -> list[tuple[str, str]]:
    """Return ``(name, sentence_id)`` for capitalised names or acronyms the knowledge base misses.

    Pass the article's ``mentions`` columns (from :func:`extract_mentions`) to skip a second scan.
    """
    locator = SentenceLocator(article)
    if mentions is None:
        covered = [(s, e) for (s, e, _), _ in _scan(article, matcher, locator)]
    else:
        covered = list(zip(mentions["start"], mentions["end"]))
    text = _masked(article.text, covered)
    rules = matcher.candidates
    noisy: dict[int, bool] = {}
    out: list[tuple[str, str]] = []
    for run in _run_pattern(rules.connectors).finditer(text):
        start, end = run.span()
        words = run.group().split()
        if len(words) == 1 and not _ACRONYM.match(words[0]):
            continue  # one capitalised word is not a candidate
        if start > 0 and _GLUED.match(text, start - 1):
            continue  # a capital inside a word: "eBay"
        index = locator.locate(start, end)
        if index < 0:
            continue
        if index not in noisy:
            noisy[index] = _is_noisy(locator.sentences[index], rules)
        if not noisy[index]:
            sentence_id = locator.sentences[index].sentence_id
            out.extend((name, sentence_id) for name in _names(words, rules))
    return out


def _masked(text: str, covered: list[tuple[int, int]]) -> str:
    """Return ``text`` with knowledge-base matches blanked out (same length), so runs stop there."""
    parts, pos = [], 0
    for start, end in covered:
        parts += [text[pos:start], "\x00" * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _is_noisy(sentence: Sentence, rules: CandidateRules) -> bool:
    """Return True for titles, headings and title-case lines without closing punctuation."""
    if sentence.block in ("title", "heading"):
        return True
    text = sentence.text.rstrip()
    if text.endswith((".", "?", "!", "”", '"', ":", ";", ")")):
        return False
    connectors, leading_stop = rules.connectors, rules.leading_stop
    words = [w for w in _WORDS.findall(text) if w.lower() not in connectors and w.lower() not in leading_stop]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _names(words: list[str], rules: CandidateRules) -> list[str]:
    """Split one capitalised run at dates and at split words ("of", "for") not after an institution word."""
    months, split_words, institutions = rules.months, rules.split_words, rules.institutions
    segments: list[list[str]] = [[]]
    for word in words:
        lower = word.lower()
        if lower.strip(".,") in months:
            segments.append([])
        elif lower in split_words and (not segments[-1] or segments[-1][-1].lower() not in institutions):
            segments.append([])  # "Kazuo Tanaka of the Forum" is two names; "Ministry of Commerce" one
        else:
            segments[-1].append(word)
    return [name for segment in segments if (name := _clean_segment(segment, rules))]


def _clean_segment(words: list[str], rules: CandidateRules) -> str | None:
    """Return the name in ``words`` after trimming stop words, or None if it is not a name."""
    connectors, leading_stop = rules.connectors, rules.leading_stop
    while words and (words[0].lower() in connectors or words[0].lower() in leading_stop):
        words = words[1:]
    while words and words[-1].lower() in connectors:
        words = words[:-1]
    if not words:
        return None
    words = [*words[:-1], _POSSESSIVE.sub("", words[-1])]
    if any(w.lower() in rules.title_noise for w in words):
        return None
    capitals = [w for w in words if w[:1].isupper()]
    if len(capitals) >= 2:
        return " ".join(words) if any(w.lower() not in rules.generic for w in capitals) else None
    word = words[0]
    if len(words) != 1 or not _ACRONYM.match(word) or word in rules.acronym_stop or _ROMAN.match(word):
        return None
    return word if sum(ch.isalpha() for ch in word) >= 3 else None


def aggregate_candidates(rows: Sequence[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Return the ``candidates`` table from ``(article_id, name, sentence_id, sentence_text)`` rows."""
    counts: dict[str, int] = {}
    articles: dict[str, set[str]] = {}
    example: dict[str, tuple[str, str, str]] = {}
    for article_id, name, sentence_id, sentence_text in rows:
        counts[name] = counts.get(name, 0) + 1
        articles.setdefault(name, set()).add(article_id)
        current = example.get(name)
        if current is None or (article_id, sentence_id) < current[:2]:
            example[name] = (article_id, sentence_id, sentence_text)
    names = sorted(counts, key=lambda n: (-counts[n], n))
    return schema.frame(
        "candidates",
        {
            "name": names,
            "count": [counts[n] for n in names],
            "n_articles": [len(articles[n]) for n in names],
            "example_article_id": [example[n][0] for n in names],
            "example_sentence_id": [example[n][1] for n in names],
            "example_sentence": [example[n][2] for n in names],
        },
    )


# ---------------------------------------------------------------- relations


def relations_from_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """Return the ``relations`` table: distinct actor pairs per sentence, source_id < target_id.

    Rows are ordered by article, sentence, source and target.
    """
    columns = ("article_id", "sentence_id", "entity_id", "entity_type")
    return schema.frame("relations", relation_columns(zip(*(mentions[c].tolist() for c in columns))))


def relation_columns(mentions: Iterable[tuple[str, str, str, str]]) -> dict[str, list]:
    """Columns of the ``relations`` table from ``(article_id, sentence_id, entity_id, entity_type)``
    mention rows: every distinct pair of actors sharing a sentence, ordered as
    :func:`relations_from_mentions` documents."""
    rows = sorted({row for row in mentions if row[3] in ACTOR_TYPES})
    cols: dict[str, list] = {name: [] for name in schema.columns("relations")}
    for (article_id, sentence_id), group in groupby(rows, key=lambda row: row[:2]):
        found = [(entity_id, entity_type) for _, _, entity_id, entity_type in group]
        for (source, source_type), (target, target_type) in combinations(found, 2):
            cols["article_id"].append(article_id)
            cols["sentence_id"].append(sentence_id)
            cols["source_id"].append(source)
            cols["target_id"].append(target)
            cols["source_type"].append(source_type)
            cols["target_type"].append(target_type)
    return cols


def actors_by_sentence(mentions: Iterable[tuple[str, str, str]], names: dict[str, str]) -> dict[str, str]:
    """Canonical names of the actors of each sentence, sorted and joined by '; ', from
    ``(sentence_id, entity_id, entity_type)`` mention rows; ``names`` maps entity ids to names."""
    grouped: dict[str, set[str]] = {}
    for sentence_id, entity_id, entity_type in mentions:
        if entity_type in ACTOR_TYPES:
            grouped.setdefault(sentence_id, set()).add(names.get(entity_id, entity_id))
    return {sid: "; ".join(sorted(v)) for sid, v in grouped.items()}
