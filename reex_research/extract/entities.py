"""Entity mentions of the knowledge base, and the names it lacks (candidates).

:class:`EntityMatcher` compiles every name and alias of a knowledge base into one Aho-Corasick
automaton, built once. :func:`extract_mentions` scans an article's whole text once, keeps matches
on word boundaries ("Laos" not in "Laosian", "US" not in the currency "US$"; "China's",
"Baogang-backed" and "China-ASEAN" still match) and inside one sentence, prefers the
leftmost-longest match ("China Rare Earth Group" beats "China"), and returns columns of the
``mentions`` table with exact offsets into ``article.text``.

:func:`extract_candidates` lists capitalised names and acronyms the knowledge base misses. Its word
lists (connectors, months, stop words, generic and institution words, common acronyms) are data:
``data/rules/candidates.yaml``, read by :func:`load_candidate_rules` into a :class:`CandidateRules`
that the matcher keeps. Nothing is read at import time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
import pandas as pd

from .. import paths, schema
from ..datafile import read_data_file
from ..errors import KnowledgeBaseError
from ..kb import (
    KnowledgeBase,
    fold,
    is_word_char,
    match_key,
    normalise_form,
    scan_form,
)
from ..model import ParsedArticle, Sentence, SentenceLocator

Found = tuple[int, int, int, int]  # start, end, entity index, sentence index

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
    institution_heads: frozenset[str]  # make a name of generic words when they end it: "European Investment Bank"
    title_noise: frozenset[str]  # a name never contains these: "Straight Into Your Inbox"
    acronym_stop: frozenset[str]  # acronyms that are not names: "CEO", "GDP"


_CASE_SENSITIVE = frozenset({"acronym_stop"})


def load_candidate_rules(path: Path | None = None) -> CandidateRules:
    """Return the candidate word lists read from ``path`` (default ``data/rules/candidates.yaml``)."""
    path = Path(path) if path is not None else paths.rules_dir() / CANDIDATE_RULES_FILE
    doc = read_data_file(path)
    keys = tuple(f.name for f in fields(CandidateRules))
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(path, f"expected a mapping with one word list per key ({', '.join(keys)}); "
                                 "see the bundled data/rules/candidates.yaml")
    doc.check_keys(allowed=keys)
    lists: dict[str, frozenset[str]] = {}
    for key in keys:
        values = doc.strings(key, name_item=False, expected="a list of words (write [] for an empty list)")
        spaced = [i for i, v in enumerate(values) if v != v.strip() or len(v.split()) != 1]
        if spaced:
            doc.fail((key,), f"entries {[values[i] for i in spaced]} are not single words; write one word per "
                     "entry, without spaces", at=(key, spaced[0]))
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
            automaton.add_word(key, (len(key) - 1, is_word_char(key[-1]), *_resolution(entries)))
        automaton.make_automaton()
        ids = tuple(entity.id for entity in kb.entities)
        types = tuple(entity.type for entity in kb.entities)
        return cls(automaton, ids, types, kb.version, candidates)

    def entity_id_of(self, name: str) -> str | None:
        """The id of the entity whose name or alias ``name`` is, matched as a scan would, or None."""
        entry = self.automaton.get(match_key(name, exact=False), None)
        if entry is None:
            return None
        _, _, checks, fallback = entry
        surface = normalise_form(name)
        for index, exact, folded in checks:
            if surface == exact or fold(surface) == folded:
                return self.entity_ids[index]
        return self.entity_ids[fallback] if fallback >= 0 else None


def _resolution(entries: list[tuple[int, str | None]]) -> tuple[tuple[tuple[int, str, str], ...], int]:
    """Return how a hit on one key picks its entity: ``(checks, fallback)``.

    ``checks`` lists ``(entity_index, exact_form, folded_exact_form)`` for exact-case forms, tried
    first and in order; ``fallback`` is the entity of the first case-insensitive form (-1 if none),
    taken when no check passes.
    """
    checks: list[tuple[int, str, str]] = []
    # exact-case forms first, then the first case-insensitive one; later entries can never win
    for index, exact in sorted(entries, key=lambda entry: entry[1] is None):
        if exact is None:
            return tuple(checks), index
        checks.append((index, exact, fold(exact)))
    return tuple(checks), -1


def _scan(article: ParsedArticle, matcher: EntityMatcher, locator: SentenceLocator) -> list[Found]:
    """Return ``(start, end, entity_index, sentence_index)`` for every kept match, in text order."""
    text = article.text
    n = len(text)
    starts, ends = locator.starts, locator.ends
    raw: list[tuple[int, int, int, int]] = []
    # keys start with a space, so every hit starts a word; check that it ends one, inside a sentence.
    # A key's last character is a word character exactly when the text's is (lower case and
    # folding keep it), so only a key ending in one needs a look at the character after the hit.
    for end, (length, in_word, checks, index) in matcher.automaton.iter(scan_form(text)):
        after = text[end] if end < n else ""
        if in_word and (after.isalnum() or after == "_" or after == "$"):
            continue  # inside a word, or a currency's prefix: "US$" names a currency, not the country
        start = end - length
        i = bisect_right(starts, start) - 1  # locator.locate, inline: it runs for every hit
        if i < 0 or end > ends[i]:
            continue
        if after == ":" and _TICKER_AFTER.match(text, end) or start < _CREDIT_REACH and _is_credit(text, start, end):
            continue  # an exchange before a ticker ("ASX: LYC"), a wire's credit ("SYDNEY, Oct 9 (Reuters) -")
        if checks:
            surface = text[start:end]
            for candidate, exact, folded in checks:
                if surface == exact or fold(surface) == folded:
                    index = candidate
                    break
        if index >= 0:
            raw.append((start, -end, index, i))
    raw.sort()
    kept: list[Found] = []
    last_end = -1
    for start, neg_end, index, i in raw:
        if start >= last_end:
            last_end = -neg_end
            kept.append((start, last_end, index, i))
    return kept


def _is_credit(text: str, start: int, end: int) -> bool:
    """True for a name in brackets before a dash near the start of a text: a wire's credit."""
    return start < _CREDIT_REACH and start > 0 and text[start - 1] == "(" and _CREDIT.match(text, end) is not None


