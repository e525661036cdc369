"""Entity mentions, unknown-name candidates and co-occurrence relations.

:class:`EntityMatcher` compiles every name and alias of a knowledge base into one Aho-Corasick
automaton, built once. :func:`extract_mentions` scans an article's whole text once, keeps matches
on word boundaries ("Laos" not in "Laosian"; "China's", "Baogang-backed" and "China-ASEAN" still
match) and inside one sentence, prefers the leftmost-longest match ("China Rare Earth Group" beats
"China"), and returns columns of the ``mentions`` table with exact offsets into ``article.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
import pandas as pd

from .. import schema
from ..kb import ACTOR_TYPES, KnowledgeBase, fold, match_key, normalise_form, scan_form
from ..model import ParsedArticle, Sentence

Span = tuple[int, int, int]  # start, end, entity index
_WORD = re.compile(r"\w\w")  # matched at end - 1: the match would stop inside a word


@dataclass(frozen=True)
class EntityMatcher:
    """Compiled matcher over one knowledge base: one automaton for all names and aliases."""

    automaton: Any
    entity_ids: tuple[str, ...]
    entity_types: tuple[str, ...]
    kb_version: str

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> EntityMatcher:
        """Return a matcher compiled once from every name, alias and exact alias in ``kb``."""
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
        return cls(automaton, ids, types, kb.version)


class SentenceLocator:
    """Maps character spans of an article to the sentence that wholly contains them."""

    __slots__ = ("starts", "ends", "sentences")

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
_CONNECTOR = r"(?:of|and|for|the|de|du|da|van|von|der|&)"
_RUN = re.compile(rf"{_TOKEN}(?:{_SEP}(?:{_CONNECTOR}{_SEP}){{0,2}}{_TOKEN})*")
_GLUED = re.compile(r"[\w&'’\-]")
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{2,6}s?$")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_POSSESSIVE = re.compile(r"(?:['’]s?|[\-'’]+)$")

CONNECTORS = frozenset({"of", "and", "for", "the", "de", "du", "da", "van", "von", "der", "&"})
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
LEADING_STOP = frozenset(
    "the a an this that these those its it in on at by for from with as if but and or while when "
    "where why what how who which some any all both each every many most such our their his her we "
    "they he she i you your after before during although though however notably meanwhile globally "
    "together yet so also only since until under over into through despite according here there now "
    "today still even not no more less last next first second third key major other another per via "
    "mr mrs ms dr president premier chairman chairwoman minister secretary ceo spokesperson said says "
    "read see click share search spread submit leave join receive subscribe inspired source conclusion "
    "highlights disclaimer moderator".split()
)
GENERIC = frozenset(
    "group groups department ministry company companies corporation corp inc ltd co plc llc "
    "association council committee commission agency office bureau state states media party "
    "secretary chairman president ceo director minister management corporate national international "
    "global western chinese american european asian rare earth earths rare-earth element elements "
    "mining metal metals mineral minerals resource resources industry industries industrial supply "
    "chain chains market markets news report update daily conference cooperation summit forum "
    "initiative project projects development strategy strategic policy table contents highlights "
    "source comments comment reply critical security government region province city north south east "
    "west northern southern eastern central high-quality advanced technology technologies green "
    "research institute university exchange exchanges stock power energy material materials magnet "
    "magnets permanent oxide oxides production processing refining separation recycling economic trade "
    "commerce defense defence affairs act law regulation rules control controls export exports import "
    "imports quota quotas standard standards program programme plan fund bank capital investment "
    "investors partners holdings limited federal public private joint venture ventures signal real "
    "moves move future machine implications conclusion window action quiet strategic threat growing "
    "footprint deepens partnerships partnership expansion summary key r&d southeast northeast "
    "southwest northwest high-tech hi-tech new".split()
)
INSTITUTIONS = frozenset(
    "ministry department bank bureau association institute university commission council academy "
    "office republic federation union chamber exchange corporation agency administration board "
    "secretary minister state states kingdom school centre center college society organization "
    "organisation league alliance committee court house".split()
)
TITLE_NOISE = frozenset(
    "you your with its our into across beyond is are was be not how why what who to a an in on at by "
    "from as up out over than vs just this that these those it we they".split()
)
ACRONYM_STOP = frozenset(
    "MOU MOUS CEO CFO CTO COO GDP USD RMB CNY EUR AUD CAD JPY EVS EV AI ESG IPO ETF LLC LTD INC PLC "
    "FAQ PDF HTML URL NEWS FTA OEM OEMS API TBD ROI CAGR YOY QOQ CO2 AND THE FOR NOT NEW".split()
)


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
    noisy: dict[int, bool] = {}
    out: list[tuple[str, str]] = []
    for run in _RUN.finditer(text):
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
            noisy[index] = _is_noisy(locator.sentences[index])
        if not noisy[index]:
            sentence_id = locator.sentences[index].sentence_id
            out.extend((name, sentence_id) for name in _names(words))
    return out


def _masked(text: str, covered: list[tuple[int, int]]) -> str:
    """Return ``text`` with knowledge-base matches blanked out (same length), so runs stop there."""
    parts, pos = [], 0
    for start, end in covered:
        parts += [text[pos:start], "\x00" * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _is_noisy(sentence: Sentence) -> bool:
    """Return True for titles, headings and title-case lines without closing punctuation."""
    if sentence.block in ("title", "heading"):
        return True
    text = sentence.text.rstrip()
    if text.endswith((".", "?", "!", "”", '"', ":", ";", ")")):
        return False
    words = [w for w in _WORDS.findall(text) if w.lower() not in CONNECTORS and w.lower() not in LEADING_STOP]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _names(words: list[str]) -> list[str]:
    """Split one capitalised run at dates and at "of"/"for" not after an institution word."""
    segments: list[list[str]] = [[]]
    for word in words:
        lower = word.lower()
        if lower.strip(".,") in MONTHS:
            segments.append([])
        elif lower in ("of", "for") and (not segments[-1] or segments[-1][-1].lower() not in INSTITUTIONS):
            segments.append([])  # "Kazuo Tanaka of the Forum" is two names; "Ministry of Commerce" one
        else:
            segments[-1].append(word)
    return [name for segment in segments if (name := _clean_segment(segment))]


def _clean_segment(words: list[str]) -> str | None:
    """Return the name in ``words`` after trimming stop words, or None if it is not a name."""
    while words and (words[0].lower() in CONNECTORS or words[0].lower() in LEADING_STOP):
        words = words[1:]
    while words and words[-1].lower() in CONNECTORS:
        words = words[:-1]
    if not words:
        return None
    words = [*words[:-1], _POSSESSIVE.sub("", words[-1])]
    if any(w.lower() in TITLE_NOISE for w in words):
        return None
    capitals = [w for w in words if w[:1].isupper()]
    if len(capitals) >= 2:
        return " ".join(words) if any(w.lower() not in GENERIC for w in capitals) else None
    word = words[0]
    if len(words) != 1 or not _ACRONYM.match(word) or word in ACRONYM_STOP or _ROMAN.match(word):
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
    """Return the ``relations`` table: distinct actor pairs per sentence, source_id < target_id."""
    keys = ["article_id", "sentence_id"]
    actors = mentions.loc[mentions["entity_type"].isin(sorted(ACTOR_TYPES)), [*keys, "entity_id", "entity_type"]]
    actors = actors.drop_duplicates([*keys, "entity_id"])
    if actors.empty:
        return schema.empty("relations")
    pairs = actors.merge(actors, on=keys, suffixes=("_s", "_t"))
    pairs = pairs[pairs["entity_id_s"] < pairs["entity_id_t"]]
    pairs = pairs.sort_values([*keys, "entity_id_s", "entity_id_t"], kind="stable")
    return schema.frame(
        "relations",
        {
            "article_id": pairs["article_id"].tolist(),
            "sentence_id": pairs["sentence_id"].tolist(),
            "source_id": pairs["entity_id_s"].tolist(),
            "target_id": pairs["entity_id_t"].tolist(),
            "source_type": pairs["entity_type_s"].tolist(),
            "target_type": pairs["entity_type_t"].tolist(),
        },
    )