_CREDIT_REACH = 200
"""A wire's credit starts before this offset."""


def extract_mentions(article: ParsedArticle, matcher: EntityMatcher) -> dict[str, list]:
    """Return columns of the ``mentions`` table for every knowledge-base match in ``article``."""
    locator = SentenceLocator.of(article)
    found = _scan(article, matcher, locator)
    starts, ends, indices, positions = (list(column) for column in zip(*found)) if found else ([], [], [], [])
    text, sentences, ids, types = article.text, locator.sentences, matcher.entity_ids, matcher.entity_types
    return {
        "article_id": [article.article_id] * len(found),
        "sentence_id": [sentences[i].sentence_id for i in positions],
        "entity_id": [ids[i] for i in indices],
        "entity_type": [types[i] for i in indices],
        "surface": [text[start:end] for start, end in zip(starts, ends)],
        "start": starts,
        "end": ends,
        "origin": ["kb"] * len(found),
        "evidence": [None] * len(found),
    }


# ---------------------------------------------------------------- candidates

_TOKEN = r"[A-ZÀ-ÖØ-Þ][A-Za-z0-9_À-ÖØ-öø-ÿ&'’\-]*"  # explicit classes: twice as fast as \w
_SEP = r"[ \t\u00a0]+"
_GLUED = re.compile(r"[\w&'’\-]")
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{2,6}s?$")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_POSSESSIVE = re.compile(r"(?:['’]s?|[\-'’]+)$")
_TICKER_AFTER = re.compile(r":\s?[A-Z0-9]{1,6}\b")
_CREDIT = re.compile(r"\)\s*(?:-{1,2}|[–—])")
# "ASX: ", "OTC:" at a word's start: the pattern starts with the capital, the boundary checked once
# one is found, so that a search skips to the capitals at once (several times faster)
_TICKER_BEFORE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{1,7}\s?:\s?$")
_DATELINE_AFTER = re.compile(r",|\s*\(|\s*--|\s+[-–—]\s")  # what follows a dateline's place


@lru_cache(maxsize=16)
def _run_pattern(connectors: frozenset[str]) -> re.Pattern[str]:
    """Return the regex of one capitalised run: words joined by at most two ``connectors`` at a time."""
    if not connectors:
        return re.compile(rf"{_TOKEN}(?:{_SEP}{_TOKEN})*")
    # connectors hold no spaces and are followed by one, so at most one alternative fits: order is free
    joined = "|".join(re.escape(word) for word in sorted(connectors, key=lambda word: (-len(word), word)))
    return re.compile(rf"{_TOKEN}(?:{_SEP}(?:(?:{joined}){_SEP}){{0,2}}{_TOKEN})*")


def extract_candidates(
    article: ParsedArticle, matcher: EntityMatcher, *, mentions: dict[str, list] | None = None,
    spans: list[NameSpan] | None = None,
) -> list[tuple[str, str]]:
    """Return ``(name, sentence_id)`` for capitalised names or acronyms the knowledge base misses.

    Pass the article's ``mentions`` columns (from :func:`extract_mentions`) to skip a second scan,
    or its :func:`candidate_spans` to skip both.
    """
    sentences = SentenceLocator.of(article).sentences
    if spans is None:
        spans = candidate_spans(article, matcher, mentions=mentions)
    return [(span.name, sentences[span.sentence].sentence_id) for span in spans if span.candidate]


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A capitalised name the knowledge base does not cover: where it is, and whether it is a
    candidate (single capitalised words, all-capital runs and dateline places are only for typing)."""

    start: int
    end: int
    name: str
    sentence: int  # index of its sentence
    candidate: bool


def candidate_spans(
    article: ParsedArticle, matcher: EntityMatcher, *, mentions: dict[str, list] | None = None
) -> list[NameSpan]:
    """Return the names :func:`extract_candidates` finds, and single capitalised words too ("Texas",
    "Lacaze"), all-capital runs and dateline places, in text order: what may name an actor the
    knowledge base lacks."""
    locator = SentenceLocator.of(article)
    covered: Iterable[tuple[int, int]]
    if mentions is None:
        covered = [(start, end) for start, end, _, _ in _scan(article, matcher, locator)]
    else:
        covered = zip(mentions["start"], mentions["end"])
    text = _masked(article.text, covered)
    rules = matcher.candidates
    read = _run_reader(rules)
    starts, sentences, locate = locator.starts, locator.sentences, locator.locate
    glued = _GLUED.match
    noisy: dict[int, bool] = {}
    out: list[NameSpan] = []
    for run in _run_pattern(rules.connectors).finditer(text):
        single, names = read(run.group())
        if not names:
            continue  # "The", "In": most runs hold no name at all
        start, end = run.span()
        if start > 0 and glued(text, start - 1) and not text.endswith("--", 0, start):
            continue  # a capital inside a word: "eBay" (a double hyphen is a dash: "WIRE)--Lynas")
        index = locate(start, end)
        if index < 0:
            continue  # not inside one sentence
        dateline = False
        if single:
            if _TICKER_BEFORE.search(article.text, max(0, start - 12), start):
                continue  # a ticker ("ASX: LYC")
            # the place of a dateline ("PERTH, Australia", "PERTH (AP) —") is no candidate
            dateline = start == starts[index] and _DATELINE_AFTER.match(article.text, end) is not None
        is_noisy = noisy.get(index)
        if is_noisy is None:
            is_noisy = noisy[index] = _is_noisy(sentences[index], rules)
        if not is_noisy:
            out.extend(NameSpan(start + first, start + last, name, index, candidate and not dateline)
                       for first, last, name, candidate in names)
    return out


_RunNames = tuple[tuple[int, int, str, bool], ...]
"""The names of one run: ``(start, end, name, candidate)``, offsets from the run's start."""


@lru_cache(maxsize=16)
def _run_reader(rules: CandidateRules) -> Callable[[str], tuple[bool, _RunNames]]:
    """:func:`_read_run` under ``rules``, remembered per run: a corpus repeats a few thousand runs
    ("The", "In", its companies' names) all the time. Looked up once per article, so that ``rules``
    is not hashed again for every run."""

    @lru_cache(maxsize=65536)
    def read(run: str) -> tuple[bool, _RunNames]:
        return _read_run(run, rules)

    return read


def _read_run(run: str, rules: CandidateRules) -> tuple[bool, _RunNames]:
    """Whether a capitalised run is one word, and the names :func:`_names` finds in it, each with
    its offsets in the run and whether it is a candidate (its sentence and context aside)."""
    words = run.split()
    single = len(words) == 1
    names = _names(words, rules, single_words=True)
    if not names:
        return single, ()
    # one capitalised word is no candidate (an acronym is), nor are capitals throughout: a dateline
    # or a wire's name ("LAS VEGAS", "BUSINESS WIRE"); of the names, those of one word are none either
    candidate = _ACRONYM.match(words[0]) is not None if single else not all(word.isupper() for word in words)
    offsets = [m.start() for m in _NON_BLANK.finditer(run)]
    return single, tuple(
        (offsets[first], offsets[last] + len(name.rsplit(" ", 1)[-1]), name,
         candidate and (" " in name or _ACRONYM.match(name) is not None))
        for name, first, last in names)


_NON_BLANK = re.compile(r"\S+")


def _masked(text: str, covered: Iterable[tuple[int, int]]) -> str:
    """Return ``text`` with knowledge-base matches blanked out (same length), so runs stop there."""
    parts: list[str] = []
    add = parts.append
    pos = 0
    for start, end in covered:
        add(text[pos:start])
        add("\x00" * (end - start))
        pos = end
    add(text[pos:])
    return "".join(parts)


def _is_noisy(sentence: Sentence, rules: CandidateRules) -> bool:
    """Return True for titles, headings and title-case lines without closing punctuation."""
    if sentence.block in ("title", "heading"):
        return True
    text = sentence.text.rstrip()
    if text.endswith((".", "?", "!", "”", '"', ":", ";", ")")):
        return False
    connectors, leading_stop = rules.connectors, rules.leading_stop
    words = [w for w in _WORDS.findall(text) if (lower := w.lower()) not in connectors and lower not in leading_stop]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _names(words: list[str], rules: CandidateRules, *, single_words: bool = False) -> list[tuple[str, int, int]]:
    """Split one capitalised run at dates and at split words ("of", "for") not after an institution word.

    Returns ``(name, first word, last word)`` with word indices into ``words``.
    """
    months, split_words, institutions = rules.months, rules.split_words, rules.institutions
    segments: list[list[int]] = [[]]
    kept = segments[0]
    previous: str | None = None
    for position, word in enumerate(words):
        lower = word.lower()
        if lower in split_words and (not kept or previous not in institutions) \
                or lower.strip(".,") in months:
            # "Kazuo Tanaka of the Forum" is two names; "Ministry of Commerce" one
            kept = []
            segments.append(kept)
            previous = None
        else:
            kept.append(position)
            previous = lower
    out = []
    for positions in segments:
        if positions:
            found = _clean_segment(words, positions, rules, single_words=single_words)
            if found is not None:
                out.append(found)
    return out


def _clean_segment(all_words: list[str], positions: list[int], rules: CandidateRules, *,
                   single_words: bool) -> tuple[str, int, int] | None:
    """Return ``(name, first, last)`` of the name at ``positions`` of ``all_words`` after trimming
    stop words, or None if it is not a name."""
    connectors, leading_stop = rules.connectors, rules.leading_stop
    lowered_all = [all_words[p].lower() for p in positions]
    first, last = 0, len(positions)
    while first < last and (lowered_all[first] in connectors or lowered_all[first] in leading_stop):
        first += 1
    while first < last and lowered_all[last - 1] in connectors:
        last -= 1
    if first == last:
        return None
    words = [all_words[p] for p in positions[first:last]]
    lowered = lowered_all[first:last]
    words[-1] = _POSSESSIVE.sub("", words[-1])
    lowered[-1] = words[-1].lower()
    if not words[-1]:
        return None
    title_noise = rules.title_noise
    if any(lower in title_noise for lower in lowered):
        return None
    span = (positions[first], positions[last - 1])
    capitals = [lower for word, lower in zip(words, lowered) if word[:1].isupper()]
    if len(capitals) >= 2:
        generic = rules.generic
        if any(lower not in generic for lower in capitals) or lowered[-1] in rules.institution_heads:
            return (" ".join(words), *span)
        return None
    word = words[0]
    if len(words) != 1:
        return None
    if _ACRONYM.match(word):
        if word in rules.acronym_stop or _ROMAN.match(word) or sum(ch.isalpha() for ch in word) < 3:
            return None
        return word, *span
    if single_words and word[:1].isupper() and lowered[0] not in rules.generic and len(word) > 2:
        return word, *span
    return None


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
